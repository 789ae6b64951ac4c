from django.urls import reverse
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.reports.registry import Todo

from .enums import HouseholdState
from .models import PlanItem, YearlyReview
from .selectors import households_for


def assistance_todos(user) -> list[Todo]:
    """Cadres and staff: households waiting for a home visit, plan steps due, yearly reviews open."""
    if not permissions.may(user, "household", "list"):
        return []
    households = households_for(user)
    mine = households.filter(cadre=user)
    from django.utils import timezone

    today = timezone.localdate()
    staff_steps = []
    if permissions.reaches(user, "household", "review", permissions.SUBTREE):
        waiting = households.filter(
            state__in=[HouseholdState.VERIFIED, HouseholdState.APPRAISED, HouseholdState.NOTICED]
        ).count()
        staff_steps.append(
            Todo(_("待评议、公示或建档的困难家庭"), waiting, reverse("assistance:households"), "warning")
        )
    return [
        *staff_steps,
        Todo(
            _("待入户核实的困难家庭"),
            mine.filter(state=HouseholdState.APPLIED).count(),
            reverse("assistance:households") + "?state=applied",
            "warning",
        ),
        Todo(
            _("到期未完成的帮扶计划"),
            PlanItem.objects.filter(
                household__in=mine, done_on__isnull=True, follow_up_on__lte=today
            ).count(),
            reverse("assistance:households"),
            "warning",
        ),
        Todo(
            _("待完成的年度复核"),
            YearlyReview.objects.filter(household__in=mine, done_on__isnull=True).count(),
            reverse("assistance:households"),
            "info",
        ),
    ]
