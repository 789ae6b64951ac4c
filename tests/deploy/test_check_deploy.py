"""The settings pass Django's deployment checks with DEBUG off, and refuse to start without a key."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # An explicit environment: nothing from the caller's (DATABASE_URL, DEBUG, ...) leaks in.
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_without_warnings():
    proc = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_debug_off_without_secret_key_refuses_to_start():
    proc = manage("check", DEBUG="0", ALLOWED_HOSTS="example.org")
    assert proc.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set" in proc.stderr
