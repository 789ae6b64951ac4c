"""Home-page to-dos of workers (profile, joining, card) and of those who decide applications to join."""

from django.urls import reverse
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.reports.registry import Todo

from .enums import JoinState
from .models import JoinApplication, Member, WorkerProfile


def worker_todos(user) -> list[Todo]:
    """A signed-up worker's next step: the profile, then an application, then the card."""
    if not getattr(user, "phone_verified_at", None) or permissions.is_union_staff(user):
        return []
    if Member.objects.current().filter(user=user).exists():
        return [Todo(label=_("我的电子会员卡"), count=1, url=reverse("orgs:my_card"), kind="success")]
    if not WorkerProfile.objects.filter(user=user).exists():
        return [
            Todo(
                label=_("完善实名信息，申请加入工会"), count=1, url=reverse("orgs:my_profile"), kind="warning"
            )
        ]
    if JoinApplication.objects.filter(applicant=user, state=JoinState.SUBMITTED).exists():
        return [Todo(label=_("我的入会申请（待工会审核）"), count=1, url=reverse("orgs:my_joining"))]
    return [Todo(label=_("申请加入工会"), count=1, url=reverse("orgs:my_joining"), kind="warning")]


def joining_todos(user) -> list[Todo]:
    """Applications to join waiting for the user's decision."""
    if not permissions.may(user, "join_application", "review"):
        return []
    count = JoinApplication.objects.visible_to(user, "review").filter(state=JoinState.SUBMITTED).count()
    return [Todo(label=_("待审核的入会申请"), count=count, url=reverse("orgs:joining"), kind="warning")]
