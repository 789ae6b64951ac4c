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
