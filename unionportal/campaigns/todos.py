"""Home-page "waiting for you" items: milestones of the user's own organisation, activity reports."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.reports.registry import Todo

from .enums import ReportState
from .models import ActivityReport
from .selectors import current_campaign, is_reviewer, pending_milestones_for, review_queue


def milestones_todo(user) -> list[Todo]:
    """Milestones due within 14 days, or overdue, that the user's own staff organisation has not done."""
    today = timezone.localdate()
    pairs = pending_milestones_for(user, today=today)
    overdue = sum(1 for m, _org in pairs if m.due_on < today)
    url = reverse("campaigns:index")
    return [
        Todo(label=_("已逾期、本单位尚未完成的工作节点"), count=overdue, url=url, kind="danger"),
        Todo(
            label=_("14 天内到期、本单位尚未完成的工作节点"),
            count=len(pairs) - overdue,
            url=url,
            kind="warning",
        ),
    ]


def activity_reports_todo(user) -> list[Todo]:
    """Reviewers: submitted reports below them; reporting unions: their returned reports."""
    items = []
    if is_reviewer(user):
        items.append(
            Todo(
                label=_("待审核的基层活动报告"),
                count=review_queue(user, current_campaign()).count(),
                url=reverse("campaigns:review"),
                kind="info",
            )
        )
    returned = ActivityReport.objects.filter(created_by=user, state=ReportState.RETURNED).count()
    if returned:
        items.append(
            Todo(
                label=_("被退回修改的活动报告"),
                count=returned,
                url=reverse("campaigns:reports"),
                kind="warning",
            )
        )
    return items
