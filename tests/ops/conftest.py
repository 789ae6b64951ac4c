import contextlib
import os
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from unionportal import cache_backends

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "unionportal" / "settings.py"
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


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory) -> Path:
    """An SQLite file migrated once per test process: each server of these tests starts on a copy, so its
    bin/web finds nothing to migrate (migrating takes the better part of a minute)."""
    path = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DATABASE_URL": f"sqlite:///{path}",
    }
    subprocess.run(["bin/migrate"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    return path


@pytest.fixture
def sqlite_url(_migrated_sqlite, tmp_path) -> str:
    """DATABASE_URL of a migrated SQLite file of this test's own."""
    path = tmp_path / "db.sqlite3"
    shutil.copyfile(_migrated_sqlite, path)
    return f"sqlite:///{path}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 30) -> tuple[int, str]:
    """GET as the TLS-terminating proxy sends it; (status, body)."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@contextlib.contextmanager
def serve(tmp_path: Path, **env: str):
    """bin/web (DEBUG off, one gunicorn worker) with ``env``; yields its base URL once /ping answers."""
    port = free_port()
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "4",
        "LOG_LEVEL": "ERROR",
        **env,
    }
    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        web = subprocess.Popen(
            ["bin/web"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert web.poll() is None, log_path.read_text()
            with contextlib.suppress(OSError):
                if get(f"{base}/ping", timeout=2)[0] == 200:
                    break
            assert time.monotonic() < deadline, "bin/web did not start"
            time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(web.pid, signal.SIGTERM)
        try:
            web.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(web.pid, signal.SIGKILL)
            web.wait()
