"""The cache against a real Redis: a reader that missed before a write cannot store its (now
stale) result after the write's invalidation; a store never extends an expiry; an entry needs
its membership record; a failed invalidation, an outage and a silent Redis all reset the
epoch (core/cache.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from taskapp.core.cache import EPOCH_KEY, Cache, Slot
from taskapp.core.redis import RedisStore
from tests.conftest import Stack
from tests.partition import relay_to, settings_with, wait_until

G = Slot("cache:g", "f")


@pytest.fixture
async def cache(stack: Stack) -> AsyncIterator[Cache]:
    redis = RedisStore(stack.settings)
    yield Cache(redis, ttl_seconds=30)
    await redis.close()


async def _fill(cache: Cache, slot: Slot, value: bytes) -> None:
    lookup = await cache.get(slot)
    assert lookup is not None and lookup.value is None
    await cache.store(lookup, [value])


async def _value(cache: Cache, slot: Slot) -> bytes | None:
    lookup = await cache.get(slot)
    assert lookup is not None
    return lookup.value


async def test_hit_after_store(cache: Cache) -> None:
    await _fill(cache, G, b"v1")
    assert await _value(cache, G) == b"v1"


async def test_stale_reader_cannot_store_after_invalidation(cache: Cache) -> None:
    slow_reader = await cache.get(G)  # misses, then reads the database slowly...
    assert slow_reader is not None
    await cache.invalidate("cache:g")  # ...while a writer commits and invalidates
    await cache.store(slow_reader, [b"stale"])
    assert await _value(cache, G) is None


async def test_invalidation_drops_every_entry_of_the_group_only(cache: Cache) -> None:
    for group in ("cache:a", "cache:b"):
        for field in ("x", "y"):
            await _fill(cache, Slot(group, field), b"v")
    await cache.invalidate("cache:a")
    assert [await _value(cache, Slot("cache:a", f)) for f in ("x", "y")] == [None, None]
    assert [await _value(cache, Slot("cache:b", f)) for f in ("x", "y")] == [b"v", b"v"]


async def test_get_or_load_loads_once(cache: Cache) -> None:
    calls = 0

    async def load() -> bytes:
        nonlocal calls
        calls += 1
        return b"loaded"

    assert await cache.get_or_load(G, load) == b"loaded"
    assert await cache.get_or_load(G, load) == b"loaded"
    assert calls == 1


async def test_a_store_does_not_extend_the_group_expiry(cache: Cache) -> None:
    await _fill(cache, Slot("cache:g", "a"), b"1")
    before = await cache.redis.client.pttl("cache:g")
    await asyncio.sleep(0.05)
    await _fill(cache, Slot("cache:g", "b"), b"2")
    assert 0 < await cache.redis.client.pttl("cache:g") < before


async def test_an_entry_needs_every_slot_of_its_lookup(cache: Cache) -> None:
    """A task page is served only with the caller's membership record: dropping the record
    (a membership change) hides the page without touching it."""
    member = Slot("cache:members", "user-1")
    page = Slot("cache:tasks", "user-1:list")
    lookup = await cache.get(member, page)
    assert lookup is not None and not lookup.hit
    await cache.store(lookup, [b"member", b"page"])
    again = await cache.get(member, page)
    assert again is not None and again.hit and again.values == (b"member", b"page")
    await cache.invalidate("cache:members")
    after = await cache.get(member, page)
    assert after is not None and not after.hit and after.values == (None, b"page")


async def test_a_store_refused_for_one_group_still_fills_the_other(cache: Cache) -> None:
    member = Slot("cache:members", "user-1")
    page = Slot("cache:tasks", "user-1:list")
    reader = await cache.get(member, page)
    assert reader is not None
    await cache.invalidate("cache:members")  # the user is removed meanwhile
    await cache.store(reader, [b"member", b"page"])
    after = await cache.get(member, page)
    assert after is not None and after.values == (None, b"page") and not after.hit


async def test_a_failed_invalidation_resets_the_epoch_once_redis_is_back(
    stack: Stack, cache: Cache
) -> None:
    """Seen from another process (`cache`): the entry disappears when the process that
    could not invalidate reaches Redis again, with no further call of its own."""
    await _fill(cache, G, b"stale")
    async with relay_to(stack.endpoints.redis_url) as relay:
        cut_off = RedisStore(settings_with(stack.settings, redis_url=relay.url))
        writer = Cache(cut_off, ttl_seconds=30)
        try:
            relay.cut()
            await writer.invalidate("cache:g")
            assert writer.reset_pending
            relay.heal()

            async def gone() -> bool:
                return await _value(cache, G) is None

            await wait_until(gone)
            assert not writer.reset_pending
        finally:
            await cut_off.close()


async def test_a_lookup_that_preceded_a_reset_cannot_store(cache: Cache, stack: Stack) -> None:
    reader = await cache.get(G)
    assert reader is not None
    async with relay_to(stack.endpoints.redis_url) as relay:
        store = RedisStore(settings_with(stack.settings, redis_url=relay.url))
        try:
            other_process = Cache(store, ttl_seconds=30)
            relay.cut()
            await other_process.invalidate("cache:elsewhere")  # fails: a reset is owed
            relay.heal()

            async def reset_landed() -> bool:
                return not other_process.reset_pending

            await wait_until(reset_landed)
        finally:
            await store.close()
    await cache.store(reader, [b"from before the reset"])
    assert await _value(cache, G) is None


async def test_an_opened_breaker_resets_the_epoch_on_the_next_call(
    stack: Stack, cache: Cache
) -> None:
    await _fill(cache, G, b"from before the outage")
    async with relay_to(stack.endpoints.redis_url) as relay:
        store = RedisStore(settings_with(stack.settings, redis_url=relay.url))
        process = Cache(store, ttl_seconds=30)
        try:
            assert await _value(process, G) == b"from before the outage"
            relay.cut()
            while store.outages == 0:  # calls fail until the breaker opens
                assert await process.get(G) is None
            relay.heal()
            await wait_until(store.ping)
            assert await _value(process, G) is None
        finally:
            await store.close()
    assert await _value(cache, G) is None  # for every process


async def test_a_silent_redis_resets_the_epoch(stack: Stack) -> None:
    """No cache call reached Redis for longer than the beacon's life (an outage for every
    process, or all idle): the next call starts a new epoch before it reads."""
    redis = RedisStore(stack.settings)
    try:
        cache = Cache(redis, ttl_seconds=30, beacon_seconds=0.2)
        await _fill(cache, G, b"v")
        epoch = await redis.client.get(EPOCH_KEY)
        assert await _value(cache, G) == b"v"
        await asyncio.sleep(0.3)
        assert await _value(cache, G) is None
        assert await redis.client.get(EPOCH_KEY) != epoch
    finally:
        await redis.close()


async def test_a_restarted_redis_starts_a_newer_epoch(cache: Cache, stack: Stack) -> None:
    await _fill(cache, G, b"v")
    epoch = int(await cache.redis.client.get(EPOCH_KEY))
    await cache.redis.client.delete(EPOCH_KEY)  # evicted, or lost with a restart
    assert await _value(cache, G) is None
    assert int(await cache.redis.client.get(EPOCH_KEY)) > epoch


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
