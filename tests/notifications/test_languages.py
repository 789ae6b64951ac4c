"""Notifications are stored as an event with parameters and read in the recipient's language."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tests.factories import Role, make_user
from tests.selection.factories import nominate, world
from unionportal.notifications import services
from unionportal.notifications.models import Channel, Notification, Preference, Status
from unionportal.notifications.services import Message
from unionportal.notifications.sms import LocMemSmsBackend
from unionportal.selection import services as selection
from unionportal.selection.workflows import RETURNED

pytestmark = pytest.mark.django_db

# Han characters and full-width punctuation: none may appear in an English message except in what
# users typed.
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
NAME = "候选人1"
REASON = "材料不全，请补充单位推荐意见。"


def chinese_besides(text: str, *typed: str) -> list[str]:
    for value in typed:
        text = text.replace(value, "")
    return CHINESE.findall(text)


def deliver_pending():
    for pk in Notification.objects.filter(status=Status.PENDING).values_list("pk", flat=True):
        services.deliver(notification_id=pk)


def inbox_list(client, path="/en/inbox/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('id="inbox-list"')
    return page[start : page.index("</ul>", start)]


@pytest.fixture
def returned():
    """A nomination returned by the county reviewer; its union has an English- and a Chinese-reading
    submitter (both with e-mail; the English one also takes SMS)."""
    w = world()
    w.sub_en = make_user(
        "sub_en",
        org=w.tree["grassroots_a"],
        role=Role.SUBMITTER,
        email="en@example.org",
        phone="13800000021",
    )
    Preference.objects.create(user=w.sub_en, language="en", sms=True)
    w.sub_zh = make_user("sub_zh", org=w.tree["grassroots_a"], role=Role.SUBMITTER, email="zh@example.org")
    Preference.objects.create(user=w.sub_zh, language="zh-hans")
    w.candidacy = nominate(w, 1, submit=True)
    selection.send_back(actor=w.county_a, pks=[w.candidacy.pk], reason=REASON)
    deliver_pending()
    return w


def test_returning_a_nomination_tells_every_submitter_of_the_union(returned):
    rows = Notification.objects.filter(event=RETURNED, channel=Channel.INBOX)
    assert sorted(rows.values_list("recipient__username", flat=True)) == ["sub_a", "sub_en", "sub_zh"]
    assert set(rows.values_list("url", flat=True)) == {returned.candidacy.get_absolute_url()}


def test_rows_keep_the_parameters_as_typed_and_the_text_in_the_recipients_language(returned):
    en = Notification.objects.get(recipient=returned.sub_en, channel=Channel.INBOX)
    zh = Notification.objects.get(recipient=returned.sub_zh, channel=Channel.INBOX)
    assert en.params == zh.params == {"name": NAME, "comment": REASON}
    assert (en.language, en.subject, en.body) == (
        "en",
        f"“{NAME}” returned for revision",
        f"Reason for returning: {REASON}",
    )
    assert (zh.language, zh.subject, zh.body) == ("zh-hans", f"“{NAME}”被退回修改", f"退回理由：{REASON}")


def test_the_english_reader_gets_english_in_the_inbox_and_the_chinese_reader_chinese(client, returned):
    client.force_login(returned.sub_en)
    for path in ("/en/inbox/", "/inbox/"):  # the message follows the preference, whatever the page
        listing = inbox_list(client, path)
        assert f"“{NAME}” returned for revision" in listing
        assert f"Reason for returning: {REASON}" in listing
        assert chinese_besides(listing, NAME, REASON) == []

    client.force_login(returned.sub_zh)
    listing = inbox_list(client, "/inbox/")
    assert f"“{NAME}”被退回修改" in listing
    assert f"退回理由：{REASON}" in listing
    assert "returned for revision" not in listing


def test_the_english_reader_gets_english_by_email_and_sms(returned):
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"en@example.org", "zh@example.org"}
    link = f"http://127.0.0.1:8000{returned.candidacy.get_absolute_url()}"

    english = by_address["en@example.org"]
    assert english.subject == f"“{NAME}” returned for revision"
    assert english.body == f"Reason for returning: {REASON}\n\n{link}"
    assert chinese_besides(english.subject + english.body, NAME, REASON) == []

    chinese = by_address["zh@example.org"]
    assert chinese.subject == f"“{NAME}”被退回修改"
    assert chinese.body == f"退回理由：{REASON}\n\n{link}"

    assert LocMemSmsBackend.outbox == [("13800000021", f"【湖北省总工会】“{NAME}” returned for revision")]


def test_the_inbox_follows_a_changed_preference(client, returned):
    Preference.objects.filter(user=returned.sub_zh).update(language="en")
    client.force_login(returned.sub_zh)
    listing = inbox_list(client, "/inbox/")
    assert f"“{NAME}” returned for revision" in listing
    assert chinese_besides(listing, NAME, REASON) == []
    # The stored text stays as it was written.
    assert Notification.objects.get(recipient=returned.sub_zh, channel=Channel.INBOX).subject == (
        f"“{NAME}”被退回修改"
    )


def test_a_row_written_before_parameters_shows_and_sends_its_stored_text(client):
    user = make_user(email="old@example.org")
    Preference.objects.create(user=user, language="en")
    for channel in (Channel.INBOX, Channel.EMAIL):
        Notification.objects.create(
            recipient=user,
            channel=channel,
            event=RETURNED,
            subject="“候选人9”被退回修改",
            body="请补充材料",
            url="/home/",
        )
    deliver_pending()
    client.force_login(user)
    listing = inbox_list(client)
    assert "“候选人9”被退回修改" in listing and "请补充材料" in listing
    [email] = mail.outbox
    assert (email.subject, email.body) == ("“候选人9”被退回修改", "请补充材料\n\nhttp://127.0.0.1:8000/home/")


def test_parameters_that_no_longer_fit_the_template_show_the_stored_text(client):
    user = make_user()
    Notification.objects.create(
        recipient=user,
        channel=Channel.INBOX,
        status=Status.SENT,
        sent_at=timezone.now(),
        event=RETURNED,
        params={"title": "改过的模板参数"},
        subject="存下的标题",
        body="存下的内容",
    )
    client.force_login(user)
    listing = inbox_list(client)
    assert "存下的标题" in listing and "存下的内容" in listing


def test_a_message_refuses_parameters_that_are_not_plain_data():
    user = make_user()
    with pytest.raises(TypeError, match="'name'"):
        services.queue(
            Message(recipients=(user,), event=RETURNED, params={"name": gettext_lazy("名称"), "comment": ""})
        )
    with pytest.raises(ValueError, match="no registered template"):
        services.queue(Message(recipients=(user,), event="test.unregistered", params={"name": NAME}))
    assert not Notification.objects.exists()


def test_the_preferences_page_saves_the_language(client):
    user = make_user(email="a@example.org")
    client.force_login(user)
    page = client.get("/en/inbox/preferences/").content.decode()
    assert "Notification language" in page and '<option value="zh-hans" selected>' in page

    response = client.post("/en/inbox/preferences/", {"language": "en", "email": "on"})
    assert response.status_code == 302 and response["Location"] == "/en/inbox/"
    preference = Preference.objects.get(user=user)
    assert (preference.language, preference.email, preference.sms) == ("en", True, False)

    # A post without the language keeps the one chosen; an unknown one is refused.
    client.post("/inbox/preferences/", {"sms": "on"})
    preference.refresh_from_db()
    assert (preference.language, preference.email, preference.sms) == ("en", False, True)
    response = client.post("/inbox/preferences/", {"language": "fr"})
    assert response.status_code == 200
    preference.refresh_from_db()
    assert preference.language == "en"


def test_inbox_query_count_is_the_same_for_1_and_20_messages(client):
    user = make_user()
    Preference.objects.create(user=user, language="en")
    client.force_login(user)

    def add(n):
        for i in range(n):
            services.queue(
                Message(recipients=(user,), event=RETURNED, params={"name": f"候选人{i}", "comment": "理由"})
            )
        deliver_pending()

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            listing = inbox_list(client)
        assert listing.count("returned for revision") == Notification.objects.count()
        return len(context)

    add(1)
    one = queries()
    add(19)
    assert queries() == one
