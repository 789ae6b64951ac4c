import json
import os
import re
import secrets
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from health_check.checks import Database
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable

from tests.conftest import skip_unless_ci
from tests.factories import make_user
from tests.ops.conftest import DEAD_REDIS, settings_for
from unionportal import cache_backends, health
from unionportal.notifications.models import Channel, Notification, Status

pytestmark = pytest.mark.django_db


def test_ping_is_a_bare_answer(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/ping")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_in_embedded_mode_reports_eager_tasks(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # what the embedded mode runs with, whatever this run's services
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "cache": "ok",
        "broker": "eager",
        "workers": "eager",
        "outbox": {"pending": 0, "oldest_pending_seconds": None, "sending": 0, "failed": 0},
        "status": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_with_redis_and_no_worker_is_unavailable(client):
    if not os.environ.get("REDIS_URL"):
        skip_unless_ci("needs REDIS_URL")
        pytest.fail("CI must set REDIS_URL")
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    response = client.get("/healthz")
    body = json.loads(response.content)
    # No worker consumes this test run's broker, so the worker check fails and the answer is 503.
    assert response.status_code == 503
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] == "ok"
    assert body["workers"] != "ok"
    assert body["status"] == "unavailable"


def broken(self):
    raise ServiceUnavailable("down")


def test_healthz_reports_a_broken_database(client, monkeypatch):
    monkeypatch.setattr(Database, "run", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "Unavailable: down"
    assert response.json()["outbox"] == "unavailable"


def test_healthz_shows_the_outbox_backlog_and_failures(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    user = make_user("outbox-user")
    now = timezone.now()

    def row(status, age):
        pk = Notification.objects.create(
            recipient=user, channel=Channel.EMAIL, event="t", subject="s", status=status
        ).pk
        Notification.objects.filter(pk=pk).update(created_at=now - age)

    row(Status.PENDING, timedelta(minutes=10))
    row(Status.PENDING, timedelta(minutes=1))
    row(Status.FAILED, timedelta(hours=2))
    row(Status.FAILED, timedelta(hours=3))
    row(Status.FAILED, timedelta(hours=4))
    row(Status.SENDING, timedelta(minutes=30))
    row(Status.SENT, timedelta(days=1))
    outbox = client.get("/healthz").json()["outbox"]
    assert outbox["pending"] == 2
    assert outbox["sending"] == 1
    assert outbox["failed"] == 3
    assert 600 <= outbox["oldest_pending_seconds"] < 660


def test_readyz_checks_database_and_cache_only(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as deployed: a broker and workers exist...
    monkeypatch.setattr(health.Broker, "run", broken)  # ...and are down
    monkeypatch.setattr(Ping, "run", broken)
    assert client.get("/healthz").status_code == 503
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_unavailable_without_the_database(client, monkeypatch):
    monkeypatch.setattr(Database, "run", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "Unavailable: down", "cache": "ok", "status": "unavailable"}


def test_readyz_stays_ready_but_degraded_while_the_cache_is_down(client, settings):
    # Web serves uncached without Redis; taking every web process out of the pool would be the outage.
    cache_backends._reset()
    settings.CACHES = settings_for(REDIS_URL=DEAD_REDIS)["CACHES"]
    try:
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {
            "database": "ok",
            "cache": "Unavailable: cache unreachable",
            "status": "degraded",
        }
        assert client.get("/healthz").json()["cache"] == "Unavailable: cache unreachable"
    finally:
        cache_backends._reset()


def test_probes_are_served_over_plain_http_behind_the_proxy():
    exempt = settings_for(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))["SECURE_REDIRECT_EXEMPT"]
    for path in ("healthz", "readyz", "ping"):
        assert any(re.match(pattern, path) for pattern in exempt), path
