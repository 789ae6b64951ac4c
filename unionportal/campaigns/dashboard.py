"""The business-management figures (业务管理) of the six-function dashboard: the May Day activities the
grassroots unions reported in the current campaign, and their weekly trend."""

from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionportal.reports.dashboard import weekly_points
from unionportal.reports.registry import Figure, Series, register_dashboard_provider, subtree_counts

from .enums import ReportState
from .models import ActivityReport

# Reported: sent up (waiting) or accepted; drafts and returned reports are the union's own work.
REPORTED = (ReportState.SUBMITTED, ReportState.ACCEPTED)


def _reports():
    return ActivityReport.objects.filter(campaign__is_current=True, state__in=REPORTED)


def activity_figures(paths) -> dict[str, list[Figure]]:
    """Per path: activities reported and accepted in the current campaign, one grouped query each per
    distinct path length."""
    reported = subtree_counts(_reports(), paths, field="organisation__path")
    accepted = subtree_counts(
        _reports().filter(state=ReportState.ACCEPTED), paths, field="organisation__path"
    )
    url = reverse("campaigns:report_overview")
    return {
        path: [
            Figure("management", "campaigns.activities", _("上报基层活动"), reported[path], url=url),
            Figure("management", "campaigns.activities_accepted", _("已采用活动"), accepted[path], url=url),
        ]
        for path in paths
    }


def activity_trend(path: str, start: date, end: date) -> list[Series]:
    """Activities reported per week of their date over [start, end]: one grouped query."""
    rows = (
        _reports()
        .filter(organisation__path__startswith=path, date__gte=start, date__lte=end)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("week", "n")
    )
    return [Series("campaigns.activities", str(_("每周上报基层活动")), weekly_points(rows, start, end))]


def register() -> None:
    register_dashboard_provider("campaigns", activity_figures, trend=activity_trend)
