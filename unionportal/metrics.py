"""Prometheus metrics at /metrics, for the internal network only (a bearer token).

django-prometheus counts requests, latencies by view and database queries in each process; under
gunicorn every worker writes its counts to PROMETHEUS_MULTIPROC_DIR (bin/web sets it) and a scrape sums
them. Beside them, read at each scrape, the portal's own gauges:

- ``unionportal_celery_queue_length{queue}``: messages waiting in the Redis lists of the ``default`` and
  ``bulk`` queues (not there in embedded mode, where tasks run in the web process);
- ``unionportal_outbox_notifications{status}``: outbox rows ``pending``, ``sending``, ``failed``, and
  ``unionportal_outbox_oldest_pending_seconds`` (the figures of /healthz);
- ``unionportal_metrics_source_up{source}``: 1 when the broker / database answered this scrape, 0 when
  it did not (its gauges are then left out rather than reported as 0).
"""

import hmac
import logging
import os
from functools import lru_cache

import prometheus_client
import redis
from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily

from unionportal.celery import QUEUES
from unionportal.notifications.selectors import outbox_state
from unionportal.permissions import public

logger = logging.getLogger(__name__)

# Kombu's Redis transport keeps a queue's messages in the list named after it, and messages sent with a
# priority in lists named queue + "\x06\x16" + step; a queue's length is the sum.
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)


def queue_lengths() -> dict[str, int] | None:
    """Messages waiting per queue; None without a Redis broker (embedded mode)."""
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://")):
        return None
    client = _redis(url)
    with client.pipeline(transaction=False) as pipe:
        for queue in QUEUES:
            pipe.llen(queue)
            for step in _PRIORITY_STEPS:
                pipe.llen(f"{queue}{_PRIORITY_SEPARATOR}{step}")
        counts = pipe.execute()
    per_queue = len(_PRIORITY_STEPS) + 1
    return {queue: sum(counts[i * per_queue : (i + 1) * per_queue]) for i, queue in enumerate(QUEUES)}


class PortalCollector:
    """The portal's gauges, read when Prometheus scrapes."""

    def describe(self):
        return []

    def collect(self):
        up = GaugeMetricFamily(
            "unionportal_metrics_source_up", "1 when the source answered this scrape.", labels=["source"]
        )
        try:
            lengths = queue_lengths()
        except redis.RedisError:
            logger.warning("metrics: the broker's queue lengths could not be read", exc_info=True)
            up.add_metric(["broker"], 0)
        else:
            if lengths is not None:
                up.add_metric(["broker"], 1)
                queues = GaugeMetricFamily(
                    "unionportal_celery_queue_length", "Tasks waiting in the queue.", labels=["queue"]
                )
                for queue, length in lengths.items():
                    queues.add_metric([queue], length)
                yield queues
        try:
            state = outbox_state(now=timezone.now())
        except Exception:  # the scrape must answer whatever the database does
            logger.warning("metrics: the outbox could not be read", exc_info=True)
            up.add_metric(["database"], 0)
        else:
            up.add_metric(["database"], 1)
            rows = GaugeMetricFamily(
                "unionportal_outbox_notifications", "Outbox rows by delivery status.", labels=["status"]
            )
            rows.add_metric(["pending"], state.pending)
            rows.add_metric(["sending"], state.sending)
            rows.add_metric(["failed"], state.failed)
            yield rows
            yield GaugeMetricFamily(
                "unionportal_outbox_oldest_pending_seconds",
                "Age of the oldest pending outbox row (0 when none is pending).",
                value=state.oldest_pending_age or 0,
            )
        yield up


class _Scrape:
    """The collectors of one scrape, as the registry generate_latest reads."""

    def __init__(self, *collectors):
        self.collectors = collectors

    def collect(self):
        for collector in self.collectors:
            yield from collector.collect()


def exposition() -> bytes:
    """The metrics page: this process's (or, under gunicorn, every worker's) counts and the portal's gauges."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        counts = multiprocess.MultiProcessCollector(None)
    else:
        counts = prometheus_client.REGISTRY
    return prometheus_client.generate_latest(_Scrape(counts, PortalCollector()))


def _authorised(request) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    )


@public
@never_cache
def metrics(request):
    """For Prometheus on the internal network: 404 while METRICS_TOKEN is unset, 403 without it."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _authorised(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=prometheus_client.CONTENT_TYPE_LATEST)
