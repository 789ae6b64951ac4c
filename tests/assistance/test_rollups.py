"""The report rollups: the level reports read them, and their figures are the live aggregates'."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assistance import rollups
from assistance.enums import FundSource, MeasureType
from assistance.models import (
    DriveEnterprise,
    DriveLevelRollup,
    Household,
    HouseholdLevelRollup,
    HouseholdRollup,
    Measure,
    MeasureLevelRollup,
    MeasureRollup,
)
from assistance.reports import DRIVE_DEPTHS, LEVEL_DEPTHS, REPORT_STATES, level_report, scope_summary
from bench.households import COUNTY_USER
from tests.factories import make_enterprise, make_org, make_user
from unionportal import periodic
from unionportal.orgs.enums import Role
from unionportal.orgs.services import membership_grant

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
            (row.enterprises, row.cadres),
        )
        for row in [*report.rows, report.total]
    ] + [{k: (m.count, m.amount) for k, m in report.crosstab.items()}]


@pytest.fixture
def seeded():
    call_command("seed_bench", "--households", "400", stdout=StringIO())
    superuser = get_user_model().objects.create_superuser("root", password=None)
    return superuser, get_user_model().objects.get(username=COUNTY_USER)


def own_records(organisation, households: int, order: str) -> None:
    """Move some households (with their measures) onto ``organisation`` itself: its report's own row."""
    rows = Household.objects.filter(state__in=REPORT_STATES).exclude(org_path=organisation.path)
    moved = rows.order_by(order)[:households]
    Household.objects.filter(pk__in=[h.pk for h in moved]).update(
        organisation=organisation, org_path=organisation.path
    )


def own_drive(organisation, *, cadres, capacity_cutting=False) -> DriveEnterprise:
    """A drive enterprise without a union of its own in ``organisation``: its report's own row."""
    drive = DriveEnterprise.objects.create(
        enterprise=make_enterprise(organisation),
        responsible_cadre=cadres[0],
        capacity_cutting=capacity_cutting,
    )
    drive.cadres.add(*cadres)
    return drive


def test_the_reports_figures_from_the_rollup_match_the_live_aggregates(seeded):
    superuser, county_staff = seeded
    province = level_report(superuser, live=True)
    city, other_city = province.rows[0].organisation, province.rows[1].organisation
    own_records(province.current, 7, "pk")
    own_records(city, 9, "-pk")
    county = level_report(superuser, city.pk, live=True).rows[0].organisation
    township, other_township = (row.organisation for row in level_report(superuser, county.pk).rows[:2])
    own_records(county, 4, "pk")
    own_records(township, 3, "-pk")
    # Cadres paired in several rows and levels count once in every total above them.
    shared = list(DriveEnterprise.objects.order_by("pk")[:1].get().cadres.all())
    for org, cutting in ((county, True), (township, False), (other_township, True), (other_city, True)):
        own_drive(org, cadres=[*shared, make_user()], capacity_cutting=cutting)
    own_drive(province.current, cadres=shared)
    rollups.rollup_refresh()
    province = level_report(superuser, live=True)
    assert province.total.filed_total > 0 and province.total.measures.count > 0
    assert province.rows[-1].own and level_report(superuser, city.pk, live=True).rows[-1].own
    assert level_report(superuser, county.pk, live=True).rows[-1].own
    assert level_report(superuser, township.pk, live=True).rows[-1].own
    reports = [
        (superuser, None),  # province
        (superuser, city.pk),
        (superuser, county.pk),
        (superuser, township.pk),
        (county_staff, None),  # their county
        (county_staff, level_report(county_staff).rows[0].organisation.pk),  # a township of it
    ]
    for user, org in reports:
        for capacity in (False, True):
            live = level_report(user, org, capacity=capacity, live=True)
            assert live.total.cadres > 0 or capacity
            assert figures(level_report(user, org, capacity=capacity)) == figures(live)
    assert level_report(superuser, county.pk, capacity=True).total.enterprises > 0
    # The distinct cadres in a total are not the sum of the rows'.
    assert province.total.cadres < sum(row.cadres for row in province.rows)


