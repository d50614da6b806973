"""The process's database connections are handed out first come, first served (ADR 0110):
the pool's own queue lets a newcomer take a connection returned before the waiter it woke
runs, and that waiter queues again at the back; under load some requests waited out the
pool timeout. Real PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from taskapp.core.db import Database
from taskapp.core.deadline import reset_deadline, set_deadline_in
from taskapp.core.errors import ServiceUnavailable
from tests.conftest import Stack
from tests.partition import settings_with

CLIENTS = 8
READS_EACH = 6


async def test_connections_go_to_requests_in_the_order_they_asked(stack: Stack) -> None:
    database = Database(
        settings_with(stack.settings, database_pool_size=2, database_pool_overflow=0)
    )
    tickets = itertools.count()
    served: list[int] = []

    async def client() -> None:
        # Like a keep-alive connection: the next request is sent as soon as one is answered,
        # so newcomers keep arriving while others wait.
        for _ in range(READS_EACH):
            ticket = next(tickets)
            async with database.read() as connection:
                served.append(ticket)
                await connection.fetch("SELECT pg_sleep(0.005)")

    async def warm() -> None:
        async with database.read() as connection:
            await connection.fetch("SELECT pg_sleep(0.01)")

    try:
        await asyncio.gather(warm(), warm())  # both connections open: no connect times below
        await asyncio.gather(*(client() for _ in range(CLIENTS)))
    finally:
        await database.dispose()
    assert len(served) == CLIENTS * READS_EACH
    overtaken = sum(1 for earlier, later in itertools.pairwise(served) if later < earlier)
    assert overtaken == 0, served


async def test_a_request_still_waiting_at_its_deadline_is_told_busy(stack: Stack) -> None:
    database = Database(
        settings_with(stack.settings, database_pool_size=1, database_pool_overflow=0)
    )
    release = asyncio.Event()
    holding = asyncio.Event()

    async def hold() -> None:
        async with database.read() as connection:
            await connection.fetch("SELECT 1")
            holding.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await holding.wait()
    deadline = set_deadline_in(0.1)
    try:
        with pytest.raises(ServiceUnavailable, match="busy"):
            async with database.read() as connection:
                await connection.fetch("SELECT 1")
        # Nobody asked the database: no verdict on it.
        assert database.breaker.state == "closed"
    finally:
        reset_deadline(deadline)
        release.set()
        await holder
        await database.dispose()
