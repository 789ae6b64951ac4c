import re

import pytest

from tests.browser.conftest import shot
from tests.factories import PASSWORD, Role, make_tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_public_home_switch_to_english_sign_in_reach_home(page, live_server, artifacts):
    tree = make_tree()
    make_user("county_staff", org=tree["county_a"], role=Role.STAFF, name="李明")

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "五一" in page.locator("nav").inner_text()
    shot(page, artifacts, "smoke-home-zh")

    page.click("#lang-switch")
    page.wait_for_url(live_server.url + "/en/")
    nav_text = page.locator("nav").inner_text()
    assert "May Day Campaign Portal" in nav_text
    assert not HAN.search(nav_text), nav_text
    shot(page, artifacts, "smoke-home-en")

    page.click("text=Sign in")
    page.fill("#id_username", "county_staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/en/home/")
    assert page.locator("#home-title").inner_text() == "Welcome, 李明"
    assert "County a · Union staff" in page.locator("#my-orgs").inner_text()
    assert not HAN.search(page.locator("nav").inner_text().replace("李明", ""))
    shot(page, artifacts, "smoke-workspace-en")


def test_home_on_a_phone_shows_the_menu(phone_page, live_server, artifacts):
    phone_page.goto(live_server.url + "/")
    toggler = phone_page.locator(".navbar-toggler")
    assert toggler.is_visible()
    toggler.click()
    phone_page.locator("#nav-main a", has_text="获奖名单").wait_for(state="visible")
    shot(phone_page, artifacts, "smoke-home-phone")
