"""More operations at once than the Redis client has connections is this process's load,
not Redis failing (ADR 0110): the extra operations wait their turn, none falls back, and the
breaker stays closed. Real Redis."""

from __future__ import annotations

import asyncio

import pytest

from taskapp.core import redis as redis_module
from taskapp.core.redis import RedisStore
from tests.conftest import Stack

CONNECTIONS = 4


async def test_operations_beyond_the_pool_wait_instead_of_opening_the_breaker(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_module, "MAX_CONNECTIONS", CONNECTIONS)
    store = RedisStore(stack.settings)
    try:
        # All forty send before the first reply is read: forty connections at once.
        results = await asyncio.gather(
            *(
                store.run(lambda client: client.execute_command("EVAL", "return 1", 0))
                for _ in range(10 * CONNECTIONS)
            )
        )
        assert results == [1] * (10 * CONNECTIONS)
        assert store.breaker.state == "closed"
        assert store.outages == 0
    finally:
        await store.close()


async def test_a_wait_longer_than_the_timeout_falls_back_without_a_verdict(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_module, "MAX_CONNECTIONS", 1)
    store = RedisStore(stack.settings)
    release = asyncio.Event()

    async def hold(_: object) -> str:
        await release.wait()
        return "held"

    try:
        holder = asyncio.create_task(store.run(hold))
        await asyncio.sleep(0)
        waited = await store.run(lambda client: client.ping())
        assert waited is None  # waited the Redis timeout for the one connection, then gave up
        assert store.breaker.state == "closed"
        release.set()
        assert await holder == "held"
        assert await store.run(lambda client: client.ping()) is True
    finally:
        await store.close()
