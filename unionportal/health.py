"""Health endpoints for a load balancer, an orchestrator and operators.

- ``/ping``: liveness. Answers without touching anything (also the benchmark's bare view).
- ``/readyz``: readiness of a web process: the database and the cache. 503 only when the database
  fails: without the cache pages are served uncached (``unionportal.cache_backends``), so a Redis
  outage shows as ``"status": "degraded"`` rather than taking every web process out of the pool.
- ``/healthz``: the operators' page: database, cache, broker and workers (200 when all are up, 503
  otherwise), and the outbox: rows pending, the age of the oldest one, rows being sent (a row
  that stays there was cut off mid-send), rows failed after the last attempt.
"""

import asyncio
import dataclasses
import logging

from celery.app import app_or_default
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.celery import Ping
from health_check.exceptions import HealthCheckException, ServiceUnavailable

from unionportal.notifications.selectors import outbox_state
from unionportal.permissions import public

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection."""

    def run(self):
        app = app_or_default()
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:
            raise ServiceUnavailable("broker unreachable") from exc


@dataclasses.dataclass
class CacheRoundTrip(Cache):
    """A value written to the cache reads back. The deployed cache swallows connection errors (it
    degrades to an empty cache), so an unreachable Redis shows here as a value that does not come back."""

    async def run(self):
        try:
            await super().run()
        except HealthCheckException as exc:
            raise ServiceUnavailable("cache unreachable") from exc


async def _gather(checks: dict[str, HealthCheck]):
    results = await asyncio.gather(*(check.get_result() for check in checks.values()))
    return {
        name: ("ok" if result.error is None else str(result.error))
        for name, result in zip(checks, results, strict=True)
    }


def _web_checks() -> dict[str, HealthCheck]:
    return {"database": Database(), "cache": CacheRoundTrip()}


def _checks() -> dict[str, HealthCheck]:
    checks = _web_checks()
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = Broker()
        checks["workers"] = Ping()
    return checks


def _outbox() -> dict | str:
    try:
        state = outbox_state(now=timezone.now())
    except Exception:  # the page must answer whatever the database does
        logger.warning("healthz: the outbox could not be read", exc_info=True)
        return "unavailable"
    return {
        "pending": state.pending,
        "oldest_pending_seconds": state.oldest_pending_age,
        "sending": state.sending,
        "failed": state.failed,
    }


@public
@never_cache
def healthz(request):
    body = asyncio.run(_gather(_checks()))
    healthy = all(value == "ok" for value in body.values())
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Embedded mode: tasks run in the web process, so there is no broker or worker to lose.
        body["broker"] = body["workers"] = "eager"
    body["outbox"] = _outbox() if body["database"] == "ok" else "unavailable"
    body["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(body, status=200 if healthy else 503)


@public
@never_cache
def readyz(request):
    body = asyncio.run(_gather(_web_checks()))
    if body["database"] != "ok":
        body["status"] = "unavailable"
    else:
        body["status"] = "ok" if body["cache"] == "ok" else "degraded"
    return JsonResponse(body, status=503 if body["status"] == "unavailable" else 200)


@public
def ping(request):
    return HttpResponse("ok", content_type="text/plain")
