"""Bulk import of households with members: two sheets (or two CSV files), the form's rules on every row,
sheet- and row-numbered messages, all or nothing, progress from the task."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assistance import household_import as hi
from assistance.enums import Category, HouseholdState
from assistance.models import Household, HouseholdMember
from tests.assistance.factories import household_fields, id_number, ledger
from tests.factories import app_callbacks
from unionportal.audit.models import AuditEvent
from unionportal.imports import services as imports
from unionportal.imports.enums import JobStatus
from unionportal.imports.importers import StoredFile
from unionportal.imports.models import ImportFile, ImportJob
from unionportal.uploads import limits
from unionportal.uploads.services import UploadRejected, check_upload

pytestmark = pytest.mark.django_db

H_HEADERS = [header for _k, header, _r in hi.HOUSEHOLD_COLUMNS]
M_HEADERS = [header for _k, header, _r in hi.MEMBER_COLUMNS]


@pytest.fixture
def world():
    return ledger()


def household(enterprise, n, **overrides) -> list[str]:
    values = {
        "企业信用代码": enterprise.credit_code,
        "职工姓名": f"职工{n}",
        "身份证号": id_number(n),
        "性别": "男" if n % 2 else "女",
        "手机号": "13800001234",
        "就业状态": "去产能分流安置",
        "本人月收入": "1200",
        "致困原因": "重病、子女就学",
        "突发致困日期": "",
        "困难类别": "",
    }
    values.update(overrides)
    return [values[h] for h in H_HEADERS]


def member(n, name="配偶", relation="配偶", age="45", income="0", **overrides) -> list[str]:
    values = {
        "职工身份证号": id_number(n),
        "姓名": name,
        "与职工关系": relation,
        "年龄": age,
        "健康状况": "健康",
        "就学情况": "不在学",
        "月收入": income,
    }
    values.update(overrides)
    return [values[h] for h in M_HEADERS]


def csv_bytes(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def workbook(households, members) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "家庭"
    sheet.append(H_HEADERS)
    for row in households:
        sheet.append(row)
    other = book.create_sheet("成员")
    other.append(M_HEADERS)
    for row in members:
        other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tables_of(actor, content: bytes, members_csv: bytes | None = None) -> dict:
    """The sheets as the import job reads them: a workbook, or the households CSV and the members CSV."""
    if members_csv is None:
        files = [StoredFile("", "households.xlsx", content)]
    else:
        files = [StoredFile("households", "h.csv", content), StoredFile("members", "m.csv", members_csv)]
    return imports.read_tables(hi.HouseholdImporter(user=actor), files)


def run_import(actor, content: bytes, members_csv: bytes | None = None) -> hi.Report:
    tables = tables_of(actor, content, members_csv)
    report = hi.validate(actor, tables["households"], tables["members"])
    if report.ok:
        hi.write(actor, report)
    return report


def upload_job(actor, content: bytes, members_csv: bytes | None = None, name: str = "households.xlsx"):
    if members_csv is None:
        return imports.job_create(actor=actor, key=hi.KEY, upload=SimpleUploadedFile(name, content))
    sheets = {
        "households": SimpleUploadedFile("h.csv", content),
        "members": SimpleUploadedFile("m.csv", members_csv),
    }
    return imports.job_create(actor=actor, key=hi.KEY, sheet_uploads=sheets)


def assert_refused(actor, content, members_csv, expected: list[str]) -> None:
    before = (Household.objects.count(), HouseholdMember.objects.count())
    report = run_import(actor, content, members_csv)
    assert report.outcome().errors == expected
    assert (Household.objects.count(), HouseholdMember.objects.count()) == before
    assert not AuditEvent.objects.filter(action=imports.IMPORT_ACTION).exists()


def test_a_workbook_with_three_households_imports_with_members_and_derived_categories(world):
    households = [
        household(world.enterprise, 1),  # (1200 + 0) / 2 = 600 < 650 → deep
        household(
            world.enterprise, 2, 本人月收入="2000", 困难类别="相对困难"
        ),  # (2000+400)/2 = 1200 → relative
        household(world.other, 3, 本人月收入="3000"),  # 3000 alone: not below 1300 → none
    ]
    members = [
        member(1),
        member(2, income="400"),
        member(1, name="孩子", relation="子女", age="15", 就学情况="初中"),
    ]
    report = run_import(world.staff_a, workbook(households, members))
    assert report.errors == []
    first, second, third = Household.objects.order_by("worker_name")
    assert [(h.category, h.per_capita_income, h.members.count()) for h in (first, second, third)] == [
        (Category.DEEP, Decimal("400.00"), 2),
        (Category.RELATIVE, Decimal("1200.00"), 1),
        (Category.NONE, Decimal("3000.00"), 0),
    ]
    assert (first.state, first.organisation, first.cadre, first.created_by) == (
        HouseholdState.APPLIED,
        world.tree["grassroots_a"],
        world.cadre,
        world.staff_a,
    )
    assert third.organisation == world.tree["township_a"]
    assert first.causes == ["illness", "schooling"]
    assert sorted(first.members.values_list("name", "relation", "age", "schooling")) == [
        ("孩子", "child", 15, "junior"),
        ("配偶", "spouse", 45, "none"),
    ]
    assert not AuditEvent.objects.filter(action="assistance.household.create").exists()


def test_an_import_job_writes_one_summary_audit_event(world):
    job = upload_job(
        world.staff_a, workbook([household(world.enterprise, 1), household(world.enterprise, 2)], [member(1)])
    )
    assert (job.status, job.error_count, job.total) == (JobStatus.PREVIEWED, 0, 2)
    assert imports.job_run(job_id=imports.job_confirm(actor=world.staff_a, job_id=job.pk).pk) == "done"
    event = AuditEvent.objects.get(action=imports.IMPORT_ACTION)  # one event for the whole import
    assert (event.changes["resource"], event.changes["created"]) == (hi.KEY, 2)
    assert event.changes["totals"]["家庭成员"] == 1
    assert event.org_path == world.tree["county_a"].path
    assert not ImportFile.objects.filter(job=job).exists()  # the upload is not kept once imported


def test_two_csv_files_import(world):
    report = run_import(
        world.staff_a,
        csv_bytes(H_HEADERS, [household(world.enterprise, 1)]),
        csv_bytes(M_HEADERS, [member(1)]),
    )
    assert report.errors == []
    assert HouseholdMember.objects.get().household.id_number == id_number(1)


def test_row_errors_name_sheet_and_row(world):
    Household.objects.create(
        **household_fields(9, id_number=id_number(9)),
        enterprise=world.enterprise,
        organisation=world.tree["grassroots_a"],
        category=Category.DEEP,
        cadre=world.cadre,
        applied_on="2024-01-01",
        verify_due_on="2024-01-08",
    )
    bad_id = id_number(4)[:-1] + ("0" if id_number(4)[-1] != "0" else "1")
    households = [
        household(world.enterprise, 1),
        household(world.enterprise, 2, 身份证号=bad_id),
        household(world.enterprise, 3, 企业信用代码="91420600MA0000000X"),
        household(world.enterprise, 9),  # active in the database
        household(world.enterprise, 5, 本人月收入="5000", 困难类别="深度困难"),
        household(world.enterprise, 6, 职工姓名="", 就业状态=""),
    ]
    assert_refused(
        world.staff_a,
        csv_bytes(H_HEADERS, households),
        csv_bytes(M_HEADERS, [member(1)]),
        [
            "家庭表第 3 行：身份证号：身份证号校验位不正确，请核对。",
            "家庭表第 4 行：企业信用代码：信用代码为“91420600MA0000000X”的企业不存在。",
            "家庭表第 5 行：身份证号：该职工已有一份在档的困难职工档案，不能重复建档。",
            "家庭表第 6 行：困难类别：填写的类别“深度困难”与收入和认定标准不符："
            "家庭人均月收入 5,000.00 元，不低于 2 × 低保线 650.00 元 = 1,300.00 元，"
            "且无 12 个月内的突发致困事件，不符合建档条件。",
            "家庭表第 7 行：职工姓名：请填写职工姓名。",
            "家庭表第 7 行：就业状态：请填写就业状态。",
        ],
    )


def test_the_same_worker_twice_in_one_file_is_refused(world):
    households = [household(world.enterprise, 1), household(world.other, 1, 职工姓名="又一次")]
    assert_refused(
        world.staff_a,
        workbook(households, []),
        None,
        ["家庭表第 3 行：身份证号：与第 2 行是同一职工，一名职工只能有一份在档的困难职工档案。"],
    )


def test_a_member_of_a_worker_not_in_the_households_sheet_is_refused(world):
    assert_refused(
        world.staff_a,
        workbook([household(world.enterprise, 1)], [member(1), member(7)]),
        None,
        [
            f"成员表第 3 行：职工身份证号：家庭表中没有身份证号为 {id_number(7)[:3]}***********{id_number(7)[-4:]} 的职工。"
        ],
    )


def test_a_non_excel_file_named_xlsx_is_refused(world):
    with pytest.raises(imports.ImportFileError) as caught:
        upload_job(world.staff_a, "企业信用代码,职工姓名\n1,2\n".encode())
    assert caught.value.message == (
        "该文件不是 Excel 工作簿（.xlsx）。用 CSV 导入时，请每张表分别上传一个 CSV 文件。"
    )
    with pytest.raises(imports.ImportFileError) as caught:
        tables_of(world.staff_a, b"PK\x03\x04 not really a zip")
    assert caught.value.message == "该文件不是 Excel 工作簿（.xlsx）。"
    assert not ImportJob.objects.exists() and not Household.objects.exists()


def inflated_size(content: bytes) -> int:
    return sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(content)).infolist())


def test_a_workbook_above_the_shared_inflate_limit_imports_within_the_households_own(world, settings):
    # 100,000 households with members inflate to ~175 MB, above the shared 100 MB: here the shared
    # limit is one byte under this small workbook's inflated size.
    content = workbook([household(world.enterprise, 1)], [member(1)])
    settings.UPLOAD_MAX_UNCOMPRESSED = inflated_size(content) - 1
    with pytest.raises(UploadRejected):  # other uploads keep the shared limit
        check_upload(SimpleUploadedFile("x.xlsx", content), kind="sheet")
    job = upload_job(world.staff_a, content, name="家庭.xlsx")
    assert (job.status, job.error_count, job.total) == (JobStatus.PREVIEWED, 0, 1)
    assert imports.job_run(job_id=imports.job_confirm(actor=world.staff_a, job_id=job.pk).pk) == "done"
    assert Household.objects.get().members.count() == 1


def test_a_workbook_inflating_beyond_the_households_limit_is_refused(world, settings):
    # Fifty names of 30,000 identical characters: a few KB zipped, far more than 20 times that inflated.
    content = workbook([household(world.enterprise, 1)], [member(1, name="张" * 30_000)] * 50)
    settings.UPLOAD_MAX_BYTES = {"sheet": len(content)}
    settings.UPLOAD_MAX_UNCOMPRESSED = 1024
    limit = hi.INFLATE_RATIO * len(content)
    assert inflated_size(content) > limit
    actual, allowed = limits.format_size(inflated_size(content)), limits.format_size(limit)
    expected = f"该工作簿解压后为 {actual}，超过 {allowed} 的上限，请拆分成较小的文件。"
    with pytest.raises(imports.ImportFileError) as caught:
        upload_job(world.staff_a, content, name="家庭.xlsx")
    assert caught.value.message == expected
    assert not ImportJob.objects.exists() and not Household.objects.exists()


def test_an_import_into_another_countys_subtree_is_refused(world):
    assert_refused(
        world.staff_a,
        workbook([household(world.enterprise, 1), household(world.enterprise_b, 2)], []),
        None,
        ["家庭表第 3 行：企业信用代码：该企业不在您的帮扶范围内。"],
    )


def many(world, n: int, bad: int | None = None) -> tuple[bytes, bytes]:
    households, members = [], []
    for i in range(n):
        idn = id_number(i, born=f"19{60 + i // 1000 % 40:02d}0101")
        hrow = household(world.enterprise, i, 身份证号=idn, 性别="")
        if i == bad:
            hrow[H_HEADERS.index("本人月收入")] = "-5"
        households.append(hrow)
        members.append(member(i, 职工身份证号=idn))
    return csv_bytes(H_HEADERS, households), csv_bytes(M_HEADERS, members)


def test_one_bad_row_among_ten_thousand_imports_nothing(world):
    households, members = many(world, 10_000, bad=7_777)
    assert_refused(world.staff_a, households, members, ["家庭表第 7779 行：本人月收入：金额不能为负数。"])


def test_the_task_reports_progress_and_imports(world, monkeypatch, django_capture_on_commit_callbacks):
    households, members = many(world, 20_000)
    seen = []
    real = imports.job_progress_save
    monkeypatch.setattr(
        imports,
        "job_progress_save",
        lambda *, job_id, processed: (seen.append(processed), real(job_id=job_id, processed=processed)),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        job = upload_job(world.staff_a, households, members)
    assert (
        job.status == JobStatus.PENDING and len(app_callbacks(callbacks)) == 1
    )  # large: previewed by the task
    assert imports.job_run(job_id=job.pk) == "previewed"
    job.refresh_from_db()
    assert (job.status, job.total, job.error_count) == (JobStatus.PREVIEWED, 20_000, 0)
    preview_values = list(seen)
    assert len([v for v in preview_values if 0 < v < 20_000]) >= 3
    seen.clear()
    with django_capture_on_commit_callbacks():
        imports.job_confirm(actor=world.staff_a, job_id=job.pk)
    assert imports.job_run(job_id=job.pk) == "done"
    intermediate = [v for v in seen if 0 < v < 20_000]
    assert len(intermediate) >= 3 and intermediate == sorted(intermediate)
    job.refresh_from_db()
    assert (job.status, job.created_count, job.files.count()) == (JobStatus.DONE, 20_000, 0)
    assert (Household.objects.count(), HouseholdMember.objects.count()) == (20_000, 20_000)


def test_pages_upload_preview_confirm(world, client, django_capture_on_commit_callbacks, monkeypatch):
    from unionportal.celery import app

    # Run the confirmed job in this process whatever the broker (under CI no worker consumes during pytest).
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    client.force_login(world.staff_a)
    upload_url = reverse("imports:upload", args=[hi.KEY])
    page = client.get(upload_url)
    assert page.status_code == 200 and "企业信用代码、职工姓名" in page.content.decode()
    template = client.get(reverse("imports:template", args=[hi.KEY]))
    book = load_workbook(io.BytesIO(template.content))
    assert book.sheetnames[:2] == ["家庭", "成员"]
    assert [c.value for c in book["成员"][1]] == M_HEADERS
    content = workbook([household(world.enterprise, 1)], [member(1)])
    response = client.post(upload_url, {"file": SimpleUploadedFile("家庭.xlsx", content)})
    job = ImportJob.objects.get(resource_key=hi.KEY)
    assert response.status_code == 302 and response["Location"] == reverse("imports:job", args=[job.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "确认导入" in preview and "家庭成员 1" in preview and "410***********" not in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))
    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert status["status"] == "done" and Household.objects.count() == 1
    bad = client.post(
        upload_url,
        {
            "file": SimpleUploadedFile(
                "x.xlsx", workbook([household(world.enterprise, 2, 身份证号="123")], [])
            )
        },
    )
    job = ImportJob.objects.filter(resource_key=hi.KEY).first()
    page = client.get(bad["Location"]).content.decode()
    assert "家庭表第 2 行：身份证号：身份证号应为 18 位，最后一位可以是数字或 X。" in page
    # Two CSV files instead of the workbook; both or neither.
    csv_post = client.post(
        upload_url,
        {
            "sheet_households": SimpleUploadedFile(
                "h.csv", csv_bytes(H_HEADERS, [household(world.enterprise, 3)])
            ),
            "sheet_members": SimpleUploadedFile("m.csv", csv_bytes(M_HEADERS, [member(3)])),
        },
    )
    assert csv_post.status_code == 302
    assert ImportJob.objects.filter(resource_key=hi.KEY).first().files.count() == 2
    half = client.post(upload_url, {"sheet_households": SimpleUploadedFile("h.csv", b"x")})
    assert half.status_code == 400 and "每张表各一个 CSV 文件" in half.content.decode()
    client.logout()
    client.force_login(world.staff_b)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404


def test_household_import_jobs_run_on_the_shared_task_and_pages():
    from unittest import mock

    from unionportal.imports import tasks

    with mock.patch.object(tasks.run, "delay") as delay:
        imports.enqueue(7)
    delay.assert_called_once_with(job_id=7)
    assert ImportJob(pk=7, resource_key=hi.KEY).get_absolute_url() == "/imports/jobs/7/"


# --- files that must not get through -------------------------------------------------------------------


def _refused_within(bound: int, actor, upload) -> str:
    """The refusal of ``upload`` (in the request, or by the task for a file previewed there), with the
    peak of Python allocations while it is read asserted under ``bound``."""
    import tracemalloc

    tracemalloc.start()
    try:
        try:
            job = imports.job_create(actor=actor, key=hi.KEY, upload=upload)
        except imports.ImportFileError as error:
            message = error.message
        else:
            assert imports.job_run(job_id=job.pk) == "failed"
            job.refresh_from_db()
            assert job.status == JobStatus.FAILED and not job.files.exists()
            message = job.error_message
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < bound, f"peak {peak / 2**20:.1f} MiB"
    return message


@pytest.mark.parametrize("shared", [False, True], ids=["inline strings", "one shared string"])
def test_a_workbook_with_a_huge_cell_in_each_sheet_is_refused_within_the_memory_bound(world, shared):
    from tests.imports.test_reading import MEMORY_BOUND
    from tests.imports.workbooks import MB, PLACEHOLDER, inflate
    from tests.imports.workbooks import workbook as crafted

    sheets = {
        "家庭": [H_HEADERS, household(world.enterprise, 1, 职工姓名=PLACEHOLDER)],
        "成员": [M_HEADERS, member(1, name=PLACEHOLDER)],
    }
    # 190 MB in each sheet (or one shared string of 190 MB shown in both): 380 MB inflated, under the household
    # workbook's own inflation limit (400 MB), from an upload of a few hundred kilobytes.
    content = inflate(crafted(sheets, shared=shared), size=190 * MB)
    assert len(content) < 500 * 1024, len(content)
    message = _refused_within(MEMORY_BOUND, world.staff_a, SimpleUploadedFile("households.xlsx", content))
    assert message == "家庭表第 2 行：单元格 B2 超过 4000 个字，请缩短后重新上传。"
    assert not Household.objects.exists()


def test_household_rows_are_checked_as_they_are_read(world, settings):
    settings.IMPORT_MAX_CELL_CHARS = 30
    long_name = [household(world.enterprise, 1), household(world.enterprise, 2, 职工姓名="名" * 31)]
    with pytest.raises(imports.ImportFileError) as caught:
        tables_of(world.staff_a, workbook(long_name, [member(1)]))
    assert caught.value.message == "家庭表第 3 行：单元格 B3 超过 30 个字，请缩短后重新上传。"
    with pytest.raises(imports.ImportFileError) as caught:
        tables_of(world.staff_a, csv_bytes(H_HEADERS, long_name), csv_bytes(M_HEADERS, [member(1)]))
    assert caught.value.message == "家庭表第 3 行：单元格 B3 超过 30 个字，请缩短后重新上传。"


def test_a_sheet_naming_a_column_twice_is_refused(world):
    members = csv_bytes([*M_HEADERS, "姓名"], [[*member(1), "另一人"]])
    with pytest.raises(imports.ImportFileError) as caught:
        tables_of(world.staff_a, csv_bytes(H_HEADERS, [household(world.enterprise, 1)]), members)
    assert caught.value.message == "成员表第 1 行：列名“姓名”重复。"
    book = Workbook()
    book.active.title = "家庭"
    book.active.append([*H_HEADERS, "职工姓名"])
    book.active.append([*household(world.enterprise, 1), "别人"])
    book.create_sheet("成员").append(M_HEADERS)
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(imports.ImportFileError) as caught:
        tables_of(world.staff_a, buffer.getvalue())
    assert caught.value.message == "家庭表第 1 行：列名“职工姓名”重复。"


def test_csv_files_named_xlsx_are_refused(world):
    households = SimpleUploadedFile("households.xlsx", csv_bytes(H_HEADERS, [household(world.enterprise, 1)]))
    members = SimpleUploadedFile("members.csv", csv_bytes(M_HEADERS, [member(1)]))
    with pytest.raises(imports.ImportFileError) as caught:
        imports.job_create(
            actor=world.staff_a, key=hi.KEY, sheet_uploads={"households": households, "members": members}
        )
    assert caught.value.message == "家庭表：该文件不是 Excel 工作簿（.xlsx）。"
    assert not ImportJob.objects.exists()


def test_bidirectional_controls_in_a_household_file_are_refused(world):
    spoofed = household(world.enterprise, 1, 职工姓名="张\u202e三")
    with pytest.raises(imports.ImportFileError) as caught:
        tables_of(world.staff_a, workbook([spoofed], [member(1)]))
    assert caught.value.message == (
        "家庭表第 2 行：“职工姓名”含有文字方向控制字符（U+202E），显示的内容会与实际不同，请删除后重新上传。"
    )
    tables = tables_of(
        world.staff_a, workbook([household(world.enterprise, 1, 职工姓名="张\u200f三")], [member(1)])
    )
    assert tables["households"].rows[0][1] == "张三"
