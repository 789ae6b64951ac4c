"""Importing past years' honourees (province staff only): row-numbered errors refuse the whole file, and
an imported honour within the programme's years flags a new nomination of the same person."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from unionportal.imports import services as imports
from unionportal.imports.enums import JobStatus
from unionportal.imports.tasks import run
from unionportal.selection.models import PastHonour

from .factories import id_number, nominate, world

pytestmark = pytest.mark.django_db

HEADERS = ["身份证号", "姓名", "年度", "级别", "荣誉称号", "单位"]
KEY = "selection.past_honour"


def upload(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return SimpleUploadedFile("honours.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def honour(n, year=2024, level="省级", award="湖北省五一劳动奖章", name=None):
    return [id_number(n), name or f"候选人{n}", str(year), level, award, "某公司"]


def import_file(actor, rows):
    job = imports.job_create(actor=actor, key=KEY, upload=upload(rows))
    if imports.job_can_confirm(job):
        imports.job_confirm(actor=actor, job_id=job.pk)
        run(job_id=job.pk)
        job.refresh_from_db()
    return job


def test_bad_rows_are_named_by_row_number_and_nothing_is_imported():
    w = world()
    PastHonour.objects.create(
        id_number=id_number(5), name="候选人5", year=2023, level="provincial", award="湖北省五一劳动奖章"
    )
    bad_checksum = id_number(2)[:-1] + ("0" if id_number(2)[-1] != "0" else "1")
    rows = [
        honour(1),
        [bad_checksum, "候选人2", "2024", "省级", "湖北省五一劳动奖章", ""],
        honour(3, level="市级"),
        honour(1),
        honour(5, year=2023),
        honour(6, year=2099),
    ]
    job = import_file(w.province, rows)
    assert job.status == JobStatus.PREVIEWED
    assert job.preview["errors"] == [
        "第 3 行：身份证号：身份证号校验位不正确，请核对。",
        "第 4 行：级别：“市级”不是可选的值（可选：省级、全国）。",
        "第 5 行：荣誉称号：与第 2 行是同一荣誉，重复。",
        "第 6 行：荣誉称号：候选人5 2023 年的“湖北省五一劳动奖章”已导入过。",
        f"第 7 行：年度：年度不能晚于 {timezone.localdate().year} 年。",
    ]
    assert not imports.job_can_confirm(job)
    assert PastHonour.objects.count() == 1


def test_province_staff_import_a_clean_file():
    w = world()
    job = import_file(w.province, [honour(1), honour(2, year=2022, level="全国", award="全国五一劳动奖章")])
    assert (job.status, job.created_count) == (JobStatus.DONE, 2)
    assert sorted(PastHonour.objects.values_list("id_number", "year", "level", "award")) == sorted(
        [
            (id_number(1), 2024, "provincial", "湖北省五一劳动奖章"),
            (id_number(2), 2022, "national", "全国五一劳动奖章"),
        ]
    )


def test_only_province_staff_may_import_or_export_past_honours():
    w = world()
    for user in (w.county_a, w.city_a, w.submitter_a):
        with pytest.raises(PermissionDenied):
            imports.job_create(actor=user, key=KEY, upload=upload([honour(1)]))
        with pytest.raises(PermissionDenied):
            imports.export_file(actor=user, key=KEY, fmt="csv")
    _name, _type, content = imports.export_file(actor=w.province, key=KEY, fmt="csv")
    assert content.decode("utf-8").splitlines()[0] == "\ufeff" + ",".join(HEADERS)


def test_an_imported_honour_within_the_years_flags_a_new_nomination():
    w = world()
    assert w.programme.past_honour_years == 5
    import_file(
        w.province,
        [
            honour(1, year=2024),
            honour(1, year=2022, level="全国", award="全国五一劳动奖章"),
            honour(2, year=2020),  # six years before 2026: outside the check
        ],
    )
    flagged = nominate(w, 1)
    assert flagged.past_honours == [
        {"year": 2024, "level": "provincial", "award": "湖北省五一劳动奖章"},
        {"year": 2022, "level": "national", "award": "全国五一劳动奖章"},
    ]
    assert str(flagged.past_honours) == "2024 省级湖北省五一劳动奖章；2022 全国全国五一劳动奖章"
    assert nominate(w, 2).past_honours == []
