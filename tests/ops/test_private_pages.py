"""Private pages stay private: no shared or disk cache keeps what a signed-in user or a private file shows."""

import secrets

import pytest
from django.contrib.auth.hashers import make_password
from django.core import checks

from tests.deploy.test_check_deploy import manage
from tests.factories import PASSWORD, make_org, make_user
from unionportal.checks import check_demo_passwords, check_test_and_demo_modes
from unionportal.orgs import demo_data
from unionportal.orgs.enums import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = make_user("private-staff", org=make_org(name="省总工会"), role=Role.STAFF)
    client.force_login(staff)
    return client


def test_public_pages_stay_public_for_anonymous_visitors(client):
    response = client.get("/honourees/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("path", ["/", "/honourees/", "/home/", "/inbox/", "/readyz"])
def test_every_answer_to_a_signed_in_user_is_private_and_not_stored(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Expires" not in response


def test_the_answer_that_signs_in_is_private_too(client):
    staff = make_user("signing-in", org=make_org(name="省总工会"), role=Role.STAFF)
    response = client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"


def test_files_answer_private_and_not_stored_even_when_missing(client):
    response = client.get("/files/8a1d6f3e-5c1b-4bb5-9d62-0f5d0a2b1c3e/")
    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"


def test_check_deploy_refuses_captcha_test_mode_and_a_demo_site():
    key = secrets.token_urlsafe(50)
    base = {"DEBUG": "0", "SECRET_KEY": key, "ALLOWED_HOSTS": "example.org"}
    proc = manage("check", "--deploy", **base, CAPTCHA_TEST_MODE="1")
    assert proc.returncode == 1
    assert "(unionportal.E001) CAPTCHA_TEST_MODE is on" in proc.stderr
    proc = manage("check", "--deploy", **base, SITE_DEMO="1")
    assert proc.returncode == 1
    assert "(unionportal.E002) SITE_DEMO is on with DEBUG off" in proc.stderr


def ids(errors) -> list[str]:
    return [error.id for error in errors]


def test_demo_mode_checks_follow_the_settings(settings):
    settings.DEBUG, settings.SITE_DEMO, settings.CAPTCHA_TEST_MODE, settings.DEMO_TODAY = (
        False,
        False,
        False,
        "",
    )
    assert check_test_and_demo_modes(None) == []
    settings.DEBUG, settings.SITE_DEMO = True, True  # the development default
    assert check_test_and_demo_modes(None) == []
    settings.DEBUG = False
    assert ids(check_test_and_demo_modes(None)) == ["unionportal.E002"]
    settings.CAPTCHA_TEST_MODE = True
    assert ids(check_test_and_demo_modes(None)) == ["unionportal.E001", "unionportal.E002"]
    settings.SITE_DEMO, settings.CAPTCHA_TEST_MODE, settings.DEMO_TODAY = False, False, "2026-04-20"
    assert ids(check_test_and_demo_modes(None)) == ["unionportal.E004"]


def test_the_checks_are_deployment_checks():
    registered = checks.registry.registry.get_checks(include_deployment_checks=True)
    everyday = checks.registry.registry.get_checks(include_deployment_checks=False)
    assert check_test_and_demo_modes in registered
    assert check_demo_passwords in registered
    assert check_test_and_demo_modes not in everyday
    assert check_demo_passwords not in everyday


def test_a_demo_account_with_the_demo_password_fails_the_database_check():
    shared = make_password(demo_data.PASSWORD)
    for name in ("province", "county"):
        user = make_user(name)
        user.password = shared
        user.save()
    make_user("worker")  # another password
    make_user("expert", is_active=False).set_password(demo_data.PASSWORD)
    assert check_demo_passwords(None) == []  # only when asked for a database
    [error] = check_demo_passwords(None, databases=["default"])
    assert error.id == "unionportal.E003"
    assert error.msg.endswith(": county, province.")


def test_demo_accounts_with_new_passwords_pass_the_database_check():
    make_user("province")
    assert PASSWORD != demo_data.PASSWORD
    assert check_demo_passwords(None, databases=["default"]) == []
