import time

import pytest
from django.contrib.messages import get_messages

from tests.factories import make_user

pytestmark = pytest.mark.django_db

IDLE = 600


@pytest.fixture(autouse=True)
def _idle_limit(settings):
    settings.STAFF_SESSION_IDLE_SECONDS = IDLE


def sign_in_last_seen(client, user, seconds_ago):
    client.force_login(user)
    session = client.session
    session["staff_last_seen"] = int(time.time()) - seconds_ago
    session.save()


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_idle_staff_user_is_signed_out_and_sent_to_login_with_the_message(client):
    sign_in_last_seen(client, make_user("clerk", is_staff=True), IDLE + 5)

    resp = client.get("/home/")
    assert resp.status_code == 302
    assert resp["Location"] == "/accounts/login/?next=/home/"
    assert signed_in_as(client) is None
    assert [str(m) for m in get_messages(resp.wsgi_request)] == ["您长时间未操作，登录已过期，请重新登录。"]

    resp = client.get(resp["Location"])
    assert resp.status_code == 200
    assert "您长时间未操作，登录已过期，请重新登录。" in resp.content.decode()


def test_idle_staff_message_in_english(client):
    sign_in_last_seen(client, make_user("clerk", is_staff=True), IDLE + 5)
    resp = client.get("/en/home/", follow=True)
    assert resp.redirect_chain == [("/en/accounts/login/?next=/en/home/", 302)]
    assert "Your session expired after a period of inactivity. Please sign in again." in resp.content.decode()


def test_non_staff_user_with_the_same_old_stamp_stays_signed_in(client):
    user = make_user("member")
    sign_in_last_seen(client, user, IDLE + 5)
    assert client.get("/home/").status_code == 200
    assert signed_in_as(client) == str(user.pk)


def test_active_staff_user_stays_signed_in_and_the_stamp_is_refreshed(client):
    user = make_user("clerk", is_staff=True)
    sign_in_last_seen(client, user, IDLE - 60)
    before = int(time.time())

    assert client.get("/home/").status_code == 200
    assert signed_in_as(client) == str(user.pk)
    assert client.session["staff_last_seen"] >= before

    # With the fresh stamp the next request passes too.
    assert client.get("/home/").status_code == 200


def test_staff_user_gets_a_stamp_on_the_first_request(client):
    client.force_login(make_user("clerk", is_staff=True))
    before = int(time.time())
    assert client.get("/home/").status_code == 200
    assert client.session["staff_last_seen"] >= before


def test_idle_staff_user_is_signed_out_on_admin_pages_too(client):
    sign_in_last_seen(client, make_user("boss", is_staff=True, is_superuser=True), IDLE + 5)
    resp = client.get("/admin/")
    assert resp.status_code == 302
    assert resp["Location"] == "/accounts/login/?next=/admin/"
    assert signed_in_as(client) is None
