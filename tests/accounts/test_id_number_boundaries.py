"""The birth date inside a resident ID number, at the edges of the range the validator accepts:
nobody is born after today, and nobody before 1900."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.cn import ric

from unionportal.accounts.validators import validate_id_number

INVALID_DATE = ["身份证号中的出生日期无效。"]


def id_number_born(born: date, sequence: str = "123") -> str:
    """A well-formed number (area 420684, the right check character) for someone born on ``born``."""
    body = f"420684{born:%Y%m%d}{sequence}"
    return body + ric.calc_check_digit(body + "0")


def refusal(value: str) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_id_number(value)
    assert refused.value.code == "invalid_id_number"
    return refused.value.messages


@pytest.mark.parametrize("days_ago", [1, 0], ids=["born yesterday", "born today"])
def test_a_birth_date_up_to_today_is_accepted(days_ago):
    validate_id_number(id_number_born(timezone.localdate() - timedelta(days=days_ago)))


def test_a_birth_date_tomorrow_is_refused():
    assert refusal(id_number_born(timezone.localdate() + timedelta(days=1))) == INVALID_DATE


@pytest.mark.parametrize(
    "born", [date(1900, 1, 2), date(1900, 1, 1)], ids=["2 January 1900", "1 January 1900"]
)
def test_a_birth_date_from_1900_on_is_accepted(born):
    validate_id_number(id_number_born(born))


def test_a_birth_date_in_1899_is_refused():
    assert refusal(id_number_born(date(1899, 12, 31))) == INVALID_DATE


def test_a_day_that_does_not_exist_is_refused():
    # 29 February 2023, in a number whose shape and check character are right.
    body = "42068420230229123"
    assert refusal(body + ric.calc_check_digit(body + "0")) == INVALID_DATE
