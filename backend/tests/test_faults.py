"""Faults under load, against the real servers the suite starts: Redis killed and restarted,
PostgreSQL stopped (refusing connections), paused (silent), and shutting down.

Under a small concurrent load of reads and writes, a fault is injected and then repaired; the
test then reads the database directly and checks the promises the API makes:
- every write acknowledged with 2xx is there exactly once;
- no request answered with 5xx left a committed write behind;
- every 5xx is a 503 with Retry-After (never a 500), and the API recovers by itself.
No timing assertions: the figures (answers by status, time to recover) are printed in the
session summary, and waits are liveness bounds only.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from taskapp.core.db import Database
from taskapp.core.deadline import reset_deadline, set_deadline_in
from taskapp.core.errors import ServiceUnavailable
from taskapp.core.settings import Settings
from taskapp.main import create_app
from taskapp_ops.services import PostgresServer, RedisServer
from tests.conftest import Figures, Stack
from tests.factories import Account, create_task, make_team

WRITERS = 6
# Liveness bounds, far above what any step takes; they catch a hang, they measure nothing.
RECOVERY_BOUND_SECONDS = 60.0
FAULT_SECONDS = 2.5


def fault_settings(stack: Stack, **overrides: Any) -> Settings:
    """The suite's settings with the per-user limit out of the way of the load."""
    values: dict[str, Any] = {"rate_limit_api_per_user": 1_000_000}
    values.update(overrides)
    return Settings(**{**stack.settings.model_dump(), **values})


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """A fresh API (its own pools and breakers) driven in-process."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.20", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield app, client


@dataclass
class Writer:
    """One client's writes: creates with unique titles, and versioned updates of its own task."""

    account: Account
    task_id: str
    version: int
    acknowledged_creates: set[str] = field(default_factory=set)
    failed_creates: set[str] = field(default_factory=set)
    acknowledged_updates: int = 0
    last_title: str = ""


@dataclass
class Load:
    client: httpx.AsyncClient
    project_id: str
    writers: list[Writer]
    statuses: Counter[int] = field(default_factory=Counter)
    bad_answers: list[str] = field(default_factory=list)
    last_success: float = 0.0
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def note(self, response: httpx.Response) -> None:
        self.statuses[response.status_code] += 1
        if response.status_code < 300:
            self.last_success = time.monotonic()
        elif response.status_code >= 500 and (
            response.status_code != 503 or "Retry-After" not in response.headers
        ):
            self.bad_answers.append(f"{response.status_code} {response.text[:200]}")

    async def run_writer(self, writer: Writer, number: int) -> None:
        tasks_url = f"/api/projects/{self.project_id}/tasks"
        headers = writer.account.headers
        for step in range(1_000_000):
            if self.stop.is_set():
                return
            title = f"w{number}-{step}-{uuid.uuid4().hex[:6]}"
            created = await self.client.post(tasks_url, json={"title": title}, headers=headers)
            self.note(created)
            if created.status_code == 201:
                writer.acknowledged_creates.add(title)
            elif created.status_code >= 500:
                writer.failed_creates.add(title)
            else:
                self.bad_answers.append(f"create: {created.status_code} {created.text[:200]}")
            updated = await self.client.patch(
                f"{tasks_url}/{writer.task_id}",
                json={"title": title},
                headers={**headers, "If-Match": f'"{writer.version}"'},
            )
            self.note(updated)
            if updated.status_code == 200:
                writer.version = updated.json()["version"]
                writer.acknowledged_updates += 1
                writer.last_title = title
            elif updated.status_code < 500:
                # 412 here would mean an update answered 5xx had committed after all.
                self.bad_answers.append(f"update: {updated.status_code} {updated.text[:200]}")
            self.note(await self.client.get(tasks_url, headers=headers))
            await asyncio.sleep(0.005)

    async def until_every_writer_succeeds_after(self, moment: float) -> float:
        """Seconds from `moment` until the first 2xx; waits until one arrives after it."""
        deadline = moment + RECOVERY_BOUND_SECONDS
        while self.last_success <= moment:
            assert time.monotonic() < deadline, "the API did not recover from the fault"
            await asyncio.sleep(0.02)
        recovered = self.last_success - moment
        await asyncio.sleep(0.3)  # a little more load after recovery
        return recovered


