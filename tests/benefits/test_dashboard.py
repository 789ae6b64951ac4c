"""The dashboard provider (function "inclusive"): figures right for two sibling subtrees and their
parent, in the same number of queries for one path as for several; the weekly trend."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from benefits import reports, services
from unionportal.reports.registry import dashboard_figures

from .conftest import make_offer

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def values(figures) -> dict[str, int]:
    return {f.key: f.value for f in figures}


@pytest.fixture
def served(world, today):
    a = make_offer(world, capacity=5)
    b = make_offer(world, union=world.tree["county_b"], actor=world.staff_b, capacity=5)
    province = make_offer(world, union=world.tree["province"], actor=world.province, capacity=5)
    make_offer(world, publish=False)  # a draft is not counted
    services.signup_apply(user=world.ann, offer_id=a.pk, now=datetime(2026, 4, 21, 10, tzinfo=TZ))
    services.signup_apply(user=world.bo, offer_id=a.pk, now=datetime(2026, 4, 27, 10, tzinfo=TZ))
    services.signup_apply(user=world.dee, offer_id=b.pk, now=datetime(2026, 4, 27, 11, tzinfo=TZ))
    services.signup_apply(user=world.ann, offer_id=province.pk, now=datetime(2026, 4, 27, 12, tzinfo=TZ))
    return a, b, province


def test_figures_for_two_sibling_subtrees_and_their_parent(world, served):
    t = world.tree
    paths = [t["province"].path, t["county_a"].path, t["county_b"].path]
    figures = reports.dashboard(paths)
    assert values(figures[t["county_a"].path]) == {
        "benefits.offers": 1,
        "benefits.places_used": 2,
        "benefits.members_served": 3,  # her province place counts where she is a member
    }
    assert values(figures[t["county_b"].path]) == {
        "benefits.offers": 1,
        "benefits.places_used": 1,
        "benefits.members_served": 1,
    }
    assert values(figures[t["province"].path]) == {
        "benefits.offers": 3,
        "benefits.places_used": 4,
        "benefits.members_served": 4,
    }
    assert {
        f.function for f in dashboard_figures(paths)[t["county_a"].path] if f.key.startswith("benefits.")
    } == {"inclusive"}


def test_the_query_count_does_not_grow_with_the_paths(world, served, django_assert_num_queries):
    t = world.tree
    with django_assert_num_queries(3):
        reports.dashboard([t["county_a"].path])
    with django_assert_num_queries(3):
        reports.dashboard([t[k].path for k in ("county_a", "county_b")])
    # Three figures, one grouped query each per distinct path length (here three: province, county,
    # township), however many paths share a length.
    with django_assert_num_queries(9):
        reports.dashboard(
            [t[k].path for k in ("province", "county_a", "county_b", "township_a", "township_b")]
        )


def test_the_weekly_trend_of_sign_ups(world, served, django_assert_num_queries):
    with django_assert_num_queries(1):
        series = reports.trend(world.tree["county_a"].path, date(2026, 4, 13), date(2026, 4, 27))
    made, confirmed = series
    assert made.key == "benefits.signups" and confirmed.key == "benefits.confirmed"
    assert made.points == ((date(2026, 4, 13), 0), (date(2026, 4, 20), 1), (date(2026, 4, 27), 1))
    assert confirmed.points == made.points
