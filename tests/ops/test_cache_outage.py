"""With Redis unreachable the portal serves everything uncached: public pages, signing in, staff pages."""

import logging

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

from tests.factories import PASSWORD, make_org, make_user
from unionportal import cache_backends
from unionportal.orgs.enums import Role
from unionportal.public.models import PublicEntry

pytestmark = pytest.mark.django_db


def published(n: int) -> PublicEntry:
    return PublicEntry.objects.create(
        year=2026,
        programme="五一劳动奖",
        award="五一劳动奖章",
        name=f"李{n}",
        unit=f"单位{n}",
        region="襄阳市",
        stage=PublicEntry.Stage.PUBLISHED,
        summary="事迹摘要",
        source=f"test:{n}",
    )


def outage_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "unionportal.cache_backends"]


def test_deployed_cache_degrades_rather_than_fails(dead_cache):
    assert dead_cache["default"]["BACKEND"] == "unionportal.cache_backends.DegradingRedisCache"
    cache.set("k", 1)
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.add("k", 1) is False
    assert cache.get_many(["k"]) == {}
    with pytest.raises(ValueError):
        cache.incr("k")


def test_anonymous_public_pages_answer_200_uncached_and_the_outage_is_logged_once(client, dead_cache, caplog):
    entry = published(1)
    caplog.set_level(logging.WARNING, logger="unionportal.cache_backends")
    for path in ["/", "/honourees/", "/en/honourees/", f"/honourees/{entry.pk}/", "/honourees/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "public, max-age=60"
    assert "李1" in client.get("/honourees/").content.decode()
    [warning] = outage_warnings(caplog)
    assert warning.startswith("cache unreachable (")


def test_share_image_is_drawn_without_the_cache(client, dead_cache):
    entry = published(2)
    response = client.get(f"/honourees/{entry.pk}/share.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_staff_sign_in_and_staff_pages_work_without_the_cache(client, dead_cache):
    # The sign-in runs the per-account throttle and axes; the session lives in the database.
    staff = make_user("outage-staff", org=make_org(name="省总工会"), role=Role.STAFF)
    response = client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    response = client.get("/home/")
    assert response.status_code == 200
    assert response.context["user"] == staff
    assert client.get("/honourees/").status_code == 200


def test_rate_limits_let_requests_through_while_the_cache_is_down(dead_cache):
    request = RequestFactory().post("/notices/")
    limited = is_ratelimited(request, group="test", key="ip", rate="1/h", method="POST", increment=True)
    assert limited is False


def test_a_failed_cache_is_not_asked_again_until_the_retry_interval_has_passed(
    dead_cache, monkeypatch, caplog
):
    calls = []
    original = cache_backends.RedisCacheClient.get

    def counted(self, key, default):
        calls.append(key)
        return original(self, key, default)

    monkeypatch.setattr(cache_backends.RedisCacheClient, "get", counted)
    clock = [1000.0]
    monkeypatch.setattr(cache_backends.time, "monotonic", lambda: clock[0])
    caplog.set_level(logging.INFO, logger="unionportal.cache_backends")
    assert cache.get("a") is None
    assert cache.get("b") is None
    assert len(calls) == 1  # the second call did not wait on the dead server
    clock[0] += cache_backends.RETRY_SECONDS + 0.1
    assert cache.get("c") is None
    assert len(calls) == 2
    assert len(outage_warnings(caplog)) == 1
