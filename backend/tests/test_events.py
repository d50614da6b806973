"""Live updates over Server-Sent Events (issue 11, ADR 0104), served over real HTTP (uvicorn)
on the real PostgreSQL and Redis: a change reaches a connected member, a reconnect resumes
after the last event seen without a gap or a repeat, a gap too old says "refetch", roles and
limits hold, and without Redis writes still succeed while streams tell browsers to poll. Two
API processes behind the local edge: test_stateless.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
import pytest
from httpx_sse import ServerSentEvent, aconnect_sse

from taskapp.core.settings import Settings
from taskapp.main import create_app
from tests.conftest import Stack
from tests.factories import Account, Team, assert_error, create_task, make_team, sign_up
from tests.live import served
from tests.partition import relay_to, settings_with

# A liveness bound on waiting for an event: it catches a hang, it measures nothing.
EVENT_BOUND_SECONDS = 10.0


@pytest.fixture
def events_settings(stack: Stack) -> Settings:
    return settings_with(stack.settings, events_heartbeat_seconds=1.0)


@asynccontextmanager
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The API over HTTP, and a client for it (no read timeout: streams wait for events)."""
    with served(create_app(settings)) as url:
        timeout = httpx.Timeout(10.0, read=None)
        async with httpx.AsyncClient(base_url=url, timeout=timeout) as client:
            yield client


