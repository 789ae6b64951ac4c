"""Done-when of the foundation: every demo account signs in through the form and lands on its home page,
in Chinese and in English."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from unionportal.orgs.demo_data import PASSWORD as DEMO_PASSWORD

ACCOUNTS = [
    "province",
    "city",
    "county",
    "township",
    "grassroots",
    "county2",
    "grassroots2",
    "expert",
    "cadre",
    "worker",
]


@pytest.fixture(scope="module")
def demo(module_db, demo_day):
    with module_db.unblock(), override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("prefix, welcome", [("", "欢迎，"), ("/en", "Welcome, ")])
@pytest.mark.parametrize("username", ACCOUNTS)
def test_demo_account_signs_in_and_lands_on_its_home(client, demo, username, prefix, welcome):
    response = client.post(
        f"{prefix}/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{prefix}/home/"
    html = response.content.decode()
    assert welcome in html
    assert response.context["memberships"], f"{username} holds no role"
