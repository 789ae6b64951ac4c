import os
import runpy
from pathlib import Path

import pytest

from unionportal import cache_backends

SETTINGS = Path(__file__).resolve().parents[2] / "unionportal" / "settings.py"
# A port nothing listens on: connections are refused at once, as with Redis stopped.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def settings_for(**env: str) -> dict:
    """The settings module's values when run with ``env`` (nothing else from this process's deployment)."""
    keep = {"PATH", "HOME", "LANG"}
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update({k: v for k, v in saved.items() if k in keep}, **env)
        return runpy.run_path(str(SETTINGS))
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def dead_cache(settings):
    """The cache as deployed (REDIS_URL set), with Redis unreachable."""
    configured = settings_for(REDIS_URL=DEAD_REDIS)["CACHES"]
    cache_backends._reset()
    settings.CACHES = configured
    yield configured
    cache_backends._reset()
