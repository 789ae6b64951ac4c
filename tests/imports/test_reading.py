"""What no import may be turned into: a memory bomb, a stored preview the size of the file, a header
read last-wins, a CSV passed off as a workbook, names spoofed with bidirectional controls."""

import json
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_user
from tests.imports.conftest import (
    ENTERPRISE_HEADERS,
    ORG_HEADERS,
    csv_bytes,
    csv_upload,
    enterprise_row,
    org_row,
)
from tests.imports.workbooks import MB, PLACEHOLDER, inflate, workbook
from unionportal.imports import services
from unionportal.imports.models import ImportJob
from unionportal.imports.registry import registered
from unionportal.imports.resources import MAX_ERRORS, MAX_MESSAGE_CHARS, MAX_SUMMARY_CHARS, PREVIEW_ROWS
from unionportal.imports.tasks import run
from unionportal.orgs.models import Organisation

pytestmark = pytest.mark.django_db

# The peak of Python allocations (tracemalloc) while a crafted file is refused. tracemalloc counts what
# the interpreter, openpyxl, expat and zlib allocate, for this call alone, whatever the test process
# held before (a getrusage delta would not move below an earlier peak). The crafted cell is 95 MB: an
# unguarded read must hold it at least once (openpyxl builds the whole string, 95 MiB as ASCII), while
# the guarded one holds the ~200 KB file, 64 KB chunks and openpyxl's workbook objects; 16 MiB is
# several times the measured peak (under 1 MiB) and six times below the string alone.
MEMORY_BOUND = 16 * MB
HUGE = 95 * MB


def refused_within_bound(call):
    """The refusal of an upload: in the request, or (an upload too large to read there) by the task
    that previews the stored job; the peak of Python allocations meanwhile under MEMORY_BOUND."""
    tracemalloc.start()
    try:
        try:
            job = call()
        except services.ImportFileError as error:
            message = error.message
        else:
            assert services.job_run(job_id=job.pk) == "failed"
            job.refresh_from_db()
            assert not job.files.exists()
            message = job.error_message
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"peak {peak / MB:.1f} MiB"
    return message


def upload(content: bytes, name: str = "data.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "shared,runs",
    [(True, False), (True, True), (False, False), (False, True)],
    ids=["shared string", "shared rich-text runs", "inline string", "inline rich-text runs"],
)
def test_a_workbook_with_one_huge_cell_is_refused_within_the_memory_bound(county_staff, tree, shared, runs):
    row = org_row("N1", PLACEHOLDER, 4, tree["county_a"].code)
    content = inflate(workbook({"组织": [ORG_HEADERS, row]}, shared=shared), size=HUGE, runs=runs)
    assert len(content) < 300 * 1024  # a small upload, well under the inflation limit (100 MB)

    message = refused_within_bound(
        lambda: services.job_create(actor=county_staff, key="orgs.organisation", upload=upload(content))
    )
    assert message == "第 2 行：单元格 B2 超过 4000 个字，请缩短后重新上传。"
    assert not ImportJob.objects.exists()


def test_cell_row_and_file_limits_come_from_settings_and_name_the_row(county_staff, tree, settings):
    settings.IMPORT_MAX_CELL_CHARS = 50
    settings.IMPORT_MAX_ROW_CHARS = 120
    parent = tree["county_a"].code
    long_name = org_row("N2", "长" * 51, 4, parent)
    wide = org_row("N3", "宽" * 40, 4, parent)
    wide[6], wide[8] = "联" * 40, "址" * 41
    for rows, expected in [
        (
            [org_row("N1", "新乡镇", 4, parent), long_name],
            "第 3 行：单元格 B3 超过 50 个字，请缩短后重新上传。",
        ),
        ([wide], "第 2 行：这一行的内容超过 120 个字，请缩短后重新上传。"),
    ]:
        for content, name in [
            (csv_bytes(ORG_HEADERS, rows), "data.csv"),
            (workbook({"组织": [ORG_HEADERS, *rows]}), "data.xlsx"),
        ]:
            with pytest.raises(services.ImportFileError) as caught:
                services.job_create(actor=county_staff, key="orgs.organisation", upload=upload(content, name))
            assert caught.value.message == expected, name
    settings.IMPORT_MAX_FILE_CHARS = 200
    rows = [org_row(f"N{n}", "名" * 30, 4, parent) for n in range(5)]
    with pytest.raises(services.ImportFileError) as caught:
        services.job_create(actor=county_staff, key="orgs.organisation", upload=csv_upload(ORG_HEADERS, rows))
    assert caught.value.message == "文件中的文字超过 200 个字，请拆分成较小的文件。"


