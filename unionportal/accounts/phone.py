"""Phone one-time codes: six digits, short-lived, limited attempts, rate-limited, stored hashed.

Used for password reset by SMS here, and by later features (voters, workers) for phone verification.
Rate limits are counted in the database, so they hold across processes without a shared cache.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.notifications.sms import send_sms

from .models import PhoneCode
from .validators import normalise_mobile, validate_mobile


class PhoneCodeError(Exception):
    """A code could not be sent or accepted; ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _hash(phone: str, purpose: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def phone_code_send(*, phone: str, purpose: str, client_ip: str | None, now=None) -> PhoneCode:
    """Create a code for ``phone`` and send it by SMS.

    Raises PhoneCodeError when the number is invalid or a rate limit (per number: one a minute and
    a few an hour; per address: a few dozen an hour) is reached. Nothing is stored then.
    """
    now = now or timezone.now()
    phone = normalise_mobile(phone)
    try:
        validate_mobile(phone)
    except Exception as exc:
        raise PhoneCodeError(_("Enter a valid mainland mobile number (11 digits starting with 1).")) from exc

    hour_ago = now - timedelta(hours=1)
    with transaction.atomic():
        recent = PhoneCode.objects.filter(phone=phone, created_at__gt=hour_ago)
        last = recent.order_by("-created_at").first()
        interval = settings.PHONE_CODE_MIN_INTERVAL_SECONDS
        if last and (now - last.created_at).total_seconds() < interval:
            wait = interval - int((now - last.created_at).total_seconds())
            raise PhoneCodeError(_("A code was just sent to this number. Try again in %(s)d seconds.") % {"s": wait})
        if recent.count() >= settings.PHONE_CODE_MAX_PER_NUMBER_PER_HOUR:
            raise PhoneCodeError(_("Too many codes were requested for this number. Try again in an hour."))
        if (
            client_ip
            and PhoneCode.objects.filter(client_ip=client_ip, created_at__gt=hour_ago).count()
            >= settings.PHONE_CODE_MAX_PER_ADDRESS_PER_HOUR
        ):
            raise PhoneCodeError(_("Too many codes were requested from your network. Try again in an hour."))

        code = f"{secrets.randbelow(10**6):06d}"
        record = PhoneCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=_hash(phone, purpose, code),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.PHONE_CODE_TTL_SECONDS),
            client_ip=client_ip or None,
        )
        minutes = settings.PHONE_CODE_TTL_SECONDS // 60
        message = _("Your verification code is %(code)s, valid for %(minutes)d minutes. Do not share it.") % {
            "code": code,
            "minutes": minutes,
        }
        transaction.on_commit(lambda: send_sms(phone, message))
    return record


def phone_code_verify(*, phone: str, purpose: str, code: str, now=None) -> None:
    """Accept ``code`` for ``phone`` once. Raises PhoneCodeError saying why it was refused.

    A wrong code counts an attempt (kept even though the call fails); after the limit the code is dead.
    """
    now = now or timezone.now()
    phone = normalise_mobile(phone)
    code = (code or "").strip()
    latest = PhoneCode.objects.filter(phone=phone, purpose=purpose).order_by("-created_at").first()
    if latest is None:
        raise PhoneCodeError(_("No code was requested for this number. Request a code first."))
    if latest.used_at is not None:
        raise PhoneCodeError(_("This code has already been used. Request a new code."))
    if latest.expires_at <= now:
        raise PhoneCodeError(_("This code has expired. Request a new code."))
    if latest.attempts >= settings.PHONE_CODE_MAX_ATTEMPTS:
        raise PhoneCodeError(_("Too many wrong attempts. Request a new code."))
    if not hmac.compare_digest(latest.code_hash, _hash(phone, purpose, code)):
        PhoneCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
        left = settings.PHONE_CODE_MAX_ATTEMPTS - latest.attempts - 1
        raise PhoneCodeError(_("The code is wrong. %(left)d attempts left.") % {"left": max(left, 0)})
    # Compare-and-set: of two concurrent correct submissions only one marks the code used.
    if not PhoneCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
        raise PhoneCodeError(_("This code has already been used. Request a new code."))


def phone_codes_purge(*, now) -> int:
    """Delete codes older than a day; nothing needs them after their hour of rate limiting."""
    deleted, _rows = PhoneCode.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    return deleted
