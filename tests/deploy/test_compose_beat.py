"""The beat container's health check holds for the beat that ticks and for a standby waiting on the lock
(no Docker engine needed: the check's own command is run against the files bin/beat's lock keeps)."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def beat():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["beat"]


def test_bin_beat_keeps_the_status_file_the_health_check_reads(beat):
    test = beat["healthcheck"]["test"]
    assert test[:5] == ["CMD", "python", "-m", "unionportal.locks", "check"]
    status = test[test.index("--status") + 1]
    working = test[test.index("--working") + 1]
    schedule_dir = beat["environment"]["BEAT_SCHEDULE_DIR"]
    assert status == f"{schedule_dir}/lock-status"
    assert working == f"{schedule_dir}/celerybeat-schedule*"
    script = (ROOT / "bin/beat").read_text()
    assert 'export LOCKS_STATUS_FILE="$schedule_dir/lock-status"' in script
    assert '--schedule "$schedule_dir/celerybeat-schedule"' in script


@pytest.mark.parametrize(
    ("state", "schedule_age", "healthy"), [("waiting", None, True), ("holding", 60, True)]
)
def test_the_compose_check_passes_for_a_standby_and_for_the_ticking_beat(
    beat, tmp_path, state, schedule_age, healthy
):
    schedule_dir = beat["environment"]["BEAT_SCHEDULE_DIR"]
    (tmp_path / "lock-status").write_text(f"{state}\n")
    if schedule_age is not None:
        schedule = tmp_path / "celerybeat-schedule.db"
        schedule.write_bytes(b"")
        at = time.time() - schedule_age
        os.utime(schedule, (at, at))
    command = [arg.replace(schedule_dir, str(tmp_path)) for arg in beat["healthcheck"]["test"][1:]]
    command[0] = sys.executable
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (done.returncode == 0) is healthy, done.stdout + done.stderr


def test_a_beat_holding_the_lock_that_stopped_writing_its_schedule_is_unhealthy(beat, tmp_path):
    schedule_dir = beat["environment"]["BEAT_SCHEDULE_DIR"]
    (tmp_path / "lock-status").write_text("holding\n")
    command = [arg.replace(schedule_dir, str(tmp_path)) for arg in beat["healthcheck"]["test"][1:]]
    command[0] = sys.executable
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=60).returncode == 1


def test_docker_compose_parses_the_file():
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode:
        pytest.skip("the docker compose plugin is not installed")
    done = subprocess.run(
        [docker, "compose", "config", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert not re.search(r"(?i)warn", done.stderr), done.stderr
