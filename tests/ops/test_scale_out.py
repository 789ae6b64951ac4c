"""Scaling out: concurrent migrations serialize, and only one beat ticks (PostgreSQL advisory locks)."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.conftest import skip_unless_ci
from unionportal import locks

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.services


@pytest.fixture
def empty_database():
    """A new, empty PostgreSQL database on the server of DATABASE_URL; dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        skip_unless_ci("needs DATABASE_URL on PostgreSQL")
        pytest.fail("CI must run on PostgreSQL")
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_scale_{os.getpid()}"
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database_url: str, **extra) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def test_two_concurrent_migrations_on_an_empty_database_both_succeed(empty_database):
    env = environment(empty_database)
    runs = [
        subprocess.Popen(
            ["bin/migrate"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    waited = [out for out in outputs if "another migrate holds the lock; waiting for it" in out]
    assert len(waited) == 1, outputs  # the other one migrated meanwhile
    assert "No migrations to apply." in waited[0]
    with psycopg.connect(empty_database) as conn:
        applied = conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    assert applied > 0


def locked(database_url: str, name: str, script: str, **extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "unionportal.locks", name, "--", sys.executable, "-c", script],
        cwd=ROOT,
        env=environment(database_url, **extra),
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.1)


def test_a_second_beat_stands_by_until_the_first_stops(empty_database, tmp_path):
    # Each beat logs its start, waits for its release file (so a slow machine cannot let the first end
    # before the second asks for the lock), then logs its end.
    log = tmp_path / "ticks"
    script = (
        "import os, time, pathlib; log = open({log!r}, 'a');"
        "log.write(f'start {{os.getpid()}} {{time.monotonic()}}\\n'); log.flush();"
        "open({started!r}, 'a').close();"
        "release = pathlib.Path({release!r})\n"
        "while not release.exists(): time.sleep(0.05)\n"
        "log.write(f'end {{os.getpid()}} {{time.monotonic()}}\\n')"
    )
    beats = []
    try:
        for n in (1, 2):
            code = script.format(
                log=str(log), started=str(tmp_path / f"started{n}"), release=str(tmp_path / "go")
            )
            beats.append(locked(empty_database, "beat", code))
            if n == 1:
                wait_for(tmp_path / "started1")
        first, second = beats
        guard = threading.Timer(60, second.kill)  # a second beat that never says it waits fails, not hangs
        guard.start()
        said = []
        try:
            while not said or ("waiting for it" not in said[-1] and said[-1]):
                said.append(second.stderr.readline())
        finally:
            guard.cancel()
        assert "another beat holds the lock; waiting for it" in said[-1], said
        assert not (tmp_path / "started2").exists()  # standing by, not running
        (tmp_path / "go").touch()
        assert first.wait(timeout=60) == 0
        assert second.wait(timeout=60) == 0
    finally:
        for beat in beats:
            if beat.poll() is None:
                beat.kill()
                beat.wait()
            beat.stderr.close()
    events = [line.split() for line in log.read_text().splitlines()]
    assert [kind for kind, _pid, _at in events] == ["start", "end", "start", "end"]
    assert float(events[2][2]) >= float(events[1][2])  # the second ran only after the first ended


def test_a_beat_that_loses_its_lock_stops_ticking(empty_database, tmp_path):
    script = f"open({str(tmp_path / 'started')!r}, 'w').close(); import time; time.sleep(120)"
    beat = locked(empty_database, "beat", script, LOCKS_CHECK_SECONDS="0.5")
    wait_for(tmp_path / "started")
    with psycopg.connect(empty_database, autocommit=True) as conn:
        [(terminated,)] = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
            " AND classid = %s AND objid = %s",
            [locks.NAMESPACE, locks.KEYS["beat"]],
        ).fetchall()
    assert terminated is True
    try:
        assert beat.wait(timeout=30) == 1
    finally:
        if beat.poll() is None:
            os.killpg(beat.pid, signal.SIGKILL)
    assert "lost the beat lock" in beat.stderr.read()
    beat.stderr.close()
