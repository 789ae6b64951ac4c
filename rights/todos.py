from django.urls import reverse
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.reports.registry import Todo

from .enums import OPEN_STATES, RequestState
from .selectors import flags_for, requests_for


def rights_todos(user) -> list[Todo]:
    """Requests waiting for acceptance and overdue ones, in the user's queue."""
    if not permissions.may(user, "rights_request", "change"):
        return []
    rows = requests_for(user, "change")
    url = reverse("rights:queue")
    return [
        Todo(
            _("逾期的维权申请"),
            rows.filter(state__in=OPEN_STATES, overdue_at__isnull=False).count(),
            url + "?overdue=1",
            "danger",
        ),
        Todo(
            _("待受理的维权申请"),
            rows.filter(state=RequestState.SUBMITTED).count(),
            url + "?state=submitted",
            "warning",
        ),
    ]


def flagged_enterprise_todos(user) -> list[Todo]:
    """Enterprises flagged for repeated requests, for the people of assistance and bargaining (the
    matrix says who: those who may list assisted enterprises or bargaining offers)."""
    if not (
        permissions.may(user, "drive_enterprise", "list") or permissions.may(user, "bargaining_offer", "list")
    ):
        return []
    if not permissions.may(user, "rights_flag", "list"):
        return []
    n = flags_for(user).count()
    return [Todo(_("%(n)d 家企业因维权申请集中被标记") % {"n": n}, n, reverse("rights:flags"), "warning")]
