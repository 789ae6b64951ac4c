"""Queueing and delivering notifications. Rows first, delivery after commit, a sweep for the rest.

A message is an event with parameters, rendered from the event's template (``registry.py``) in each
recipient's language: once when the row is written (the stored subject and body), again when the inbox
shows it and when it is sent by e-mail or SMS.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from . import registry
from .models import Channel, Notification, Preference, Status
from .sms import send_sms

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@dataclass(frozen=True, kw_only=True)
class Message:
    """What to tell whom; channels and language follow each recipient's preferences.

    ``event`` names a registered template filled from ``params`` (data as typed: names, reasons; never
    translated text). An event without a template sends ``subject`` and ``body`` as given, in every
    recipient's language alike: for tests and one-off texts only.
    """

    recipients: tuple
    event: str
    params: dict = field(default_factory=dict)
    url: str = ""
    subject: str = ""
    body: str = ""

    def render(self, language: str) -> tuple[str, str]:
        if registry.is_registered(self.event):
            return registry.render(self.event, self.params, language)
        return self.subject, self.body

    def check(self) -> None:
        """Raise ValueError or TypeError for a message that cannot be rendered for its recipients."""
        if registry.is_registered(self.event):
            registry.check_params(self.event, self.params)
        elif self.params or not self.subject:
            raise ValueError(
                f"notification event {self.event!r} has no registered template: register one, "
                "or give a literal subject and no params"
            )


def _channels_for(user, preferences: dict[int, Preference]) -> list[str]:
    preference = preferences.get(user.pk)
    channels = [Channel.INBOX]
    if user.email and (preference is None or preference.email):
        channels.append(Channel.EMAIL)
    if user.phone and preference is not None and preference.sms:
        channels.append(Channel.SMS)
    return channels


def _language_of(preference: Preference | None) -> str:
    return preference.language if preference is not None else settings.LANGUAGE_CODE


def queue(message: Message) -> list[Notification]:
    """Write the outbox rows now (inside the caller's transaction) and deliver them after commit.

    Each row keeps the event's parameters and the recipient's language, and its subject and body
    rendered in that language. Raises ValueError or TypeError for a message that cannot be rendered
    (a programming error: nothing is written).
    """
    message.check()
    templated = registry.is_registered(message.event)
    recipients = list({u.pk: u for u in message.recipients if u is not None and u.is_active}.values())
    preferences = {p.user_id: p for p in Preference.objects.filter(user__in=recipients)}
    texts: dict[str, tuple[str, str]] = {}
    rows = []
    for user in recipients:
        language = _language_of(preferences.get(user.pk))
        if language not in texts:
            texts[language] = message.render(language)
        subject, body = texts[language]
        rows += [
            Notification(
                recipient=user,
                channel=channel,
                event=message.event,
                params=dict(message.params) if templated else None,
                language=language,
                subject=subject[:200],
                body=body,
                url=message.url[:300],
            )
            for channel in _channels_for(user, preferences)
        ]
    rows = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in rows if row.pk is not None]
    if not ids:  # some backends do not return primary keys from bulk_create
        ids = list(
            Notification.objects.filter(event=message.event, recipient__in=recipients, status=Status.PENDING)
            .order_by("-id")
            .values_list("pk", flat=True)[: len(rows)]
        )
    transaction.on_commit(lambda: enqueue(ids))
    return rows


def rendered(row: Notification, language: str | None = None) -> tuple[str, str]:
    """The subject and body of ``row`` in ``language`` (by default the row's own language).

    Rows without parameters (written before templates, or of an event without one) and rows whose
    parameters no longer fit their event's template show the subject and body stored with them.
    """
    if row.params is None or not registry.is_registered(row.event):
        return row.subject, row.body
    try:
        return registry.render(row.event, row.params, language or row.language)
    except (KeyError, ValueError, TypeError):
        logger.warning(
            "notification %s: its parameters do not fit the template of %s; the stored text is used",
            row.pk,
            row.event,
            exc_info=True,
        )
        return row.subject, row.body


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


# A row still ``sending`` this long after its attempt began was cut off (the task's hard time limit is
# six minutes, an SMTP exchange gives up after EMAIL_TIMEOUT): the sweep offers it again.
SENDING_STALE_AFTER = timedelta(minutes=10)
INTERRUPTED = "interrupted while sending (the worker stopped); it may have reached the recipient"


def _claim(notification_id: int, now) -> Notification | None:
    """Take a pending row for one attempt: count it and mark it before anything goes out.

    The row lock lasts only this short transaction and covers the notification alone (never the
    recipient's row); whoever finds the row no longer pending has nothing to do.
    """
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update().filter(pk=notification_id, status=Status.PENDING).first()
        )
        if row is None:
            return None
        row.attempts += 1
        row.attempted_at = now
        if row.channel == Channel.INBOX:  # nothing to send: the row is the message
            row.status, row.sent_at = Status.SENT, now
        else:
            row.status = Status.SENDING
        row.save(update_fields=["attempts", "attempted_at", "status", "sent_at"])
    return row


def deliver(*, notification_id: int, now=None) -> bool:
    """Deliver one row once. Returns True when this call sent it; safe to call again or concurrently.

    No transaction or lock is held while the mail or SMS gateway is talked to. A worker killed during
    the send leaves the row ``sending`` with the attempt counted; the sweep offers it again once it is
    SENDING_STALE_AFTER old (so such a message may arrive twice, never not at all). Raises DeliveryError
    when the gateway refused it (the row is pending again, or failed after MAX_ATTEMPTS).
    """
    now = now or timezone.now()
    row = _claim(notification_id, now)
    if row is None:
        return False
    if row.status == Status.SENT:
        return True
    # Rendered now, in the language the row was written for (the recipient's when it was queued).
    subject, body = rendered(row)
    sending = Notification.objects.filter(pk=row.pk, status=Status.SENDING)
    try:
        if row.channel == Channel.EMAIL:
            text = f"{body}\n\n{settings.SITE_URL}{row.url}" if row.url else body
            send_mail(subject, text, None, [row.recipient.email])
        elif row.channel == Channel.SMS:
            send_sms(row.recipient.phone, subject)
    except Exception as exc:
        status = Status.FAILED if row.attempts >= MAX_ATTEMPTS else Status.PENDING
        sending.update(status=status, last_error=str(exc)[:300])
        raise DeliveryError(f"notification {row.pk}: {exc}") from exc
    sending.update(status=Status.SENT, sent_at=now)
    return True


def sweep(*, now) -> int:
    """Deliver rows still pending a minute after they were written (broker down, worker lost).

    Rows cut off while sending (``sending`` for SENDING_STALE_AFTER) are pending again first, or failed
    once they have had MAX_ATTEMPTS.
    """
    stale = Notification.objects.filter(status=Status.SENDING, attempted_at__lt=now - SENDING_STALE_AFTER)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(status=Status.FAILED, last_error=INTERRUPTED)
    stale.update(status=Status.PENDING, last_error=INTERRUPTED)
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


# The unread count every signed-in page shows in the bar is kept in the shared cache at most this long;
# each change to an inbox (a message delivered, read or deleted: ``unread_changed``) drops it at once.
UNREAD_SECONDS = 60


def _unread_key(user_id: int) -> str:
    return f"inbox:unread:{user_id}"


def unread_count(user) -> int:
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(
            recipient=user, channel=Channel.INBOX, status=Status.SENT, read_at__isnull=True
        ).count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def unread_changed(*user_ids: int) -> None:
    """These users' inboxes changed: their unread counts are counted again, now and (inside a
    transaction) once more after it commits, so a page drawn in between from the old rows is not kept."""
    keys = [_unread_key(pk) for pk in set(user_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many(keys))


def inbox(user):
    return Notification.objects.filter(recipient=user, channel=Channel.INBOX, status=Status.SENT)


def display_language(user) -> str:
    """The language ``user`` reads notifications in now (their preference; the site's without one)."""
    return Preference.objects.filter(user=user).values_list("language", flat=True).first() or (
        settings.LANGUAGE_CODE
    )


def for_display(rows, *, language: str) -> list[Notification]:
    """``rows`` as a list, each with ``display_subject`` and ``display_body`` rendered in ``language``."""
    rows = list(rows)
    for row in rows:
        row.display_subject, row.display_body = rendered(row, language)
    return rows


def mark_read(*, user, ids=None, now=None) -> int:
    rows = inbox(user).filter(read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    marked = rows.update(read_at=now or timezone.now())
    unread_changed(user.pk)
    return marked
