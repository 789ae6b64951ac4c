import pytest
from django.core.exceptions import ValidationError

from unionportal.accounts.validators import mask_mobile, normalise_mobile, validate_mobile


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812341234", "138****1234"),
        ("19900000001", "199****0001"),
        ("12345678", "123*5678"),
        ("123456", "******"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_mobile_hides_the_middle_digits(value, masked):
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(
    "raw",
    [
        "13812341234",
        "+8613812341234",
        "+86 138 1234 1234",
        "86-138-1234-1234",
        "8613812341234",
        " 138 1234 1234 ",
    ],
)
def test_normalise_mobile_strips_country_code_spaces_and_dashes(raw):
    assert normalise_mobile(raw) == "13812341234"


def test_normalise_mobile_keeps_a_leading_86_that_is_part_of_a_short_number():
    # Only a 13-digit "86..." is a country code; a shorter number keeps its digits.
    assert normalise_mobile("861381234123") == "861381234123"
    assert normalise_mobile(None) == ""


@pytest.mark.parametrize("value", ["13012341234", "19912341234", "15500000000"])
def test_validate_mobile_accepts_mainland_mobile_numbers(value):
    validate_mobile(value)


@pytest.mark.parametrize(
    "value",
    [
        "12812341234",  # second digit 2: not a mobile prefix
        "1381234123",  # 10 digits
        "138123412345",  # 12 digits
        "23812341234",
        "1381234123a",
        "13812341234\n",  # "$" would accept a trailing newline
        "138１２３４１２３４",  # full-width digits are not the same number
        "",
        None,
    ],
)
def test_validate_mobile_refuses_anything_else_with_its_message(value):
    with pytest.raises(ValidationError) as exc:
        validate_mobile(value)
    assert exc.value.code == "invalid_mobile"
    assert exc.value.messages == ["请输入有效的大陆手机号（以 1 开头的 11 位数字）。"]
