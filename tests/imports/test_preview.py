"""The preview marks each row new / changed / error with row-numbered Chinese messages; bad rows stop
the whole file; a good file is imported in file order through the tree's one way in."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_enterprise
from tests.imports.conftest import (
    ENTERPRISE_HEADERS,
    ORG_HEADERS,
    csv_upload,
    enterprise_row,
    org_row,
)
from unionportal.audit.models import AuditEvent
from unionportal.imports import services
from unionportal.imports.enums import JobStatus
from unionportal.imports.tasks import run
from unionportal.orgs.enums import Industry, Level
from unionportal.orgs.models import Enterprise, Organisation

pytestmark = pytest.mark.django_db


def _preview_rows(job):
    return {r["row"]: (r["status"], r["messages"]) for r in job.preview["rows"]}


def test_enterprise_preview_marks_rows_new_changed_unchanged_and_error(tree, county_staff):
    existing = make_enterprise(tree["township_a"], tree["grassroots_a"], name="老企业", employees=80)
    same = make_enterprise(tree["township_a"], tree["grassroots_a"], name="不变企业", employees=120)
    rows = [
        enterprise_row(1, tree["township_a"], tree["grassroots_a"]),
        enterprise_row(
            2,
            tree["township_a"],
            tree["grassroots_a"],
            名称="新名称",
            统一社会信用代码=existing.credit_code,
            职工人数="80",
        ),
        enterprise_row(3, tree["township_a"], tree["grassroots_a"], 统一社会信用代码="91420600MA00000001"),
        enterprise_row(4, tree["township_a"], 职工人数="很多", 行业="制造"),
        enterprise_row(5, tree["township_b"]),
        enterprise_row(6, tree["township_a"], 名称="", 所在乡镇代码="NOPE"),
        enterprise_row(
            7,
            tree["township_a"],
            tree["grassroots_a"],
            名称="不变企业",
            统一社会信用代码=same.credit_code,
            职工人数="120",
        ),
    ]
    job = services.job_create(
        actor=county_staff, key="orgs.enterprise", upload=csv_upload(ENTERPRISE_HEADERS, rows)
    )

    assert job.status == JobStatus.PREVIEWED
    assert _preview_rows(job) == {
        2: ("new", []),
        3: ("changed", ["将更新：名称"]),
        4: ("error", ["统一社会信用代码：“91420600MA00000001”不是有效的统一社会信用代码。"]),
        5: (
            "error",
            [
                "行业：“制造”不是可选的值（可选的值见模板中的“填写说明”）。",
                "职工人数：“很多”不是整数。",
            ],
        ),
        6: ("error", ["所在乡镇代码：组织“{}”不在您的管辖范围内。".format(tree["township_b"].code)]),
        7: ("error", ["所在乡镇代码：组织代码“NOPE”不存在。", "名称：此字段不能为空。"]),
        8: ("unchanged", []),
    }
    assert job.preview["counts"] == {"new": 1, "changed": 1, "unchanged": 1, "error": 4}
    assert (
        job.preview["errors"][0]
        == "第 4 行：统一社会信用代码：“91420600MA00000001”不是有效的统一社会信用代码。"
    )
    assert job.error_count == 4
    # The preview wrote nothing.
    existing.refresh_from_db()
    assert existing.name == "老企业"
    assert Enterprise.objects.count() == 2
    with pytest.raises(ValidationError) as refused:
        services.job_confirm(actor=county_staff, job_id=job.pk)
    assert refused.value.messages == ["文件中有错误，不能导入。请修改后重新上传。"]


def test_org_preview_names_every_kind_of_bad_row(tree, county_staff):
    county_a = tree["county_a"].code
    rows = [
        org_row("N1", "新乡镇", 4, county_a),
        org_row("N2", "新基层工会", 5, "N1"),
        org_row("N3", "同级上级", 3, county_a),
        org_row("N4", "辖区外", 4, tree["county_b"].code),
        org_row("N1", "文件内重复", 4, county_a),
        org_row(tree["township_a"].code, "库中已有", 4, county_a),
        org_row("N5", "上级不存在", 5, "ZZZ"),
        org_row("N6", "上级行有误", 5, "N3"),
        org_row("N7", "下级作上级", 4, tree["grassroots_a"].code),
        org_row("N9", "上级在后", 5, "N8"),
        org_row("N8", "后定义", 4, county_a),
    ]
    job = services.job_create(
        actor=county_staff, key="orgs.organisation", upload=csv_upload(ORG_HEADERS, rows)
    )

    assert job.preview["errors"] == [
        "第 4 行：上级组织代码：县市区不能隶属于县市区：上级组织的层级必须更高。",
        "第 5 行：上级组织代码：组织“{}”不在您的管辖范围内。".format(tree["county_b"].code),
        "第 6 行：组织代码：“N1”与第 2 行重复。",
        "第 7 行：组织代码：“{}”已存在。".format(tree["township_a"].code),
        "第 8 行：上级组织代码：“ZZZ”不存在，也未在本文件前面的行中出现。",
        "第 9 行：上级组织代码：“N3”所在的第 4 行有误，本行无法导入。",
        "第 10 行：上级组织代码：乡镇街道不能隶属于基层工会：上级组织的层级必须更高。",
        "第 11 行：上级组织代码：“N8”不存在，也未在本文件前面的行中出现。",
    ]
    statuses = {r["row"]: r["status"] for r in job.preview["rows"]}
    assert [row for row, status in statuses.items() if status == "new"] == [2, 3, 12]
    assert not Organisation.objects.filter(code__in=["N1", "N2", "N8"]).exists()


def test_parent_outside_the_subtree_is_refused_and_nothing_is_imported(tree, county_staff):
    before = Organisation.objects.count()
    rows = [
        org_row("OK1", "辖区内乡镇", 4, tree["county_a"].code),
        org_row("BAD", "别人的乡镇", 4, tree["county_b"].code),
        org_row("BAD2", "省直属", 2, tree["province"].code),
    ]
    job = services.job_create(
        actor=county_staff, key="orgs.organisation", upload=csv_upload(ORG_HEADERS, rows)
    )

    assert job.preview["errors"] == [
        "第 3 行：上级组织代码：组织“{}”不在您的管辖范围内。".format(tree["county_b"].code),
        "第 4 行：上级组织代码：组织“{}”不在您的管辖范围内。".format(tree["province"].code),
    ]
    with pytest.raises(ValidationError):
        services.job_confirm(actor=county_staff, job_id=job.pk)
    assert Organisation.objects.count() == before


def test_rows_are_created_in_file_order_through_the_tree_service(tree, county_staff):
    county_a = tree["county_a"]
    rows = [
        org_row("N1", "新街道", 4, county_a.code, phone="13900000001"),
        org_row("N2", "新街道企业工会", 5, "N1"),
        org_row("N3", "县直企业工会", 5, county_a.code),
    ]
    job = services.job_create(
        actor=county_staff, key="orgs.organisation", upload=csv_upload(ORG_HEADERS, rows)
    )
    assert job.preview["counts"]["new"] == 3
    services.job_confirm(actor=county_staff, job_id=job.pk)
    assert run(job_id=job.pk) == "done"

    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count, job.processed) == (JobStatus.DONE, 3, 0, 3)
    assert not job.files.exists()
    n1, n2, n3 = (Organisation.objects.get(code=c) for c in ("N1", "N2", "N3"))
    assert n1.parent_organisation() == county_a
    assert n2.parent_organisation() == n1
    assert n3.parent_organisation() == county_a
    assert (n1.level, n1.contact_phone, str(n1.founded_on)) == (Level.TOWNSHIP, "13900000001", "2020-05-01")
    assert Organisation.objects.find_problems() == ([], [], [], [], [])
    event = AuditEvent.objects.get(action=services.IMPORT_ACTION)
    assert event.comment == "工会组织：新增 3 条，更新 0 条（data.csv）"
    assert event.org_path == county_a.path
    # Running the task again changes nothing.
    assert run(job_id=job.pk) == "nothing to do"
    assert Organisation.objects.filter(code__in=["N1", "N2", "N3"]).count() == 3


def test_enterprise_import_updates_known_codes_and_adds_new_ones(tree, county_staff):
    existing = make_enterprise(tree["township_a"], None, name="老企业", employees=80)
    rows = [
        enterprise_row(1, tree["township_a"], tree["grassroots_a"], 行业="I"),
        enterprise_row(
            2,
            tree["township_a"],
            tree["grassroots_a"],
            名称="老企业",
            统一社会信用代码=existing.credit_code.lower(),
            职工人数="95",
        ),
    ]
    job = services.job_create(
        actor=county_staff, key="orgs.enterprise", upload=csv_upload(ENTERPRISE_HEADERS, rows)
    )
    assert _preview_rows(job)[3] == ("changed", ["将更新：职工人数、基层工会代码"])
    services.job_confirm(actor=county_staff, job_id=job.pk)
    run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count) == (JobStatus.DONE, 1, 1)
    existing.refresh_from_db()
    assert (existing.employees, existing.union) == (95, tree["grassroots_a"])
    assert existing.updated_at > existing.created_at
    new = Enterprise.objects.get(name="企业1")
    assert (new.industry, new.township) == (Industry.IT, tree["township_a"])


def test_enterprise_outside_scope_cannot_be_overwritten(tree, county_staff):
    theirs = make_enterprise(tree["township_b"], None, name="别人的企业")
    rows = [enterprise_row(1, tree["township_a"], 统一社会信用代码=theirs.credit_code)]
    job = services.job_create(
        actor=county_staff, key="orgs.enterprise", upload=csv_upload(ENTERPRISE_HEADERS, rows)
    )
    assert job.preview["errors"] == [f"第 2 行：统一社会信用代码：“{theirs.credit_code}”已存在。"]


def test_a_file_without_the_template_columns_is_refused_before_any_job(tree, county_staff):
    upload = csv_upload(["名称", "别的列"], [["甲", "乙"]])
    with pytest.raises(services.ImportFileError) as refused:
        services.job_create(actor=county_staff, key="orgs.enterprise", upload=upload)
    assert refused.value.message == (
        "缺少以下列：统一社会信用代码、行业、经济类型、所在乡镇代码。请使用下载的模板。"
    )
    assert not services.ImportJob.objects.exists()


def test_a_worker_without_a_staff_role_may_not_import(tree):
    from django.core.exceptions import PermissionDenied

    from tests.factories import Role, make_user

    worker = make_user("w1", org=tree["grassroots_a"], role=Role.WORKER)
    with pytest.raises(PermissionDenied):
        services.job_create(
            actor=worker, key="orgs.enterprise", upload=csv_upload(ENTERPRISE_HEADERS, [["x"] * 8])
        )


def test_an_exported_csv_imports_again_unchanged(tree, county_staff):
    for n in range(3):
        make_enterprise(tree["township_a"], tree["grassroots_a"], name=f"=企业{n}")
    _name, _type, content = services.export_file(actor=county_staff, key="orgs.enterprise", fmt="csv")
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = services.job_create(
        actor=county_staff, key="orgs.enterprise", upload=SimpleUploadedFile("export.csv", content)
    )
    # The apostrophe that neutralised "=" is taken away again, so nothing reads as changed.
    assert job.preview["counts"] == {"new": 0, "changed": 0, "unchanged": 3, "error": 0}
    assert job.total == 3  # the "# 导出人：…" footer line is not a row


def test_xlsx_template_upload_reads_typed_cells(tree, county_staff, client):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ORG_HEADERS)
    sheet.append(["X1", "数字单元格", 4, "地方工会", tree["county_a"].code, 25, "", 13900000002, "", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = services.job_create(
        actor=county_staff, key="orgs.organisation", upload=SimpleUploadedFile("t.xlsx", buffer.getvalue())
    )
    assert job.preview["counts"]["new"] == 1, job.preview


def test_an_oversized_file_is_refused(tree, county_staff, settings):
    settings.UPLOAD_MAX_BYTES = {"sheet": 100}
    upload = csv_upload(ENTERPRISE_HEADERS, [enterprise_row(n, tree["township_a"]) for n in range(5)])
    with pytest.raises(services.ImportFileError) as refused:
        services.job_create(actor=county_staff, key="orgs.enterprise", upload=upload)
    assert refused.value.message == "文件“data.csv”超过 100 B。"


@pytest.mark.parametrize("dry_run", [True, False])
def test_enterprise_import_queries_do_not_grow_with_rows(tree, county_staff, dry_run):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from unionportal.imports.registry import get_registered

    existing = [make_enterprise(tree["township_a"], None) for _ in range(3)]
    counts = []
    for size in (10, 200):
        rows = [
            enterprise_row(size * 1000 + n, tree["township_a"], tree["grassroots_a"]) for n in range(size)
        ]
        # a few updates too, so that existing rows are looked up
        rows += [
            enterprise_row(n, tree["township_a"], 统一社会信用代码=e.credit_code, 职工人数=str(size))
            for n, e in enumerate(existing)
        ]
        user = type(county_staff).objects.get(pk=county_staff.pk)  # its scope is not cached yet
        resource = get_registered("orgs.enterprise").resource(user)
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            outcome = resource.run(ENTERPRISE_HEADERS, rows, dry_run=dry_run)
        assert outcome.counts["new"] == size and outcome.counts["changed"] == 3, (
            outcome.counts,
            outcome.errors,
        )
        counts.append(len(queries))
    if dry_run:
        assert counts[0] == counts[1], counts
    else:
        # No query per row; SQLite caps the parameters of one statement, so Django splits the bulk
        # INSERT into batches of a few dozen rows there (one batch per 1,000 rows on PostgreSQL).
        assert counts[1] - counts[0] <= 190 // 50, counts


def test_org_preview_queries_do_not_grow_with_rows(tree, county_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from unionportal.imports.registry import get_registered

    counts = []
    for size in (10, 200):
        # half the rows hang under a parent defined earlier in the same file
        rows = [org_row(f"S{size}-{n}", "乡镇", 4, tree["county_a"].code) for n in range(size // 2)]
        rows += [org_row(f"S{size}-{n}-g", "基层", 5, f"S{size}-{n}") for n in range(size // 2)]
        user = type(county_staff).objects.get(pk=county_staff.pk)
        resource = get_registered("orgs.organisation").resource(user)
        with CaptureQueriesContext(connection) as queries:
            outcome = resource.run(ORG_HEADERS, rows, dry_run=True)
        assert outcome.counts["new"] == size, outcome.errors
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
