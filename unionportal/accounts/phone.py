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


def phone_code_send(
    *, phone: str, purpose: str, client_ip: str | None, now=None, deliver: bool = True
) -> PhoneCode:
    """Create a code for ``phone`` and send it by SMS.

    Raises PhoneCodeError when the number is invalid or a rate limit (per number: one a minute and
    a few an hour; per address: a few dozen an hour) is reached. Nothing is stored then.
    With ``deliver=False`` the code is stored and counted but not sent: a caller that must not reveal
    whether a number has an account treats the numbers without one that way.
    """
    if purpose not in PhoneCode.Purpose.values:
        raise ValueError(f"unknown phone-code purpose {purpose!r}: add it to PhoneCode.Purpose")
    now = now or timezone.now()
    phone = normalise_mobile(phone)
    try:
        validate_mobile(phone)
    except Exception as exc:
        raise PhoneCodeError(_("请输入有效的大陆手机号（以 1 开头的 11 位数字）。")) from exc

    hour_ago = now - timedelta(hours=1)
    with transaction.atomic():
        recent = PhoneCode.objects.filter(phone=phone, created_at__gt=hour_ago)
        last = recent.order_by("-created_at").first()
        interval = settings.PHONE_CODE_MIN_INTERVAL_SECONDS
        if last and (now - last.created_at).total_seconds() < interval:
            wait = interval - int((now - last.created_at).total_seconds())
            raise PhoneCodeError(_("验证码刚刚已发送到该号码，请 %(s)d 秒后再试。") % {"s": wait})
        if recent.count() >= settings.PHONE_CODE_MAX_PER_NUMBER_PER_HOUR:
            raise PhoneCodeError(_("该号码申请验证码次数过多，请一小时后再试。"))
        if (
            client_ip
            and PhoneCode.objects.filter(client_ip=client_ip, created_at__gt=hour_ago).count()
            >= settings.PHONE_CODE_MAX_PER_ADDRESS_PER_HOUR
        ):
            raise PhoneCodeError(_("您所在网络申请验证码次数过多，请一小时后再试。"))

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
        message = _("您的验证码为 %(code)s，%(minutes)d 分钟内有效，请勿泄露。") % {
            "code": code,
            "minutes": minutes,
        }
        if deliver:
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
        raise PhoneCodeError(_("该号码尚未申请验证码，请先获取验证码。"))
    if latest.used_at is not None:
        raise PhoneCodeError(_("该验证码已使用，请重新获取。"))
    if latest.expires_at <= now:
        raise PhoneCodeError(_("验证码已过期，请重新获取。"))
    if latest.attempts >= settings.PHONE_CODE_MAX_ATTEMPTS:
        raise PhoneCodeError(_("错误次数过多，请重新获取验证码。"))
    if not hmac.compare_digest(latest.code_hash, _hash(phone, purpose, code)):
        PhoneCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
        left = settings.PHONE_CODE_MAX_ATTEMPTS - latest.attempts - 1
        raise PhoneCodeError(_("验证码错误，还可尝试 %(left)d 次。") % {"left": max(left, 0)})
    # Compare-and-set: of two concurrent correct submissions only one marks the code used.
    if not PhoneCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
        raise PhoneCodeError(_("该验证码已使用，请重新获取。"))


def phone_codes_purge(*, now) -> int:
    """Delete codes older than a day; nothing needs them after their hour of rate limiting."""
    deleted, _rows = PhoneCode.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    return deleted
