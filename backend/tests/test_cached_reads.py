"""The hot path of warm reads (tasks/cached_reads.py, ADR 0096): it serves exactly what the
route would, counts each request once against the rate limit, and hands everything it must
not serve to the route, which answers as it always did."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from taskapp.tasks.cached_reads import Stats
from tests.conftest import Stack
from tests.factories import Team, assert_error, create_task, in_a_fresh_rate_window, make_team
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
    await in_a_fresh_rate_window()
    async with serving(settings) as (app, client):
        team = await _team_with_tasks(client, count=1)
        tasks = f"/api/projects/{team.project_id}/tasks"
        # The member has spent one request of the window already: accepting the invitation
        # that made them a member (tests/factories.py).
        statuses = [
            (await client.get(tasks, headers=team.member.headers)).status_code for _ in range(limit)
        ]
        assert statuses == [200] * (limit - 1) + [429], statuses
        assert _stats(app).served == limit - 2  # the first was a miss
        refused = await client.get(tasks, headers=team.member.headers)
        assert_error(refused, 429, "rate_limited")
        assert int(refused.headers["retry-after"]) >= 1


async def test_filtered_counts_from_the_hot_path_are_the_routes_and_differ_per_filter(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Issue 10, bug 2: the counts take the list's filters but status. Their entry is named by
    the validated query's digest, worked out the same way by the route and the hot path, so
    each set of filters is served its own counts (one shared entry would serve the first)."""
    team = await make_team(client)
    for title, status, priority in [
        ("Home page", "todo", "urgent"), ("Homework", "in_progress", "low"),
        ("Deploy", "done", "urgent"), ("Retro", "done", "medium"),
    ]:  # fmt: skip
        await create_task(client, team.project_id, team.owner, title=title, status=status,
                          priority=priority)  # fmt: skip
    counts = f"/api/projects/{team.project_id}/tasks/counts"
    stats = _stats(app)
    expected = {
        "": [1, 1, 2, 4],
        "?priority=urgent": [1, 0, 1, 2],
        "?q=hom": [1, 1, 0, 2],
        "?q=hom&priority=urgent": [1, 0, 0, 1],
        f"?assignee_id={team.member.id}": [0, 0, 0, 0],
        "?q=%D0%9F%D1%80%D0%B8%D0%B2": [0, 0, 0, 0],  # "Прив", percent-encoded UTF-8
    }
    for query, numbers in expected.items():
        cold = await client.get(counts + query, headers=team.member.headers)  # the route's
        served, passed = stats.served, stats.passed
        warm = await client.get(counts + query, headers=team.member.headers)
        assert (stats.served, stats.passed) == (served + 1, passed), query
        assert warm.content == cold.content, query
        body = warm.json()
        assert [body["todo"], body["in_progress"], body["done"], body["total"]] == numbers, query
    # The same filters in another order: the same validated query, the same entry.
    served = stats.served
    reordered = await client.get(f"{counts}?priority=urgent&q=hom", headers=team.member.headers)
    assert stats.served == served + 1
    assert reordered.json() == {"todo": 1, "in_progress": 0, "done": 0, "total": 1}
    # What the route refuses is never served: status, a list-only parameter, a bad value.
    for query in ("?status=todo", "?limit=5", "?priority=nope", f"?q={'x' * 201}"):
        assert_error(await client.get(counts + query, headers=team.member.headers), 422)
    # Not plain (an empty or repeated value): the route answers, as it would for a list.
    for query, total in (("?q=", 4), ("?q=zzz&q=hom", 2)):
        response = await client.get(counts + query, headers=team.member.headers)
        assert response.status_code == 200 and response.json()["total"] == total, query
    assert stats.served == served + 1
    # A write empties every entry of the project, filtered or not.
    await create_task(client, team.project_id, team.owner, title="Home again", priority="urgent")
    after = (await client.get(f"{counts}?q=hom", headers=team.member.headers)).json()
    assert after == {"todo": 2, "in_progress": 1, "done": 0, "total": 3}


async def test_a_plain_miss_is_answered_the_full_way_without_the_router(stack: Stack) -> None:
    """With the cache off every plain read misses: the hot path answers it as the route does
    (`authenticate`, then `list_tasks` or `count_tasks`), errors included; only a read that is
    not plain reaches the route."""
    settings = settings_with(stack.settings, cache_reads=False)
    async with serving(settings) as (app, client):
        team = await _team_with_tasks(client, count=2)
        tasks = f"/api/projects/{team.project_id}/tasks"
        stats = _stats(app)
        loaded, passed = stats.loaded, stats.passed
        page = await client.get(f"{tasks}?limit=1", headers=team.viewer.headers)
        assert page.status_code == 200, page.text
        assert [t["title"] for t in page.json()["items"]] == ["Task 1"]
        assert page.json()["next_cursor"]
        counts = await client.get(f"{tasks}/counts", headers=team.viewer.headers)
        assert counts.json() == {"todo": 2, "in_progress": 0, "done": 0, "total": 2}
        assert_error(await client.get(tasks, headers=team.stranger.headers), 404)
        forged = {"Authorization": team.member.headers["Authorization"][:-4] + "AAAA"}
        assert_error(await client.get(tasks, headers=forged), 401)
        assert (stats.loaded - loaded, stats.passed - passed, stats.served) == (4, 0, 0)
        # Not plain: the route's 422, and its 401 before it.
        assert_error(await client.get(f"{tasks}?limit=0", headers=team.member.headers), 422)
        assert_error(await client.get(f"{tasks}?limit=0"), 401)
        assert stats.passed - passed == 2
