"""The growing per-account delay across addresses (unionportal.accounts.throttle), beside axes' lockout."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt

from tests.factories import PASSWORD, make_user
from unionportal.accounts import throttle

LOGIN = "/accounts/login/"
PEER = "127.0.0.1"  # the test client's REMOTE_ADDR
WRONG_LOGIN = "请输入一个正确的用户名和密码。注意，两者都区分大小写。"


def throttled(seconds):
    return f"该账户登录失败次数过多，请 {seconds} 秒后再试。"


@pytest.fixture(autouse=True)
def _throttle_settings(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_ACCOUNT_FREE_FAILURES = 10
    settings.LOGIN_ACCOUNT_WINDOW_MINUTES = 15
    settings.LOGIN_ACCOUNT_DELAY_SECONDS = 1
    settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS = 60


class Clock:
    def __init__(self):
        self.now = 1_780_000_000.0

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(throttle, "clock", lambda: c.now)
    return c


@pytest.fixture
def user(db):
    return make_user("zhangsan", phone="13812341234", name="张三")


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def address(n):
    return f"198.51.100.{n}"


def attempt(client, password, username="zhangsan", ip=PEER, url=LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def fail_from_many_addresses(client, times, username="zhangsan", first=1):
    """One failure from each of ``times`` addresses: never enough for axes' per-address lock."""
    for n in range(first, first + times):
        resp = attempt(client, "wrong-pass", username=username, ip=address(n))
        assert resp.status_code == 200, n
        assert resp.context["form"].non_field_errors() == [WRONG_LOGIN]


def assert_throttled(resp, seconds):
    assert resp.status_code == 429
    assert resp["Retry-After"] == str(seconds)
    assert resp.context["form"].non_field_errors() == [throttled(seconds)]
    assert throttled(seconds) in resp.content.decode()


def test_failures_from_many_addresses_reach_the_account_delay_after_the_free_ones(client, user):
    fail_from_many_addresses(client, 10)
    assert AccessAttempt.objects.count() == 10  # one per address: axes alone would allow 5 more each

    resp = attempt(client, "wrong-pass", ip=address(200))

    assert_throttled(resp, 1)
    # Refused before the password is checked: axes saw no attempt from the new address.
    assert not AccessAttempt.objects.filter(ip_address=address(200)).exists()


def test_behind_a_trusted_proxy_forwarded_addresses_count_for_one_account(client, user, settings):
    settings.TRUSTED_PROXIES = [PEER]
    for n in range(1, 11):
        resp = attempt(client, "wrong-pass", HTTP_X_FORWARDED_FOR=address(n))
        assert resp.status_code == 200
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        address(n) for n in range(1, 11)
    }

    resp = attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR=address(100))

    assert_throttled(resp, 1)
    assert signed_in_as(client) is None


def test_the_right_password_during_the_delay_is_refused_unchecked_and_does_not_sign_in(client, user, clock):
    fail_from_many_addresses(client, 10)
    clock.advance(0.5)

    with mock.patch("django.contrib.auth.forms.authenticate") as authenticate:
        resp = attempt(client, PASSWORD, ip=address(100))

    assert_throttled(resp, 1)
    authenticate.assert_not_called()
    assert signed_in_as(client) is None


def test_after_the_delay_the_right_password_signs_in_and_clears_the_count(client, user, clock):
    fail_from_many_addresses(client, 10)
    assert_throttled(attempt(client, PASSWORD, ip=address(100)), 1)
    clock.advance(1)

    resp = attempt(client, PASSWORD, ip=address(100))

    assert resp.status_code == 302
    assert resp["Location"] == "/home/"
    assert signed_in_as(client) == str(user.pk)
    client.post("/accounts/logout/")
    # Cleared: ten free failures again, and the delay starts again from one second.
    fail_from_many_addresses(client, 10, first=11)
    assert_throttled(attempt(client, "wrong-pass", ip=address(100)), 1)


def test_the_delay_doubles_after_each_failure_up_to_the_cap(client, user, clock):
    fail_from_many_addresses(client, 10)

    for seconds in (1, 2, 4, 8, 16, 32, 60, 60):
        assert_throttled(attempt(client, "wrong-pass", ip=address(100)), seconds)
        clock.advance(seconds - 0.5)
        assert_throttled(attempt(client, PASSWORD, ip=address(101)), 1)
        clock.advance(0.5)
        resp = attempt(client, "wrong-pass", ip=address(102 + seconds))
        assert resp.status_code == 200, seconds
        assert resp.context["form"].non_field_errors() == [WRONG_LOGIN]