async def start_load(
    setup: httpx.AsyncClient, client: httpx.AsyncClient
) -> tuple[Load, list[asyncio.Task[None]]]:
    """Accounts and tasks made through `setup` (the suite's API: sign-ups hash passwords,
    which the load's settings need not allow time for); the load runs through `client`."""
    team = await make_team(setup)
    accounts = [team.owner, team.member]
    writers = []
    for number in range(WRITERS):
        account = accounts[number % len(accounts)]
        task = await create_task(setup, team.project_id, account, title="own")
        writers.append(Writer(account, task["id"], task["version"], last_title="own"))
    load = Load(client, team.project_id, writers)
    runners = [
        asyncio.create_task(load.run_writer(writer, number))
        for number, writer in enumerate(writers)
    ]
    return load, runners


async def check_writes(stack: Stack, load: Load) -> tuple[int, int]:
    """Compare what the API acknowledged with what the database holds; (lost, doubled)."""
    engine = create_async_engine(stack.admin_settings.sqlalchemy_database_url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT id::text, title, version FROM tasks WHERE project_id = :p"),
            {"p": load.project_id},
        )
        tasks = rows.all()
    await engine.dispose()
    updated_by_writers = {w.task_id for w in load.writers}
    titles = Counter(title for task_id, title, _ in tasks if task_id not in updated_by_writers)
    by_id = {task_id: (title, version) for task_id, title, version in tasks}
    acknowledged = set().union(*(w.acknowledged_creates for w in load.writers))
    failed = set().union(*(w.failed_creates for w in load.writers))
    lost = [t for t in acknowledged if titles[t] == 0]
    doubled = [t for t, n in titles.items() if n > 1]
    leaked = [t for t in failed if titles[t] > 0]
    assert not lost, f"acknowledged creates missing: {lost}"
    assert not doubled, f"tasks stored twice: {doubled}"
    assert not leaked, f"creates answered 5xx but committed: {leaked}"
    for writer in load.writers:
        title, version = by_id[writer.task_id]
        # Version counts committed updates: exactly the acknowledged ones, none answered 5xx.
        assert version == 1 + writer.acknowledged_updates, (writer.task_id, version)
        assert title == writer.last_title
    return len(lost), len(doubled)


async def run_fault(
    stack: Stack,
    setup: httpx.AsyncClient,
    figures: Figures,
    name: str,
    inject: Callable[[], Awaitable[None] | None],
    repair: Callable[[], Awaitable[None] | None],
    settings: Settings | None = None,
) -> Load:
    async with serving(settings or fault_settings(stack)) as (_, client):
        load, runners = await start_load(setup, client)
        try:
            await asyncio.sleep(0.3)
            before = sum(load.statuses.values())
            maybe = inject()
            if maybe is not None:
                await maybe
            await asyncio.sleep(FAULT_SECONDS)
            maybe = repair()
            if maybe is not None:
                await maybe
            repaired = time.monotonic()
            recovered = await load.until_every_writer_succeeds_after(repaired)
        finally:
            load.stop.set()
            await asyncio.gather(*runners, return_exceptions=True)
        assert all(r.exception() is None for r in runners), [r.exception() for r in runners]
        lost, doubled = await check_writes(stack, load)
    server_errors = sum(n for status, n in load.statuses.items() if status >= 500)
    figures.add(
        f"fault {name}: {sum(load.statuses.values())} requests ({before} before the fault), "
        f"5xx {server_errors} (503 {load.statuses[503]}), lost writes {lost}, "
        f"doubled writes {doubled}, first 2xx {recovered:.2f} s after the repair"
    )
    assert not load.bad_answers, load.bad_answers[:5]
    return load


def _redis(stack: Stack) -> RedisServer:
    if stack.services.redis is None:
        pytest.skip("REDIS_URL points at a Redis this test suite does not control")
    return stack.services.redis


def _postgres(stack: Stack) -> PostgresServer:
    if stack.services.postgres is None:
        pytest.skip("DATABASE_URL points at a PostgreSQL this test suite does not control")
    return stack.services.postgres


@pytest.fixture
def postgres(stack: Stack) -> Iterator[PostgresServer]:
    """The suite's PostgreSQL, running again (and not paused) after the test."""
    server = _postgres(stack)
    yield server
    if server.process is not None and server.process.running:
        server.resume()
    else:
        server.start()


