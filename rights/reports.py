"""Figures of rights protection: the dashboard provider and trend, the statistics page.

Figures count a request where its employer is (``origin_path``: the union it was first routed to), so
a request escalated to the county still counts in the township it came from."""

from datetime import date, timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import Substr, TruncWeek
from django.urls import reverse
from django.utils.translation import gettext as _

from unionportal.reports.registry import Figure, Series, subtree_counts

from .enums import OPEN_STATES, RequestKind, RequestState
from .models import RightsRequest

OPEN_Q = Q(state__in=OPEN_STATES)
IN_TIME_Q = Q(state=RequestState.CONCLUDED, concluded_late=False)
LATE_Q = Q(state=RequestState.CONCLUDED, concluded_late=True) | (OPEN_Q & Q(overdue_at__isnull=False))


def dashboard_figures(paths) -> dict[str, list[Figure]]:
    """For each path: requests open, concluded in time, concluded late or overdue (three grouped queries
    per distinct path length, whatever the number of paths)."""
    rows = RightsRequest.objects.all()
    open_ = subtree_counts(rows.filter(OPEN_Q), paths, field="origin_path")
    in_time = subtree_counts(rows.filter(IN_TIME_Q), paths, field="origin_path")
    late = subtree_counts(rows.filter(LATE_Q), paths, field="origin_path")
    url = reverse("rights:stats")
    return {
        path: [
            Figure("rights", "rights.open", _("办理中的维权申请"), open_[path], url=url),
            Figure("rights", "rights.in_time", _("按期办结"), in_time[path], url=url),
            Figure("rights", "rights.late", _("逾期办结或逾期未办"), late[path], url=url),
        ]
        for path in paths
    }


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def dashboard_trend(path: str, start: date, end: date) -> list[Series]:
    """Requests filed per week over [start, end] in the subtree (one query)."""
    counts = dict(
        RightsRequest.objects.filter(
            origin_path__startswith=path, filed_at__date__gte=start, filed_at__date__lte=end
        )
        .annotate(week=TruncWeek("filed_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("week", "n")
    )
    by_day = {(w.date() if hasattr(w, "date") else w): n for w, n in counts.items()}
    points, week = [], monday(start)
    while week <= end:
        points.append((week, by_day.get(week, 0)))
        week += timedelta(days=7)
    return [Series(key="rights.filed", label=_("提交的维权申请"), points=tuple(points))]


def statistics(organisation, children) -> dict:
    """The statistics of ``organisation``'s subtree: by kind, by outcome, and by child organisation
    (region) with open / in time / late / rating (four queries)."""
    rows = RightsRequest.objects.filter(origin_path__startswith=organisation.path)
    totals = rows.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=OPEN_Q),
        in_time=Count("pk", filter=IN_TIME_Q),
        late=Count("pk", filter=LATE_Q),
        rating=Avg("rating"),
    )
    by_kind = dict(rows.values("kind").annotate(n=Count("pk")).order_by().values_list("kind", "n"))
    by_outcome = dict(
        rows.filter(state=RequestState.CONCLUDED)
        .values("outcome")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("outcome", "n")
    )
    regions = []
    if children:
        length = len(children[0].path)
        grouped = {
            row["_region"]: row
            for row in rows.filter(
                Q.create([("origin_path__startswith", c.path) for c in children], connector=Q.OR)
            )
            .annotate(_region=Substr("origin_path", 1, length))
            .values("_region")
            .annotate(
                total=Count("pk"),
                open=Count("pk", filter=OPEN_Q),
                in_time=Count("pk", filter=IN_TIME_Q),
                late=Count("pk", filter=LATE_Q),
                rating=Avg("rating"),
            )
            .order_by()
        }
        empty = {"total": 0, "open": 0, "in_time": 0, "late": 0, "rating": None}
        regions = [(child, grouped.get(child.path, empty)) for child in children]
    own = totals["total"] - sum(row["total"] for _c, row in regions)
    return {
        "totals": totals,
        "kinds": [(label, by_kind.get(value, 0)) for value, label in RequestKind.choices],
        "outcomes": by_outcome,
        "regions": regions,
        "own": own,
    }
