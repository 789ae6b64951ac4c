import os

import pytest
from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation

from unionportal.notifications.sms import LocMemSmsBackend

IN_CI = bool(os.environ.get("CI"))


def skip_unless_ci(reason: str):
    """Skip a test that needs a service or the browser, but only outside CI: under CI it must run."""
    if IN_CI:
        return
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _test_settings(worker_id):
    # Each xdist worker gets its own cache: its own key prefix, and on Redis its own database number, so
    # that cache.clear() (FLUSHDB on Redis) in one worker never wipes another's keys or the broker's queues.
    # The numbers follow the broker's (REDIS_URL's database): two runs given different brokers keep apart.
    caches = {name: {**conf, "KEY_PREFIX": f"test-{worker_id}"} for name, conf in settings.CACHES.items()}
    for conf in caches.values():
        if conf["BACKEND"].endswith("RedisCache"):
            index = int(worker_id[2:]) if worker_id.startswith("gw") else 0
            conf["LOCATION"] = _redis_db(conf["LOCATION"], (_db_of(settings.REDIS_URL) + 1 + index) % 16)
    with override_settings(
        CACHES=caches,
        SMS_BACKEND="unionportal.notifications.sms.LocMemSmsBackend",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


def _db_of(url: str) -> int:
    from urllib.parse import urlsplit

    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


def _redis_db(url: str, db: int) -> str:
    """The same Redis server with another database number."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


@pytest.fixture(autouse=True)
def _clean_outboxes():
    from django.core.cache import cache

    LocMemSmsBackend.outbox.clear()
    cache.clear()
    yield
    LocMemSmsBackend.outbox.clear()


@pytest.fixture
def sms_outbox():
    return LocMemSmsBackend.outbox


@pytest.fixture(autouse=True)
def _default_language():
    """Start and end each test in the default language.

    The test client leaves the last request's language active in the thread, so after a request under
    /en/ a bare ``reverse()`` would build /en/ URLs for the next test.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction around the whole module, rolled back at its end.

    Module-scoped fixtures build their shared rows inside ``with module_db.unblock():``; each test still
    runs in its own savepoint (``django_db``), so what a test writes is undone before the next one.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    yield django_db_blocker
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_day():
    """The module runs on the demo's day, as ``make run`` serves the demo (DEMO_TODAY): seeded data and
    requests see the campaign in late April, whatever the real date."""
    from unionportal import clock, demo

    with clock.travel(demo.DAY):
        yield demo.DAY
