"""The competitions' state paths, as tables of edges for the shared transition service.

    entrant:  submitted ─approve→ approved          submitted ─return→ returned ─resubmit→ submitted
    report:   draft/returned ─submit→ submitted ─check→ checked        submitted ─return→ returned
    winner:   proposed ─notice→ notice ─publish→ published

The registering union submits (and resubmits); the organiser's staff (or staff above the organiser)
approve, check, return and decide the winners.
"""

from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.audit.transitions import NOW, Edge, Workflow, transition
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Membership

from .enums import EntrantState as E
from .enums import ReportState as R
from .enums import WinnerState as W
from .models import Entrant, ScoreReport, Winner
from .selectors import access_entrant, access_report


def is_organiser_staff(actor, competition) -> bool:
    """Staff of the competition's organiser or above (the matrix's competition "review" row)."""
    return permissions.allows(actor, "competition", "review", competition)


def is_entering_union(actor, record) -> bool:
    """A submitter or staff member of the union that registered the entrant (its "change" row)."""
    return permissions.allows(actor, "competition_entry", "change", record)


def _entrant_organiser(actor, entrant: Entrant) -> bool:
    return is_organiser_staff(actor, entrant.competition)


def _report_organiser(actor, report: ScoreReport) -> bool:
    return is_organiser_staff(actor, report.entrant.competition)


def union_people(organisation_id: int) -> list:
    """The union's submitters and staff: who hears about its entrants and reports."""
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=organisation_id, is_active=True, role__in=[Role.SUBMITTER, Role.STAFF]
        ).select_related("user")
    ]


ENTRANT_APPROVED = register(
    "competitions.entrant.approved", subject=gettext_lazy("“%(name)s”的竞赛报名已通过：%(competition)s")
)
ENTRANT_RETURNED = register(
    "competitions.entrant.returned",
    subject=gettext_lazy("“%(name)s”的竞赛报名被退回：%(competition)s"),
    body=gettext_lazy("退回理由：%(comment)s"),
)
REPORT_CHECKED = register(
    "competitions.report.checked", subject=gettext_lazy("“%(name)s”第%(number)s期成绩已核查")
)
REPORT_RETURNED = register(
    "competitions.report.returned",
    subject=gettext_lazy("“%(name)s”第%(number)s期成绩被退回"),
    body=gettext_lazy("退回理由：%(comment)s"),
)


def tell_entrant_union(event: str):
    def notify(entrant: Entrant, actor, comment: str):
        return [
            Message(
                recipients=tuple(union_people(entrant.organisation_id)),
                event=event,
                params={"name": entrant.name, "competition": entrant.competition.title, "comment": comment},
                url=entrant.get_absolute_url(),
            )
        ]

    return notify


def tell_report_union(event: str):
    def notify(report: ScoreReport, actor, comment: str):
        return [
            Message(
                recipients=tuple(union_people(report.entrant.organisation_id)),
                event=event,
                params={"name": report.entrant.name, "number": report.period.number, "comment": comment},
                url=report.get_absolute_url(),
            )
        ]

    return notify


ENTRANT_WORKFLOW = Workflow(
    name="competitions.entrant",
    model=Entrant,
    access=lambda actor, pk, for_update=False: access_entrant(actor, pk, for_update=for_update),
    edges=[
        Edge(
            E.SUBMITTED, E.APPROVED, allowed=_entrant_organiser, notify=tell_entrant_union(ENTRANT_APPROVED)
        ),
        Edge(
            E.SUBMITTED,
            E.RETURNED,
            allowed=_entrant_organiser,
            needs_comment=True,
            notify=tell_entrant_union(ENTRANT_RETURNED),
        ),
        Edge(E.RETURNED, E.SUBMITTED, allowed=is_entering_union),
    ],
)

REPORT_WORKFLOW = Workflow(
    name="competitions.report",
    model=ScoreReport,
    access=lambda actor, pk, for_update=False: access_report(actor, pk, for_update=for_update),
    edges=[
        Edge(R.DRAFT, R.SUBMITTED, allowed=is_entering_union, sets={"submitted_at": NOW}),
        Edge(R.RETURNED, R.SUBMITTED, allowed=is_entering_union, sets={"submitted_at": NOW}),
        Edge(R.SUBMITTED, R.CHECKED, allowed=_report_organiser, notify=tell_report_union(REPORT_CHECKED)),
        Edge(
            R.SUBMITTED,
            R.RETURNED,
            allowed=_report_organiser,
            needs_comment=True,
            notify=tell_report_union(REPORT_RETURNED),
        ),
    ],
)


def _winner_access(actor, pk, for_update=False):
    from django.shortcuts import get_object_or_404

    from .selectors import competitions_for

    rows = Winner.objects.filter(competition__in=competitions_for(actor, "review")).select_related(
        "competition", "entrant", "title"
    )
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows, pk=pk)


def _winner_organiser(actor, winner: Winner) -> bool:
    return is_organiser_staff(actor, winner.competition)


WINNER_WORKFLOW = Workflow(
    name="competitions.winner",
    model=Winner,
    access=_winner_access,
    edges=[
        Edge(W.PROPOSED, W.NOTICE, allowed=_winner_organiser),
        Edge(W.NOTICE, W.PUBLISHED, allowed=_winner_organiser),
    ],
)


def entrant_transition(*, actor, entrant_id: int, to: str, comment: str = "", expected_from=None) -> Entrant:
    """Approve, return or resubmit a registration (scope 404, permission, audit, the union's notice)."""
    return transition(
        workflow=ENTRANT_WORKFLOW,
        pk=entrant_id,
        to=to,
        actor=actor,
        comment=comment,
        expected_from=expected_from,
    )


def report_transition(
    *, actor, report_id: int, to: str, comment: str = "", expected_from=None
) -> ScoreReport:
    """Submit, check or return a score report (scope 404, permission, audit, the union's notice)."""
    return transition(
        workflow=REPORT_WORKFLOW,
        pk=report_id,
        to=to,
        actor=actor,
        comment=comment,
        expected_from=expected_from,
    )
