import json

import pytest

from tests.browser.conftest import shot
from tests.factories import PASSWORD, Role, make_tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_sees_the_coverage_chart(page, live_server, artifacts):
    tree = make_tree()
    make_user("prov", org=tree["province"], role=Role.STAFF, name="省总工作人员")
    make_user("sub_a", org=tree["grassroots_a"], role=Role.SUBMITTER)

    page.goto(live_server.url + "/accounts/login/?next=/coverage/")
    page.fill("#id_username", "prov")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/coverage/")
    assert page.locator("#total-unions").inner_text() == "9"

    # The chart library ran under the CSP and drew on the canvas.
    drawn = page.evaluate(
        "() => { const c = document.getElementById('coverage-chart');"
        " return !!(window.Chart && Chart.getChart(c)) && c.width > 0; }"
    )
    assert drawn is True
    labels = json.loads(page.locator("#coverage-data").inner_text())["labels"]
    assert labels == ["City a", "City b"]
    rows = page.locator("#coverage-by-level tbody tr")
    assert rows.count() == 5
    shot(page, artifacts, "coverage")
