"""Home-page to-dos of founding a union: applications waiting for the upper union's staff, and the
applicant's own returned applications."""

from django.urls import reverse
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.reports.registry import Todo

from .founding import waiting_count
from .models_founding import FoundingApplication, FoundingState


def founding_todos(user) -> list[Todo]:
    """Founding applications waiting for the user's decision."""
    if not permissions.may(user, "founding_application", "review"):
        return []
    return [
        Todo(
            label=_("待审批的建会申请"),
            count=waiting_count(user),
            url=reverse("orgs:founding") + "?state=submitted",
            kind="warning",
        )
    ]


def founding_applicant_todos(user) -> list[Todo]:
    """An applicant's applications sent back with guidance (to edit and submit again)."""
    if not getattr(user, "is_authenticated", False):
        return []
    returned = list(
        FoundingApplication.objects.filter(applicant=user, state=FoundingState.RETURNED).values_list(
            "pk", flat=True
        )[:2]
    )
    if not returned:
        return []
    url = (
        reverse("orgs:my_founding_detail", args=[returned[0]])
        if len(returned) == 1
        else reverse("orgs:my_founding")
    )
    return [
        Todo(label=_("建会申请已退回指导，请修改后重新提交"), count=len(returned), url=url, kind="warning")
    ]
