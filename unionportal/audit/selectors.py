from datetime import datetime, time

from django.utils import timezone

from .models import AuditEvent


def events_for(user, *, actor: str = "", action: str = "", obj: str = "", date_from=None, date_to=None):
    """Audit events the user may read (their subtree), filtered; newest first."""
    rows = AuditEvent.objects.visible_to(user).select_related("content_type", "actor")
    if actor:
        rows = rows.filter(actor_label__icontains=actor)
    if action:
        rows = rows.filter(action__startswith=action)
    if obj:
        rows = rows.filter(object_repr__icontains=obj)
    tz = timezone.get_current_timezone()
    if date_from:
        rows = rows.filter(at__gte=timezone.make_aware(datetime.combine(date_from, time.min), tz))
    if date_to:
        rows = rows.filter(at__lte=timezone.make_aware(datetime.combine(date_to, time.max), tz))
    return rows


def actions_for(user) -> list[str]:
    return list(
        AuditEvent.objects.visible_to(user).order_by("action").values_list("action", flat=True).distinct()
    )
