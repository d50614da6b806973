"""The hot path of writes (tasks/hot_writes.py, ADR 0108): a plain task create or update is
answered before FastAPI routes it, with the route's own answer, error or not; anything that is
not plain goes to the route with its body, which answers it as it always did."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI

from taskapp.main import create_app
from taskapp.tasks.hot_writes import HotTaskWrites, Stats
from tests.conftest import Stack
from tests.factories import (
    Account,
    Team,
    assert_error,
    create_task,
    in_a_fresh_rate_window,
    make_team,
)
from tests.partition import serving, settings_with


def _stats(app: FastAPI) -> Stats:
    stats: Stats = app.state.hot_writes
    return stats


@contextlib.asynccontextmanager
async def _routes_only(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """Another API process without the hot path: every write answered by its route."""
    app = create_app(stack.settings)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not HotTaskWrites]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.40", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def _shape(response: httpx.Response, team: Team) -> tuple[Any, ...]:
    """What must be the same whichever way a write went: status, error, and for a task its
    fields, with the team's ids named by role, but the ones that differ per task (ids, times,
    positions); the ETag its version."""
    body = response.json()
    if response.status_code >= 400:
        return response.status_code, body
    names = {team.project_id: "project"} | {
        account.id: role
        for role, account in (
            ("owner", team.owner),
            ("member", team.member),
            ("viewer", team.viewer),
        )
    }
    fields = {
        key: names.get(value, value) if isinstance(value, str) else value
        for key, value in body.items()
        if key not in {"id", "created_at", "updated_at", "position"}
    }
    return response.status_code, fields, response.headers["etag"] == f'"{body["version"]}"'


Scenario = Callable[[httpx.AsyncClient, Team], Awaitable[list[httpx.Response]]]


async def _writes(client: httpx.AsyncClient, team: Team) -> list[httpx.Response]:
    """One of each answer a create or an update can get, each from a request that is plain."""
    tasks = f"/api/projects/{team.project_id}/tasks"
    owner, member, viewer, stranger = team.owner, team.member, team.viewer, team.stranger
    body = {"title": "Write the launch post", "priority": "high", "due_date": "2030-01-31"}

    async def patch(path: str, change: dict[str, Any], who: Account, etag: str) -> httpx.Response:
        return await client.patch(path, json=change, headers={**who.headers, "If-Match": etag})

    created = await client.post(
        tasks, json={**body, "assignee_id": member.id}, headers=owner.headers
    )
    task = f"{tasks}/{created.json()['id']}"
    unknown = f"{tasks}/00000000-0000-4000-8000-000000000000"
    forged = {"Authorization": owner.headers["Authorization"][:-4] + "AAAA"}
    return [
        created,
        await client.post(tasks, json=body, headers=viewer.headers),  # 403
        await client.post(tasks, json=body, headers=stranger.headers),  # 404
        await client.post(tasks, json=body, headers=forged),  # 401
        await client.post(tasks, json={**body, "assignee_id": stranger.id}, headers=owner.headers),
        await patch(task, {"title": "Post it"}, member, '"1"'),
        await patch(task, {"title": "Stale"}, member, '"1"'),  # 412
        await patch(task, {"status": "done"}, member, 'W/"2"'),  # a placement: a transaction
        await patch(task, {"title": "x"}, viewer, '"3"'),  # 403
        await patch(unknown, {"title": "x"}, owner, '"1"'),  # 404
        await patch(task, {"assignee_id": stranger.id}, owner, '"3"'),  # 422
        await patch(task, {"due_date": None, "after_id": None}, owner, '"3"'),
    ]


async def test_plain_writes_get_the_routes_answers_from_the_hot_path(
    app: FastAPI, client: httpx.AsyncClient, stack: Stack
) -> None:
    team = await make_team(client)
    stats = _stats(app)
    served, passed = stats.served, stats.passed
    hot = await _writes(client, team)
    writes = len(hot)
    assert (stats.served - served, stats.passed - passed) == (writes, 0)
    async with _routes_only(stack) as routed_client:
        routed_team = await make_team(routed_client)
        routed = await _writes(routed_client, routed_team)
    assert [_shape(r, team) for r in hot] == [_shape(r, routed_team) for r in routed]
    statuses = [r.status_code for r in hot]
    assert statuses == [201, 403, 404, 401, 422, 200, 412, 200, 403, 404, 422, 200], statuses
    # The request context still wraps it: the request id and the security headers.
    assert hot[0].headers["x-request-id"] and hot[0].headers["x-content-type-options"] == "nosniff"


async def test_a_written_task_reads_back_as_the_hot_path_answered_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    team = await make_team(client)
    tasks = f"/api/projects/{team.project_id}/tasks"
    page = await client.get(tasks, headers=team.member.headers)  # warms the cache
    assert page.json()["items"] == []
    created = await client.post(tasks, json={"title": "Hot"}, headers=team.member.headers)
    assert created.status_code == 201, created.text
    task = f"{tasks}/{created.json()['id']}"
    read = await client.get(task, headers=team.member.headers)
    assert read.json() == created.json() and read.headers["etag"] == created.headers["etag"]
    updated = await client.patch(
        task, json={"description": "**now**"}, headers={**team.member.headers, "If-Match": '"1"'}
    )
    assert updated.status_code == 200, updated.text
    # The write emptied the cached page: the next read is the new state, not the warm one.
    items = (await client.get(tasks, headers=team.member.headers)).json()["items"]
    assert [(t["title"], t["description"], t["version"]) for t in items] == [("Hot", "**now**", 2)]


async def test_what_is_not_plain_goes_to_the_route_with_its_body(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    team = await make_team(client)
    tasks = f"/api/projects/{team.project_id}/tasks"
    task = f"{tasks}/{(await create_task(client, team.project_id, team.owner))['id']}"
    stats = _stats(app)
    served, passed = stats.served, stats.passed
    member, stranger = team.member.headers, team.stranger.headers

    # A body the model refuses: the route's 422 with its details; a stranger's gets 404 first.
    refused = assert_error(await client.post(tasks, json={"title": ""}, headers=member), 422)
    assert refused["error"]["details"][0]["loc"] == ["body", "title"]
    assert_error(await client.post(tasks, json={"title": ""}, headers=stranger), 404)
    assert_error(
        await client.post(tasks, json={"title": "a", "colour": "red"}, headers=member), 422
    )
    assert_error(
        await client.post(
            tasks, content=b"{", headers={**member, "Content-Type": "application/json"}
        ),
        422,
    )
    # Not JSON by its content type: the route decides (FastAPI reads no JSON body from it).
    text = await client.post(
        tasks, content=b'{"title": "a"}', headers={**member, "Content-Type": "text/plain"}
    )
    assert text.status_code == 422, text.text
    # No token, another scheme: the route's 401.
    assert_error(await client.post(tasks, json={"title": "a"}), 401)
    basic = {"Authorization": "Basic " + member["Authorization"].split()[1]}
    assert_error(await client.post(tasks, json={"title": "a"}, headers=basic), 401)
    # If-Match missing, malformed, longer than the route reads: 428, 400, 422.
    assert_error(await client.patch(task, json={"title": "b"}, headers=member), 428)
    assert_error(
        await client.patch(task, json={"title": "b"}, headers={**member, "If-Match": "one"}), 400
    )
    assert_error(
        await client.patch(
            task, json={"title": "b"}, headers={**member, "If-Match": '"1"' + " " * 70}
        ),
        422,
    )
    # A stranger's PATCH without If-Match is refused as a stranger's first (404, not 428).
    assert_error(await client.patch(task, json={"title": "b"}, headers=stranger), 404)
    # Other writes under a project are the routes' (a member's invitation: 403).
    invitations = f"/api/projects/{team.project_id}/invitations"
    assert_error(
        await client.post(invitations, json={"email": "a@example.com"}, headers=member), 403
    )
    assert stats.served == served
    assert stats.passed == passed + 12
    # Nothing of it was written.
    page = (await client.get(tasks, headers=team.owner.headers)).json()["items"]
    assert [(t["title"], t["version"]) for t in page] == [("Write the spec", 1)]


async def test_each_write_counts_once_against_the_rate_limit(stack: Stack) -> None:
    """Batch 1: every request is counted in Redis, by the hot path or by the route, never both."""
    limit = 5
    settings = settings_with(stack.settings, rate_limit_api_per_user=limit, rate_limit_api_batch=1)
    await in_a_fresh_rate_window()
    async with serving(settings) as (app, client):
        team = await make_team(client)
        tasks = f"/api/projects/{team.project_id}/tasks"
        # The member has spent one request of the window: accepting the invitation.
        plain = [
            (await client.post(tasks, json={"title": f"T{n}"}, headers=team.member.headers))
            for n in range(2)
        ]
        refused = await client.post(tasks, json={"title": ""}, headers=team.member.headers)  # route
        last = await client.post(tasks, json={"title": "T3"}, headers=team.member.headers)
        over = await client.post(tasks, json={"title": "T4"}, headers=team.member.headers)
        assert [r.status_code for r in (*plain, refused, last)] == [201, 201, 422, 201]
        assert_error(over, 429, "rate_limited")
        assert int(over.headers["retry-after"]) >= 1
        stats = _stats(app)
        assert (stats.served, stats.passed) >= (4, 1)
