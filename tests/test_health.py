import json
import os

import pytest
from django.conf import settings

from tests.conftest import skip_unless_ci

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


def test_healthz_reports_a_broken_database(client, monkeypatch):
    from health_check.checks import Database
    from health_check.exceptions import ServiceUnavailable

    def broken(self):
        raise ServiceUnavailable("database down")

    monkeypatch.setattr(Database, "run", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "Unavailable: database down"
