from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.utils import dateformat, timezone

from tests.factories import PASSWORD, make_user
from unionportal.http import client_ip

LOGIN = "/accounts/login/"
PEER = "127.0.0.1"  # the test client's REMOTE_ADDR


@pytest.fixture(autouse=True)
def _lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXIES = []


@pytest.fixture
def user(db):
    return make_user("zhangsan", phone="13812341234", name="张三")


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def fail(client, username="zhangsan", times=1, url=LOGIN, **extra):
    responses = [
        client.post(url, {"username": username, "password": "wrong-pass"}, **extra) for _ in range(times)
    ]
    return responses[-1]


def unlock_text(username, ip):
    attempt = AccessAttempt.objects.get(username=username, ip_address=ip)
    unlock = timezone.localtime(attempt.attempt_time + timedelta(minutes=15))
    assert str(unlock.tzinfo) == "Asia/Shanghai"
    return dateformat.format(unlock, "Y-m-d H:i")


def test_sign_in_with_user_name(client, user):
    resp = client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD})
    assert resp.status_code == 302
    assert resp["Location"] == "/home/"
    assert signed_in_as(client) == str(user.pk)


@pytest.mark.parametrize("typed", ["13812341234", "+86 138 1234 1234"])
def test_sign_in_with_mobile_number(client, user, typed):
    resp = client.post(LOGIN, {"username": typed, "password": PASSWORD})
    assert resp.status_code == 302
    assert signed_in_as(client) == str(user.pk)


def test_wrong_password_is_refused_with_the_form_error(client, user):
    resp = fail(client)
    assert resp.status_code == 200
    assert signed_in_as(client) is None
    assert resp.context["form"].non_field_errors() == [
        "请输入一个正确的用户名和密码。注意，两者都区分大小写。"
    ]


def test_fifth_failure_locks_and_even_the_right_password_then_answers_429_with_the_unlock_time(client, user):
    before = timezone.now()
    assert fail(client, times=4).status_code == 200
    assert fail(client).status_code == 429

    resp = client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD})
    after = timezone.now()

    assert resp.status_code == 429
    assert signed_in_as(client) is None
    attempt = AccessAttempt.objects.get(username="zhangsan", ip_address=PEER)
    assert before <= attempt.attempt_time <= after
    time = unlock_text("zhangsan", PEER)
    assert resp.context["unlock_at"] == timezone.localtime(attempt.attempt_time + timedelta(minutes=15))
    assert f"登录失败次数过多。该账户在您所在地址的登录已被锁定，至 {time} 解除。" in resp.content.decode()


def test_lockout_page_in_english(client, user):
    fail(client, times=5, url="/en" + LOGIN)
    resp = client.post("/en" + LOGIN, {"username": "zhangsan", "password": PASSWORD})
    assert resp.status_code == 429
    time = unlock_text("zhangsan", PEER)
    text = " ".join(resp.content.decode().split())
    assert f"Too many failed sign-in attempts. This account is locked from your address until {time}." in text


def test_lock_is_per_account_and_address(client, user):
    other = make_user("lisi")
    fail(client, times=5)

    # The same account from another address signs in.
    resp = client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD}, REMOTE_ADDR="198.51.100.20")
    assert resp.status_code == 302
    assert signed_in_as(client) == str(user.pk)
    client.post("/accounts/logout/")

    # Another account from the locked address signs in.
    resp = client.post(LOGIN, {"username": "lisi", "password": PASSWORD})
    assert resp.status_code == 302
    assert signed_in_as(client) == str(other.pk)


def test_spoofed_forwarded_for_from_an_untrusted_peer_does_not_escape_the_lock(client, user):
    for n in range(5):
        fail(client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert AccessAttempt.objects.get().ip_address == PEER

    resp = client.post(
        LOGIN, {"username": "zhangsan", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.200"
    )
    assert resp.status_code == 429
    assert signed_in_as(client) is None


def test_behind_a_trusted_proxy_the_lock_applies_to_the_forwarded_address(client, user, settings):
    settings.TRUSTED_PROXIES = [PEER]
    fail(client, times=5, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"

    resp = client.post(
        LOGIN, {"username": "zhangsan", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert resp.status_code == 429
    assert f"至 {unlock_text('zhangsan', '203.0.113.5')} 解除" in resp.content.decode()

    resp = client.post(
        LOGIN, {"username": "zhangsan", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert resp.status_code == 302
    assert signed_in_as(client) == str(user.pk)


def test_successful_sign_in_resets_the_failure_count(client, user):
    fail(client, times=4)
    client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD})
    client.post("/accounts/logout/")
    assert fail(client, times=4).status_code == 200


def test_logout_needs_a_post(client, user):
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert signed_in_as(client) == str(user.pk)
    resp = client.post("/accounts/logout/")
    assert resp.status_code == 302
    assert resp["Location"] == "/"
    assert signed_in_as(client) is None


# client_ip


def request_from(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_ip_from_an_untrusted_peer_ignores_the_header(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("198.51.100.1", "1.2.3.4")) == "198.51.100.1"


def test_client_ip_walks_the_chain_past_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 10.0.0.1")) == "1.2.3.4"
    # The client may prepend anything; only the hop the first trusted proxy saw counts.
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.1")) == "1.2.3.4"


def test_client_ip_with_only_trusted_hops_is_the_leftmost(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("10.0.0.2", "10.1.1.1, 10.0.0.1")) == "10.1.1.1"


@pytest.mark.parametrize("forwarded", ["not-an-address", "1.2.3.4, garbage", "", None])
def test_client_ip_with_garbage_or_no_header_is_the_peer(settings, forwarded):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("10.0.0.2", forwarded)) == "10.0.0.2"


def test_client_ip_without_trusted_proxies_is_always_the_peer(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("127.0.0.1", "1.2.3.4")) == "127.0.0.1"


def test_lock_cannot_be_escaped_by_typing_the_account_another_way(client, user):
    # The user name and every way of writing the mobile number are the same account.
    for typed in ("zhangsan", "13812341234", "138 1234 1234", "+86-13812341234", "1381234-1234"):
        fail(client, username=typed)

    for typed in ("zhangsan", "138-1234-1234", "+8613812341234"):
        resp = client.post(LOGIN, {"username": typed, "password": PASSWORD})
        assert resp.status_code == 429, typed
        assert f"至 {unlock_text('zhangsan', PEER)} 解除" in resp.content.decode()
    assert signed_in_as(client) is None


def test_the_admin_signs_in_on_the_portal_page(client, db):
    """The admin's own form would bypass the per-account delay: /admin/login/ sends to the portal's page,
    which accepts the mobile number and comes back to the admin."""
    user = make_user("clerk", phone="13812341234", is_staff=True)
    for method in (client.get, client.post):
        resp = method("/admin/login/?next=/admin/", {"username": "clerk", "password": PASSWORD})
        assert (resp.status_code, resp["Location"]) == (302, f"{LOGIN}?next=/admin/")
        assert signed_in_as(client) is None
    resp = client.post(
        f"{LOGIN}?next=/admin/", {"username": "138 1234 1234", "password": PASSWORD, "next": "/admin/"}
    )
    assert (resp.status_code, resp["Location"]) == (302, "/admin/")
    assert signed_in_as(client) == str(user.pk)