class TestFaultsUnderLoad:
    async def test_redis_killed_and_restarted(
        self, stack: Stack, client: httpx.AsyncClient, figures: Figures
    ) -> None:
        redis = _redis(stack)
        load = await run_fault(stack, client, figures, "redis killed", redis.stop, redis.start)
        # Redis holds only cache and rate-limit state: its loss costs no request an error.
        assert sum(n for status, n in load.statuses.items() if status >= 500) == 0

    async def test_postgres_stopped_then_started(
        self, stack: Stack, client: httpx.AsyncClient, figures: Figures, postgres: PostgresServer
    ) -> None:
        load = await run_fault(
            stack, client, figures, "postgres stopped", postgres.stop, postgres.start
        )
        assert load.statuses[503] > 0  # the fault was felt, and answered as 503

    async def test_postgres_paused_then_resumed(
        self, stack: Stack, client: httpx.AsyncClient, figures: Figures, postgres: PostgresServer
    ) -> None:
        # Paused for longer than the deadline: requests in flight must give up with 503.
        settings = fault_settings(stack, request_deadline_seconds=1.0)
        load = await run_fault(
            stack, client, figures, "postgres paused", postgres.pause, postgres.resume, settings
        )
        assert load.statuses[503] > 0


class TestDatabaseStates:
    async def test_shutting_down_is_a_connectivity_error(
        self, stack: Stack, postgres: PostgresServer
    ) -> None:
        """SQLSTATE 57P03 (starting up or shutting down) answers 503 and trips the breaker."""
        held = await asyncpg.connect(stack.endpoints.database_url)
        database = Database(stack.settings)
        try:
            postgres.begin_smart_shutdown()  # waits for `held`; new connections are refused
            for _ in range(database.breaker.failure_threshold):
                with pytest.raises(ServiceUnavailable):
                    async with database.transaction() as session:
                        await session.execute(text("SELECT 1"))
            assert database.breaker.state == "open"
        finally:
            await database.dispose()
            await held.close()
            postgres.stop()

    async def test_sql_parameters_stay_out_of_errors(self, stack: Stack) -> None:
        database = Database(stack.settings)
        secret = "$argon2id$v=19$m=19456,t=2,p=1$secret-marker"
        try:
            with pytest.raises(DBAPIError) as raised:
                async with database.transaction() as session:
                    await session.execute(text("SELECT length(:hash) / 0"), {"hash": secret})
        finally:
            await database.dispose()
        assert "secret-marker" not in str(raised.value)
        assert "parameters hidden" in str(raised.value)

    async def test_a_silent_database_costs_a_request_its_deadline_not_the_command_timeout(
        self, stack: Stack, client: httpx.AsyncClient, postgres: PostgresServer
    ) -> None:
        team = await make_team(client)  # through the suite's API, before the fault
        settings = fault_settings(
            stack, request_deadline_seconds=0.5, database_command_timeout_seconds=60
        )
        async with serving(settings) as (_, short):
            url = f"/api/projects/{team.project_id}/tasks"
            postgres.pause()
            try:
                # Without a deadline these wait for the 60 s command timeout; the bound is a
                # liveness check far below it, not a measurement.
                answers = await asyncio.wait_for(
                    asyncio.gather(
                        *(
                            short.post(url, json={"title": "t"}, headers=team.member.headers)
                            for _ in range(3)
                        ),
                        short.get(url, headers=team.viewer.headers),
                    ),
                    timeout=20,
                )
            finally:
                postgres.resume()
            for answer in answers:
                assert answer.status_code == 503, answer.text
                assert int(answer.headers["Retry-After"]) >= 1

    async def test_a_deadline_spent_outside_the_database_does_not_open_the_breaker(
        self, stack: Stack
    ) -> None:
        """Time lost elsewhere (password hashing behind a login storm) answers 503 without
        opening the database's breaker for everyone; time lost waiting on the database does."""
        database = Database(stack.settings)

        async def elsewhere() -> None:
            async with database.transaction() as session:
                await session.execute(text("SELECT 1"))
                await asyncio.sleep(1)  # not the database

        async def in_the_database() -> None:
            async with database.transaction() as session:
                await session.execute(text("SELECT pg_sleep(1)"))

        original = set_deadline_in(0.05)
        try:
            for _ in range(database.breaker.failure_threshold + 1):
                set_deadline_in(0.05)
                with pytest.raises(ServiceUnavailable, match="busy"):
                    await elsewhere()
            assert database.breaker.state == "closed"
            for _ in range(database.breaker.failure_threshold):
                set_deadline_in(0.05)
                with pytest.raises(ServiceUnavailable, match="database"):
                    await in_the_database()
            assert database.breaker.state == "open"
        finally:
            reset_deadline(original)
            await database.dispose()
