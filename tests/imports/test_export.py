"""Exports: scoped rows, masked personal fields unless revealed (audited), formulas neutralised,
the exporting user and time carried in the file, and a query count that does not grow with rows."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import make_enterprise, make_org
from unionportal.audit.models import AuditEvent
from unionportal.audit.services import REVEAL_ACTION
from unionportal.imports import services
from unionportal.imports.masking import mask_id_number, neutralise
from unionportal.orgs.models import Enterprise, Organisation

pytestmark = pytest.mark.django_db

FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def _xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


def _xlsx_rows(content: bytes) -> list[list]:
    sheet = _xlsx(content).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _table(fmt, content) -> tuple[list, list[list]]:
    """Header and data rows; a CSV export's last line is the "# 导出人：…" footer."""
    if fmt == "xlsx":
        rows = _xlsx_rows(content)
        return rows[0], rows[1:]
    rows = _csv_rows(content)
    assert rows[-1][0].startswith("# 导出人：")
    return rows[0], rows[1:-1]


def _phones(rows, headers):
    index = headers.index("联系电话")
    return {row[0]: row[index] for row in rows}


def test_phone_numbers_are_masked_by_default(tree, county_staff):
    make_org(tree["county_a"], code="P1", name="有电话", contact_phone="13912345678")
    for fmt in ("xlsx", "csv"):
        _name, _type, content = services.export_file(actor=county_staff, key="orgs.organisation", fmt=fmt)
        headers, rows = _table(fmt, content)
        assert _phones(rows, headers)["P1"] == "139****5678"
    assert not AuditEvent.objects.exists()


def test_revealing_needs_a_reason_and_writes_one_audit_event(tree, county_staff):
    for n in range(3):
        make_org(tree["county_a"], code=f"P{n}", contact_phone=f"1391234567{n}")
    with pytest.raises(ValidationError) as refused:
        services.export_file(
            actor=county_staff, key="orgs.organisation", fmt="xlsx", reveal=True, reason=" 看 "
        )
    assert refused.value.messages == ["请说明查看完整信息的理由（至少 4 个字）。"]
    assert not AuditEvent.objects.exists()

    _name, _type, content = services.export_file(
        actor=county_staff, key="orgs.organisation", fmt="xlsx", reveal=True, reason="核对联系人电话"
    )
    headers, rows = _table("xlsx", content)
    assert _phones(rows, headers)["P2"] == "13912345672"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.comment) == (REVEAL_ACTION, county_staff, "核对联系人电话")
    # county_a and its township, grassroots union and the three new unions
    assert event.changes == {
        "export": "orgs.organisation",
        "format": "xlsx",
        "fields": ["联系电话"],
        "rows": 6,
    }
    assert event.org_path == tree["county_a"].path
    info = dict(_xlsx(content).worksheets[1].iter_rows(values_only=True))
    assert info["个人信息"] == "完整显示：联系电话（理由：核对联系人电话）"


