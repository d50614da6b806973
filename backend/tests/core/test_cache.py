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
