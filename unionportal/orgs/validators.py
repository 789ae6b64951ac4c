from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc


def validate_credit_code(value: str) -> None:
    """A unified social credit code (GB 32100), checksum included."""
    if not uscc.is_valid(value):
        raise ValidationError(_("“%(value)s” is not a valid unified social credit code."), params={"value": value},
                              code="invalid_credit_code")
