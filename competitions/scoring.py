"""The score of one indicator, and a report's weighted total: pure functions, no database.

设标定量计分 (scoring against a target): reaching the target earns ``base`` points; each unit better than
the target (above it when higher is better, below it when lower is better) adds ``points_better``, each
unit worse takes ``points_worse`` off; the result is held between 0 and ``cap``. A qualitative indicator
is scored by the judges directly on the same 0 … ``cap`` scale. An indicator's share of the total is its
score as a fraction of ``cap`` times its weight, so weights that add up to 100 give a total out of 100.
"""

from decimal import ROUND_HALF_UP, Decimal

from .enums import Direction

PLACES = Decimal("0.01")


def indicator_score(
    *,
    value: Decimal,
    target: Decimal,
    direction: str,
    base: Decimal,
    points_better: Decimal,
    points_worse: Decimal,
    cap: Decimal,
) -> Decimal:
    """The points ``value`` earns against ``target`` (two decimals, between 0 and ``cap``)."""
    ahead = value - target if direction == Direction.HIGHER else target - value
    raw = base + ahead * points_better if ahead >= 0 else base + ahead * points_worse
    return min(max(raw, Decimal(0)), cap).quantize(PLACES, rounding=ROUND_HALF_UP)


def judged_score(*, value: Decimal, cap: Decimal) -> Decimal:
    """A judges' score, held between 0 and ``cap``."""
    return min(max(value, Decimal(0)), cap).quantize(PLACES, rounding=ROUND_HALF_UP)


def weighted(*, score: Decimal, cap: Decimal, weight: Decimal) -> Decimal:
    """The indicator's share of the total: ``score`` as a fraction of ``cap``, times ``weight``."""
    if cap <= 0:
        return Decimal("0.00")
    return (score / cap * weight).quantize(PLACES, rounding=ROUND_HALF_UP)
