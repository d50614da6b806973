"""Requests that miss the same cache entry at once share one load (core/single_flight.py)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from taskapp.core.single_flight import SingleFlight
from taskapp.tasks import repository
from tests.conftest import Stack
from tests.factories import create_task, make_team


class _Loads:
    def __init__(self) -> None:
        self.calls = 0

    async def load(self) -> str:
        self.calls += 1
        await asyncio.sleep(0.05)
        return f"load {self.calls}"


async def test_concurrent_callers_of_one_key_share_one_load() -> None:
    flight: SingleFlight[str] = SingleFlight()
    loads = _Loads()
    results = await asyncio.gather(*(flight.run("a", loads.load) for _ in range(10)))
    assert loads.calls == 1
    assert {value for value, _ in results} == {"load 1"}
    assert [loaded_here for _, loaded_here in results].count(True) == 1
    # Once it is done, the next call loads again (the cache is the memory, not this).
    assert await flight.run("a", loads.load) == ("load 2", True)


async def test_other_keys_load_on_their_own() -> None:
    flight: SingleFlight[str] = SingleFlight()
    loads = _Loads()
    await asyncio.gather(flight.run("a", loads.load), flight.run("b", loads.load))
    assert loads.calls == 2


async def test_the_loaders_failure_reaches_everyone_who_shared_it() -> None:
    flight: SingleFlight[str] = SingleFlight()

    async def failing() -> str:
        await asyncio.sleep(0.05)
        raise RuntimeError("the database said no")

    results = await asyncio.gather(
        *(flight.run("a", failing) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    loads = _Loads()
    assert await flight.run("a", loads.load) == ("load 1", True)


async def test_a_burst_of_misses_reads_the_database_once(
    client: httpx.AsyncClient, stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = await make_team(client)
    await create_task(client, team.project_id, team.owner)
    pages_read: list[uuid.UUID] = []
    read_page = repository.member_page

    async def counted(connection: Any, project_id: uuid.UUID, *args: Any) -> Any:
        """The page read, counted: it runs unchanged (reads go to asyncpg directly, below
        SQLAlchemy's events)."""
        pages_read.append(project_id)
        return await read_page(connection, project_id, *args)

    monkeypatch.setattr(repository, "member_page", counted)
    admin = create_async_engine(stack.admin_settings.sqlalchemy_database_url)
    try:
        async with admin.begin() as blocker:
            # The first load waits on this lock, so every request of the burst arrives while
            # it is in flight, however slowly the machine runs them.
            await blocker.execute(text("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE"))
            burst = asyncio.gather(
                *(
                    client.get(
                        f"/api/projects/{team.project_id}/tasks", headers=team.member.headers
                    )
                    for _ in range(20)
                )
            )
            await asyncio.sleep(0.5)
        answers = await burst
    finally:
        await admin.dispose()
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert len(pages_read) == 1, f"{len(pages_read)} database reads for one cold entry"
