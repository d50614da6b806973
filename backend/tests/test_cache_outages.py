"""A removed member is never served from the cache, whatever Redis did meanwhile (issue 8,
item 2). Redis is made unreachable with its data intact, as in a network partition: the API
process talks to it through a relay that the test cuts and heals. Several API processes are
played by separate app instances (no shared memory), against one Redis and one database."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import httpx
from fastapi import FastAPI

from taskapp.core.redis import RedisStore
from tests.conftest import Stack
from tests.factories import Team, assert_error, create_task, make_team
from tests.partition import TcpRelay, relay_to, serving, settings_with, wait_until


async def _warm(client: httpx.AsyncClient, team: Team) -> None:
    """The member's task page, counts and project list, each read twice (a miss that
    stores, then a hit)."""
    tasks = f"/api/projects/{team.project_id}/tasks"
    for _ in range(2):
        page = await client.get(tasks, headers=team.member.headers)
        assert page.status_code == 200 and page.json()["items"], page.text
        assert (await client.get(f"{tasks}/counts", headers=team.member.headers)).json()[
            "total"
        ] == 1
        listed = await client.get("/api/projects", headers=team.member.headers)
        assert [p["id"] for p in listed.json()["items"]] == [team.project_id]


async def _assert_not_served(client: httpx.AsyncClient, team: Team) -> None:
    tasks = f"/api/projects/{team.project_id}/tasks"
    assert_error(await client.get(tasks, headers=team.member.headers), 404)
    assert_error(await client.get(f"{tasks}/counts", headers=team.member.headers), 404)
    listed = await client.get("/api/projects", headers=team.member.headers)
    assert listed.status_code == 200 and listed.json()["items"] == [], listed.text


async def _remove_member(client: httpx.AsyncClient, team: Team) -> None:
    removed = await client.delete(
        f"/api/projects/{team.project_id}/members/{team.member.id}", headers=team.owner.headers
    )
    assert removed.status_code == 204, removed.text


async def _reachable(app: FastAPI) -> None:
    """Wait until the process reaches Redis again (its breaker lets calls through)."""
    store: RedisStore = app.state.redis
    await wait_until(store.ping)


async def _team_with_a_task(client: httpx.AsyncClient) -> Team:
    team = await make_team(client)
    await create_task(client, team.project_id, team.owner, title="the secret plan")
    return team


async def test_removed_while_redis_was_unreachable_is_not_served_after_it_returns(
    stack: Stack,
) -> None:
    """The issue's case: one process, Redis unreachable at the moment of removal."""
    async with (
        relay_to(stack.endpoints.redis_url) as relay,
        serving(settings_with(stack.settings, redis_url=relay.url)) as (app, client),
    ):
        team = await _team_with_a_task(client)
        await _warm(client, team)
        relay.cut()
        await _remove_member(client, team)  # committed; the invalidation cannot reach Redis
        relay.heal()
        await _reachable(app)
        await _assert_not_served(client, team)


async def test_the_process_that_missed_the_invalidation_stops_every_process_serving(
    stack: Stack,
) -> None:
    """Process A cannot reach Redis when it removes the member; process B can, and holds
    the member's entries. Once A reaches Redis again it repairs on its own (no request to A
    is needed), and B stops serving the member."""
    async with AsyncExitStack() as stack_:
        relay: TcpRelay = await stack_.enter_async_context(relay_to(stack.endpoints.redis_url))
        _, a = await stack_.enter_async_context(
            serving(settings_with(stack.settings, redis_url=relay.url))
        )
        _, b = await stack_.enter_async_context(serving(stack.settings))
        team = await _team_with_a_task(b)
        await _warm(b, team)
        relay.cut()
        await _remove_member(a, team)
        relay.heal()

        async def b_refuses() -> bool:
            tasks = f"/api/projects/{team.project_id}/tasks"
            return (await b.get(tasks, headers=team.member.headers)).status_code == 404

        # Liveness bound well under the cache TTL (60 s), so a TTL expiry cannot pass this.
        await wait_until(b_refuses, bound_seconds=15)
        await _assert_not_served(b, team)


async def test_entries_from_before_an_outage_are_not_served_even_if_the_writer_is_gone(
    stack: Stack,
) -> None:
    """Redis unreachable for every process; the process that removed the member dies
    before Redis returns (its retry is lost). A process that made no Redis call during the
    outage, and so noticed nothing, must still not serve the entries from before it."""
    async with relay_to(stack.endpoints.redis_url) as relay:
        via_relay = settings_with(stack.settings, redis_url=relay.url)
        async with serving(via_relay) as (app_b, b):
            team = await _team_with_a_task(b)
            await _warm(b, team)
            relay.cut()
            async with serving(via_relay) as (_, a):
                await _remove_member(a, team)
            # A is gone. The outage lasts a few seconds more.
            await asyncio.sleep(2.5)
            relay.heal()
            await _reachable(app_b)
            await _assert_not_served(b, team)