def test_a_csv_with_a_huge_field_or_line_is_refused_with_its_row(county_staff, tree):
    good = ",".join(org_row("N1", "新乡镇", 4, tree["county_a"].code))
    for bad, expected in [
        # One quoted field over 100,000 short lines: csv's own field limit stops it.
        ('N2,"' + "长\n" * 100_000 + '",4', "第 3 行：这一行有单元格超过 4000 个字，请缩短后重新上传。"),
        ('N2,"' + "长\n" * 2_100 + '",4', "第 3 行：单元格 B3 超过 4000 个字，请缩短后重新上传。"),
        # Three million separators on one line: refused before csv builds the row.
        ("N2," + "," * 3_000_000, "第 3 行：这一行的内容超过 20000 个字，请缩短后重新上传。"),
        ("N2," + "长" * 200_000, "第 3 行：这一行的内容超过 20000 个字，请缩短后重新上传。"),
    ]:
        content = "\n".join([",".join(ORG_HEADERS), good, bad]).encode()
        message = refused_within_bound(
            lambda content=content: services.job_create(
                actor=county_staff, key="orgs.organisation", upload=upload(content, "data.csv")
            )
        )
        assert message == expected


def test_the_stored_preview_keeps_errors_and_a_sample_with_short_messages(county_staff, tree):
    # Every row has an error quoting a 4,000-character value: the preview keeps the first rows and the
    # errors up to a cap, each message cut, never the file.
    rows = [org_row(f"N{n}", "名称", "层" * 3990, tree["county_a"].code) for n in range(1200)]
    job = services.job_create(
        actor=county_staff, key="orgs.organisation", upload=csv_upload(ORG_HEADERS, rows)
    )
    run(job_id=job.pk)  # longer files are previewed by the task
    job.refresh_from_db()

    preview = job.preview
    assert preview["counts"]["error"] == 1200
    assert len(preview["rows"]) <= PREVIEW_ROWS + MAX_ERRORS
    assert preview["truncated"] is True
    assert len(preview["errors"]) == MAX_ERRORS
    assert max(len(m) for m in preview["errors"]) <= MAX_MESSAGE_CHARS
    assert max(len(r["summary"]) for r in preview["rows"]) <= MAX_SUMMARY_CHARS
    assert preview["errors"][0].startswith("第 2 行：层级：“" + "层" * 39 + "…”不是可选的值")
    # (PREVIEW_ROWS + MAX_ERRORS) rows and MAX_ERRORS errors of a few hundred characters: under 2 MB
    # of JSON whatever the file holds (the file itself is 14 MB).
    assert len(json.dumps(preview, ensure_ascii=False).encode()) < 2 * MB
    page = __import__("django.test", fromlist=["Client"]).Client()
    page.force_login(county_staff)
    assert len(page.get(f"/imports/jobs/{job.pk}/").content) < 3 * MB


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_header_naming_a_column_twice_is_refused(county_staff, tree, fmt):
    headers = [*ORG_HEADERS, "名称"]
    row = [*org_row("N1", "新乡镇", 4, tree["county_a"].code), "另一个名称"]
    content = csv_bytes(headers, [row]) if fmt == "csv" else workbook({"组织": [headers, row]})
    with pytest.raises(services.ImportFileError) as caught:
        services.job_create(actor=county_staff, key="orgs.organisation", upload=upload(content, f"a.{fmt}"))
    assert caught.value.message == "第 1 行：列名“名称”重复。"
    assert not Organisation.objects.filter(code="N1").exists()


IMPORTABLE = {
    "orgs.organisation",
    "orgs.enterprise",
    "assistance.household",
    "awards.nomination",
    "selection.past_honour",
    "selection_experts.pool_import",
    "orgs.member",
    "bargaining.offer",
    "bargaining.agreement",
    "competitions.score_reports",
}


