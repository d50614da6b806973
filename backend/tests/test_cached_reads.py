"""The hot path of warm reads (tasks/cached_reads.py, ADR 0096): it serves exactly what the
route would, counts each request once against the rate limit, and hands everything it must
not serve to the route, which answers as it always did."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from taskapp.tasks.cached_reads import Stats
from tests.conftest import Stack
from tests.factories import Team, assert_error, create_task, make_team
from tests.partition import serving, settings_with


def _stats(app: FastAPI) -> Stats:
    stats: Stats = app.state.cached_reads
    return stats


async def _team_with_tasks(client: httpx.AsyncClient, count: int = 3) -> Team:
    team = await make_team(client)
    for number in range(count):
        await create_task(client, team.project_id, team.owner, title=f"Task {number}")
    return team


async def test_a_warm_page_is_served_by_the_hot_path_as_the_route_serves_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    team = await _team_with_tasks(client)
    tasks = f"/api/projects/{team.project_id}/tasks"
    stats = _stats(app)
    first = await client.get(f"{tasks}?limit=2&sort=-priority", headers=team.member.headers)
    assert first.status_code == 200, first.text
    served, passed = stats.served, stats.passed
    warm = await client.get(f"{tasks}?limit=2&sort=-priority", headers=team.member.headers)
    assert stats.served == served + 1 and stats.passed == passed
    # Same parameters in another order: the same query, so the same entry, from the hot path.
    reordered = await client.get(f"{tasks}?sort=-priority&limit=2", headers=team.member.headers)
    assert stats.served == served + 2
    # A repeated parameter is not plain: the route answers it (the last value counts there).
    repeated = await client.get(
        f"{tasks}?limit=7&limit=2&sort=-priority", headers=team.member.headers
    )
    assert stats.passed == passed + 1
    assert warm.content == reordered.content == repeated.content == first.content
    assert warm.headers["content-type"] == first.headers["content-type"] == "application/json"
    assert warm.headers["x-content-type-options"] == "nosniff"  # the request context's headers
    assert warm.headers["x-request-id"] != first.headers["x-request-id"]

    await client.get(f"{tasks}/counts", headers=team.viewer.headers)
    counts = await client.get(f"{tasks}/counts", headers=team.viewer.headers)
    assert stats.served == served + 3
    assert counts.json() == {"todo": 3, "in_progress": 0, "done": 0, "total": 3}


async def test_what_the_hot_path_must_not_serve_gets_the_routes_answer(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    team = await _team_with_tasks(client)
    tasks = f"/api/projects/{team.project_id}/tasks"
    for _ in range(2):
        assert (await client.get(tasks, headers=team.member.headers)).status_code == 200
    stats = _stats(app)
    served = stats.served

    # Not a member (the stranger's token is valid; the entry is the member's).
    assert_error(await client.get(tasks, headers=team.stranger.headers), 404)
    # Queries the route refuses, an unknown parameter, an empty value.
    assert_error(await client.get(f"{tasks}?colour=red", headers=team.member.headers), 422)
    assert_error(await client.get(f"{tasks}?limit=0", headers=team.member.headers), 422)
    assert_error(await client.get(f"{tasks}?limit=", headers=team.member.headers), 422)
    # No token, another scheme, a forged token.
    assert_error(await client.get(tasks), 401)
    basic = {"Authorization": "Basic " + team.member.headers["Authorization"].split()[1]}
    assert_error(await client.get(tasks, headers=basic), 401)
    forged = {"Authorization": team.member.headers["Authorization"][:-4] + "AAAA"}
    assert_error(await client.get(tasks, headers=forged), 401)
    assert stats.served == served

    # A removed member, with their entry still warm.
    removed = await client.delete(
        f"/api/projects/{team.project_id}/members/{team.member.id}", headers=team.owner.headers
    )
    assert removed.status_code == 204, removed.text
    assert_error(await client.get(tasks, headers=team.member.headers), 404)
    # A session that ended: the viewer's warm entry is not served after logout.
    for _ in range(2):
        assert (await client.get(tasks, headers=team.viewer.headers)).status_code == 200
    assert stats.served == served + 1
    logout = await client.post(
        "/api/auth/logout", json={"refresh_token": team.viewer.refresh_token}
    )
    assert logout.status_code == 204, logout.text
    assert_error(await client.get(tasks, headers=team.viewer.headers), 401)
    assert stats.served == served + 1


async def test_each_read_counts_once_against_the_rate_limit(stack: Stack) -> None:
    """A miss goes through the hot path and then the route: it must count once, or the
    limit would bite early. Batch 1: every request is counted in Redis."""
    limit = 6
    settings = settings_with(stack.settings, rate_limit_api_per_user=limit, rate_limit_api_batch=1)
    async with serving(settings) as (app, client):
        team = await _team_with_tasks(client, count=1)
        tasks = f"/api/projects/{team.project_id}/tasks"
        statuses = [
            (await client.get(tasks, headers=team.member.headers)).status_code
            for _ in range(limit + 1)
        ]
        assert statuses == [200] * limit + [429], statuses
        assert _stats(app).served == limit - 1  # the first was a miss
        refused = await client.get(tasks, headers=team.member.headers)
        assert_error(refused, 429, "rate_limited")
        assert int(refused.headers["retry-after"]) >= 1
