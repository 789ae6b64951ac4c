"""Periodic services: functions that take ``now`` and are safe to run again.

Apps register them in ``AppConfig.ready``. Celery beat runs them through the ``periodic.tick`` task in
production; ``python manage.py run_periodic`` runs them once in the embedded mode; tests call them
directly.
"""

import logging
from collections.abc import Callable
from datetime import datetime

logger = logging.getLogger(__name__)

_jobs: dict[str, Callable[..., object]] = {}


def register(name: str):
    """Decorator: register ``func(*, now)`` as the periodic job ``name``."""

    def decorator(func):
        _jobs[name] = func
        return func

    return decorator


def jobs() -> dict[str, Callable[..., object]]:
    return dict(_jobs)


def run_all(*, now: datetime) -> dict[str, object]:
    """Run every registered job once; one failing job does not stop the others."""
    results: dict[str, object] = {}
    for name, func in sorted(_jobs.items()):
        try:
            results[name] = func(now=now)
        except Exception:  # a broken job must not starve the rest of the tick
            logger.exception("periodic job %s failed", name)
            results[name] = "error"
    return results


SESSIONS_CLEAR_MARK = "periodic.sessions_clear.ran"


@register("sessions.clear")
def sessions_clear(*, now: datetime):
    """Once a day, delete expired sessions (what ``manage.py clearsessions`` does).

    The day is marked in the cache, as for the other daily jobs; a process with a cache of its own
    (``run_periodic`` from cron in the embedded mode) runs it every time, which costs one indexed DELETE.
    """
    from importlib import import_module

    from django.conf import settings
    from django.core.cache import cache

    if not cache.add(SESSIONS_CLEAR_MARK, now.isoformat(), timeout=24 * 3600):
        return "skipped"
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return "cleared"
