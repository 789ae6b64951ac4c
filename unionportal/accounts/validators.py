import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