def test_refused_attempts_do_not_lengthen_the_delay(client, user, clock):
    fail_from_many_addresses(client, 10)
    for n in range(20):
        assert_throttled(attempt(client, "wrong-pass", ip=address(100 + n)), 1)
    clock.advance(1)

    assert attempt(client, "wrong-pass", ip=address(150)).status_code == 200

    assert_throttled(attempt(client, "wrong-pass", ip=address(151)), 2)


def test_another_account_is_unaffected(client, user):
    other = make_user("lisi")
    fail_from_many_addresses(client, 10)
    assert_throttled(attempt(client, PASSWORD, ip=address(1)), 1)

    resp = attempt(client, PASSWORD, username="lisi", ip=address(1))

    assert resp.status_code == 302
    assert signed_in_as(client) == str(other.pk)


def test_every_way_of_typing_the_account_shares_one_count(client, user):
    typed = ["zhangsan", "ZhangSan", "ZHANGSAN ", "13812341234", "+86 138 1234 1234"]
    for n, name in enumerate(typed * 2, start=1):
        attempt(client, "wrong-pass", username=name, ip=address(n))

    for name in ("zhangsan", "Zhangsan", "138-1234-1234"):
        assert_throttled(attempt(client, PASSWORD, username=name, ip=address(100)), 1)
    assert signed_in_as(client) is None


def test_unknown_accounts_are_throttled_alike(client, db):
    fail_from_many_addresses(client, 10, username="nobody")

    assert_throttled(attempt(client, "wrong-pass", username="nobody", ip=address(100)), 1)


def test_message_in_english(client, user, clock):
    fail_from_many_addresses(client, 10)
    resp = attempt(client, PASSWORD, ip=address(100), url="/en" + LOGIN)
    assert resp.status_code == 429
    assert resp.context["form"].non_field_errors() == [
        "Too many failed sign-in attempts for this account. Try again in 1 second."
    ]

    clock.advance(1)
    attempt(client, "wrong-pass", ip=address(101), url="/en" + LOGIN)
    resp = attempt(client, PASSWORD, ip=address(102), url="/en" + LOGIN)
    assert resp.status_code == 429
    assert resp.context["form"].non_field_errors() == [
        "Too many failed sign-in attempts for this account. Try again in 2 seconds."
    ]


def test_per_address_lockout_still_applies_before_the_free_failures_are_spent(client, user):
    for _ in range(4):
        assert attempt(client, "wrong-pass").status_code == 200
    resp = attempt(client, "wrong-pass")
    assert resp.status_code == 429
    assert "该账户在您所在地址的登录已被锁定" in resp.content.decode()

    resp = attempt(client, PASSWORD)
    assert resp.status_code == 429
    assert "该账户在您所在地址的登录已被锁定" in resp.content.decode()
    assert signed_in_as(client) is None

    # Six attempts for the account are under the per-account limit: from elsewhere it signs in.
    resp = attempt(client, PASSWORD, ip=address(1))
    assert resp.status_code == 302
    assert signed_in_as(client) == str(user.pk)


def test_concurrent_attempts_after_the_delay_get_one_guess(user, clock, monkeypatch):
    for _ in range(10):
        throttle.login_attempt_admit(account="zhangsan")
    clock.advance(1)
    # The first attempt past the opening claims it; a second one arriving before the first has written
    # the next opening (simulated: its write is held back) must not get a guess of its own.
    monkeypatch.setattr(throttle.cache, "set", lambda *args, **kwargs: None)
    throttle.login_attempt_admit(account="zhangsan")

    with pytest.raises(throttle.AccountThrottled) as refused:
        throttle.login_attempt_admit(account="zhangsan")

    assert refused.value.seconds == 1
    count_key, _ = throttle._keys("zhangsan")
    assert throttle.cache.get(count_key) == 11  # the refused one is not counted


def test_an_unavailable_cache_lets_the_sign_in_proceed_with_a_warning(client, user, monkeypatch, caplog):
    class Down:
        """The throttle's cache failing on every call (the sessions keep theirs)."""

        def __getattr__(self, name):
            def down(*args, **kwargs):
                raise ConnectionError("cache down")

            return down

    monkeypatch.setattr(throttle, "cache", Down())

    with caplog.at_level(logging.WARNING, logger="unionportal.accounts.throttle"):
        wrong = attempt(client, "wrong-pass")
        right = attempt(client, PASSWORD)

    assert wrong.status_code == 200
    assert wrong.context["form"].non_field_errors() == [WRONG_LOGIN]
    assert right.status_code == 302
    assert signed_in_as(client) == str(user.pk)
    assert [r.getMessage() for r in caplog.records if r.name == "unionportal.accounts.throttle"] == [
        "login throttle: the cache failed; the sign-in attempt goes ahead",
        "login throttle: the cache failed; the sign-in attempt goes ahead",
        "login throttle: the cache failed; the count was not cleared",
    ]
