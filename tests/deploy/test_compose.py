"""docker-compose.yml and the bin/ scripts agree on how the stack is run (no Docker engine needed)."""

import os
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = {"web": "bin/web", "worker": "bin/worker", "beat": "bin/beat"}


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def environment(service: dict) -> dict:
    env = service["environment"]
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return env


def test_compose_defines_the_five_services(services):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)


@pytest.mark.parametrize(("name", "command"), APP_SERVICES.items())
def test_app_services_build_the_one_image_and_run_their_script(services, name, command):
    assert services[name]["build"] == "."
    assert services[name]["command"] == command


@pytest.mark.parametrize("name", ["postgres", "redis", "web", "worker", "beat"])
def test_every_service_has_a_healthcheck(services, name):
    assert services[name]["healthcheck"]["test"]


def test_web_and_worker_share_the_media_volume(services):
    def media_volume(service):
        return [v for v in service["volumes"] if v.split(":")[1] == "/app/var/media"]

    assert media_volume(services["web"]) == media_volume(services["worker"]) == ["media:/app/var/media"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_the_deployment_settings(services, name):
    env = environment(services[name])
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"} <= set(env)
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"].startswith("redis://")
    # Compose refuses to start without a key rather than running with an empty one.
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert env["DEBUG"] in ("0", False)


def test_web_and_worker_wait_for_healthy_backing_services(services):
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize("script", ["bin/web", "bin/worker", "bin/beat", "bin/bench", "bin/ci-healthcheck"])
def test_scripts_exist_and_are_executable(script):
    path = ROOT / script
    assert path.is_file()
    assert os.access(path, os.X_OK)


def test_image_installs_the_cjk_font():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "fonts-noto-cjk" in dockerfile
    assert 'CMD ["bin/web"]' in dockerfile
