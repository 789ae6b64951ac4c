"""The indicator score against its target (设标定量计分) and the weighted share, at every edge."""

from decimal import Decimal as D

import pytest

from competitions.enums import Direction
from competitions.scoring import indicator_score, judged_score, weighted


def score(value, *, target="100", direction=Direction.HIGHER, base="60", better="2", worse="3", cap="100"):
    return indicator_score(
        value=D(value),
        target=D(target),
        direction=direction,
        base=D(base),
        points_better=D(better),
        points_worse=D(worse),
        cap=D(cap),
    )


def test_at_the_target_earns_the_base():
    assert score("100") == D("60.00")
    assert score("100", direction=Direction.LOWER) == D("60.00")


def test_higher_is_better_above_the_target_adds_points_per_unit():
    assert score("105") == D("70.00")  # 60 + 5 × 2
    assert score("100.5") == D("61.00")


def test_higher_is_better_below_the_target_takes_points_per_unit():
    assert score("95") == D("45.00")  # 60 − 5 × 3


def test_lower_is_better_below_the_target_adds_points():
    assert score("95", direction=Direction.LOWER) == D("70.00")  # 5 better × 2


def test_lower_is_better_above_the_target_takes_points():
    assert score("110", direction=Direction.LOWER) == D("30.00")  # 10 worse × 3


def test_the_cap_holds_the_score_from_above():
    assert score("119") == D("98.00")
    assert score("120") == D("100.00")
    assert score("121") == D("100.00")
    assert score("10000") == D("100.00")
    assert score("0", direction=Direction.LOWER) == D("100.00")


def test_the_score_never_goes_below_zero():
    assert score("80") == D("0.00")
    assert score("79") == D("0.00")
    assert score("121", direction=Direction.LOWER) == D("0.00")  # 21 worse × 3 = 63 > 60


def test_a_base_above_the_cap_is_held_at_the_cap():
    assert score("100", base="120") == D("100.00")


def test_no_points_per_unit_scores_the_base_either_side():
    assert score("150", better="0", worse="0") == D("60.00")
    assert score("50", better="0", worse="0") == D("60.00")


def test_fractions_round_half_up_to_two_places():
    assert score("100.005", better="1") == D("60.01")
    assert score("99.995", worse="1") == D("60.00")  # 59.995, half up
    assert score("99.994", worse="1") == D("59.99")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("-1", "0.00"), ("0", "0.00"), ("87.5", "87.50"), ("100", "100.00"), ("101", "100.00")],
)
def test_a_judged_score_is_held_between_zero_and_the_cap(value, expected):
    assert judged_score(value=D(value), cap=D("100")) == D(expected)


def test_weighted_is_the_share_of_the_cap_times_the_weight():
    assert weighted(score=D("60"), cap=D("100"), weight=D("40")) == D("24.00")
    assert weighted(score=D("100"), cap=D("100"), weight=D("40")) == D("40.00")
    assert weighted(score=D("7"), cap=D("10"), weight=D("30")) == D("21.00")
    assert weighted(score=D("1"), cap=D("3"), weight=D("10")) == D("3.33")
    assert weighted(score=D("0"), cap=D("100"), weight=D("40")) == D("0.00")
