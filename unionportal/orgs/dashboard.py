"""The union founding figures (工会组建) of the six-function dashboard, for many subtrees at once.

Current members are read from the registry's rollup (``MemberCount``, one row per union, moved with every
write), never counted from the registry; new members since the campaign began are a range of
``joined_on`` (the registry's ``member_recent`` index keeps it a short range scan at a million rows);
unions founded are the approved founding applications of the campaign, kept at the upper union's path;
enterprises without a union are those of the subtree's townships with no union yet.
"""

from datetime import date, datetime, time

from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.reports.dashboard import campaign_period, weekly_points
from unionportal.reports.registry import Figure, Series, register_dashboard_provider, subtree_counts

from .enums import MemberStatus
from .models import Enterprise, FoundingApplication, Member
from .models_founding import FoundingState
from .models_members import MemberCount


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def founding_figures(paths) -> dict[str, list[Figure]]:
    """Per path: current members (rollup), new members, unions founded and enterprises without a union.
    Seven grouped queries per distinct path length, whatever the number of paths."""
    start, _end = campaign_period()
    rollup = MemberCount.objects.all()
    members = subtree_counts(rollup, paths, field="organisation__path", total=Sum("current"))
    as_of = subtree_counts(rollup, paths, field="organisation__path", total=Max("updated_at"))
    joined = subtree_counts(
        Member.objects.filter(joined_on__gte=start, status=MemberStatus.MEMBER), paths, field="org_path"
    )
    founded = subtree_counts(
        FoundingApplication.objects.filter(state=FoundingState.APPROVED, decided_at__gte=_start_of(start)),
        paths,
        field="org_path",
    )
    without = subtree_counts(
        Enterprise.objects.filter(union__isnull=True, is_active=True), paths, field="township__path"
    )
    members_url, targets_url = reverse("orgs:members"), reverse("orgs:founding_targets")
    return {
        path: [
            Figure(
                "founding", "orgs.members", _("在会会员"), members[path], as_of[path] or None, members_url
            ),
            Figure("founding", "orgs.new_members", _("活动以来新入会"), joined[path], url=members_url),
            Figure(
                "founding",
                "orgs.unions_founded",
                _("活动以来新建工会"),
                founded[path],
                url=reverse("orgs:founding"),
            ),
            Figure(
                "founding", "orgs.enterprises_without_union", _("未建会企业"), without[path], url=targets_url
            ),
        ]
        for path in paths
    }


def founding_trend(path: str, start: date, end: date) -> list[Series]:
    """Members joined each week of [start, end] in the subtree: one grouped query."""
    rows = (
        Member.objects.filter(org_path__startswith=path, joined_on__gte=start, joined_on__lte=end)
        .annotate(week=TruncWeek("joined_on"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("week", "n")
    )
    return [Series("orgs.new_members", str(_("每周新入会会员")), weekly_points(rows, start, end))]


def register() -> None:
    register_dashboard_provider("orgs", founding_figures, trend=founding_trend)
