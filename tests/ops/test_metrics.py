"""/metrics: Prometheus's page for the internal network, behind a bearer token."""

import os
import re
import urllib.request
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from tests.conftest import _db_of, _redis_db, skip_unless_ci
from tests.factories import make_user
from tests.ops.conftest import get, serve
from unionportal import metrics
from unionportal.celery import QUEUES
from unionportal.notifications.models import Channel, Notification, Status

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"
PING_REQUESTS = "django_http_requests_total_by_view_transport_method_total"


def scrape(client, token=TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.get("/metrics", **headers)


def sample(page: str, name: str, **labels) -> float:
    """The value of one series on the page."""
    selector = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(f"{name}{{{selector}}}" if labels else name) + r" (\S+)"
    found = re.search(rf"^{pattern}$", page, re.MULTILINE)
    assert found, f"{name} {labels} not on the page"
    return float(found.group(1))


def total(page: str, name: str, **labels) -> float:
    """The sum of the series of ``name`` carrying ``labels`` (whatever their other labels)."""
    found = 0.0
    for line in page.splitlines():
        series, _, value = line.rpartition(" ")
        named = series == name or series.startswith(name + "{")
        if named and all(f'{k}="{v}"' in series for k, v in labels.items()):
            found += float(value)
    return found


def test_metrics_are_not_there_without_a_token_configured(client, settings):
    settings.METRICS_TOKEN = ""
    assert scrape(client).status_code == 404
    assert scrape(client, token=None).status_code == 404


def test_metrics_refuse_a_missing_or_wrong_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert scrape(client, token=None).status_code == 403
    assert scrape(client, token="wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 403
    assert scrape(client).status_code == 200


def test_metrics_count_requests_latency_and_queries(client, settings):
    settings.METRICS_TOKEN = TOKEN
    client.get("/ping")
    before = total(scrape(client).content.decode(), PING_REQUESTS, view="ping", method="GET")
    client.get("/ping")
    client.get("/readyz")
    page = scrape(client)
    assert page["Content-Type"].startswith("text/plain; version=")
    assert "no-cache" in page["Cache-Control"]
    text = page.content.decode()
    after = total(text, PING_REQUESTS, view="ping", method="GET")
    assert after == before + 1
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    assert total(text, latency, view="ping", method="GET") >= 2
    if "postgres" in settings.DATABASES["default"]["ENGINE"]:  # the instrumented backend (settings)
        assert total(text, "django_db_execute_total", alias="default", vendor="postgresql") > 0


def test_metrics_show_the_outbox_backlog(client, settings):
    settings.METRICS_TOKEN = TOKEN
    user = make_user("metrics-outbox")
    now = timezone.now()
    for status, age in [
        (Status.PENDING, timedelta(minutes=10)),
        (Status.PENDING, timedelta(minutes=1)),
        (Status.SENDING, timedelta(minutes=30)),
        (Status.FAILED, timedelta(hours=2)),
        (Status.FAILED, timedelta(hours=3)),
        (Status.FAILED, timedelta(hours=4)),
        (Status.SENT, timedelta(days=1)),
    ]:
        pk = Notification.objects.create(
            recipient=user, channel=Channel.EMAIL, event="t", subject="s", status=status
        ).pk
        Notification.objects.filter(pk=pk).update(created_at=now - age)
    text = scrape(client).content.decode()
    assert sample(text, "unionportal_outbox_notifications", status="pending") == 2
    assert sample(text, "unionportal_outbox_notifications", status="sending") == 1
    assert sample(text, "unionportal_outbox_notifications", status="failed") == 3
    assert 600 <= sample(text, "unionportal_outbox_oldest_pending_seconds") < 660
    assert sample(text, "unionportal_metrics_source_up", source="database") == 1


def test_metrics_answer_without_the_database(client, settings, monkeypatch):
    settings.METRICS_TOKEN = TOKEN

    def down(*, now):
        raise RuntimeError("database gone")

    monkeypatch.setattr(metrics, "outbox_state", down)
    response = scrape(client)
    assert response.status_code == 200
    text = response.content.decode()
    assert sample(text, "unionportal_metrics_source_up", source="database") == 0
    assert "unionportal_outbox_notifications{" not in text


def test_embedded_mode_has_no_queue_gauge(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.CELERY_TASK_ALWAYS_EAGER = True
    text = scrape(client).content.decode()
    assert "unionportal_celery_queue_length" not in text
    assert 'unionportal_metrics_source_up{source="broker"}' not in text


def redis_broker() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        skip_unless_ci("needs REDIS_URL")
        pytest.fail("CI must set REDIS_URL")
    return _redis_db(url, (_db_of(url) + 8) % 16)  # clear of the broker's and the test caches' databases


@pytest.mark.services
def test_queue_depth_is_the_length_of_each_queues_redis_lists(client, settings):
    url = redis_broker()
    settings.METRICS_TOKEN = TOKEN
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    server = redis.Redis.from_url(url)
    keys = ["default", "bulk", "bulk\x06\x163"]
    server.delete(*keys)
    try:
        server.rpush("default", "a", "b", "c")
        server.rpush("bulk", "d")
        server.rpush("bulk\x06\x163", "e")  # a message sent with a priority
        text = scrape(client).content.decode()
        assert sample(text, "unionportal_celery_queue_length", queue="default") == 3
        assert sample(text, "unionportal_celery_queue_length", queue="bulk") == 2
        assert sample(text, "unionportal_metrics_source_up", source="broker") == 1
        assert QUEUES == ("default", "bulk")
    finally:
        server.delete(*keys)
        server.close()


def test_an_unreachable_broker_shows_as_down(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    text = scrape(client).content.decode()
    assert sample(text, "unionportal_metrics_source_up", source="broker") == 0
    assert "unionportal_celery_queue_length{" not in text


def test_gunicorn_workers_counts_are_summed(tmp_path, sqlite_url):
    """Under bin/web (two workers) a scrape sees every worker's requests, not only its own."""
    with serve(tmp_path, METRICS_TOKEN=TOKEN, WEB_WORKERS="2", DATABASE_URL=sqlite_url) as base:
        for _ in range(20):
            assert get(f"{base}/ping")[0] == 200
        request = urllib.request.Request(
            f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}", "X-Forwarded-Proto": "https"}
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            text = resp.read().decode()
    # The requests that made bin/web's readiness poll answer /ping as well, hence "at least".
    assert total(text, PING_REQUESTS, view="ping", method="GET") >= 20