def test_a_csv_named_xlsx_is_refused_by_every_registered_import(tree):
    superuser = make_user("root", org=tree["province"])
    superuser.is_superuser = True
    superuser.save()
    keys = set()
    for entry in registered():
        if not entry.can_import(superuser):
            continue  # export-only lists
        importer = entry.importer(superuser)
        if importer.several:
            continue  # a workbook whatever its name: tests/assistance/test_household_import.py
        keys.add(entry.key)
        columns = importer.columns(importer.sheets[0])
        content = csv_bytes(columns, [["1"] * len(columns)])
        for name in ("data.xlsx", "DATA.XLSX"):
            with pytest.raises(services.ImportFileError) as caught:
                services.job_create(actor=superuser, key=entry.key, upload=upload(content, name))
            assert caught.value.message == "该文件不是 Excel 工作簿（.xlsx）。", entry.key
        # The same bytes under their own name are read (and checked row by row).
        services.job_create(actor=superuser, key=entry.key, upload=upload(content, "data.csv"))
    assert keys == IMPORTABLE
    assert ImportJob.objects.count() == len(IMPORTABLE)


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_bidirectional_controls_are_refused_and_direction_marks_removed(county_staff, tree, char):
    parent = tree["county_a"].code
    spoofed = org_row("N1", f"宜城{char}会工业企", 4, parent)
    for content, name in [
        (csv_bytes(ORG_HEADERS, [spoofed]), "a.csv"),
        (workbook({"组织": [ORG_HEADERS, spoofed]}), "a.xlsx"),
    ]:
        with pytest.raises(services.ImportFileError) as caught:
            services.job_create(actor=county_staff, key="orgs.organisation", upload=upload(content, name))
        code = f"U+{ord(char):04X}"
        assert caught.value.message == (
            f"第 2 行：“名称”含有文字方向控制字符（{code}），显示的内容会与实际不同，请删除后重新上传。"
        )
    marked = org_row("N1", "\u200f宜城\u200e乡镇", 4, parent)
    job = services.job_create(
        actor=county_staff, key="orgs.organisation", upload=csv_upload(ORG_HEADERS, [marked])
    )
    assert job.preview["rows"][0]["summary"] == "N1 · 宜城乡镇"


def test_blank_rows_count_towards_the_row_limit(county_staff, tree):
    # A row far down the sheet would otherwise make every blank row before it a stored row.
    content = workbook({"组织": [ORG_HEADERS, org_row("N1", "甲", 4, tree["county_a"].code)]})
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    book.active.cell(row=500_000, column=1, value="N2")
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(services.ImportFileError) as caught:
        services.job_create(actor=county_staff, key="orgs.organisation", upload=upload(buffer.getvalue()))
    assert caught.value.message == "文件超过 20000 行。"


def test_an_enterprise_file_is_read_through_the_same_reader(county_staff, tree):
    headers = [*ENTERPRISE_HEADERS[:2], ENTERPRISE_HEADERS[1], *ENTERPRISE_HEADERS[2:]]
    with pytest.raises(services.ImportFileError) as caught:
        services.job_create(
            actor=county_staff,
            key="orgs.enterprise",
            upload=csv_upload(headers, [enterprise_row(1, tree["township_a"])]),
        )
    assert caught.value.message == "第 1 行：列名“统一社会信用代码”重复。"


def test_a_sheet_holds_one_string_per_repeated_value_while_a_column_repeats_itself(monkeypatch):
    monkeypatch.setattr(services._SharedCells, "DISTINCT", 3)
    lines = ["姓名,关系"] + [f"成员{n},{('配偶', '子女')[n % 2]}" for n in range(8)]
    content = ("\r\n".join(lines) + "\r\n").encode()
    headers, rows = services.read_rows(content, max_rows=100, file_name="members.csv")
    assert headers == ["姓名", "关系"]
    assert [row[1] for row in rows] == ["配偶", "子女"] * 4
    spouses = [row[1] for row in rows if row[1] == "配偶"]
    assert all(cell is spouses[0] for cell in spouses), "a repeated value was held once per row"
    # The names column passed three distinct values and is no longer looked up: its cells are kept as
    # read, equal to the file's.
    assert [row[0] for row in rows] == [f"成员{n}" for n in range(8)]
