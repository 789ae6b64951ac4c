from .models import AuditEvent


def events_for(user):
    """Audit events the user may read (their subtree), newest first; ``filters.AuditEventFilter``
    narrows them for the audit page."""
    return AuditEvent.objects.visible_to(user).select_related("content_type", "actor")


def actions_for(user) -> list[str]:
    return list(
        AuditEvent.objects.visible_to(user).order_by("action").values_list("action", flat=True).distinct()
    )
