"""Home-page to-dos for submitters: returned nominations to fix, drafts not yet submitted."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.reports.registry import Todo
from unionportal.selection.enums import State

from . import frontline
from .models import NominationWay
from .selectors import nominations_for
from .services import submitting_organisations


def awards_todos(user) -> list[Todo]:
    """Only for users who nominate for a union: the nominations of those unions waiting on them."""
    orgs = submitting_organisations(user)
    if not orgs.exists():
        return []
    now = timezone.now()
    mine = nominations_for(user).filter(organisation__in=orgs)
    # Public 最美一线职工 nominations wait for the union's confirmation on their own page, not as drafts.
    public_ways = Q(frontline__way__in=(NominationWay.SELF, NominationWay.OTHER))
    url = reverse("awards:list")
    pending = frontline.pending_confirmation(user).filter(consent_at__isnull=False).count()
    todos = [
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
            )
            .exclude(public_ways)
            .count(),
            f"{url}?state={State.DRAFT}",
            "info",
        ),
    ]
    if pending:
        # Listed while something waits: only unions that workers nominate through have this queue.
        todos.insert(
            0, Todo(_("待确认的最美一线职工推荐"), pending, reverse("awards:frontline_confirm"), "warning")
        )
    return todos
