"""Home-page to-dos for submitters: returned nominations to fix, drafts not yet submitted."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.reports.registry import Todo
from unionportal.selection.enums import State

from .selectors import nominations_for
from .services import submitting_organisations


def awards_todos(user) -> list[Todo]:
    """Only for users who nominate for a union: the nominations of those unions waiting on them."""
    orgs = submitting_organisations(user)
    if not orgs.exists():
        return []
    now = timezone.now()
    mine = nominations_for(user).filter(organisation__in=orgs)
    url = reverse("awards:list")
    return [
        Todo(
            _("退回修改的推荐"),
            mine.filter(state=State.RETURNED).count(),
            f"{url}?state={State.RETURNED}",
            "warning",
        ),
        Todo(
            _("尚未提交的推荐草稿"),
            mine.filter(
                state=State.DRAFT, programme__intake_opens_at__lte=now, programme__intake_closes_at__gt=now
            ).count(),
            f"{url}?state={State.DRAFT}",
            "info",
        ),
    ]