def test_export_contains_only_the_users_subtree(tree, county_staff):
    make_enterprise(tree["township_a"], tree["grassroots_a"], name="本县企业")
    make_enterprise(tree["township_b"], tree["grassroots_b"], name="外县企业")
    _name, _type, content = services.export_file(actor=county_staff, key="orgs.enterprise", fmt="csv")
    headers, rows = _table("csv", content)
    assert headers == [
        "名称",
        "统一社会信用代码",
        "行业",
        "经济类型",
        "职工人数",
        "地址",
        "所在乡镇代码",
        "基层工会代码",
    ]
    assert [r[0] for r in rows] == ["本县企业"]
    assert rows[0][2:4] == ["制造业", "民营"]
    assert rows[0][6:] == [tree["township_a"].code, tree["grassroots_a"].code]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_cells_are_neutralised(tree, county_staff, fmt):
    for n, text in enumerate(FORMULAS):
        make_org(tree["county_a"], code=f"F{n}", name=text, address=text)
    make_org(tree["county_a"], code="F9", name="普通工会", address="a=b", member_count=12)
    _name, _type, content = services.export_file(actor=county_staff, key="orgs.organisation", fmt=fmt)
    headers, rows = _table(fmt, content)
    by_code = {row[0]: row for row in rows if row[0].startswith("F")}
    for n, text in enumerate(FORMULAS):
        row = by_code[f"F{n}"]
        if fmt == "xlsx":
            text = text.replace("\r", "\n")  # XML normalises a carriage return when the file is read
        assert row[headers.index("名称")] == "'" + text
        assert row[headers.index("地址")] == "'" + text
    assert by_code["F9"][headers.index("名称")] == "普通工会"
    assert by_code["F9"][headers.index("地址")] == "a=b"
    expected_count = 12 if fmt == "xlsx" else "12"  # numbers stay numbers in xlsx
    assert by_code["F9"][headers.index("会员人数")] == expected_count
    if fmt == "xlsx":
        # No cell was written as a formula.
        sheet = _xlsx(content).worksheets[0]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_carries_the_user_and_time(tree, county_staff, monkeypatch):
    at = datetime(2026, 5, 1, 2, 30, 15, tzinfo=UTC)  # 10:30:15 in Beijing
    monkeypatch.setattr(services.timezone, "now", lambda: at)
    make_enterprise(tree["township_a"], None)

    name, content_type, content = services.export_file(actor=county_staff, key="orgs.enterprise", fmt="xlsx")
    assert name == "orgs.enterprise-county_a_staff-20260501-103015.xlsx"
    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = _xlsx(content)
    assert workbook.properties.creator == "王五（county_a_staff）"
    assert workbook.properties.description == "导出人：王五（county_a_staff）；导出时间：2026-05-01 10:30:15"
    assert workbook.properties.created == datetime(2026, 5, 1, 2, 30, 15)
    assert workbook.sheetnames == ["企业", "导出信息"]
    assert list(workbook["导出信息"].iter_rows(values_only=True)) == [
        ("导出人", "王五（county_a_staff）"),
        ("导出时间", "2026-05-01 10:30:15"),
        ("数据", "企业"),
        ("行数", 1),
    ]

    name, content_type, content = services.export_file(actor=county_staff, key="orgs.enterprise", fmt="csv")
    assert name == "orgs.enterprise-county_a_staff-20260501-103015.csv"
    assert content_type == "text/csv; charset=utf-8"
    assert _csv_rows(content)[-1] == [
        "# 导出人：王五（county_a_staff）；导出时间：2026-05-01 10:30:15；共 1 行"
    ]


def _export_queries(user_pk, fmt, key):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user_pk)  # a fresh object: its scope is not cached yet
    with CaptureQueriesContext(connection) as queries:
        _name, _type, content = services.export_file(
            actor=user, key=key, fmt=fmt, reveal=True, reason="核对联系人电话"
        )
    return len(queries), content


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_query_count_does_not_grow_with_rows(tree, county_staff, fmt, django_assert_max_num_queries):
    def grow_to(n):
        # county_a's subtree starts with three organisations (county, township, grassroots union).
        for _ in range(n - Organisation.objects.visible_to(county_staff).count()):
            make_org(tree["township_a"], contact_phone="13900000000")
        for _ in range(n - Enterprise.objects.visible_to(county_staff).count()):
            make_enterprise(tree["township_a"], tree["grassroots_a"])

    counts = {}
    for rows in (5, 50):
        grow_to(rows)
        for key in ("orgs.organisation", "orgs.enterprise"):
            with django_assert_max_num_queries(4):
                counts[key, rows], content = _export_queries(county_staff.pk, fmt, key)
            assert f"共 {rows} 行".encode() in content or fmt == "xlsx"
    assert counts["orgs.organisation", 5] == counts["orgs.organisation", 50]
    assert counts["orgs.enterprise", 5] == counts["orgs.enterprise", 50]


def test_masks_and_neutraliser():
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert neutralise("=HYPERLINK()") == "'=HYPERLINK()"
    assert neutralise(-1) == -1
    assert neutralise("普通") == "普通"
