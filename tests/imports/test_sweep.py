"""The periodic sweep re-queues import jobs whose task never ran or died, and gives up eventually."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.imports.conftest import ENTERPRISE_HEADERS, csv_upload, enterprise_row
from unionportal import periodic
from unionportal.imports import services
from unionportal.imports.enums import JobStatus
from unionportal.imports.models import ImportJob

pytestmark = pytest.mark.django_db


def test_stale_jobs_are_requeued_and_abandoned_after_three_attempts(tree, county_staff, monkeypatch):
    assert periodic.jobs()["imports.requeue_stale"] is services.requeue_stale
    queued = []
    monkeypatch.setattr(services, "enqueue", queued.append)
    upload = csv_upload(ENTERPRISE_HEADERS, [enterprise_row(1, tree["township_a"])])
    job = services.job_create(actor=county_staff, key="orgs.enterprise", upload=upload)
    now = timezone.now()

    fresh = {"status": JobStatus.RUNNING, "confirmed_at": now, "started_at": now - timedelta(minutes=5)}
    ImportJob.objects.filter(pk=job.pk).update(**fresh)
    assert services.requeue_stale(now=now) == 0

    dead = {"started_at": now - timedelta(minutes=40), "attempts": 1}
    ImportJob.objects.filter(pk=job.pk).update(**dead)
    assert services.requeue_stale(now=now) == 1
    assert queued == [job.pk]

    ImportJob.objects.filter(pk=job.pk).update(attempts=3)
    assert services.requeue_stale(now=now) == 0
    job.refresh_from_db()
    assert (job.status, job.error_message) == (
        JobStatus.FAILED,
        "多次尝试仍未完成，未导入任何数据。请重新上传。",
    )


def test_a_broker_outage_does_not_break_the_confirmation(tree, county_staff, monkeypatch):
    from unionportal.imports import tasks

    def down(**kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.run, "delay", down)
    services.enqueue(123)  # logs and returns; the sweep retries later
