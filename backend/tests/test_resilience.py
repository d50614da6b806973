"""Graceful degradation with real servers stopped mid-test (the spec's "circuit breakers,
graceful degradation when cache/DB is down")."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import Stack
from tests.factories import (
    assert_error,
    create_task,
    in_a_fresh_rate_window,
    login_past_the_account_limit,
    make_team,
    sign_up,
)
from tests.partition import relay_to, serving, settings_with, wait_until


@pytest.fixture
def postgres_control(stack: Stack) -> Iterator[object]:
    server = stack.services.postgres
    if server is None:
        pytest.skip("DATABASE_URL points at a PostgreSQL this test suite does not control")
    try:
        yield server
    finally:
        if server.process is None or not server.process.running:
            server.start()


class TestRedisDown:
    async def test_reads_and_writes_keep_working(
        self, client: httpx.AsyncClient, stack: Stack
    ) -> None:
        team = await make_team(client)
        await create_task(client, team.project_id, team.owner, title="before")
        assert stack.services.redis is not None
        stack.services.redis.stop()
        try:
            url = f"/api/projects/{team.project_id}/tasks"
            for i in range(5):
                created = await client.post(
                    url, json={"title": f"during {i}"}, headers=team.member.headers
                )
                assert created.status_code == 201, created.text
            listing = await client.get(url, params={"limit": "100"}, headers=team.viewer.headers)
            assert listing.status_code == 200
            assert len(listing.json()["items"]) == 6
            assert (
                await client.get("/api/projects", headers=team.owner.headers)
            ).status_code == 200
            ready = await client.get("/readyz")
            assert ready.status_code == 200 and ready.json()["redis"] == "unavailable"
        finally:
            stack.services.redis.start()
        # Back to normal, and no stale cache: the list written during the outage is complete.
        await asyncio.sleep(1.1)  # the breaker's cool-down
        listing = await client.get(url, params={"limit": "100"}, headers=team.viewer.headers)
        assert len(listing.json()["items"]) == 6
        assert (await client.get("/readyz")).json()["redis"] == "ok"

    async def test_rate_limits_fall_back_to_the_process(
        self, client: httpx.AsyncClient, settings: object, redis_stopped: None
    ) -> None:
        await login_past_the_account_limit(client, settings)

    async def test_a_limit_spent_partly_while_redis_was_unreachable_still_holds(
        self, stack: Stack
    ) -> None:
        """Requests counted by the process while Redis was out of reach count when Redis
        answers again: an outage mid-window must not reopen a spent limit."""
        limit = 5
        settings = settings_with(stack.settings, rate_limit_login_per_ip=limit)
        async with (
            relay_to(stack.endpoints.redis_url) as relay,
            serving(settings_with(settings, redis_url=relay.url)) as (app, client),
        ):

            async def log_in(i: int) -> int:
                response = await client.post(
                    "/api/auth/login",
                    json={"email": f"nobody-{i}@example.com", "password": "not a password"},
                )
                return response.status_code

            await in_a_fresh_rate_window()
            assert [await log_in(i) for i in range(2)] == [401, 401]  # counted in Redis
            relay.cut()
            assert [await log_in(i) for i in range(2, limit)] == [401] * (limit - 2)
            relay.heal()
            await wait_until(app.state.redis.ping)
            assert await log_in(limit) == 429


class TestDatabaseDown:
    async def test_fast_503_then_recovery_with_no_lost_write(
        self, client: httpx.AsyncClient, postgres_control: object
    ) -> None:
        team = await make_team(client)
        task = await create_task(client, team.project_id, team.owner, title="acknowledged")
        postgres_control.stop()  # type: ignore[attr-defined]
        url = f"/api/projects/{team.project_id}/tasks/{task['id']}"
        for _ in range(5):
            started = time.perf_counter()
            response = await client.get(url, headers=team.owner.headers)
            elapsed = time.perf_counter() - started
            assert_error(response, 503, "service_unavailable")
            assert int(response.headers["Retry-After"]) >= 1
            assert elapsed < 1.0, elapsed
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"] == "unavailable"

        postgres_control.start()  # type: ignore[attr-defined]
        restarted = time.perf_counter()
        while True:
            response = await client.get(url, headers=team.owner.headers)
            if response.status_code == 200:
                break
            assert time.perf_counter() - restarted < 5.0, "no recovery within 5 seconds"
            await asyncio.sleep(0.1)
        assert response.json()["title"] == "acknowledged"
        assert (await client.get("/readyz")).status_code == 200


async def test_connections_the_server_closed_are_replaced_without_an_error(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    """No pre-ping (core/db.py): a pooled connection the server ended (a restart, a
    failover, the proxy closing an idle one) is swapped at checkout, so the next request
    does not pay for it with a 503."""
    owner = await sign_up(client, "owner")
    for number in range(3):  # connections into the pool
        created = await client.post(
            "/api/projects", json={"name": f"p{number}"}, headers=owner.headers
        )
        assert created.status_code == 201, created.text
    admin = create_async_engine(stack.admin_settings.sqlalchemy_database_url)
    async with admin.begin() as connection:
        ended = await connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'taskapp' AND pid <> pg_backend_pid()"
            )
        )
        assert ended.scalar_one() >= 1
    await admin.dispose()
    await asyncio.sleep(0.2)  # the event loop reads the servers' goodbyes
    for number in range(3):
        created = await client.post(
            "/api/projects", json={"name": f"after {number}"}, headers=owner.headers
        )
        assert created.status_code == 201, created.text
