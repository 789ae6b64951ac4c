"""The hardship categories at their edges, under county a's lines (低保线 650 a head, relative factor 2).

Deep hardship is income *below* the line: at the line a household is not in deep hardship. A sudden
cause (accident, major illness, disaster) counts for 12 months, taken as 365 days up to and including
the 365th. Relative hardship is income below 2 × the line (1,300) with a cause.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assistance import services
from assistance.enums import Category
from tests.assistance.factories import MEMBERS, household_fields, ledger

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 30)  # 365 days back is 30 June 2024: no 29 February between


@pytest.fixture
def world():
    return ledger()


def assess(world, per_capita: str, causes=("schooling",), sudden_days_ago: int | None = None):
    sudden = TODAY - timedelta(days=sudden_days_ago) if sudden_days_ago is not None else None
    return services.categorise(
        organisation=world.tree["grassroots_a"],
        per_capita=Decimal(per_capita),
        causes=list(causes),
        sudden_cause_on=sudden,
        today=TODAY,
    )


# --- deep hardship: below the 低保 line -------------------------------------------------------------


def test_a_cent_below_the_line_is_deep_hardship(world):
    assessment = assess(world, "649.99")
    assert assessment.category == Category.DEEP
    assert (
        assessment.explanation == "家庭人均月收入 649.99 元，低于County a低保线 650.00 元，认定为深度困难。"
    )


def test_at_the_line_is_not_deep_hardship(world):
    assessment = assess(world, "650.00")
    assert assessment.category == Category.RELATIVE
    assert assessment.explanation == (
        "家庭人均月收入 650.00 元，低于 2 × 低保线 650.00 元 = 1,300.00 元，且有致困原因，认定为相对困难。"
    )


def test_a_cent_above_the_line_is_not_deep_hardship(world):
    assert assess(world, "650.01").category == Category.RELATIVE


def test_a_household_filed_at_the_line_is_not_in_deep_hardship(world):
    """Through the filing service: 1,950 for three people is 650.00 a head, exactly the line."""
    household = services.household_create(
        actor=world.cadre,
        enterprise=world.enterprise,
        members=MEMBERS,
        **household_fields(1, worker_income=Decimal("1950"), causes=["schooling"]),
    )
    assert household.per_capita_income == Decimal("650.00")
    assert household.category == Category.RELATIVE


# --- relative hardship: below k × the line, with a cause ----------------------------------------------


def test_a_cent_below_the_relative_limit_with_a_cause_is_relative_hardship(world):
    assert assess(world, "1299.99").category == Category.RELATIVE


def test_at_the_relative_limit_a_household_does_not_qualify(world):
    assessment = assess(world, "1300.00")
    assert assessment.category == Category.NONE
    assert assessment.explanation == (
        "家庭人均月收入 1,300.00 元，不低于 2 × 低保线 650.00 元 = 1,300.00 元，且无 12 个月内的突发致困事件，"
        "不符合建档条件。"
    )


# --- accident-caused: a sudden cause within 12 months, whatever the income ---------------------------


@pytest.mark.parametrize("days_ago", [364, 365], ids=["364 days ago", "365 days ago"])
def test_a_sudden_cause_up_to_365_days_ago_is_accident_caused(world, days_ago):
    assessment = assess(world, "5000.00", causes=["accident"], sudden_days_ago=days_ago)
    assert assessment.category == Category.ACCIDENT
    sudden = (TODAY - timedelta(days=days_ago)).isoformat()
    assert assessment.explanation == f"{sudden} 发生突发致困事件（12 个月内），不论收入，认定为意外致困。"


def test_a_sudden_cause_366_days_ago_no_longer_counts(world):
    assert assess(world, "5000.00", causes=["accident"], sudden_days_ago=366).category == Category.NONE


def test_a_household_filed_365_days_after_its_accident_is_accident_caused(world):
    """Through the filing service, on today's date: 6,000 a month alone is far above every line."""
    household = services.household_create(
        actor=world.cadre,
        enterprise=world.enterprise,
        members=[],
        **household_fields(
            1,
            worker_income=Decimal("6000"),
            causes=["accident"],
            sudden_cause_on=timezone.localdate() - timedelta(days=365),
        ),
    )
    assert household.category == Category.ACCIDENT
