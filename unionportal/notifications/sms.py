"""The SMS backend interface. A provider backend implements ``send``; development logs, tests collect.

Settings: ``SMS_BACKEND`` (dotted path), ``SMS_SIGNATURE`` (the 【signature】 carriers require).
"""

import logging
import threading

from django.conf import settings
from django.utils.module_loading import import_string

from unionportal.accounts.validators import mask_mobile

logger = logging.getLogger("unionportal.sms")


class SmsError(Exception):
    """The provider refused or could not be reached; callers may retry."""


class BaseSmsBackend:
    def send(self, phone: str, message: str) -> None:
        raise NotImplementedError


class LogSmsBackend(BaseSmsBackend):
    """Development: writes the message to the log (the number masked) instead of sending it."""

    def send(self, phone: str, message: str) -> None:
        logger.info("SMS to %s: %s", mask_mobile(phone), message)


class LocMemSmsBackend(BaseSmsBackend):
    """Tests: keeps messages in ``outbox`` as (phone, message) pairs."""

    outbox: list[tuple[str, str]] = []
    _lock = threading.Lock()

    def send(self, phone: str, message: str) -> None:
        with self._lock:
            type(self).outbox.append((phone, message))


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, message: str) -> None:
    get_backend().send(phone, f"【{settings.SMS_SIGNATURE}】{message}")
