"""The six-function dashboard: each provider's figures for sibling subtrees and their parent, the page's
panels and children table in a constant number of queries, the cache, the scope (404 outside it), a
failing provider left out, the export and the link on the staff home page."""

import csv
import io
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assistance.models import HouseholdRollup
from tests.factories import make_enterprise, make_org, make_tree, make_user
from unionportal import clock
from unionportal.campaigns.enums import ReportState
from unionportal.campaigns.models import ActivityReport, Campaign
from unionportal.orgs import members
from unionportal.orgs.enums import OrgKind, Role
from unionportal.orgs.member_demo import id_number
from unionportal.reports import registry
from unionportal.reports.registry import Figure

DAY = date(2026, 4, 24)  # a Friday of the demo's late April
START = date(2026, 3, 1)


@pytest.fixture(scope="module")
def world(module_db):
    with module_db.unblock(), clock.travel(DAY):
        t = make_tree()
        Campaign.objects.filter(is_current=True).update(is_current=False)
        campaign = Campaign.objects.create(
            year=2099, theme="测试活动", starts_on=START, ends_on=date(2026, 5, 31), is_current=True
        )
        u = {
            "province": make_user("d_prov", org=t["province"], role=Role.STAFF),
            "city_a": make_user("d_city_a", org=t["city_a"], role=Role.STAFF),
            "county_a": make_user("d_county_a", org=t["county_a"], role=Role.STAFF),
            "county_b": make_user("d_county_b", org=t["county_b"], role=Role.STAFF),
            "sub_a": make_user("d_sub_a", org=t["grassroots_a"], role=Role.SUBMITTER),
        }
        # Members: two in union a (one joined in the campaign, one long ago), one in union b (in it).
        joined = [("a", date(2026, 3, 10), 101), ("a", date(2019, 6, 1), 103), ("b", date(2026, 4, 20), 105)]
        for branch, on, seq in joined:
            members.member_add(
                actor=None,
                organisation=t[f"grassroots_{branch}"],
                name="测试会员",
                id_number=id_number("420684", date(1990, 1, 1) + timedelta(days=seq), seq),
                joined_on=on,
                check_scope=False,
            )
        # Enterprises without a union: two in township a, none in b (b's one has its union).
        make_enterprise(t["township_a"])
        make_enterprise(t["township_a"])
        make_enterprise(t["township_b"], union=t["grassroots_b"])
        # Activity reports: a submitted and an accepted one in a, a draft in b (not reported).
        for branch, state, on in (
            ("a", ReportState.SUBMITTED, date(2026, 4, 13)),
            ("a", ReportState.ACCEPTED, date(2026, 4, 22)),
            ("b", ReportState.DRAFT, date(2026, 4, 22)),
        ):
            ActivityReport.objects.create(
                organisation=t[f"grassroots_{branch}"],
                campaign=campaign,
                title="职工趣味运动会",
                date=on,
                place="厂区",
                participants=120,
                summary="拔河、跳绳。",
                state=state,
            )
        # The ledger's rollup as the periodic job leaves it: 3 households filed in a (2 helped), 1 in b.
        refreshed = timezone.now() - timedelta(minutes=4)
        for branch, state, n, helped in (("a", "filed", 2, 1), ("a", "assisted", 1, 1), ("b", "filed", 1, 0)):
            HouseholdRollup.objects.create(
                org_path=t[f"grassroots_{branch}"].path,
                category="deep",
                state=state,
                capacity_cutting=False,
                households=n,
                helped=helped,
                refreshed_at=refreshed,
            )
    return SimpleNamespace(t=t, u=u, campaign=campaign, refreshed=refreshed)


@pytest.fixture(autouse=True)
def _today(db):
    cache.clear()
    with clock.travel(DAY):
        yield
    cache.clear()


def values(paths):
    found = registry.dashboard_figures(paths)
    return {path: {f.key: f.value for f in figures} for path, figures in found.items()}


def test_providers_answer_for_sibling_subtrees_and_their_parent(world):
    t = world.t
    a, b, p = t["city_a"].path, t["county_b"].path, t["province"].path
    got = values([p, a, b])
    expected = {
        "orgs.members": (3, 2, 1),
        "orgs.new_members": (2, 1, 1),
        "orgs.enterprises_without_union": (2, 2, 0),
        "assistance.households": (4, 3, 1),
        "assistance.helped": (2, 2, 0),
        "campaigns.activities": (2, 2, 0),
        "campaigns.activities_accepted": (1, 1, 0),
        "competitions.entrants": (0, 0, 0),
    }
    for key, (at_p, at_a, at_b) in expected.items():
        assert (got[p][key], got[a][key], got[b][key]) == (at_p, at_a, at_b), key


def test_each_figure_says_how_old_it_is(world):
    figures = {
        f.key: f for f in registry.dashboard_figures([world.t["province"].path])[world.t["province"].path]
    }
    assert figures["assistance.households"].as_of == world.refreshed  # the rollup's time
    assert figures["orgs.members"].as_of is not None  # the member count rollup's last move
    assert figures["campaigns.activities"].as_of is None  # counted live


