"""The report per level is exported through the shared export path (imports.services.export_table and
the imports.files writer): every formula-like cell neutralised, the exporting user and time in the
file, each table a titled block."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from assistance import rollups
from tests.assistance.factories import ledger
from tests.assistance.test_reports import EXPORT_URL, filed, measure
from tests.factories import Role, make_org, make_user
from unionportal.imports import files
from unionportal.orgs.models import Organisation

pytestmark = pytest.mark.django_db

# (A carriage return in a cell does not survive the workbook's XML, so none starts a name here.)
FORMULAS = ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", "\tx"]


@pytest.fixture
def world():
    w = ledger()
    w.province_staff = make_user("prov", org=w.tree["province"], role=Role.STAFF, name="省总统计员")
    household = filed(w, 1, w.enterprise, w.cadre, w.staff_a)
    measure(w.cadre, household, "living", "500", "union")
    Organisation.objects.filter(pk=w.tree["city_a"].pk).update(name="=HYPERLINK(1)")
    for n, name in enumerate(FORMULAS[1:]):
        make_org(w.tree["province"], name=name, code=f"F{n}")
    rollups.rollup_refresh()
    return w


def export(client, user, **params):
    client.force_login(user)
    response = client.get(EXPORT_URL, params)
    assert response.status_code == 200
    return response, load_workbook(io.BytesIO(response.content))


def test_every_formula_like_cell_of_the_report_is_neutralised(world, client):
    _response, workbook = export(client, world.province_staff)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    labels = {row[0] for row in rows if row}
    # Each table lists the cities: every name that would run as a formula starts with an apostrophe.
    assert {"'" + name for name in FORMULAS} <= labels
    assert not any(
        isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r
    )
    units = [row for row in rows if row[0] == "'=HYPERLINK(1)"]
    assert len(units) == 4  # households, measures by type and by fund, cadres and enterprises
    assert units[0][:2] == ("'=HYPERLINK(1)", 1)


def test_the_export_carries_the_user_and_the_time(world, client):
    before = timezone.now().replace(microsecond=0)
    response, workbook = export(client, world.province_staff)
    stamp = timezone.localtime().strftime("%Y%m%d")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="assistance-report-prov-{stamp}-'
    )
    assert "no-store" in response["Cache-Control"]
    assert workbook.sheetnames == ["困难职工帮扶统计", "导出信息"]
    about = dict(workbook["导出信息"].iter_rows(values_only=True))
    assert about["导出人"] == "省总统计员（prov）"
    assert about["数据"] == "困难职工帮扶统计"
    assert workbook.properties.creator == "省总统计员（prov）"
    assert "导出人：省总统计员（prov）" in workbook.properties.description
    exported = datetime.strptime(about["导出时间"], "%Y-%m-%d %H:%M:%S")
    assert timezone.make_aware(exported) >= before
    # The data rows of the blocks: 7 unit rows (6 cities and the total) in each of the four unit tables,
    # and the 7 measure types with their total in the last.
    assert about["行数"] == 4 * 7 + 8


def test_each_table_is_a_titled_block_with_bold_title_and_headers(world, client):
    _response, workbook = export(client, world.province_staff)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows())
    titles = [
        r[0].value
        for r in rows
        if len(r) and r[0].font.bold and r[0].value and len([c for c in r if c.value]) == 1
    ]
    assert titles == [
        "困难职工家庭（户）",
        "帮扶措施（按类型）",
        "帮扶措施（按资金来源）",
        "干部与企业",
        "帮扶金额（元）：类型 × 资金来源",
    ]
    values = [tuple(c.value for c in r) for r in rows]
    first_title = next(i for i, r in enumerate(values) if r[0] == "困难职工家庭（户）")
    assert all(v is None for v in values[first_title - 1])  # a blank line before each block
    assert all(c.font.bold for c in rows[first_title + 1] if c.value is not None)  # its headers
    assert not rows[first_title + 2][0].font.bold


# --- the shared writer's blocks ----------------------------------------------------------------------


def info(rows=0) -> files.ExportInfo:
    return files.ExportInfo(
        key="k",
        label="报表",
        user_label="甲（a）",
        username="a",
        at=datetime(2026, 4, 27, 2, 0, tzinfo=UTC),
        rows=rows,
    )


BLOCKS = [
    files.Block("=第一表", ["单位", "-数"], [["=A1", 1], ["乙", 2]]),
    files.Block("第二表", ["单位"], [["@x"]]),
]


def test_csv_blocks_are_written_one_under_the_other_neutralised_and_counted():
    content = files.write_csv(["报表", "+范围"], BLOCKS, info(rows=len(BLOCKS)))
    lines = list(csv.reader(io.StringIO(content.decode("utf-8")[1:], newline="")))
    assert lines[:-1] == [
        ["报表", "'+范围"],
        [],
        ["'=第一表"],
        ["单位", "'-数"],
        ["'=A1", "1"],
        ["乙", "2"],
        [],
        ["第二表"],
        ["单位"],
        ["'@x"],
    ]
    assert lines[-1] == ["# 导出人：甲（a）；导出时间：2026-04-27 10:00:00；共 3 行"]


def test_a_plain_table_is_written_as_before():
    content = files.write_xlsx(["列"], [["=1"], ["2"]], info(rows=2))
    workbook = load_workbook(io.BytesIO(content))
    assert list(workbook.worksheets[0].iter_rows(values_only=True)) == [("列",), ("'=1",), ("2",)]
    assert dict(workbook["导出信息"].iter_rows(values_only=True))["行数"] == 2
