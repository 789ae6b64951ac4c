"""The report per level: exact figures on a small tree, scoping, the capacity-cutting subset, the export,
the registry section and a query count that does not grow with the rows or the households."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone
from openpyxl import load_workbook

from assistance import rollups, services
from assistance.reports import level_report, report_section
from assistance.workflows import household_transition
from tests.assistance.factories import MEMBERS, household_fields, ledger
from tests.factories import Role, make_org, make_user
from unionportal.orgs.models import Organisation
from unionportal.reports.registry import report_sections_for

pytestmark = pytest.mark.django_db

URL = "/assistance/reports/"
EXPORT_URL = "/assistance/reports/export/"
# Session, user, the staff idle-timeout session write (3), the inbox badge, and the report's eight.
QUERY_BOUND = 14


def filed(world, n, enterprise, actor, staff, **overrides):
    """A household filed through the same services as the pages (applied → … → filed)."""
    household = services.household_create(
        actor=actor, enterprise=enterprise, members=MEMBERS, **household_fields(n, **overrides)
    )
    for to in ("verified", "appraised", "noticed", "filed"):
        household_transition(actor=staff, household_id=household.pk, to=to)
    household.refresh_from_db()
    return household


def measure(actor, household, type_, amount, fund_source):
    services.measure_add(
        actor=actor,
        household=household,
        type=type_,
        form="cash",
        amount=Decimal(amount),
        given_on=timezone.localdate(),
        fund_source=fund_source,
        giver="工会",
    )
    household.refresh_from_db()


@pytest.fixture
def world():
    """County a: two households at grassroots a (the capacity-cutting enterprise), two at township a (an
    enterprise without a union), one escaped and one exited; county b: one; one still applied."""
    w = ledger()
    w.province_staff = make_user("prov", org=w.tree["province"], role=Role.STAFF)
    w.cadre_x = make_user("cadre_x", org=w.tree["county_b"], role=Role.CADRE)
    w.drive_other.cadres.add(w.cadre, w.cadre_x)
    w.drive_b.cadres.add(w.cadre_x)

    h1 = filed(w, 1, w.enterprise, w.cadre, w.staff_a)  # 400 a head: deep
    measure(w.cadre, h1, "medical", "2000", "union")
    measure(w.cadre, h1, "living", "500", "government")
    filed(w, 2, w.enterprise, w.cadre, w.staff_a, worker_income=Decimal("3000"), causes=["schooling"])
    sudden = timezone.localdate() - timedelta(days=30)
    h3 = filed(
        w,
        3,
        w.other,
        w.cadre,
        w.staff_a,
        worker_income=Decimal("6000"),
        causes=["accident"],
        sudden_cause_on=sudden,
    )
    measure(w.cadre, h3, "job", "300", "enterprise")
    household_transition(actor=w.staff_a, household_id=h3.pk, to="escaped", comment="再就业")
    h4 = filed(w, 4, w.other, w.cadre, w.staff_a)
    household_transition(actor=w.staff_a, household_id=h4.pk, to="exited", comment="调离本省")
    h5 = filed(w, 5, w.enterprise_b, w.staff_b, w.staff_b)
    measure(w.staff_b, h5, "living", "1000", "union")
    services.household_create(actor=w.cadre, enterprise=w.enterprise, members=MEMBERS, **household_fields(6))
    w.h1 = h1
    rollups.rollup_refresh()  # the reports read the rollups
    return w


def figures(row) -> dict:
    return {
        "filed": dict(row.filed),
        "assisted": row.assisted,
        "escaped": row.escaped,
        "exited": row.exited,
        "helped": row.helped,
        "measures": (row.measures.count, row.measures.amount),
        "enterprises": row.enterprises,
        "cadres": row.cadres,
    }


def money(by_key) -> dict:
    return {key: (m.count, m.amount) for key, m in by_key.items()}


def test_province_rows_are_the_cities_each_aggregating_its_subtree(world):
    report = level_report(world.province_staff)
    assert report.current == world.tree["province"]
    assert [row.label for row in report.rows] == ["City a", "City b"]
    city_a, city_b = report.rows
    assert figures(city_a) == {
        "filed": {"deep": 1, "relative": 1},
        "assisted": 1,
        "escaped": 1,
        "exited": 1,
        "helped": 2,
        "measures": (3, Decimal("2800")),
        "enterprises": 2,
        "cadres": 2,
    }
    assert figures(city_b) == {
        "filed": {"deep": 1},
        "assisted": 1,
        "escaped": 0,
        "exited": 0,
        "helped": 1,
        "measures": (1, Decimal("1000")),
        "enterprises": 1,
        "cadres": 1,
    }
    # cadre_x is paired in both cities: one cadre sent, not two.
    assert figures(report.total) == {
        "filed": {"deep": 2, "relative": 1},
        "assisted": 2,
        "escaped": 1,
        "exited": 1,
        "helped": 3,
        "measures": (4, Decimal("3800")),
        "enterprises": 3,
        "cadres": 2,
    }
    assert money(report.total.by_type) == {
        "medical": (1, Decimal("2000")),
        "living": (2, Decimal("1500")),
        "job": (1, Decimal("300")),
    }
    assert money(report.total.by_fund) == {
        "union": (2, Decimal("3000")),
        "government": (1, Decimal("500")),
        "enterprise": (1, Decimal("300")),
    }
    assert money(city_a.by_type) == {
        "medical": (1, Decimal("2000")),
        "living": (1, Decimal("500")),
        "job": (1, Decimal("300")),
    }
    assert report.crosstab[("living", "union")].amount == Decimal("1000")
    assert report.crosstab[("living", "government")].amount == Decimal("500")


def test_the_township_level_has_its_grassroots_union_and_its_own_records(world):
    report = level_report(world.staff_a, world.tree["township_a"].pk)
    assert [org.name for org in report.trail] == ["County a", "Township a"]
    assert [(row.label, row.own) for row in report.rows] == [("Union a", False), ("Township a（本级）", True)]
    union, own = report.rows
    assert figures(union) == {
        "filed": {"deep": 1, "relative": 1},
        "assisted": 1,
        "escaped": 0,
        "exited": 0,
        "helped": 1,
        "measures": (2, Decimal("2500")),
        "enterprises": 1,
        "cadres": 1,
    }
    assert figures(own) == {
        "filed": {},
        "assisted": 0,
        "escaped": 1,
        "exited": 1,
        "helped": 1,
        "measures": (1, Decimal("300")),
        "enterprises": 1,
        "cadres": 2,
    }
    assert (report.total.enterprises, report.total.cadres) == (2, 2)
    assert not union.can_drill and not own.can_drill


def test_county_staff_start_at_their_county(world):
    report = level_report(world.staff_a)
    assert report.current == world.tree["county_a"]
    assert [org.name for org in report.trail] == ["County a"]
    assert [row.label for row in report.rows] == ["Township a"]
    assert report.rows[0].can_drill
    assert figures(report.rows[0])["measures"] == (3, Decimal("2800"))


def test_the_capacity_cutting_subset(world):
    report = level_report(world.province_staff, capacity=True)
    city_a, city_b = report.rows
    assert figures(city_a) == {
        "filed": {"deep": 1, "relative": 1},
        "assisted": 1,
        "escaped": 0,
        "exited": 0,
        "helped": 1,
        "measures": (2, Decimal("2500")),
        "enterprises": 1,
        "cadres": 1,
    }
    assert figures(city_b)["filed"] == {} and figures(city_b)["enterprises"] == 0
    assert figures(report.total)["measures"] == (2, Decimal("2500"))


def test_county_b_staff_see_only_their_subtree(world, client):
    report = level_report(world.staff_b)
    assert report.current == world.tree["county_b"]
    assert [row.label for row in report.rows] == ["Township b"]
    assert figures(report.total)["measures"] == (1, Decimal("1000"))
    for org in ("township_a", "county_a", "city_b", "province"):
        with pytest.raises(Http404):
            level_report(world.staff_b, world.tree[org].pk)

    client.force_login(world.staff_b)
    assert client.get(URL, {"org": world.tree["township_a"].pk}).status_code == 404
    assert client.get(URL, {"org": "999999"}).status_code == 404
    assert client.get(URL, {"org": "x"}).status_code == 404
    assert client.get(EXPORT_URL, {"org": world.tree["county_a"].pk}).status_code == 404
    assert client.get(URL, {"org": world.tree["township_b"].pk}).status_code == 200


def test_the_report_is_for_staff_only(world, client):
    for user in (world.cadre, world.submitter_b):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(EXPORT_URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_staff_of_two_separate_subtrees_start_with_both(world):
    from unionportal.orgs.services import membership_grant

    membership_grant(user=world.staff_a, organisation=world.tree["county_b"], role=Role.STAFF)
    staff = type(world.staff_a).objects.get(pk=world.staff_a.pk)
    report = level_report(staff)
    assert report.current is None and report.several_roots
    assert [row.label for row in report.rows] == ["County a", "County b"]
    assert figures(report.total)["measures"] == (4, Decimal("3800"))
    assert (report.total.enterprises, report.total.cadres) == (3, 2)


def test_the_page_shows_the_table_the_chart_data_and_drill_links(world, client):
    client.force_login(world.province_staff)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="fs-4 fw-bold" id="total-filed">3</div>' in html
    assert '<div class="fs-4 fw-bold text-nowrap" id="total-amount">3,800.00</div>' in html
    assert 'id="report-data" type="application/json"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/assistance-report.js" in html
    assert f'href="?org={world.tree["city_a"].pk}"' in html
    assert "<script>" not in html  # CSP: no inline script
    chart = response.context["chart"]
    assert chart["labels"] == ["City a", "City b"]
    assert [(d["key"], d["data"]) for d in chart["datasets"]] == [
        ("deep", [1, 1]),
        ("relative", [1, 0]),
        ("accident", [0, 0]),
    ]

    html = client.get(URL, {"org": world.tree["city_a"].pk, "capacity": "1"}).content.decode()
    assert '<li class="breadcrumb-item active" aria-current="page" id="report-current">City a</li>' in html
    assert f'href="?org={world.tree["county_a"].pk}&amp;capacity=1"' in html  # the drill keeps the subset
    assert '<div class="fs-4 fw-bold" id="total-filed">2</div>' in html
    assert f'href="/assistance/reports/export/?org={world.tree["city_a"].pk}&amp;capacity=1"' in html


def test_export_carries_user_time_and_the_figures_and_is_formula_safe(world, client):
    Organisation.objects.filter(pk=world.tree["city_b"].pk).update(name="=HYPERLINK(1)")
    client.force_login(world.province_staff)
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    stamp = timezone.localtime().strftime("%Y%m%d")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="assistance-report-prov-{stamp}-'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:5] == ("困难职工帮扶统计", "范围", "Province", "口径", "全部")
    # Who exported it and when, as every export carries it (imports.files).
    about = dict(workbook["导出信息"].iter_rows(values_only=True))
    assert about["导出人"] == f"{world.province_staff.display_name}（prov）"
    assert about["导出时间"].startswith(timezone.localtime().strftime("%Y-%m-%d"))
    header = rows.index(
        (
            "单位",
            "在档·深度困难",
            "在档·相对困难",
            "在档·意外致困",
            "在档合计",
            "帮扶中",
            "已脱困",
            "已退档",
            "受助家庭",
        )
        + (None,) * (len(rows[0]) - 9)
    )
    assert rows[header + 1][:9] == ("City a", 1, 1, 0, 2, 1, 1, 1, 2)
    assert rows[header + 2][:9] == ("'=HYPERLINK(1)", 1, 0, 0, 1, 1, 0, 0, 1)
    assert rows[header + 3][:9] == ("合计", 2, 1, 0, 3, 2, 1, 1, 3)
    cadres = next(r for r in rows if r[0] == "单位" and r[1] == "帮扶企业")
    at = rows.index(cadres)
    assert rows[at + 3][:4] == ("合计", 3, 2, 3)
    # The last block: amounts by type (rows) and fund source (columns).
    assert rows[-9][:7] == ("帮扶类型", "工会经费", "财政资金", "企业", "社会捐助", "其他", "合计")
    assert rows[-8][:7] == ("生活救助", 1000, 500, 0, 0, 0, 1500)
    assert rows[-1][:7] == ("合计", 3000, 500, 300, 0, 0, 3800)
    assert not any(isinstance(v, str) and v.startswith("=") for r in rows for v in r)

    response = client.get(EXPORT_URL, {"capacity": "1"})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:5] == ("困难职工帮扶统计", "范围", "Province", "口径", "去产能企业")


def test_the_registry_section_summarises_the_users_scope(world):
    section = report_section(world.staff_a)
    assert section.title == "困难职工帮扶"
    assert section.url == "/assistance/reports/"
    assert [(str(label), value) for label, value in section.rows] == [
        ("在档困难职工家庭", 2),
        ("其中帮扶中", 1),
        ("帮扶措施（项）", 3),
        ("帮扶金额（元）", "2,800.00"),
    ]
    assert report_section(world.submitter_b) is None
    assert report_section(world.cadre) is None
    titles = [s.title for s in report_sections_for(world.province_staff)]
    assert "困难职工帮扶" in titles


def test_queries_do_not_grow_with_households_or_rows(world, client, django_assert_max_num_queries):
    client.force_login(world.province_staff)
    with django_assert_max_num_queries(QUERY_BOUND):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(QUERY_BOUND):
        assert client.get(URL, {"org": world.tree["township_a"].pk}).status_code == 200

    # Many more households, measures and child organisations.
    for n in range(10, 40):
        household = filed(world, n, world.enterprise, world.cadre, world.staff_a)
        measure(world.cadre, household, "schooling", "100", "donation")
    for n in range(15):
        make_org(world.tree["province"], name=f"City {n:02d}")
    rollups.rollup_refresh()
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(URL)
    assert len(response.context["report"].rows) == 17
    assert response.context["report"].total.filed_total == 33
    with django_assert_max_num_queries(QUERY_BOUND):
        assert client.get(URL, {"org": world.tree["township_a"].pk}).status_code == 200
    with django_assert_max_num_queries(QUERY_BOUND):
        assert client.get(EXPORT_URL).status_code == 200


def test_level_report_itself_is_a_constant_number_of_queries(world, django_assert_num_queries):
    staff = type(world.province_staff).objects.get(pk=world.province_staff.pk)
    # scope, organisation, ancestors, children, households, measures, drives (by row and in total)
    with django_assert_num_queries(7):
        level_report(staff, world.tree["county_a"].pk)
