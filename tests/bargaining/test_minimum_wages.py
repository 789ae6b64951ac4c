"""The reference minimum wage rows: loaded again when a database has lost them (a flushed test database,
a restore without them), never overwriting a figure staff corrected."""

from decimal import Decimal

import pytest

from bargaining import minimum_wages
from bargaining.models import MinimumWage

pytestmark = pytest.mark.django_db


def test_missing_rows_are_loaded_again_and_corrected_rows_are_kept():
    MinimumWage.objects.filter(region_code="420100").update(monthly=Decimal("2100"))
    MinimumWage.objects.filter(region_code="420684").delete()

    assert minimum_wages.load(MinimumWage) == 1

    assert MinimumWage.objects.get(region_code="420100", effective_from=minimum_wages.FROM).monthly == 2100
    yicheng = MinimumWage.objects.get(region_code="420684", effective_from=minimum_wages.FROM)
    assert (yicheng.tier, yicheng.monthly) == (3, Decimal("1650"))
    assert minimum_wages.load(MinimumWage) == 0
