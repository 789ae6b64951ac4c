"""One view of the public pages' cache version: what one process drops, every other process drops too."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from unionportal.public import cache as page_cache
from unionportal.public.models import PublicEntry

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def version_dir(settings, tmp_path):
    """The configuration without REDIS_URL (each process its own memory cache), also where the suite
    runs on Redis."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": prefix}
    }
    settings.PUBLIC_CACHE_VERSION_DIR = tmp_path
    return tmp_path


def invalidate_in_another_process(version_dir: Path) -> None:
    """``invalidate()`` as the admin's process, or the run_periodic cron, calls it: its own memory cache."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "unionportal.settings",
        "PUBLIC_CACHE_VERSION_DIR": str(version_dir),
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "LOG_LEVEL": "ERROR",
    }
    script = "import django; django.setup(); from unionportal.public.cache import invalidate; invalidate()"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_revocation_in_another_process_drops_this_processs_cached_pages(client, version_dir):
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    entry = PublicEntry.objects.create(
        year=2025,
        programme="五一劳动奖",
        award="五一劳动奖章",
        name="王撤销",
        unit="某单位",
        stage=PublicEntry.Stage.PUBLISHED,
        source="test:revoked",
    )
    assert "王撤销" in client.get("/honourees/").content.decode()  # cached here now
    # Revoked elsewhere: the row changes, and the process that did it drops the public pages.
    PublicEntry.objects.filter(pk=entry.pk).update(stage=PublicEntry.Stage.REVOKED)
    assert "王撤销" in client.get("/honourees/").content.decode()  # this process's cached copy
    version = page_cache.version()
    invalidate_in_another_process(version_dir)
    assert page_cache.version() == version + 1
    assert "王撤销" not in client.get("/honourees/").content.decode()


def test_the_version_file_counts_every_invalidation(version_dir):
    version = page_cache.version()
    for _ in range(3):
        page_cache.invalidate()
    assert page_cache.version() == version + 3
    [written] = [p for p in version_dir.iterdir() if p.suffix != ".lock"]
    assert written.read_text() == str(version + 3)


def test_an_unwritable_version_dir_does_not_fail_the_publication(settings, version_dir, tmp_path, caplog):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.PUBLIC_CACHE_VERSION_DIR = blocked
    page_cache.invalidate()  # logged, not raised: what was published stands
    assert page_cache.version() == 1
    assert "could not be written" in caplog.text


def test_with_a_shared_cache_the_version_stays_in_the_cache(settings, version_dir):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert page_cache._version_file() is None
