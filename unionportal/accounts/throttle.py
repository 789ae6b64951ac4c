"""A growing delay per account name across all addresses, beside django-axes' per-address lockout.

axes locks an account *from one address* after ``AXES_FAILURE_LIMIT`` failures, so an attacker with N
addresses still gets N times that many guesses at one account. This module counts sign-in attempts per
account name whatever the address: the first ``LOGIN_ACCOUNT_FREE_FAILURES`` within
``LOGIN_ACCOUNT_WINDOW_MINUTES`` are free; from then on each attempt must wait a delay after the one
before, doubling from ``LOGIN_ACCOUNT_DELAY_SECONDS`` up to ``LOGIN_ACCOUNT_MAX_DELAY_SECONDS``.

Why a delay and not a lock: anyone may type a colleague's account name, so a per-account lock would let
anyone lock anyone out. A delay of at most a minute costs the owner little (they get in as soon as it has
passed) and caps an attacker at about one guess a minute per account, however many addresses they hold.

The contract, for the sign-in form (the only caller):

- ``login_attempt_admit(account=...)`` before the password is checked. It raises ``AccountThrottled``
  (with ``seconds`` and a ``message`` in the user's language) when the delay has not passed: the
  password must then not be checked, and nothing is counted. Otherwise the attempt is counted, as a
  failure until it proves otherwise, and the caller checks the password.
- ``login_attempt_succeeded(account=...)`` after the right password: the account's count is cleared.

``account`` is the name as ``authenticate()`` receives it (``backends.canonical_username``: a mobile
number typed any way is the account's user name, or the normalised number); it is stripped and
case-folded here. Unknown names are counted alike, so the answers tell nothing about which accounts exist.

Counts live in the Django cache (Redis in production, shared by every web process). Attempts are counted
*before* the password is checked and the slot after each delay is claimed with ``cache.add``, so
concurrent requests cannot slip extra guesses past the count. Nothing sleeps in the request: early
attempts are refused (the view answers 429). If the cache fails, the sign-in proceeds (axes' lockout
still holds) and a warning is logged: an unavailable cache must not stop everyone signing in.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

_PREFIX = "accounts:login-throttle:v1"


class AccountThrottled(Exception):
    """Too many recent failures for this account: try again in ``seconds``; ``message`` is for the user."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        self.message = ngettext(
            "该账户登录失败次数过多，请 %(seconds)s 秒后再试。",
            "该账户登录失败次数过多，请 %(seconds)s 秒后再试。",
            seconds,
        ) % {"seconds": seconds}
        super().__init__(self.message)


def clock() -> float:
    """Wall-clock seconds, comparable between web processes (tests move it)."""
    return time.time()


def _keys(account: str) -> tuple[str, str]:
    digest = hashlib.sha256(account.strip().casefold().encode()).hexdigest()
    return f"{_PREFIX}:count:{digest}", f"{_PREFIX}:open:{digest}"


def _delay(count: int) -> float:
    """The wait after the ``count``-th counted attempt (0 while attempts are free)."""
    free = settings.LOGIN_ACCOUNT_FREE_FAILURES
    if count < free:
        return 0
    doublings = min(count - free, 32)
    return min(settings.LOGIN_ACCOUNT_DELAY_SECONDS * 2**doublings, settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS)


def _refusal(open_at: float | None, now: float) -> AccountThrottled:
    return AccountThrottled(max(1, math.ceil((open_at or now) - now)))


def _count(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return 1


def login_attempt_admit(*, account: str) -> None:
    """Count a sign-in attempt for ``account``, or raise AccountThrottled (nothing counted) if it is early.

    Call before the password is checked; see the module docstring.
    """
    count_key, open_key = _keys(account)
    window = settings.LOGIN_ACCOUNT_WINDOW_MINUTES * 60
    now = clock()
    try:
        open_at = cache.get(open_key)
        if open_at is not None and now < open_at:
            raise _refusal(open_at, now)
        count = _count(count_key, window)
        if count > settings.LOGIN_ACCOUNT_FREE_FAILURES:
            # Past the free attempts, one attempt per opening: the first to claim it goes on, the
            # others (at the same moment, from other addresses) are refused and not counted. A missing
            # opening (evicted, or the attempt before us has not written it yet) is written, not waited
            # for forever.
            if open_at is None:
                claimed = False
                cache.add(open_key, now + _delay(count - 1), timeout=window)
            else:
                claim_key = f"{open_key}:claim:{open_at!r}"
                claimed = cache.add(claim_key, 1, timeout=settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS + 1)
            if not claimed:
                cache.decr(count_key)
                raise _refusal(cache.get(open_key), now)
        delay = _delay(count)
        if delay:
            cache.set(open_key, now + delay, timeout=window)
    except AccountThrottled:
        raise
    except Exception:
        logger.warning("login throttle: the cache failed; the sign-in attempt goes ahead", exc_info=True)


def login_attempt_succeeded(*, account: str) -> None:
    """The right password for ``account``: clear its count and delay."""
    try:
        cache.delete_many(_keys(account))
    except Exception:
        logger.warning("login throttle: the cache failed; the count was not cleared", exc_info=True)
