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
