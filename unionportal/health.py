"""/healthz: database, cache, broker and workers, as JSON; 200 when all are up, 503 otherwise.

/ping answers without touching anything: the bare view a load balancer (and the benchmark) can use.
"""

import asyncio
import dataclasses

from celery.app import app_or_default
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable

from unionportal.permissions import public


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


async def _gather(checks: dict[str, HealthCheck]):
    results = await asyncio.gather(*(check.get_result() for check in checks.values()))
    return dict(zip(checks, results, strict=True))


def _checks() -> dict[str, HealthCheck]:
    checks: dict[str, HealthCheck] = {"database": Database(), "cache": Cache()}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = Broker()
        checks["workers"] = Ping()
    return checks


@public
@never_cache
def healthz(request):
    results = asyncio.run(_gather(_checks()))
    body = {name: ("ok" if result.error is None else str(result.error)) for name, result in results.items()}
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Embedded mode: tasks run in the web process, so there is no broker or worker to lose.
        body["broker"] = body["workers"] = "eager"
    healthy = all(result.error is None for result in results.values())
    body["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(body, status=200 if healthy else 503)


@public
def ping(request):
    return HttpResponse("ok", content_type="text/plain")
