"""Writing audit events, revealing masked personal data with a reason, and retention."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import current_client_ip
from .models import AuditEvent

REVEAL_ACTION = "personal_data.reveal"


def org_path_of(obj) -> str:
    """The organisation path an object is scoped by: its ``audit_org_path`` or its organisation's path."""
    if obj is None:
        return ""
    if hasattr(obj, "audit_org_path"):
        return obj.audit_org_path() or ""
    path = getattr(obj, "path", None)
    if isinstance(path, str) and hasattr(obj, "steplen"):
        return path
    organisation = getattr(obj, "organisation", None)
    return getattr(organisation, "path", "") or ""


def record(
    *,
    actor,
    action: str,
    obj=None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changes: dict | None = None,
    org_path: str | None = None,
    at=None,
) -> AuditEvent:
    """Write one audit event (call inside the transaction of the change it describes)."""
    return AuditEvent.objects.create(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(actor.get_username() if getattr(actor, "pk", None) else "")[:150],
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        org_path=org_path if org_path is not None else org_path_of(obj),
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        comment=comment,
        changes=changes or {},
        client_ip=current_client_ip(),
    )


def field_changes(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value changed, as JSON-safe strings."""
    return {k: [str(before.get(k)), str(after.get(k))] for k in after if before.get(k) != after.get(k)}


def reveal(*, actor, obj, field: str, reason: str) -> str:
    """Return the unmasked value of ``obj.<field>`` and log who saw it, when and why.

    The caller must already have checked that ``actor`` may see ``obj`` (scope). A reason of fewer than
    four characters (after trimming) is refused with ValidationError.
    """
    reason = (reason or "").strip()
    if len("".join(reason.split())) < 4:
        raise ValidationError(_("请说明查看完整信息的理由（至少 4 个字）。"))
    record(actor=actor, action=REVEAL_ACTION, obj=obj, comment=reason, changes={"field": field})
    return getattr(obj, field) or ""


def purge_older_than(*, days: int, now=None) -> int:
    """Delete events older than ``days``; never fewer than the configured minimum retention."""
    minimum = settings.AUDIT_RETENTION_DAYS
    if days < minimum:
        raise ValueError(f"audit events are kept at least {minimum} days")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _rows = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
