from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from unionportal import periodic
from unionportal.accounts.models import PhoneCode
from unionportal.celery import app


def test_celery_configuration_lives_in_code():
    app.loader.import_default_modules()  # what a worker does at start
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
    assert app.conf.beat_schedule["periodic-tick"]["task"] == "periodic.tick"
    assert "periodic.tick" in app.tasks


def test_run_all_keeps_going_when_one_job_fails():
    calls = []

    @periodic.register("test.broken")
    def broken(*, now):
        raise RuntimeError("boom")

    @periodic.register("test.fine")
    def fine(*, now):
        calls.append(now)
        return 3

    try:
        now = timezone.now()
        results = periodic.run_all(now=now)
        assert results["test.broken"] == "error"
        assert results["test.fine"] == 3
        assert calls == [now]
    finally:
        periodic._jobs.pop("test.broken")
        periodic._jobs.pop("test.fine")


@pytest.mark.django_db
def test_run_periodic_command_purges_old_phone_codes(capsys):
    now = timezone.now()
    for age in (timedelta(days=2), timedelta(hours=1)):
        PhoneCode.objects.create(
            phone="13800000001", purpose="verify", code_hash="x", created_at=now - age, expires_at=now - age
        )
    call_command("run_periodic")
    assert "accounts.phone_codes_purge: 1" in capsys.readouterr().out
    assert PhoneCode.objects.count() == 1


@pytest.mark.django_db
def test_expired_sessions_are_cleared_once_a_day():
    from django.contrib.sessions.models import Session

    from unionportal.periodic import sessions_clear

    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="", expire_date=now - timedelta(minutes=1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(days=1))
    assert "sessions.clear" in periodic.jobs()
    assert sessions_clear(now=now) == "cleared"
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    Session.objects.create(session_key="expired2", session_data="", expire_date=now - timedelta(minutes=1))
    assert sessions_clear(now=now + timedelta(hours=1)) == "skipped"  # later the same day
    assert Session.objects.count() == 2
