from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.audit.models import AuditEvent
from unionportal.audit.services import REVEAL_ACTION
from unionportal.orgs.models import Membership, Organisation

from .registry import Todo


def unions_without_account(user) -> list[Todo]:
    """Staff: unions in their subtree where nobody can sign in yet (coverage)."""
    if not permissions.may(user, "organisation", "list"):
        return []
    members = Membership.objects.active().filter(organisation=OuterRef("pk"))
    count = Organisation.objects.visible_to(user).filter(is_active=True).exclude(Exists(members)).count()
    return [Todo(label=_("尚未开通账户的工会"), count=count, url=reverse("coverage"), kind="warning")]


def recent_reveals(user) -> list[Todo]:
    """Staff: personal data revealed in their subtree in the last seven days (audit)."""
    if not permissions.may(user, "audit_event", "list"):
        return []
    since = timezone.now() - timedelta(days=7)
    count = AuditEvent.objects.visible_to(user).filter(action=REVEAL_ACTION, at__gte=since).count()
    return [
        Todo(
            label=_("近7天查看完整个人信息的记录"),
            count=count,
            url=reverse("audit:events") + f"?action={REVEAL_ACTION}",
            kind="info",
        )
    ]
