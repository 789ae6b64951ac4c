"""Reads of competitions, always scoped (404 outside the user's reach)."""

from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404

from unionportal import fragments, permissions
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.orgs.scoping import membership_rows

from .enums import EntrantState, ReportState
from .models import Competition, Entrant, ScoreReport, ScoreValue

# Reports that count in a ranking: checked by the organiser.
COUNTED = (ReportState.CHECKED,)
# The fragment-cache topic of entrants and reports (apps.py follows their writes): the rankings kept in
# the shared cache are read under its versions at the competition's scope.
ENTRY_TOPIC = "competition_entry"


def competitions_for(user, action: str = "list"):
    return Competition.objects.visible_to(user, action)


def access_competition(user, pk, *, action: str = "open", for_update: bool = False) -> Competition:
    rows = competitions_for(user, action).select_related("theme", "organiser", "scope")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows, pk=pk)


def access_entrant(user, pk, *, action: str = "open", for_update: bool = False) -> Entrant:
    rows = Entrant.objects.visible_to(user, action).select_related(
        "competition__organiser", "organisation", "enterprise"
    )
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows, pk=pk)


def access_report(user, pk, *, action: str = "open", for_update: bool = False) -> ScoreReport:
    rows = ScoreReport.objects.visible_to(user, action).select_related(
        "entrant__competition__organiser", "entrant__organisation", "period"
    )
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows, pk=pk)


def entering_organisations(user, competition: Competition) -> list[Organisation]:
    """The grassroots unions inside the competition's scope for which ``user`` may register entrants."""
    roles = permissions.roles_for("competition_entry", "change")
    paths = [
        path
        for role, path in membership_rows(user)
        if role in roles and path.startswith(competition.scope_path)
    ]
    if not paths:
        return []
    return list(Organisation.objects.filter(path__in=paths, level=Level.GRASSROOTS).order_by("path"))


def entrants_of(user, competition: Competition):
    return (
        Entrant.objects.visible_to(user, "list")
        .filter(competition=competition)
        .select_related("organisation")
        .order_by("id")
    )


def reporting_entrants(user, competition: Competition):
    """The approved entrants of ``competition`` whose reports ``user`` files (and may import)."""
    if not permissions.may(user, "competition_entry", "import"):
        return Entrant.objects.none()
    return (
        Entrant.objects.visible_to(user, "change")
        .filter(competition=competition, state=EntrantState.APPROVED)
        .order_by("name")
    )


def my_entrants(user):
    return (
        Entrant.objects.visible_to(user, "change")
        .select_related("competition", "organisation")
        .order_by("-competition__starts_on", "id")
    )


def report_values(report: ScoreReport):
    return list(ScoreValue.objects.filter(report=report).select_related("indicator"))


def ranking(competition: Competition, *, period=None):
    """Approved entrants with their total over the checked reports (of ``period``, or all: cumulative),
    best first, aggregated in the database; ties share the order of registration."""
    counted = Q(reports__state__in=COUNTED)
    if period is not None:
        counted &= Q(reports__period=period)
    return (
        Entrant.objects.filter(competition=competition, state=EntrantState.APPROVED)
        .annotate(
            points=Sum("reports__total", filter=counted, default=0),
            reports_counted=Count("reports", filter=counted),
        )
        .select_related("organisation")
        .order_by("-points", "id")
    )


def standings(competition: Competition, *, period=None) -> list[tuple[int, object, int]]:
    """The ranking as (entrant id, points, reports counted), best first. Summing every checked report of
    5,000 entrants takes the database tens of milliseconds, and a ranking changes only when a report is
    checked or returned or an entrant approved, so it is summed once for everyone who may open the
    competition and kept in the shared cache until an entrant or report in its scope changes."""

    def compute():
        return list(ranking(competition, period=period).values_list("pk", "points", "reports_counted"))

    name = f"competition-ranking:{competition.pk}:{period.number if period is not None else 'all'}"
    return fragments.shared_value(name, ENTRY_TOPIC, [competition.scope_path], compute)


def period_totals(competition: Competition, entrant_ids) -> dict:
    """{entrant id: {period number: total}} of checked reports, one query (for the chart)."""
    rows = ScoreReport.objects.filter(
        entrant_id__in=list(entrant_ids), state__in=COUNTED, period__competition=competition
    ).values_list("entrant_id", "period__number", "total")
    found: dict = {}
    for entrant_id, number, total in rows:
        found.setdefault(entrant_id, {})[number] = total
    return found


def waiting_entrants(user):
    """Registrations waiting for the user as the organiser's staff (or staff above the organiser)."""
    return Entrant.objects.visible_to(user, "review").filter(
        state=EntrantState.SUBMITTED, competition__in=competitions_for(user, "review")
    )


def waiting_reports(user):
    return ScoreReport.objects.visible_to(user, "review").filter(
        state=ReportState.SUBMITTED, entrant__competition__in=competitions_for(user, "review")
    )
