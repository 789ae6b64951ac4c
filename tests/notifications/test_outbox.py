from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from tests.factories import make_user
from unionportal.notifications import services
from unionportal.notifications.models import Channel, Notification, Preference, Status
from unionportal.notifications.services import Message

pytestmark = pytest.mark.django_db


def message(*users, subject="您的推荐已被退回"):
    return Message(recipients=users, event="test.event", subject=subject, body="请补充材料", url="/home/")


@pytest.fixture
def no_enqueue():
    with mock.patch.object(services, "enqueue") as patched:
        yield patched


def test_rows_follow_each_recipients_preferences(no_enqueue):
    plain = make_user("plain")
    with_mail = make_user("with_mail", email="a@example.org")
    with_sms = make_user("with_sms", phone="13800000001")
    Preference.objects.create(user=with_sms, email=True, sms=True)
    opted_out = make_user("opted_out", email="b@example.org")
    Preference.objects.create(user=opted_out, email=False)

    services.queue(message(plain, with_mail, with_sms, opted_out, plain))

    rows = set(Notification.objects.values_list("recipient__username", "channel"))
    assert rows == {
        ("plain", "inbox"),
        ("with_mail", "inbox"),
        ("with_mail", "email"),
        ("with_sms", "inbox"),
        ("with_sms", "sms"),
        ("opted_out", "inbox"),
    }
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_rows_are_written_in_the_callers_transaction(django_capture_on_commit_callbacks):
    user = make_user()
    with mock.patch.object(services, "enqueue") as enqueue:
        with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                services.queue(message(user))
                raise RuntimeError("the change failed")
    assert Notification.objects.count() == 0
    enqueue.assert_not_called()


def test_delivery_runs_after_commit(django_capture_on_commit_callbacks):
    user = make_user(email="a@example.org")
    with mock.patch("unionportal.notifications.tasks.deliver.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.queue(message(user))
        delay.assert_not_called()
        for callback in callbacks:
            callback()
    assert delay.call_count == 2


def test_unreachable_broker_loses_nothing_and_the_sweep_delivers(
    django_capture_on_commit_callbacks, sms_outbox
):
    user = make_user(email="a@example.org")
    with mock.patch(
        "unionportal.notifications.tasks.deliver.delay", side_effect=OperationalError("Connection refused")
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.queue(message(user))  # must not raise: the caller's request succeeds
    assert Notification.objects.filter(status=Status.PENDING).count() == 2
    assert mail.outbox == []

    # Not yet due: rows written less than a minute ago are left to the task.
    assert services.sweep(now=timezone.now()) == 0
    assert services.sweep(now=timezone.now() + timedelta(minutes=2)) == 2
    assert Notification.objects.filter(status=Status.SENT).count() == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "您的推荐已被退回"
    # Running it again sends nothing more.
    assert services.sweep(now=timezone.now() + timedelta(minutes=3)) == 0
    assert len(mail.outbox) == 1


def test_delivering_twice_sends_once(no_enqueue):
    user = make_user(email="a@example.org")
    services.queue(message(user))
    email_row = Notification.objects.get(channel=Channel.EMAIL)
    assert services.deliver(notification_id=email_row.pk) is True
    assert services.deliver(notification_id=email_row.pk) is False
    assert len(mail.outbox) == 1
    email_row.refresh_from_db()
    assert email_row.status == Status.SENT and email_row.attempts == 1


def test_failed_sends_are_retried_then_given_up(no_enqueue, settings):
    settings.SMS_BACKEND = "tests.notifications.test_outbox.BrokenSms"
    user = make_user(phone="13800000002")
    Preference.objects.create(user=user, email=False, sms=True)
    services.queue(message(user))
    row = Notification.objects.get(channel=Channel.SMS)
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        with pytest.raises(services.DeliveryError):
            services.deliver(notification_id=row.pk)
        row.refresh_from_db()
        assert row.attempts == attempt
        assert row.last_error == "provider timeout"
    assert row.status == Status.FAILED
    services.sweep(now=timezone.now() + timedelta(minutes=5))  # delivers the inbox row only
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.attempts == services.MAX_ATTEMPTS


class BrokenSms:
    def send(self, phone, message):
        raise TimeoutError("provider timeout")


def test_inbox_lists_delivered_messages_and_marks_them_read(client, no_enqueue):
    user = make_user()
    services.queue(message(user, subject="活动报告已通过"))
    row = Notification.objects.get()
    client.force_login(user)
    assert "活动报告已通过" not in client.get("/inbox/").content.decode()  # not delivered yet

    services.deliver(notification_id=row.pk)
    page = client.get("/inbox/").content.decode()
    assert "活动报告已通过" in page
    assert '<span class="badge rounded-pill text-bg-light" id="inbox-unread">1</span>' in page

    response = client.post(f"/inbox/{row.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/home/"
    row.refresh_from_db()
    assert row.read_at is not None
    assert 'id="inbox-unread"' not in client.get("/inbox/").content.decode()


def test_someone_elses_message_is_404(client, no_enqueue):
    owner, other = make_user(), make_user()
    services.queue(message(owner))
    row = Notification.objects.get()
    services.deliver(notification_id=row.pk)
    client.force_login(other)
    assert client.post(f"/inbox/{row.pk}/open/").status_code == 404


def test_mark_all_read_and_preferences(client, no_enqueue):
    user = make_user(email="a@example.org")
    for n in range(3):
        services.queue(message(user, subject=f"通知{n}"))
    for row in Notification.objects.filter(channel=Channel.INBOX):
        services.deliver(notification_id=row.pk)
    client.force_login(user)
    response = client.post("/inbox/read-all/", follow=True)
    assert "已将 3 条消息标记为已读。" in response.content.decode()

    response = client.post("/inbox/preferences/", {"sms": "on"}, follow=True)
    assert "通知偏好已保存。" in response.content.decode()
    preference = Preference.objects.get(user=user)
    assert (preference.email, preference.sms) == (False, True)


def test_inbox_query_count_does_not_grow(client, no_enqueue, django_assert_max_num_queries):
    user = make_user()
    client.force_login(user)

    def fill(n):
        services.queue(message(*([user] * 1)))
        for row in Notification.objects.filter(status=Status.PENDING):
            services.deliver(notification_id=row.pk)

    fill(1)
    with django_assert_max_num_queries(8):
        client.get("/inbox/")
    for _ in range(25):
        fill(1)
    with django_assert_max_num_queries(8):
        client.get("/inbox/")


def test_the_unread_count_is_counted_once_and_again_when_the_inbox_changes(
    no_enqueue, django_assert_num_queries
):
    user = make_user()
    services.queue(message(user, subject="一"))
    services.queue(message(user, subject="二"))
    first, second = Notification.objects.order_by("id")
    assert services.unread_count(user) == 0  # queued, not delivered
    services.deliver(notification_id=first.pk)
    with django_assert_num_queries(1):
        assert services.unread_count(user) == 1
    with django_assert_num_queries(0):  # kept for the next pages
        assert services.unread_count(user) == 1
    services.deliver(notification_id=second.pk)
    assert services.unread_count(user) == 2
    services.mark_read(user=user, ids=[first.pk])
    assert services.unread_count(user) == 1
    Notification.objects.filter(pk=second.pk).get().delete()
    assert services.unread_count(user) == 0
