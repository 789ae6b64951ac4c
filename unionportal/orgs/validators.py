from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc


def validate_credit_code(value: str) -> None:
    """A unified social credit code (GB 32100), checksum included."""
    if not uscc.is_valid(value):
        raise ValidationError(
            _("“%(value)s”不是有效的统一社会信用代码。"), params={"value": value}, code="invalid_credit_code"
        )
