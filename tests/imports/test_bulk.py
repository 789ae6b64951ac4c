"""Large files: one bad row among 10,000 stops everything; throughput; progress through the task."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.imports.conftest import ENTERPRISE_HEADERS, ORG_HEADERS, csv_bytes, enterprise_row, org_row
from unionportal.imports import services
from unionportal.imports.enums import JobStatus
from unionportal.imports.registry import get_registered
from unionportal.imports.resources import ImportRejected
from unionportal.imports.tasks import run
from unionportal.orgs.models import Enterprise, Organisation

pytestmark = pytest.mark.django_db


def _job(user, key, headers, rows):
    upload = SimpleUploadedFile("big.csv", csv_bytes(headers, rows), content_type="text/csv")
    job = services.job_create(actor=user, key=key, upload=upload)
    # Longer files are previewed by the task, which the test runs itself (no worker during pytest).
    assert job.status == JobStatus.PENDING
    assert run(job_id=job.pk) == "previewed"
    job.refresh_from_db()
    return job


def test_one_bad_org_row_among_10000_imports_nothing(tree, county_staff):
    county = tree["county_a"].code
    rows = [org_row(f"G{n:05d}", f"乡镇{n}", 4, county) for n in range(10_000)]
    rows[7_000] = org_row("G07000", "上级不存在", 4, "NO-SUCH-CODE")
    before = Organisation.objects.count()

    job = _job(county_staff, "orgs.organisation", ORG_HEADERS, rows)

    assert job.preview["errors"] == [
        "第 7002 行：上级组织代码：“NO-SUCH-CODE”不存在，也未在本文件前面的行中出现。"
    ]
    assert job.preview["counts"] == {"new": 9_999, "changed": 0, "unchanged": 0, "error": 1}
    with pytest.raises(ValidationError):
        services.job_confirm(actor=county_staff, job_id=job.pk)
    assert Organisation.objects.count() == before


def test_one_bad_enterprise_row_among_10000_rolls_the_real_import_back(tree, county_staff):
    rows = [enterprise_row(n, tree["township_a"], tree["grassroots_a"]) for n in range(10_000)]
    rows[9_500] = enterprise_row(9_500, tree["township_a"], 统一社会信用代码="91420600MA0000000X")

    job = _job(county_staff, "orgs.enterprise", ENTERPRISE_HEADERS, rows)
    assert job.preview["errors"] == [
        "第 9502 行：统一社会信用代码：“91420600MA0000000X”不是有效的统一社会信用代码。"
    ]

    # Even without the preview's gate, the import itself is all or nothing: nine chunks are written
    # before the bad row, and all of them are rolled back.
    resource = get_registered("orgs.enterprise").resource(county_staff)
    with pytest.raises(ImportRejected) as rejected, transaction.atomic():
        resource.run(ENTERPRISE_HEADERS, rows, dry_run=False)
    assert rejected.value.outcome.errors == job.preview["errors"]
    assert Enterprise.objects.count() == 0


def test_10000_good_enterprise_rows_import_and_report_rows_per_second(tree, county_staff, capsys):
    rows = [enterprise_row(n, tree["township_a"], tree["grassroots_a"]) for n in range(10_000)]
    started = time.perf_counter()
    job = _job(county_staff, "orgs.enterprise", ENTERPRISE_HEADERS, rows)
    previewed = time.perf_counter()
    services.job_confirm(actor=county_staff, job_id=job.pk)
    assert run(job_id=job.pk) == "done"
    imported = time.perf_counter()

    job.refresh_from_db()
    assert (job.status, job.created_count) == (JobStatus.DONE, 10_000)
    assert Enterprise.objects.count() == 10_000
    with capsys.disabled():
        print(
            f"\n10,000 enterprise rows: preview {10_000 / (previewed - started):.0f} rows/s, "
            f"import {10_000 / (imported - previewed):.0f} rows/s "
            f"(validated again and written in one transaction)"
        )


def test_a_20000_row_file_reports_progress_through_the_task(tree, county_staff, monkeypatch):
    rows = [enterprise_row(n, tree["township_a"]) for n in range(20_000)]
    job = _job(county_staff, "orgs.enterprise", ENTERPRISE_HEADERS, rows)
    services.job_confirm(actor=county_staff, job_id=job.pk)

    seen = []  # what the status endpoint would answer at each progress save, while the import runs
    save = services.job_progress_save

    def recording_save(*, job_id, processed):
        save(job_id=job_id, processed=processed)
        current = services.ImportJob.objects.get(pk=job_id)
        seen.append((current.status, services.job_progress(current)))

    monkeypatch.setattr(services, "job_progress_save", recording_save)
    assert run(job_id=job.pk) == "done"

    intermediate = [p for status, p in seen if status == JobStatus.RUNNING and 0 < p < 20_000]
    assert len(intermediate) >= 3, seen
    assert intermediate == sorted(intermediate)
    job.refresh_from_db()
    assert (job.status, job.processed, job.progress_percent, job.created_count) == (
        JobStatus.DONE,
        20_000,
        100,
        20_000,
    )
    assert services.job_progress(job) == 20_000
