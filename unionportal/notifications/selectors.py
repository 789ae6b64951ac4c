"""Reads of the outbox for operators."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from .models import Notification, Status


@dataclass(frozen=True)
class OutboxState:
    pending: int  # written, not yet delivered (waiting for a worker or a retry)
    oldest_pending_age: float | None  # seconds since the oldest pending row was written
    sending: int  # handed to the gateway and not answered yet (for long: cut off mid-send)
    failed: int  # given up on after the last attempt


def outbox_state(*, now: datetime) -> OutboxState:
    """The backlog and failures of the outbox (index range scans on (status, created_at))."""
    pending = Notification.objects.filter(status=Status.PENDING).aggregate(
        n=Count("id"), oldest=Min("created_at")
    )
    oldest = pending["oldest"]
    return OutboxState(
        pending=pending["n"],
        oldest_pending_age=round((now - oldest).total_seconds(), 1) if oldest is not None else None,
        sending=Notification.objects.filter(status=Status.SENDING).count(),
        failed=Notification.objects.filter(status=Status.FAILED).count(),
    )