def test_the_county_and_township_reports_read_only_the_level_rollups(seeded):
    _superuser, county_staff = seeded
    rollups.rollup_refresh()
    county = level_report(county_staff).current
    township = level_report(county_staff).rows[0].organisation
    for org in (county, township):
        with CaptureQueriesContext(connection) as captured:
            level_report(county_staff, org.pk)
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        for table in ("householdlevelrollup", "measurelevelrollup", "drivelevelrollup"):
            assert f"assistance_{table}" in sql
        for table in ("household", "measure", "driveenterprise", "householdrollup", "measurerollup"):
            assert f'"assistance_{table}"' not in sql


def rows_read(report) -> dict[str, int]:
    """The level rollup rows ``report`` reads (its rows one depth below, its total at its own depth)."""
    org = report.current
    below = {"depth": org.depth + 1, "key__startswith": org.path}
    return {
        "households": HouseholdLevelRollup.objects.filter(**below).count(),
        "measures": MeasureLevelRollup.objects.filter(**below).count(),
        "drives": DriveLevelRollup.objects.filter(**below).count()
        + DriveLevelRollup.objects.filter(depth=org.depth, key=org.path).count(),
    }


def test_the_rows_a_county_report_reads_do_not_grow_with_what_lies_below_its_townships(seeded):
    _superuser, county_staff = seeded
    rollups.rollup_refresh()
    report = level_report(county_staff)
    before, figures_before = rows_read(report), figures(report)
    # A row per child (and the county's own) and dimension: (category, state) pairs, type or fund source.
    keys = len(report.rows) + 1
    assert before["households"] <= keys * 10 * 2
    assert (
        before["measures"]
        <= (keys * (len(MeasureType) + len(FundSource)) + len(MeasureType) * len(FundSource)) * 2
    )
    assert before["drives"] == len(report.rows) + 1  # the townships' and the total (no own drives)

    # Ten times the grassroots unions and drive enterprises below one township, its households spread
    # over them: the township's figures are the same, and so is what the county report reads.
    township = report.rows[0].organisation
    cadre = DriveEnterprise.objects.filter(enterprise__township=township).first().responsible_cadre
    unions = [make_org(township) for _ in range(10)]
    for union in unions:
        drive = DriveEnterprise.objects.create(
            enterprise=make_enterprise(township, union), responsible_cadre=cadre
        )
        drive.cadres.add(cadre)
    households = list(Household.objects.filter(org_path__startswith=township.path).order_by("pk"))
    for n, household in enumerate(households):
        union = unions[n % len(unions)]
        Household.objects.filter(pk=household.pk).update(organisation=union, org_path=union.path)
    per_organisation = HouseholdRollup.objects.filter(org_path__startswith=township.path).count()
    rollups.rollup_refresh()
    assert HouseholdRollup.objects.filter(org_path__startswith=township.path).count() > per_organisation
    report = level_report(county_staff)
    assert rows_read(report) == before
    # Ten more enterprises in the township's row and the total, with the same cadre; nothing else changed.
    expected = [
        (*row[:-1], (row[-1][0] + 10, row[-1][1])) if n in (0, len(report.rows)) else row
        for n, row in enumerate(figures_before)
    ]
    assert figures(report) == expected
    assert figures(report) == figures(level_report(county_staff, live=True))


