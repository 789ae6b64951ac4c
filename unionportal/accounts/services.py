"""Writes of the accounts app that are more than a form's save: the password reset by SMS."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PhoneCode
from .phone import PhoneCodeError, phone_code_send, phone_code_verify

User = get_user_model()


def password_reset_code_send(*, phone: str, client_ip: str | None) -> PhoneCode:
    """Send a reset code to ``phone``. A number without an active account gets a code too, stored but
    never sent, so that the answer and the rate limits are alike for every number and cannot tell which
    ones have an account. Raises PhoneCodeError (invalid number, rate limit)."""
    return phone_code_send(
        phone=phone,
        purpose=PhoneCode.Purpose.PASSWORD_RESET,
        client_ip=client_ip,
        deliver=User.objects.filter(phone=phone, is_active=True).exists(),
    )


def password_reset_by_sms(*, phone: str, code: str, password: str):
    """Set ``password`` (already validated) for the active account of ``phone`` if ``code`` is its
    current reset code; the code is spent and the phone counts as verified. Returns the user. Raises
    PhoneCodeError saying why, and then changes nothing but the count of wrong attempts."""
    user = User.objects.filter(phone=phone, is_active=True).first()
    refusal = None
    with transaction.atomic():
        # The error is caught inside the block: leaving it by an exception would roll back the wrong
        # attempt phone_code_verify counts, and codes could then be guessed without limit.
        try:
            phone_code_verify(phone=phone, purpose=PhoneCode.Purpose.PASSWORD_RESET, code=code)
        except PhoneCodeError as error:
            refusal = error.message
        else:
            if user is None:  # the code of an unknown number is never sent, but stay safe
                refusal = _("该号码尚未申请验证码，请先获取验证码。")
            else:
                user.set_password(password)
                user.must_change_password = False
                if user.phone_verified_at is None:
                    user.phone_verified_at = timezone.now()
                user.save()
    if refusal is not None:
        raise PhoneCodeError(refusal)
    return user