def test_the_weekly_trends_cover_the_campaign_to_today(world):
    series = {s.key: s for s in registry.dashboard_trends(world.t["province"].path, START, DAY)}
    joined = series["orgs.new_members"].points
    assert joined[0][0] == date(2026, 2, 23) and joined[-1][0] == date(2026, 4, 20)  # Mondays
    assert dict(joined)[date(2026, 3, 9)] == 1 and dict(joined)[date(2026, 4, 20)] == 1
    assert sum(n for _d, n in joined) == 2
    activities = dict(series["campaigns.activities"].points)
    assert activities[date(2026, 4, 13)] == 1 and activities[date(2026, 4, 20)] == 1


def test_province_staff_see_six_panels_and_the_children(world, client):
    client.force_login(world.u["province"])
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    data = response.context["data"]
    assert data.path == world.t["province"].path
    assert [p.code for p in response.context["data"].panels()] == list(registry.FUNCTION_CODES)
    assert [c.name for c in data.children] == ["City a", "City b"]
    html = response.content.decode()
    assert html.count('id="panel-') == 6
    assert reverse("dashboard:org", args=[world.t["city_a"].pk]) in html
    assert "实时" in html and "截至" in html and "数据生成于" in html


def test_a_county_staff_opens_their_county_and_gets_404_on_another(world, client):
    t = world.t
    client.force_login(world.u["county_a"])
    home = client.get(reverse("dashboard:index"))
    assert home.context["org"] == t["county_a"]
    assert client.get(reverse("dashboard:org", args=[t["township_a"].pk])).status_code == 200
    assert client.get(reverse("dashboard:org", args=[t["county_b"].pk])).status_code == 404
    assert client.get(reverse("dashboard:org", args=[t["city_a"].pk])).status_code == 404  # above them
    assert client.get(reverse("dashboard:org", args=[999_999])).status_code == 404
    client.force_login(world.u["province"])
    assert client.get(reverse("dashboard:org", args=[t["county_b"].pk])).status_code == 200


def test_a_submitter_may_not_open_a_dashboard(world, client):
    client.force_login(world.u["sub_a"])
    assert client.get(reverse("dashboard:index")).status_code == 403
    assert client.get(reverse("dashboard:org", args=[world.t["grassroots_a"].pk])).status_code == 404
    home = client.get(reverse("home"))
    assert reverse("dashboard:index") not in home.content.decode()


def test_the_staff_home_page_links_the_dashboard(world, client):
    client.force_login(world.u["county_a"])
    assert f'href="{reverse("dashboard:index")}"' in client.get(reverse("home")).content.decode()


def _count(client, url) -> int:
    client.get(url)  # the session's first request reads more (its language, the CSRF cookie)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_children(world, client):
    client.force_login(world.u["province"])
    url = reverse("dashboard:index") + "?fresh=1"
    two = _count(client, url)
    for n in range(18):
        city = make_org(world.t["province"], name=f"Extra city {n}")
        make_org(make_org(city), kind=OrgKind.ENTERPRISE)
    cache.clear()
    twenty = _count(client, url)
    assert len(client.get(url).context["data"].children) == 20
    assert twenty == two


def test_the_cached_set_is_served_until_asked_fresh(world, client):
    client.force_login(world.u["province"])
    url = reverse("dashboard:index")
    first = client.get(url).context["data"]
    province = world.t["province"].path
    members.member_add(
        actor=None,
        organisation=world.t["grassroots_b"],
        name="新会员",
        id_number=id_number("420684", date(1991, 5, 5), 207),
        joined_on=DAY,
        check_scope=False,
    )
    cached_queries = _count(client, url)
    again = client.get(url).context["data"]
    assert again.computed_at == first.computed_at
    assert {f.key: f.value for f in again.figures}["orgs.new_members"] == 2
    fresh = client.get(url + "?fresh=1").context["data"]
    assert {f.key: f.value for f in fresh.figures}["orgs.new_members"] == 3
    assert cached_queries < _count(client, url + "?fresh=1")
    assert fresh.path == province


def test_a_failing_provider_does_not_break_the_page_and_others_show(world, client, monkeypatch):
    def fake(paths):
        return {p: [Figure("rights", "fake.open", "待办维权", 7)] for p in paths}

    def broken(paths):
        raise RuntimeError("down")

    monkeypatch.setitem(registry._dashboard_providers, "fake", fake)
    monkeypatch.setitem(registry._dashboard_providers, "broken", broken)
    monkeypatch.setitem(registry._trend_providers, "broken", lambda *args: 1 / 0)
    client.force_login(world.u["province"])
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    panels = {p.code: p for p in response.context["data"].panels()}
    assert ("fake.open", 7) in [(f.key, f.value) for f in panels["rights"].figures]
    assert panels["founding"].figures  # the other providers still answered
    html = response.content.decode()
    assert 'data-figure="fake.open">7<' in html  # in its panel
    assert html.count('data-figure="fake.open">7<') == 3  # and for each child (City a, City b)


def test_the_children_table_exports_as_csv_and_xlsx(world, client):
    client.force_login(world.u["city_a"])
    url = reverse("dashboard:org", args=[world.t["city_a"].pk])
    response = client.get(url + "?format=csv")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text)) if r]
    header = next(r for r in rows if r and r[0] == "组织")
    members_col = header.index("在会会员")
    body = {r[0]: r for r in rows[rows.index(header) + 1 :]}
    assert body["County a"][members_col] == "2"
    assert body["City a（合计）"][members_col] == "2"
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
