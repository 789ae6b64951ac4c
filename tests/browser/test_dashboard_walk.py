"""The province's six-function dashboard in the browser: six panels, the trend charts drawn under the CSP,
a member entered elsewhere moving the figure once the leader refreshes, the drill-down to a city, and the
page on a phone."""

import re
from datetime import date

import pytest

from tests.browser.conftest import shot, sign_in
from tests.factories import make_enterprise, make_tree, make_user
from unionportal import clock
from unionportal.campaigns.models import Campaign
from unionportal.orgs import members
from unionportal.orgs.enums import Role
from unionportal.orgs.member_demo import id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = date(2026, 4, 24)


def add_member(union, seq: int, joined_on: date):
    return members.member_add(
        actor=None,
        organisation=union,
        name="测试会员",
        id_number=id_number("420684", date(1990, 1, 1), seq),
        joined_on=joined_on,
        check_scope=False,
    )


def figure(page, key: str) -> int:
    return int(page.locator(f"#dashboard-panels [data-figure='{key}']").inner_text())


def test_a_leader_sees_a_figure_move_and_drills_down(page, phone_page, live_server, artifacts):
    with clock.travel(DAY):
        t = make_tree()
        Campaign.objects.filter(is_current=True).update(is_current=False)
        Campaign.objects.create(
            year=2098,
            theme="测试活动",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 5, 31),
            is_current=True,
        )
        make_user("dash_prov", org=t["province"], role=Role.STAFF, name="省总工作人员")
        make_enterprise(t["township_a"])
        add_member(t["grassroots_a"], 11, date(2026, 3, 18))
        add_member(t["grassroots_b"], 13, date(2026, 4, 8))
        base = live_server.url

        sign_in(page, base, "dash_prov")
        page.click("#home-dashboard")
        page.wait_for_url(re.compile(r".*/dashboard/$"))
        assert page.locator("#dashboard-panels .card").count() == 6
        assert figure(page, "orgs.members") == 2
        assert figure(page, "orgs.new_members") == 2
        assert figure(page, "orgs.enterprises_without_union") == 1
        assert "实时" in page.locator("#panel-founding").inner_text()
        drawn = page.evaluate(
            "() => { const c = document.getElementById('trend-0');"
            " return !!(c && window.Chart && Chart.getChart(c)) && c.width > 0; }"
        )
        assert drawn is True
        rows = page.locator("#dashboard-children tbody tr")
        assert rows.count() == 2

        # A union enters a new member; the leader's next refresh shows it (the cached set is bypassed).
        add_member(t["grassroots_b"], 15, DAY)
        page.reload()
        assert figure(page, "orgs.members") == 2  # the minute-old set, which says how old it is
        assert "秒前" in page.locator("#dashboard-age").inner_text()
        page.click("#dashboard-refresh")
        page.wait_for_load_state()
        assert figure(page, "orgs.members") == 3
        assert figure(page, "orgs.new_members") == 3
        shot(page, artifacts, "dashboard-province")

        # Drill down to a city: its own figures, the province in the trail.
        page.click(f"#dashboard-children a[href$='/dashboard/{t['city_b'].pk}/']")
        page.wait_for_url(re.compile(rf".*/dashboard/{t['city_b'].pk}/$"))
        assert figure(page, "orgs.members") == 2
        assert "Province" in page.locator("#dashboard-trail").inner_text()

        sign_in(phone_page, base, "dash_prov")
        phone_page.goto(base + "/dashboard/")
        assert phone_page.locator("#dashboard-panels .card").count() == 6
        shot(phone_page, artifacts, "dashboard-province-phone")
