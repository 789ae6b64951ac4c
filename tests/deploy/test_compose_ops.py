"""The stack's probes and stop timing as compose runs them (no Docker engine needed)."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_web_is_probed_for_readiness_not_for_the_workers(services):
    probe = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/readyz" in probe
    assert "/healthz" not in probe


def test_web_may_finish_its_requests_before_it_is_killed(services):
    graceful = int(
        re.search(r'--graceful-timeout "\$\{WEB_GRACEFUL_TIMEOUT:-(\d+)\}"', (ROOT / "bin/web").read_text())[
            1
        ]
    )
    grace = int(services["web"]["stop_grace_period"].removesuffix("s"))
    assert grace > graceful


def test_web_migrates_through_the_lock():
    web = (ROOT / "bin/web").read_text()
    assert "bin/migrate" in web
    assert "manage.py migrate" not in web
    assert (ROOT / "bin/migrate").stat().st_mode & 0o111


def test_beat_ticks_only_while_it_holds_the_lock():
    assert "python -m unionportal.locks beat -- celery -A unionportal beat" in (ROOT / "bin/beat").read_text()
