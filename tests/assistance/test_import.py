"""Importing hardship households: the same rules as the form, row-numbered messages, all or nothing;
exports masked."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from assistance import services
from assistance.enums import Category, HouseholdState
from assistance.models import Household
from assistance.resources import HouseholdResource
from tests.assistance.factories import household_fields, id_number, ledger
from unionportal.audit.models import AuditEvent
from unionportal.imports import services as imports
from unionportal.imports.enums import JobStatus
from unionportal.imports.models import ImportJob
from unionportal.imports.resources import ImportRejected
from unionportal.imports.tasks import run

pytestmark = pytest.mark.django_db

HEADERS = [
    "企业信用代码",
    "职工姓名",
    "身份证号",
    "性别",
    "手机号",
    "就业状态",
    "本人月收入",
    "致困原因",
    "突发致困日期",
    "困难类别",
]


@pytest.fixture
def world():
    return ledger()


def row(enterprise, n=1, **overrides) -> list[str]:
    values = {
        "企业信用代码": enterprise.credit_code,
        "职工姓名": f"职工{n}",
        "身份证号": id_number(n),
        "性别": "男" if n % 2 else "女",
        "手机号": "138 0000 1234",
        "就业状态": "去产能分流安置",
        "本人月收入": "1200",
        "致困原因": "重病，子女就学",
        "突发致困日期": "",
        "困难类别": "",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def preview(user, rows):
    return HouseholdResource(user=user).run(HEADERS, rows, dry_run=True)


def import_for_real(user, rows):
    with transaction.atomic():
        return HouseholdResource(user=user).run(HEADERS, rows, dry_run=False)


def assert_refused(user, rows, expected_errors: list[str]) -> None:
    """The preview names the rows; the real import raises and writes nothing."""
    before = Household.objects.count()
    outcome = preview(user, rows)
    assert outcome.errors == expected_errors
    with pytest.raises(ImportRejected):
        import_for_real(user, rows)
    assert Household.objects.count() == before
    assert not AuditEvent.objects.filter(action="assistance.household.create", actor=user).exists()


def test_a_good_file_imports(world):
    rows = [
        row(world.enterprise, 1),  # 1,200 alone: below 2 × 650 with causes → relative
        row(world.other, 2, 性别="", 本人月收入="500", 致困原因="失业", 困难类别="深度困难"),
    ]
    outcome = preview(world.staff_a, rows)
    assert (outcome.errors, outcome.counts["new"]) == ([], 2)
    assert not Household.objects.exists()

    import_for_real(world.staff_a, rows)
    first, second = Household.objects.order_by("worker_name")
    assert (first.enterprise, first.organisation, first.cadre) == (
        world.enterprise,
        world.tree["grassroots_a"],
        world.cadre,  # the enterprise's responsible cadre
    )
    assert (first.state, first.category, first.per_capita_income) == (
        HouseholdState.APPLIED,
        Category.RELATIVE,
        Decimal("1200.00"),
    )
    assert first.causes == ["illness", "schooling"]
    assert first.phone == "13800001234"
    assert first.category_explanation == (
        "家庭人均月收入 1,200.00 元，低于 2 × 低保线 650.00 元 = 1,300.00 元，且有致困原因，认定为相对困难。"
    )
    assert first.created_by == world.staff_a and first.verify_due_on > first.applied_on
    assert (second.organisation, second.category, second.gender) == (
        world.tree["township_a"],
        Category.DEEP,
        "female",  # from the ID number (17th digit even) when the cell is empty
    )
    events = AuditEvent.objects.filter(action="assistance.household.create").order_by("object_id")
    assert [(e.object_id, e.org_path, e.to_state) for e in events] == [
        (str(first.pk), world.tree["grassroots_a"].path, "applied"),
        (str(second.pk), world.tree["township_a"].path, "applied"),
    ]


def test_a_worker_with_an_active_file_is_refused_by_row(world):
    services.household_create(
        actor=world.cadre, enterprise=world.enterprise, members=[], **household_fields(7)
    )
    assert_refused(
        world.staff_a,
        [row(world.other, 1), row(world.other, 7)],
        ["第 3 行：身份证号：该职工已有一份在档的困难职工档案，不能重复建档。"],
    )


def test_the_same_worker_twice_in_a_file_is_refused_on_the_second_row(world):
    assert_refused(
        world.staff_a,
        [row(world.enterprise, 1), row(world.other, 2), row(world.other, 1, 职工姓名="另一人")],
        ["第 4 行：身份证号：与第 2 行是同一职工，一名职工只能有一份在档的困难职工档案。"],
    )


def test_a_category_that_contradicts_income_and_thresholds_is_refused(world):
    assert_refused(
        world.staff_a,
        [row(world.enterprise, 1, 困难类别="深度困难")],
        [
            "第 2 行：困难类别：填写的类别“深度困难”与收入和认定标准不符：家庭人均月收入 1,200.00 元，"
            "低于 2 × 低保线 650.00 元 = 1,300.00 元，且有致困原因，认定为相对困难。"
        ],
    )


def test_an_enterprise_outside_the_importers_scope_is_refused(world):
    assert_refused(
        world.staff_a,
        [row(world.enterprise, 1), row(world.enterprise_b, 2)],
        ["第 3 行：企业信用代码：该企业不在您的帮扶范围内。"],
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"身份证号": id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")},
            "身份证号：身份证号校验位不正确，请核对。",
        ),
        ({"身份证号": "4206841980010100"}, "身份证号：身份证号应为 18 位，最后一位可以是数字或 X。"),
        ({"身份证号": "420***********0013"}, "身份证号：含有“*”，像是脱敏后的数据，请填写完整内容。"),
        ({"性别": "女"}, "性别：性别与身份证号不符（身份证号第 17 位奇数为男、偶数为女）。"),
        (
            {"企业信用代码": "91420600MA00000000"},
            "企业信用代码：信用代码为“91420600MA00000000”的企业不存在。",
        ),
        ({"本人月收入": "-5"}, "本人月收入：金额不能为负数。"),
        (
            {"致困原因": "重病、欠债"},
            "致困原因：“欠债”不是可选的值（可选：重病、残疾、子女就学、失业、意外事故、自然灾害、收入低、其他）。",
        ),
        ({"突发致困日期": "2999-01-01"}, "突发致困日期：突发致困日期不能晚于今天。"),
        ({"手机号": "12345"}, "手机号：请输入有效的大陆手机号（以 1 开头的 11 位数字）。"),
    ],
)
def test_bad_cells_are_named_with_their_row_and_column(world, overrides, message):
    assert_refused(
        world.staff_a,
        [row(world.enterprise, 1), row(world.enterprise, 3, **overrides)],
        [f"第 3 行：{message}"],
    )


def test_the_preview_query_count_does_not_grow_with_rows(
    world, django_assert_max_num_queries, django_assert_num_queries
):
    def rows(n):
        return [row(world.enterprise if i % 2 else world.other, i) for i in range(1, n + 1)]

    preview(world.staff_a, rows(1))
    with django_assert_max_num_queries(20) as few:
        preview(world.staff_a, rows(2))
    # The filing rule fetches scope, cadres, thresholds and active files once per file.
    with django_assert_num_queries(len(few)):
        preview(world.staff_a, rows(40))


def csv_upload(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return SimpleUploadedFile("households.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def test_the_import_pages_preview_confirm_and_import(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.staff_a)
    page = client.get("/imports/assistance.household/")
    assert page.status_code == 200
    response = client.post("/imports/assistance.household/", {"file": csv_upload([row(world.enterprise, 1)])})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/jobs/{job.pk}/"
    assert job.status == JobStatus.PREVIEWED and job.error_count == 0
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/imports/jobs/{job.pk}/confirm/")
    run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Household.objects.get().worker_name == "职工1"


def test_cadres_cannot_import(client, world):
    client.force_login(world.cadre)
    assert client.get("/imports/assistance.household/").status_code == 403


def test_exports_mask_id_numbers_and_phones(world):
    services.household_create(
        actor=world.cadre, enterprise=world.enterprise, members=[], **household_fields(1)
    )
    services.household_create(
        actor=world.staff_b, enterprise=world.enterprise_b, members=[], **household_fields(2)
    )
    _name, _type, content = imports.export_file(actor=world.staff_a, key="assistance.household", fmt="csv")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8").lstrip("\ufeff"))))
    assert lines[0] == HEADERS
    (data,) = lines[1:-1]  # the last line says who exported
    assert data[:3] == [world.enterprise.credit_code, "职工1", "420***********" + id_number(1)[-4:]]
    assert data[4] == "138****1234"
    assert data[7] == "重病"
    assert data[9] == "相对困难"
    assert id_number(1) not in content.decode("utf-8")
