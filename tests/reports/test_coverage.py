import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import Role, make_tree, make_user
from unionportal.audit import services as audit
from unionportal.reports.coverage import coverage

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


def by_label(rows):
    return {row.label: (row.unions, row.with_account, row.active) for row in rows}


def test_coverage_counts_unions_accounts_and_recent_activity(tree):
    province_admin = make_user("prov", org=tree["province"], role=Role.STAFF)
    active = make_user("active", org=tree["grassroots_a"], role=Role.SUBMITTER)
    active.last_login = timezone.now() - timedelta(days=3)
    active.save()
    stale = make_user("stale", org=tree["county_b"], role=Role.STAFF)
    stale.last_login = timezone.now() - timedelta(days=45)
    stale.save()
    # Township b has no account, but an audit event about it this week makes it active.
    audit.record(actor=province_admin, action="test.touch", obj=tree["township_b"])

    data = coverage(province_admin)
    assert by_label(data["by_level"]) == {
        "省级": (1, 1, 0),
        "市州": (2, 0, 0),
        "县市区": (2, 1, 0),
        "乡镇街道": (2, 0, 1),
        "基层工会": (2, 1, 1),
    }
    assert by_label(data["by_city"]) == {"City a": (4, 1, 1), "City b": (4, 1, 1)}
    total = data["total"]
    assert (total.unions, total.with_account, total.active) == (9, 3, 2)
    assert total.account_pct == 33.3


def test_coverage_is_scoped_to_the_users_subtree(tree):
    county_staff = make_user("county", org=tree["county_a"], role=Role.STAFF)
    data = coverage(county_staff)
    assert by_label(data["by_level"]) == {"县市区": (1, 1, 0), "乡镇街道": (1, 0, 0), "基层工会": (1, 0, 0)}
    assert [row.label for row in data["by_city"]] == ["City a"]


def test_coverage_queries_do_not_grow_with_the_tree(tree, django_assert_max_num_queries):
    staff = make_user("prov", org=tree["province"], role=Role.STAFF)
    # The user's roles, one aggregate (the members from the rollup) and the city names.
    with django_assert_max_num_queries(3):
        coverage(staff)
    from tests.factories import make_org

    for n in range(20):
        make_org(tree["township_a"], name=f"extra {n}")
    staff = type(staff).objects.get(pk=staff.pk)
    with django_assert_max_num_queries(3):
        coverage(staff)


def _import_members(staff, union, start: int, count: int) -> None:
    from datetime import date, timedelta

    from django.db import transaction

    from unionportal.orgs.member_demo import id_number
    from unionportal.orgs.member_resources import MemberResource

    headers = ["姓名", "身份证号", "手机号", "性别", "出生日期", "入会日期", "工会组织代码"]
    rows = [
        [
            f"会员{n}",
            id_number("420684", date(1970, 1, 1) + timedelta(days=n), 1),
            "",
            "",
            "",
            "2020-05-01",
            union.code,
        ]
        for n in range(start, start + count)
    ]
    with transaction.atomic():
        MemberResource(user=staff).run(headers, rows, dry_run=False)


@pytest.mark.parametrize("who", ["prov", "county"])
def test_the_coverage_page_costs_the_same_queries_at_10_and_200_members(client, tree, who, settings):
    from django.db import connection

    settings.STAFF_FRAGMENT_CACHE = False  # the page as drawn, not its cached body
    from django.test.utils import CaptureQueriesContext

    org = tree["province"] if who == "prov" else tree["county_a"]
    staff = make_user(who, org=org, role=Role.STAFF)
    client.force_login(staff)
    _import_members(staff, tree["grassroots_a"], 0, 10)
    client.get("/coverage/")  # the session and the content types, read once

    def page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/coverage/")
        assert response.status_code == 200
        # The members come from the rollup: the registry's table is not read at all.
        assert not [q["sql"] for q in queries if '"orgs_member"' in q["sql"]]
        return response, len(queries)

    response, few = page()
    assert response.context["total"].members == 10
    _import_members(staff, tree["grassroots_a"], 10, 190)
    response, many = page()
    assert response.context["total"].members == 200
    assert {row.label: row.members for row in response.context["by_level"]}["基层工会"] == 200
    assert many == few


def test_coverage_page_chart_and_export(client, tree):
    staff = make_user("prov", org=tree["province"], role=Role.STAFF)
    client.force_login(staff)
    html = client.get("/coverage/").content.decode()
    assert '<div class="fs-3 fw-bold" id="total-unions">9</div>' in html
    assert 'id="coverage-data" type="application/json"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html

    response = client.get("/coverage/?format=xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="coverage-prov-')
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("分组", "范围", "工会数", "已开通账户", "开通率 %", "近30天活跃", "活跃率 %", "会员数")
    assert ("按层级", "省级", 1, 1, 100, 1, 100, 0) in rows  # signing in just now made the province active
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["导出人"] == "prov（prov）" and about["数据"] == "五级全覆盖情况"


def test_the_coverage_export_goes_through_the_shared_writer_and_neutralises_formulas(client, tree):
    from tests.factories import make_org

    make_org(tree["province"], name='=HYPERLINK("http://evil.example/","点此")')
    make_org(tree["province"], name="@SUM(1)")
    staff = make_user("prov", org=tree["province"], role=Role.STAFF, name="省工会")
    client.force_login(staff)

    book = load_workbook(io.BytesIO(client.get("/coverage/?format=xlsx").content))
    labels = {row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert '\'=HYPERLINK("http://evil.example/","点此")' in labels
    assert "'@SUM(1)" in labels
    assert not any(label.startswith(("=", "@")) for label in labels if isinstance(label, str))
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["导出人"] == "省工会（prov）" and about["行数"] == len(labels) - 1

    response = client.get("/coverage/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert '按市州,"\'=HYPERLINK(""http://evil.example/"",""点此"")"' in text
    assert text.splitlines()[-1].startswith("# 导出人：省工会（prov）；导出时间：")


def test_coverage_page_is_for_staff_only(client, tree):
    client.force_login(make_user("sub", org=tree["grassroots_a"], role=Role.SUBMITTER))
    assert client.get("/coverage/").status_code == 403


def test_home_providers_move_when_records_are_added(client, tree):
    staff = make_user("county", org=tree["county_a"], role=Role.STAFF)
    client.force_login(staff)

    def todos():
        return {t.label: t.count for t in client.get("/home/").context["todos"]}

    assert todos()["尚未开通账户的工会"] == 2  # township a and grassroots a
    make_user("sub", org=tree["grassroots_a"], role=Role.SUBMITTER)
    assert todos()["尚未开通账户的工会"] == 1

    assert "近7天查看完整个人信息的记录" not in todos()
    audit.reveal(actor=staff, obj=tree["grassroots_a"], field="contact_phone", reason="核实联系方式")
    assert todos()["近7天查看完整个人信息的记录"] == 1
