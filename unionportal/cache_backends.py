"""Django's Redis cache, treating an unreachable Redis as an empty cache.

Everything the portal keeps in the cache can be rebuilt or done without: whole public pages, share
images, the public version number, throttle and rate-limit counters, import progress. So while Redis
cannot be reached the cache answers as an empty one (a read finds nothing, a write keeps nothing, an
``incr`` finds no key) and pages are served uncached instead of failing.

After a failure the cache is not asked again for ``RETRY_SECONDS``: a Redis that drops packets would
otherwise cost every call its socket timeout. The outage is logged once when it starts and once when
Redis answers again, not per request. The state is per process and per server address (each thread
has its own cache object, so it cannot live on the object).

``incr_many`` counts several keys in one round trip (the vote's throttles and burst counters), with a
per-key fallback for the local-memory cache of development and tests.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

_lock = threading.Lock()
_down_until: dict[tuple[str, ...], float] = {}
_MISSING = object()


def _reset() -> None:
    """Forget every recorded outage (tests)."""
    with _lock:
        _down_until.clear()


class DegradingRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._key = tuple(servers)

    def _call(self, fallback, method, *args):
        """``method(self, *args)``, or ``fallback`` while Redis is unreachable."""
        until = _down_until.get(self._key)
        if until is not None and time.monotonic() < until:
            return fallback
        try:
            result = method(self, *args)
        except UNREACHABLE as exc:
            with _lock:
                first = self._key not in _down_until
                _down_until[self._key] = time.monotonic() + RETRY_SECONDS
            if first:
                logger.warning(
                    "cache unreachable (%s): serving without it, retrying every %g s", exc, RETRY_SECONDS
                )
            return fallback
        if until is not None:
            with _lock:
                recovered = _down_until.pop(self._key, None) is not None
            if recovered:
                logger.info("cache reachable again")
        return result

    def add(self, key, value, timeout):
        return self._call(False, RedisCacheClient.add, key, value, timeout)

    def get(self, key, default):
        return self._call(default, RedisCacheClient.get, key, default)

    def set(self, key, value, timeout):
        self._call(None, RedisCacheClient.set, key, value, timeout)

    def touch(self, key, timeout):
        return self._call(False, RedisCacheClient.touch, key, timeout)

    def delete(self, key):
        return self._call(False, RedisCacheClient.delete, key)

    def get_many(self, keys):
        return self._call({}, RedisCacheClient.get_many, keys)

    def has_key(self, key):
        return self._call(False, RedisCacheClient.has_key, key)

    def incr(self, key, delta):
        result = self._call(_MISSING, RedisCacheClient.incr, key, delta)
        if result is _MISSING:
            # What an empty cache says; callers already handle a missing key.
            raise ValueError(f"Key '{key}' not found (cache unreachable).")
        return result

    def set_many(self, data, timeout):
        self._call(None, RedisCacheClient.set_many, data, timeout)

    def delete_many(self, keys):
        self._call(None, RedisCacheClient.delete_many, keys)

    def clear(self):
        return self._call(False, RedisCacheClient.clear)

    def incr_many(self, keys, timeout, read, delta=1):
        return self._call([], DegradingRedisCacheClient._incr_many, keys, timeout, read, delta)

    def _incr_many(self, keys, timeout, read, delta):
        # INCRBY makes a missing key ``delta``; EXPIRE NX sets the timeout only on the key INCRBY just made.
        pipe = self.get_client(keys[0], write=True).pipeline(transaction=False)
        for key in keys:
            pipe.incrby(key, delta)
            pipe.expire(key, timeout, nx=True)
        for key in read:
            pipe.get(key)
        answers = pipe.execute()
        values = [None if raw is None else self._serializer.loads(raw) for raw in answers[2 * len(keys) :]]
        return answers[: 2 * len(keys) : 2] + values


class DegradingRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that degrades to an empty cache (module doc)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = DegradingRedisCacheClient

    def incr_many(self, keys: list[str], timeout: int, read=(), delta: int = 1) -> dict:
        """Add ``delta`` (one) to each key (a missing key starts at ``delta`` and lives ``timeout``
        seconds) and read the ``read`` keys, in one round trip; {} while Redis is unreachable."""
        made = [self.make_and_validate_key(key) for key in [*keys, *read]]
        values = self._cache.incr_many(
            made[: len(keys)], self.get_backend_timeout(timeout), made[len(keys) :], delta
        )
        return dict(zip([*keys, *read], values, strict=False))


def incr_many(cache, keys: list[str], timeout: int, read=(), delta: int = 1) -> dict:
    """Add ``delta`` (one; -1 takes a count back) to each of ``keys`` in ``cache`` and read the ``read`` keys (None when missing): one
    round trip on Redis, ``add``/``incr`` per key on other caches (local memory in development and
    tests). Keys the cache could not count are missing from the answer (an unreachable Redis answers
    {})."""
    many = getattr(cache, "incr_many", None)
    if many is not None:
        return many(keys, timeout, read, delta)
    counts = {}
    for key in keys:
        if cache.add(key, delta, timeout=timeout):
            counts[key] = delta
        else:
            try:
                counts[key] = cache.incr(key, delta)
            except ValueError:  # expired between add and incr
                continue
    found = cache.get_many(list(read)) if read else {}
    return counts | {key: found.get(key) for key in read}
