"""Home-page to-dos for submitters: an open 荆楚工匠 intake their union has not used yet, returned
recommendations to fix, drafts not yet submitted."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.reports.registry import Todo
from unionportal.selection.enums import State

from .selectors import open_craftsman_programmes, recommendations_for
from .services import submitting_organisations


def craftsmen_todos(user) -> list[Todo]:
    """Only for users who recommend for a union: the recommendations of those unions waiting on them."""
    orgs = submitting_organisations(user)
    if not orgs.exists():
        return []
    now = timezone.now()
    mine = recommendations_for(user).filter(organisation__in=orgs)
    url = reverse("craftsmen:list")
    unused = open_craftsman_programmes(now).exclude(candidacies__organisation__in=orgs)
    return [
        Todo(_("正在申报、本单位尚未推荐的荆楚工匠评选"), unused.count(), url, "info"),
        Todo(
            _("退回修改的荆楚工匠推荐"),
            mine.filter(state=State.RETURNED).count(),
            f"{url}?state={State.RETURNED}",
            "warning",
        ),
        Todo(
            _("尚未提交的荆楚工匠推荐草稿"),
            mine.filter(
                state=State.DRAFT, programme__intake_opens_at__lte=now, programme__intake_closes_at__gt=now
            ).count(),
            f"{url}?state={State.DRAFT}",
            "info",
        ),
    ]