class Stream:
    """One open event stream, read in the background into a queue."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[ServerSentEvent | None] = asyncio.Queue()
        self.status: int | None = None
        self.comments = 0

    async def next(self, name: str | None = None) -> ServerSentEvent:
        """The next event (of that name, skipping others)."""
        async with asyncio.timeout(EVENT_BOUND_SECONDS):
            while True:
                event = await self.events.get()
                assert event is not None, "the stream ended"
                if name is None or event.event == name:
                    return event

    async def ended(self) -> None:
        async with asyncio.timeout(EVENT_BOUND_SECONDS):
            while (await self.events.get()) is not None:
                pass


@asynccontextmanager
async def stream(
    client: httpx.AsyncClient, project_id: str, account: Account, last_event_id: str | None = None
) -> AsyncIterator[Stream]:
    headers = dict(account.headers)
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    opened = Stream()

    async def read() -> None:
        try:
            async with aconnect_sse(
                client, "GET", f"/api/projects/{project_id}/events", headers=headers
            ) as source:
                opened.status = source.response.status_code
                async for event in source.aiter_sse():
                    await opened.events.put(event)
        finally:
            await opened.events.put(None)

    reader = asyncio.create_task(read())
    try:
        yield opened
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)


def data(event: ServerSentEvent) -> dict[str, Any]:
    value: dict[str, Any] = orjson.loads(event.data)
    return value


async def update(client: httpx.AsyncClient, team: Team, task: dict[str, Any], **fields: Any) -> Any:
    response = await client.patch(
        f"/api/projects/{team.project_id}/tasks/{task['id']}",
        json=fields,
        headers={**team.member.headers, "If-Match": f'"{task["version"]}"'},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_each_change_reaches_a_viewer_in_order(events_settings: Settings) -> None:
    async with api(events_settings) as client:
        team = await make_team(client)
        async with stream(client, team.project_id, team.viewer) as viewer:
            ready = await viewer.next()
            assert ready.event == "ready" and ready.id
            task = await create_task(client, team.project_id, team.member, title="write the plan")
            created = await viewer.next("change")
            assert data(created) == {
                "kind": "task.created",
                "task_id": task["id"],
                "version": task["version"],
                "actor_id": team.member.id,
            }
            changed = await update(client, team, task, status="in_progress")
            updated = await viewer.next("change")
            assert data(updated)["kind"] == "task.updated"
            assert data(updated)["version"] == changed["version"] == task["version"] + 1
            deleted = await client.delete(
                f"/api/projects/{team.project_id}/tasks/{task['id']}",
                headers=team.owner.headers,
            )
            assert deleted.status_code == 204
            gone = await viewer.next("change")
            assert data(gone)["kind"] == "task.deleted" and data(gone)["actor_id"] == team.owner.id
            # Ids grow: a browser can tell old from new.
            assert [created.id, updated.id, gone.id] == sorted(
                [created.id, updated.id, gone.id], key=lambda i: tuple(map(int, i.split("-")))
            )


async def test_a_reconnect_resumes_after_the_last_event_seen(events_settings: Settings) -> None:
    async with api(events_settings) as client:
        team = await make_team(client)
        async with stream(client, team.project_id, team.member) as first:
            last_seen = (await first.next("ready")).id
        # Away: three changes happen.
        tasks = [
            await create_task(client, team.project_id, team.owner, title=f"while away {i}")
            for i in range(3)
        ]
        async with stream(client, team.project_id, team.member, last_seen) as resumed:
            ready = await resumed.next()
            assert ready.event == "ready" and ready.id == last_seen
            missed = [await resumed.next("change") for _ in tasks]
            assert [data(e)["task_id"] for e in missed] == [t["id"] for t in tasks]
            # Then live again, with nothing repeated.
            later = await create_task(client, team.project_id, team.owner, title="after")
            assert data(await resumed.next("change"))["task_id"] == later["id"]
        # From the middle: only what came after it.
        async with stream(client, team.project_id, team.member, missed[1].id) as again:
            await again.next("ready")
            rest = [data(await again.next("change"))["task_id"] for _ in range(2)]
            assert rest == [tasks[2]["id"], later["id"]]


async def test_a_gap_older_than_the_stream_asks_for_a_refetch(stack: Stack) -> None:
    settings = settings_with(stack.settings, events_stream_length=10)
    async with api(settings) as client:
        team = await make_team(client)
        async with stream(client, team.project_id, team.member) as first:
            last_seen = (await first.next("ready")).id
            await create_task(client, team.project_id, team.owner, title="seen")
            last_seen = (await first.next("change")).id
        # Far more changes than the stream keeps: the oldest are trimmed.
        for i in range(300):
            await create_task(client, team.project_id, team.owner, title=f"busy {i}")
        async with stream(client, team.project_id, team.member, last_seen) as resumed:
            assert (await resumed.next()).event == "reset"
            await resumed.ended()


async def test_who_may_follow_and_what_a_bad_resume_point_gets(
    events_settings: Settings,
) -> None:
    async with api(events_settings) as client:
        team = await make_team(client)
        url = f"/api/projects/{team.project_id}/events"
        assert_error(await client.get(url), 401)
        stranger = await sign_up(client, "stranger")
        assert_error(await client.get(url, headers=stranger.headers), 404, "not_found")
        for bad in ("yesterday", "1-", "-1", "1.5-0", "9" * 30 + "-0"):
            response = await client.get(url, headers={**team.viewer.headers, "Last-Event-ID": bad})
            body = assert_error(response, 400, "bad_request")
            assert "Last-Event-ID" in body["error"]["message"]


async def test_a_removed_member_stream_ends(events_settings: Settings) -> None:
    async with api(events_settings) as client:
        team = await make_team(client)
        async with stream(client, team.project_id, team.member) as member:
            await member.next("ready")
            removed = await client.delete(
                f"/api/projects/{team.project_id}/members/{team.member.id}",
                headers=team.owner.headers,
            )
            assert removed.status_code == 204
            assert (await member.next("removed")).event == "removed"
            await member.ended()


async def test_quiet_streams_get_heartbeats(events_settings: Settings) -> None:
    async with api(events_settings) as client:
        team = await make_team(client)
        url = f"/api/projects/{team.project_id}/events"
        async with client.stream("GET", url, headers=team.viewer.headers) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["cache-control"] == "no-store"
            lines: list[str] = []
            async with asyncio.timeout(EVENT_BOUND_SECONDS):
                async for line in response.aiter_lines():
                    lines.append(line)
                    if line.startswith(":"):
                        break
            # A comment line (the heartbeat, every second here) with no event on the project.
            assert any(line.startswith(":") for line in lines), lines


async def test_streams_per_user_are_bounded(stack: Stack) -> None:
    settings = settings_with(stack.settings, events_connections_per_user=2)
    async with api(settings) as client:
        team = await make_team(client)
        async with (
            stream(client, team.project_id, team.viewer) as one,
            stream(client, team.project_id, team.viewer) as two,
        ):
            await one.next("ready")
            await two.next("ready")
            third = await client.get(
                f"/api/projects/{team.project_id}/events", headers=team.viewer.headers
            )
            body = assert_error(third, 429, "rate_limited")
            assert "2 live streams" in body["error"]["message"]
            # Another user is not affected.
            async with stream(client, team.project_id, team.member) as other:
                assert (await other.next()).event == "ready"
        # Closed streams give their places back.
        async with stream(client, team.project_id, team.viewer) as again:
            assert (await again.next()).event == "ready"


async def test_without_redis_writes_succeed_and_streams_say_poll(stack: Stack) -> None:
    async with relay_to(stack.endpoints.redis_url) as relay:
        settings = settings_with(stack.settings, redis_url=relay.url, events_heartbeat_seconds=1.0)
        async with api(settings) as client:
            team = await make_team(client)
            async with stream(client, team.project_id, team.viewer) as viewer:
                await viewer.next("ready")
                relay.cut()
                assert (await viewer.next("unavailable")).event == "unavailable"
                await viewer.ended()
                task = await create_task(client, team.project_id, team.member, title="offline")
                assert task["version"] == 1
            refused = await client.get(
                f"/api/projects/{team.project_id}/events", headers=team.viewer.headers
            )
            assert_error(refused, 503, "service_unavailable")
            assert refused.headers["Retry-After"]
            listed = await client.get(
                f"/api/projects/{team.project_id}/tasks", headers=team.viewer.headers
            )
            assert [t["title"] for t in listed.json()["items"]] == ["offline"]