def test_the_province_and_city_reports_read_the_level_rollups(seeded):
    superuser, _county = seeded
    rollups.rollup_refresh()
    province = level_report(superuser)
    with CaptureQueriesContext(connection) as captured:
        level_report(superuser, province.rows[0].organisation.pk)
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "assistance_householdlevelrollup" in sql and "assistance_measurelevelrollup" in sql
    assert "assistance_householdrollup" not in sql and "assistance_measurerollup" not in sql
    # Per row: ten (category, state) pairs at most; by type and by fund source; type × fund for the level.
    cities = len(province.rows) + 1  # and the province's own records
    assert HouseholdLevelRollup.objects.filter(depth=2).count() <= cities * 10 * 2
    assert (
        MeasureLevelRollup.objects.filter(depth=2).count()
        <= (cities * (len(MeasureType) + len(FundSource)) + len(MeasureType) * len(FundSource)) * 2
    )
    assert set(HouseholdLevelRollup.objects.values_list("depth", flat=True)) == set(LEVEL_DEPTHS)
    assert set(DriveLevelRollup.objects.values_list("depth", flat=True)) == set(DRIVE_DEPTHS)


def test_the_summary_from_the_rollups_matches_the_live_one(seeded):
    superuser, county_staff = seeded
    province = level_report(superuser, live=True)
    city = province.rows[0].organisation
    own_records(province.current, 5, "pk")
    own_records(city, 6, "-pk")
    rollups.rollup_refresh()
    county = level_report(superuser, city.pk).rows[0].organisation
    township = level_report(superuser, county.pk).rows[0].organisation
    users = [superuser, county_staff]
    for n, org in enumerate((province.current, city, county, township)):
        users.append(make_user(f"staff-{n}", org=org, role=Role.STAFF))
    two = make_user("two-cities", org=city, role=Role.STAFF)
    membership_grant(user=two, organisation=province.rows[1].organisation, role=Role.STAFF)
    users.append(two)
    for user in users:
        summary, live = scope_summary(user), scope_summary(user, live=True)
        assert live["filed"] > 0
        assert (summary["filed"], summary["assisted"]) == (live["filed"], live["assisted"])
        assert (summary["measures"].count, summary["measures"].amount) == (
            live["measures"].count,
            live["measures"].amount,
        )


def forget_rollups() -> None:
    """As if the rollups had never been built (seed_bench builds them after writing)."""
    for model in (HouseholdRollup, MeasureRollup, HouseholdLevelRollup, MeasureLevelRollup, DriveLevelRollup):
        model.objects.all().delete()


def test_seed_bench_builds_the_rollups(seeded):
    superuser, _county = seeded
    assert level_report(superuser).total.filed_total > 0


def test_the_report_shows_the_rollup_until_it_is_refreshed(seeded):
    superuser, _county = seeded
    forget_rollups()
    assert level_report(superuser).total.filed_total == 0  # never refreshed
    rollups.rollup_refresh()
    before = level_report(superuser).total.measures.count
    Measure.objects.filter(pk=Measure.objects.order_by("pk").values("pk")[:1]).delete()
    assert level_report(superuser).total.measures.count == before
    rollups.rollup_refresh()
    assert level_report(superuser).total.measures.count == before - 1


def test_the_periodic_job_refreshes_only_when_stale(seeded):
    forget_rollups()
    job = periodic.jobs()["assistance.report_rollups"]
    now = timezone.now()
    assert job(now=now).endswith("rows")
    assert set(HouseholdRollup.objects.values_list("refreshed_at", flat=True)) == {now}
    assert job(now=now + timedelta(minutes=5)) == "fresh"
    later = now + rollups.REFRESH_EVERY + timedelta(seconds=1)
    assert job(now=later).endswith("rows")
    assert set(HouseholdRollup.objects.values_list("refreshed_at", flat=True)) == {later}


def test_the_report_page_says_when_its_figures_were_taken(seeded, client):
    superuser, _county = seeded
    client.force_login(superuser)
    forget_rollups()
    page = client.get("/assistance/reports/").content.decode()
    assert "统计数据正在生成，几分钟后刷新即可看到。" in page
    taken = timezone.now()
    rollups.rollup_refresh(now=taken)
    page = client.get("/assistance/reports/").content.decode()
    at = timezone.localtime(taken).strftime("%Y-%m-%d %H:%M")
    assert f"统计截至 {at}，每 10 分钟更新。" in page
