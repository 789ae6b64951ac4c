import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

# ASCII digits only and no trailing newline: "\d" and "$" would accept full-width digits and "\n".
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}\Z")


def normalise_mobile(value: str) -> str:
    """Strip spaces, dashes and a leading +86 / 86 so the same phone is always stored the same way."""
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(_("请输入有效的大陆手机号（以 1 开头的 11 位数字）。"), code="invalid_mobile")


def mask_mobile(value: str | None) -> str:
    """138****1234: how a phone appears in every list and export."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


ID_RE = re.compile(r"^[0-9]{17}[0-9X]\Z")


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> None:
    """A resident ID number (GB 11643): 18 characters, a real birth date and the right check character.

    The six-digit area code is not checked against a register: python-stdnum's ``ric.validate`` refuses
    codes that did not exist at the birth date, and real people carry codes that registers get wrong.
    """
    value = normalise_id_number(value)
    if not ID_RE.match(value):
        raise ValidationError(_("身份证号应为 18 位，最后一位可以是数字或 X。"), code="invalid_id_number")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="invalid_id_number") from exc
    if born > date.today() or born.year < 1900:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="invalid_id_number")
    if ric.calc_check_digit(value) != value[17]:  # it takes the whole number, check character included
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="invalid_id_number")


def birth_date_from_id(value: str):
    value = normalise_id_number(value)
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender_from_id(value: str) -> str:
    """ "male" or "female", from the 17th character's parity."""
    return "male" if int(normalise_id_number(value)[16]) % 2 else "female"


def mask_contact(value: str | None) -> str:
    """A contact given as a mobile (138****1234) or an e-mail address (z***@example.org); else its ends."""
    value = (value or "").strip()
    if not value:
        return ""
    if "@" in value:
        local, _at, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 7:
        return mask_mobile(digits)
    return value[:1] + "*" * max(len(value) - 1, 1)


def mask_id_number(value: str | None) -> str:
    """110***********001X: an ID number as lists and exports show it."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def refuse_bidi_controls(value) -> None:
    """Text may not carry bidirectional overrides or isolates (U+202A–202E, U+2066–2069): they make a
    name display as something it is not. Every portal form's text fields run this (``CrispyMixin``);
    imports refuse them too (``unionportal.imports.reading``)."""
    from unionportal.imports.reading import bidi_control

    if isinstance(value, str) and (char := bidi_control(value)):
        raise ValidationError(
            _("含有文字方向控制字符（%(char)s），显示的内容会与实际不同，请删除后重新输入。"),
            code="bidi_control",
            params={"char": char},
        )
