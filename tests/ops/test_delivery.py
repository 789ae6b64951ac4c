"""Delivery holds no lock or transaction across the network call, and a send cut off midway shows."""

from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import make_user
from unionportal.notifications import services
from unionportal.notifications.models import Channel, Notification, Status
from unionportal.notifications.services import Message


class Killed(BaseException):
    """What a worker's SIGKILL looks like from inside: nothing after it runs."""


@pytest.fixture
def email_row(monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda ids: None)
    user = make_user("mail-receiver", email="receiver@example.org")
    services.queue(Message(recipients=(user,), event="test.ops", subject="通知标题", body="正文"))
    return Notification.objects.get(recipient=user, channel=Channel.EMAIL)


@pytest.mark.django_db
def test_a_send_cut_off_midway_leaves_a_sending_row_with_the_attempt_counted(email_row, monkeypatch):
    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(services, "send_mail", killed)
    started = timezone.now()
    with pytest.raises(Killed):
        services.deliver(notification_id=email_row.pk, now=started)
    row = Notification.objects.get(pk=email_row.pk)
    assert (row.status, row.attempts, row.attempted_at) == (Status.SENDING, 1, started)
    assert services.deliver(notification_id=row.pk) is False  # a redelivered task does not send it again

    monkeypatch.undo()
    services.sweep(now=started + timedelta(minutes=5))
    assert Notification.objects.get(pk=row.pk).status == Status.SENDING  # might still be on its way
    assert services.sweep(now=started + timedelta(minutes=11)) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)
    assert row.last_error == services.INTERRUPTED


@pytest.mark.django_db
def test_a_row_cut_off_on_its_last_attempt_is_failed(email_row, monkeypatch):
    Notification.objects.filter(pk=email_row.pk).update(
        status=Status.SENDING, attempts=services.MAX_ATTEMPTS, attempted_at=timezone.now()
    )
    services.sweep(now=timezone.now() + timedelta(minutes=11))
    row = Notification.objects.get(pk=email_row.pk)
    assert (row.status, row.last_error) == (Status.FAILED, services.INTERRUPTED)


@pytest.mark.django_db(transaction=True)
def test_nothing_is_locked_while_the_gateway_is_talked_to(email_row, monkeypatch):
    seen = {}

    def send_mail(subject, text, sender, recipients):
        seen["in_transaction"] = connection.in_atomic_block
        seen["status"] = Notification.objects.get(pk=email_row.pk).status
        if connection.vendor == "postgresql":
            # Another session may lock both the recipient and the row at once (NOWAIT raises if not).
            db = connection.settings_dict
            with psycopg.connect(
                host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
            ) as other:
                other.execute("SET lock_timeout = '1s'")
                other.execute(
                    "SELECT 1 FROM accounts_user WHERE id = %s FOR UPDATE NOWAIT", [email_row.recipient_id]
                )
                other.execute(
                    "SELECT 1 FROM notifications_notification WHERE id = %s FOR UPDATE NOWAIT", [email_row.pk]
                )
                seen["locks_free"] = True
        return 1

    monkeypatch.setattr(services, "send_mail", send_mail)
    assert services.deliver(notification_id=email_row.pk) is True
    assert seen["in_transaction"] is False
    assert seen["status"] == Status.SENDING
    if connection.vendor == "postgresql":
        assert seen["locks_free"] is True
    assert Notification.objects.get(pk=email_row.pk).status == Status.SENT


@pytest.mark.django_db
def test_a_refused_send_is_pending_again_with_the_error(email_row, monkeypatch):
    def refused(*args, **kwargs):
        raise OSError("550 mailbox unavailable")

    monkeypatch.setattr(services, "send_mail", refused)
    with pytest.raises(services.DeliveryError):
        services.deliver(notification_id=email_row.pk)
    row = Notification.objects.get(pk=email_row.pk)
    assert (row.status, row.attempts, row.last_error) == (Status.PENDING, 1, "550 mailbox unavailable")
