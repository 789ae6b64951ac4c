"""Queueing and delivering notifications. Rows first, delivery after commit, a sweep for the rest."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Channel, Notification, Preference, Status
from .sms import send_sms

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Message:
    """What to tell whom; channels follow each recipient's preferences."""

    recipients: tuple
    event: str
    subject: str
    body: str = ""
    url: str = ""


def _channels_for(user, preferences: dict[int, Preference]) -> list[str]:
    preference = preferences.get(user.pk)
    channels = [Channel.INBOX]
    if user.email and (preference is None or preference.email):
        channels.append(Channel.EMAIL)
    if user.phone and preference is not None and preference.sms:
        channels.append(Channel.SMS)
    return channels


def queue(message: Message) -> list[Notification]:
    """Write the outbox rows now (inside the caller's transaction) and deliver them after commit."""
    recipients = list({u.pk: u for u in message.recipients if u is not None and u.is_active}.values())
    preferences = {p.user_id: p for p in Preference.objects.filter(user__in=recipients)}
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                channel=channel,
                event=message.event,
                subject=message.subject[:200],
                body=message.body,
                url=message.url[:300],
            )
            for user in recipients
            for channel in _channels_for(user, preferences)
        ]
    )
    ids = [row.pk for row in rows if row.pk is not None]
    if not ids:  # some backends do not return primary keys from bulk_create
        ids = list(
            Notification.objects.filter(event=message.event, recipient__in=recipients, status=Status.PENDING)
            .order_by("-id")
            .values_list("pk", flat=True)[: len(rows)]
        )
    transaction.on_commit(lambda: enqueue(ids))
    return rows


def enqueue(ids: list[int]) -> None:
    """Hand the rows to the broker; when it is down the rows stay pending for the sweep."""
    from .tasks import deliver

    for pk in ids:
        try:
            deliver.delay(notification_id=pk)
        except Exception:  # broker unreachable: the periodic sweep delivers it later
            logger.warning("could not enqueue notification %s; the sweep will deliver it", pk, exc_info=True)
            return


class DeliveryError(Exception):
    pass


def deliver(*, notification_id: int, now=None) -> bool:
    """Deliver one row once. Returns True when this call sent it; safe to call again or concurrently."""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, status=Status.PENDING)
            .first()
        )
        if row is None:
            return False
        try:
            if row.channel == Channel.EMAIL:
                text = f"{row.body}\n\n{settings.SITE_URL}{row.url}" if row.url else row.body
                send_mail(row.subject, text, None, [row.recipient.email])
            elif row.channel == Channel.SMS:
                send_sms(row.recipient.phone, row.subject)
        except Exception as exc:
            row.attempts += 1
            row.last_error = str(exc)[:300]
            row.status = Status.FAILED if row.attempts >= MAX_ATTEMPTS else Status.PENDING
            row.save(update_fields=["attempts", "last_error", "status"])
            failed = DeliveryError(f"notification {row.pk}: {exc}")
        else:
            row.status = Status.SENT
            row.sent_at = now or timezone.now()
            row.attempts += 1
            row.save(update_fields=["status", "sent_at", "attempts"])
            return True
    raise failed


def sweep(*, now) -> int:
    """Deliver rows still pending a minute after they were written (broker down, worker lost)."""
    due = Notification.objects.filter(
        status=Status.PENDING, created_at__lt=now - timedelta(minutes=1), attempts__lt=MAX_ATTEMPTS
    ).values_list("pk", flat=True)[:500]
    sent = 0
    for pk in list(due):
        try:
            sent += deliver(notification_id=pk, now=now)
        except DeliveryError:
            logger.warning("sweep could not deliver notification %s", pk, exc_info=True)
    return sent


def unread_count(user) -> int:
    return Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, status=Status.SENT, read_at__isnull=True
    ).count()


def inbox(user):
    return Notification.objects.filter(recipient=user, channel=Channel.INBOX, status=Status.SENT)


def mark_read(*, user, ids=None, now=None) -> int:
    rows = inbox(user).filter(read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=now or timezone.now())
