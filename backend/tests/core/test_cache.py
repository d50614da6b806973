"""The cache's race safety against a real Redis: a reader that missed before a write cannot
store its (now stale) result after the write's invalidation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from taskapp.core.cache import Cache
from taskapp.core.redis import RedisStore
from tests.conftest import Stack


@pytest.fixture
async def cache(stack: Stack) -> AsyncIterator[Cache]:
    redis = RedisStore(stack.settings)
    yield Cache(redis, ttl_seconds=30)
    await redis.close()


async def test_hit_after_store(cache: Cache) -> None:
    miss = await cache.get("cache:g", "f")
    assert miss is not None and miss.value is None
    await cache.store("cache:g", "f", miss, b"v1")
    hit = await cache.get("cache:g", "f")
    assert hit is not None and hit.value == b"v1"


async def test_stale_reader_cannot_store_after_invalidation(cache: Cache) -> None:
    slow_reader = await cache.get("cache:g", "f")  # misses, then reads the database slowly...
    assert slow_reader is not None
    await cache.invalidate("cache:g")  # ...while a writer commits and invalidates
    await cache.store("cache:g", "f", slow_reader, b"stale")
    after = await cache.get("cache:g", "f")
    assert after is not None and after.value is None


async def test_invalidation_drops_every_entry_of_the_group_only(cache: Cache) -> None:
    for group in ("cache:a", "cache:b"):
        for field in ("x", "y"):
            lookup = await cache.get(group, field)
            assert lookup is not None
            await cache.store(group, field, lookup, b"v")
    await cache.invalidate("cache:a")
    assert [(await cache.get("cache:a", f)).value for f in ("x", "y")] == [None, None]  # type: ignore[union-attr]
    assert [(await cache.get("cache:b", f)).value for f in ("x", "y")] == [b"v", b"v"]  # type: ignore[union-attr]


async def test_get_or_load_loads_once(cache: Cache) -> None:
    calls = 0

    async def load() -> bytes:
        nonlocal calls
        calls += 1
        return b"loaded"

    assert await cache.get_or_load("cache:g", "f", load) == b"loaded"
    assert await cache.get_or_load("cache:g", "f", load) == b"loaded"
    assert calls == 1


class TestRateLimiterLeases:
    async def test_batched_allowance_still_enforces_the_limit(self, stack: Stack) -> None:
        from taskapp.core.errors import RateLimited
        from taskapp.core.ratelimit import RateLimiter

        redis = RedisStore(stack.settings)
        processes = [RateLimiter(redis), RateLimiter(redis)]  # two API processes
        allowed = 0
        try:
            for attempt in range(40):
                try:
                    await processes[attempt % 2].hit("api", "user-1", limit=20, batch=5)
                    allowed += 1
                except RateLimited:
                    pass
        finally:
            await redis.close()
        # Exact here: each process's last grant is cut to what remains of the window.
        assert allowed == 20

    async def test_one_redis_round_trip_per_batch(self, stack: Stack) -> None:
        from taskapp.core.ratelimit import RateLimiter

        redis = RedisStore(stack.settings)
        limiter = RateLimiter(redis)
        try:
            for _ in range(10):
                await limiter.hit("api", "user-2", limit=1000, batch=5)
            counted = await redis.client.keys("rl:api:user-2:*")
            assert len(counted) == 1
            assert int(await redis.client.get(counted[0])) == 10  # two INCRBY 5, not ten INCR
        finally:
            await redis.close()
