"""bin/migrate and bin/beat's lock process: its lines are the project's log lines (JSON in production),
and it tells a health check whether it stands by or works."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ops import test_scale_out
from tests.ops.test_scale_out import ROOT, environment, wait_for
from unionportal import locks

# A new, empty PostgreSQL database (dropped afterwards), as the scale-out tests use.
empty_database = test_scale_out.empty_database


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_the_lock_process_logs_json_lines_when_the_format_is_json():
    done = subprocess.run(
        [sys.executable, "-m", "unionportal.locks", "nonsense"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    [line] = json_lines(done.stderr)
    assert line["logger"] == "unionportal.locks"
    assert line["level"] == "ERROR"
    assert line["message"] == "usage: python -m unionportal.locks {migrate,beat} -- COMMAND [ARGS...]"


# --- the health check's answer from the status file ---------------------------------------------------


def status(tmp_path: Path, state: str, age: float = 0) -> str:
    path = tmp_path / "lock-status"
    path.write_text(f"{state}\n")
    at = time.time() - age
    os.utime(path, (at, at))
    return str(path)


def schedule(tmp_path: Path, age: float) -> str:
    path = tmp_path / "celerybeat-schedule"
    path.write_bytes(b"")
    at = time.time() - age
    os.utime(path, (at, at))
    return str(tmp_path / "celerybeat-schedule*")


def test_a_standby_waiting_for_the_lock_is_healthy(tmp_path):
    assert locks.healthy(status(tmp_path, "waiting"), str(tmp_path / "celerybeat-schedule*")) == (
        True,
        "waiting for the lock",
    )


def test_the_holder_is_healthy_while_it_works_and_not_when_it_stopped_working(tmp_path):
    path = status(tmp_path, "holding")
    assert locks.healthy(path, schedule(tmp_path, age=30)) == (True, "holding the lock and working")
    ok, why = locks.healthy(path, schedule(tmp_path, age=locks.WORKING_SECONDS + 60))
    assert not ok and why.startswith("holding the lock, but nothing matching")


def test_a_stale_or_missing_status_is_unhealthy(tmp_path):
    ok, why = locks.healthy(status(tmp_path, "waiting", age=locks.STATUS_SECONDS + 5))
    assert not ok and why.startswith("status 'waiting' is")
    assert locks.healthy(str(tmp_path / "absent")) == (False, f"no status in {tmp_path / 'absent'}")


def test_the_check_command_answers_with_its_exit_status(tmp_path):
    def check(*args):
        return subprocess.run(
            [sys.executable, "-m", "unionportal.locks", "check", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    waiting = check("--status", status(tmp_path, "waiting"))
    assert (waiting.returncode, waiting.stdout) == (0, "waiting for the lock\n")
    holding = check("--status", status(tmp_path, "holding"), "--working", str(tmp_path / "nothing*"))
    assert holding.returncode == 1


# --- on PostgreSQL: a standby beat and the one ticking -----------------------------------------------


@pytest.mark.services
def test_a_standby_and_the_holder_both_log_json_and_both_report_healthy(empty_database, tmp_path):
    def beat(name: str) -> subprocess.Popen:
        script = f"open({str(tmp_path / name)!r}, 'w').close(); import time; time.sleep(120)"
        return subprocess.Popen(
            [sys.executable, "-m", "unionportal.locks", "beat", "--", sys.executable, "-c", script],
            cwd=ROOT,
            env=environment(
                empty_database,
                LOG_FORMAT="json",
                LOCKS_STATUS_FILE=str(tmp_path / f"{name}-status"),
                LOCKS_CHECK_SECONDS="0.5",
            ),
            stderr=subprocess.PIPE,
            text=True,
        )

    first = beat("first")
    second = None
    try:
        wait_for(tmp_path / "first")
        second = beat("second")
        wait_for(tmp_path / "second-status")
        assert (tmp_path / "first-status").read_text() == "holding\n"
        assert (tmp_path / "second-status").read_text() == "waiting\n"
        assert locks.healthy(str(tmp_path / "second-status"), str(tmp_path / "first")) == (
            True,
            "waiting for the lock",
        )
        assert locks.healthy(str(tmp_path / "first-status"), str(tmp_path / "first")) == (
            True,
            "holding the lock and working",
        )
        first.terminate()
        first.wait(timeout=60)
        wait_for(tmp_path / "second")  # the standby took over
        assert (tmp_path / "second-status").read_text() == "holding\n"
        assert not (tmp_path / "first-status").exists()  # a stopped process leaves no status behind
        second.terminate()
        second.wait(timeout=60)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    lines = json_lines(second.stderr.read())
    first.stderr.close()
    second.stderr.close()
    assert [(line["logger"], line["level"], line["message"], line["lock"]) for line in lines] == [
        ("unionportal.locks", "INFO", "another beat holds the lock; waiting for it", "beat"),
        ("unionportal.locks", "INFO", "took the beat lock", "beat"),
    ]
