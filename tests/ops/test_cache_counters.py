"""``cache_backends.incr_many``: the throttles' and the vote's counters, in one round trip on Redis, per
key on other caches, and nothing (not an error) while Redis is unreachable."""

import os

import pytest
from django.core.cache.backends.locmem import LocMemCache

from unionportal import cache_backends

from .conftest import DEAD_REDIS

REDIS = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_cache(url: str, prefix: str) -> cache_backends.DegradingRedisCache:
    return cache_backends.DegradingRedisCache(url, {"KEY_PREFIX": prefix, "OPTIONS": {"socket_timeout": 1}})


@pytest.fixture
def on_redis(worker_id):
    cache = redis_cache(REDIS, f"counters-{worker_id}")
    cache.delete_many(["a", "b", "c"])
    yield cache
    cache.delete_many(["a", "b", "c"])


def test_on_redis_each_key_counts_up_in_one_round_trip_and_keeps_its_first_timeout(on_redis, monkeypatch):
    sent = []
    pipeline_class = type(on_redis._cache.get_client("a", write=True).pipeline())
    original = pipeline_class.execute

    def execute(self, *args, **kwargs):
        sent.append(len(self.command_stack))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pipeline_class, "execute", execute)
    assert cache_backends.incr_many(on_redis, ["a", "b"], timeout=60) == {"a": 1, "b": 1}
    assert cache_backends.incr_many(on_redis, ["a"], timeout=5) == {"a": 2}
    assert sent == [4, 2]  # one pipeline a call: INCR and EXPIRE per key
    client = on_redis._cache.get_client("a")
    assert 55 < client.ttl(on_redis.make_key("a")) <= 60, "the second call shortened the first timeout"
    assert on_redis.get("a") == 2  # what the cache API reads back
    # Reads ride in the same round trip: a counter and a missing key.
    assert cache_backends.incr_many(on_redis, ["b"], timeout=60, read=["a", "c"]) == {
        "b": 2,
        "a": 2,
        "c": None,
    }
    assert sent == [4, 2, 4]


def test_other_caches_count_per_key():
    cache = LocMemCache("counters", {})
    assert cache_backends.incr_many(cache, ["a", "b"], timeout=60) == {"a": 1, "b": 1}
    assert cache_backends.incr_many(cache, ["b"], timeout=60) == {"b": 2}
    assert cache_backends.incr_many(cache, ["a"], timeout=60, read=["b", "c"]) == {"a": 2, "b": 2, "c": None}


def test_an_unreachable_redis_counts_nothing():
    cache_backends._reset()
    try:
        assert cache_backends.incr_many(redis_cache(DEAD_REDIS, "dead"), ["a"], timeout=60) == {}
    finally:
        cache_backends._reset()
