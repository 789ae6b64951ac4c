"""A real Celery worker on Redis delivers notifications; killing one mid-task loses and duplicates nothing.

These run under CI (PostgreSQL + Redis); elsewhere they skip. The worker is a subprocess pointed at this
test run's database and at a queue of its own, so parallel test workers never take each other's tasks.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tests.conftest import skip_unless_ci
from tests.factories import make_user
from unionportal.celery import app
from unionportal.notifications import services
from unionportal.notifications.models import Notification, Status
from unionportal.notifications.services import Message

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_services():
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        skip_unless_ci("needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
        pytest.fail("CI must provide PostgreSQL and Redis")


@pytest.fixture
def own_queue(real_services):
    """Route notification tasks to a queue only this test's worker consumes."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    routes = app.conf.task_routes

    def use(task_routes):
        app.conf.task_routes = task_routes
        app.amqp.flush_routes()  # the router caches the compiled setting
        app.amqp.router = app.amqp.Router()

    use({"notifications.*": {"queue": name}})
    yield name
    use(routes)


def database_url() -> str:
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


class Worker:
    def __init__(self, queue: str):
        self.hostname = f"{queue}@localhost"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "CACHE_KEY_PREFIX": f"worker-{queue}",
            "EMAIL_URL": "dummymail://",
            "SMS_BACKEND": "unionportal.notifications.sms.LogSmsBackend",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "unionportal",
                "worker",
                "-Q",
                queue,
                "-n",
                self.hostname,
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )

    def wait_ready(self, timeout=45):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited with {self.process.returncode}")
            if app.control.ping(destination=[self.hostname], timeout=0.5):
                return
        raise AssertionError("worker did not answer a ping")

    def kill(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def worker(own_queue):
    w = Worker(own_queue)
    try:
        w.wait_ready()
        yield w
    finally:
        w.kill()


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def waiting_on_locks() -> int:
    """Sessions of this database blocked on a lock: the worker's task waiting for our row lock."""
    with psycopg.connect(database_url(), autocommit=True) as probe:
        return probe.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()[0]


def test_worker_delivers_after_commit(worker):
    user = make_user("receiver")
    with transaction.atomic():
        services.queue(Message(recipients=(user,), event="test.e2e", subject="端到端通知"))
    committed = time.monotonic()
    row = Notification.objects.get(recipient=user)
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == Status.SENT)
    latency = time.monotonic() - committed
    print(f"\nnotification delivered {latency * 1000:.0f} ms after commit")
    row.refresh_from_db()
    assert row.attempts == 1


def test_worker_killed_mid_task_neither_loses_nor_duplicates_the_inbox_row(worker, monkeypatch):
    user = make_user("receiver")
    monkeypatch.setattr(services, "enqueue", lambda ids: None)  # write the row without handing it over yet
    with transaction.atomic():
        services.queue(Message(recipients=(user,), event="test.kill", subject="进行中被中断的通知"))
    monkeypatch.undo()
    row = Notification.objects.get(recipient=user)

    # Hold the row lock from another connection so the worker's delivery blocks inside the task.
    locker = psycopg.connect(database_url(), autocommit=False)
    locker.execute("SELECT id FROM notifications_notification WHERE id = %s FOR UPDATE", [row.pk])
    try:
        services.enqueue([row.pk])
        assert wait_for(lambda: waiting_on_locks() > 0), "the task never started"
        worker.kill()  # mid-task: it is waiting for the row lock
    finally:
        locker.rollback()
        locker.close()

    row.refresh_from_db()
    assert row.status == Status.PENDING  # not lost: still in the outbox
    assert services.sweep(now=timezone.now() + timedelta(minutes=2)) == 1
    assert services.sweep(now=timezone.now() + timedelta(minutes=3)) == 0
    rows = Notification.objects.filter(recipient=user)
    assert rows.count() == 1  # not duplicated
    assert rows.get().status == Status.SENT
    assert list(services.inbox(user).values_list("subject", flat=True)) == ["进行中被中断的通知"]


def test_settings_point_at_the_real_broker(real_services):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert settings.CELERY_BROKER_URL.startswith("redis://")
