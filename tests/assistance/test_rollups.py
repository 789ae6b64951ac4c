"""The report rollups: the level reports read them, and their figures are the live aggregates'."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assistance import rollups
from assistance.bench_data import COUNTY_USER
from assistance.models import HouseholdRollup, Measure
from assistance.reports import level_report
from unionportal import periodic

pytestmark = pytest.mark.django_db


def figures(report) -> list[tuple]:
    return [
        (
            row.key,
            dict(row.filed),
            row.assisted,
            row.escaped,
            row.exited,
            row.helped,
            {k: (m.count, m.amount) for k, m in row.by_type.items()},
            {k: (m.count, m.amount) for k, m in row.by_fund.items()},
            (row.measures.count, row.measures.amount),
        )
        for row in [*report.rows, report.total]
    ]


@pytest.fixture
def seeded():
    call_command("seed_bench", "--households", "400", stdout=StringIO())
    superuser = get_user_model().objects.create_superuser("root", password=None)
    return superuser, get_user_model().objects.get(username=COUNTY_USER)


def test_the_reports_figures_from_the_rollup_match_the_live_aggregates(seeded):
    superuser, county_staff = seeded
    rollups.rollup_refresh()
    province = level_report(superuser, live=True)
    assert province.total.filed_total > 0 and province.total.measures.count > 0
    city = province.rows[0].organisation
    for user, org in ((superuser, None), (superuser, city.pk), (county_staff, None)):
        for capacity in (False, True):
            live = level_report(user, org, capacity=capacity, live=True)
            assert figures(level_report(user, org, capacity=capacity)) == figures(live)


def test_the_report_shows_the_rollup_until_it_is_refreshed(seeded):
    superuser, _county = seeded
    assert level_report(superuser).total.filed_total == 0  # never refreshed
    rollups.rollup_refresh()
    before = level_report(superuser).total.measures.count
    Measure.objects.filter(pk=Measure.objects.order_by("pk").values("pk")[:1]).delete()
    assert level_report(superuser).total.measures.count == before
    rollups.rollup_refresh()
    assert level_report(superuser).total.measures.count == before - 1


def test_the_periodic_job_refreshes_only_when_stale(seeded):
    job = periodic.jobs()["assistance.report_rollups"]
    now = timezone.now()
    assert job(now=now).endswith("rows")
    assert set(HouseholdRollup.objects.values_list("refreshed_at", flat=True)) == {now}
    assert job(now=now + timedelta(minutes=5)) == "fresh"
    later = now + rollups.REFRESH_EVERY + timedelta(seconds=1)
    assert job(now=later).endswith("rows")
    assert set(HouseholdRollup.objects.values_list("refreshed_at", flat=True)) == {later}
