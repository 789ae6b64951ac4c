"""County staff open the assistance report: the chart draws under the CSP, a row drills down a level,
the capacity-cutting toggle narrows the figures."""

import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from assistance import services
from assistance.rollups import rollup_refresh
from assistance.workflows import household_transition
from tests.assistance.factories import MEMBERS, household_fields, ledger
from tests.browser.conftest import shot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def filed(world, n, enterprise, **overrides):
    household = services.household_create(
        actor=world.cadre, enterprise=enterprise, members=MEMBERS, **household_fields(n, **overrides)
    )
    for to in ("verified", "appraised", "noticed", "filed"):
        household_transition(actor=world.staff_a, household_id=household.pk, to=to)
    household.refresh_from_db()
    return household


def test_county_staff_see_the_report_chart_and_drill_down(page, live_server, artifacts):
    world = ledger()
    helped = filed(world, 1, world.enterprise)
    services.measure_add(
        actor=world.cadre,
        household=helped,
        type="medical",
        form="cash",
        amount=Decimal("2000"),
        given_on=timezone.localdate(),
        fund_source="union",
        giver="宜城市总工会",
    )
    filed(world, 2, world.other, worker_income=Decimal("3000"), causes=["schooling"])
    rollup_refresh()  # the report reads the rollups, which the periodic job keeps fresh

    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/home/$"))

    page.goto(base + "/assistance/reports/")
    assert page.locator("#report-current").inner_text() == "County a"
    assert page.locator("#total-filed").inner_text() == "2"
    assert page.locator("#total-amount").inner_text() == "2,000.00"
    drawn = page.evaluate(
        "() => { const c = document.getElementById('report-chart');"
        " return !!(window.Chart && Chart.getChart(c)) && c.width > 0; }"
    )
    assert drawn is True
    assert json.loads(page.locator("#report-data").inner_text())["labels"] == ["Township a"]
    shot(page, artifacts, "assistance-report")

    # Township a: its grassroots union, and its own records (the enterprise without a union).
    page.click("a.report-drill")
    page.wait_for_url(re.compile(r".*/assistance/reports/\?org=\d+$"))
    assert page.locator("#report-current").inner_text() == "Township a"
    labels = page.locator("#report-households tbody tr td:first-child").all_inner_texts()
    assert labels == ["Union a", "Township a（本级）"]
    assert page.evaluate("() => !!Chart.getChart(document.getElementById('report-chart'))") is True

    # The measures by type sit behind a tab.
    page.click("#tab-by-type-button")
    medical = page.locator("#report-by-type tfoot td[data-choice=medical]")
    assert medical.inner_text().startswith("2,000.00")

    # Only the capacity-cutting enterprise (宜城水晶厂, at Union a) is left.
    page.click("#report-capacity")
    page.wait_for_url(re.compile(r".*capacity=1$"))
    assert page.locator("#total-filed").inner_text() == "1"
    assert page.locator("#total-enterprises").inner_text() == "1"
