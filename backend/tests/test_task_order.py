"""The board's manual order (ADR 0106): new tasks at the top of their column, moves with
`after_id` to the top, after a task or to the bottom, into another column, renumbering when a
gap runs out, the errors, and concurrent moves into one gap."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import pytest

from taskapp.tasks.models import POSITION_GAP
from tests.conftest import Stack
from tests.factories import Team, assert_error, create_task, make_team, run_sql


@pytest.fixture
async def team(client: httpx.AsyncClient) -> Team:
    return await make_team(client)


def url(team: Team, suffix: str = "") -> str:
    return f"/api/projects/{team.project_id}/tasks{suffix}"


async def column(
    client: httpx.AsyncClient, team: Team, status: str = "todo", limit: int = 100
) -> list[dict[str, Any]]:
    """A column's tasks in board order, page by page (`limit` small walks the cursor)."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"status": status, "sort": "position", "limit": limit}
    while True:
        response = await client.get(url(team), params=params, headers=team.viewer.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        if page["next_cursor"] is None:
            return items
        params["cursor"] = page["next_cursor"]


async def titles(client: httpx.AsyncClient, team: Team, status: str = "todo") -> list[str]:
    items = await column(client, team, status, limit=2)
    positions = [item["position"] for item in items]
    assert positions == sorted(positions) and len(set(positions)) == len(positions), positions
    return [item["title"] for item in items]


async def move(
    client: httpx.AsyncClient, team: Team, task: dict[str, Any], **body: Any
) -> httpx.Response:
    """PATCH the task with its current version; the task's dict takes the answer."""
    current = await client.get(url(team, f"/{task['id']}"), headers=team.member.headers)
    response = await client.patch(
        url(team, f"/{task['id']}"),
        json=body,
        headers={**team.member.headers, "If-Match": current.headers["ETag"]},
    )
    if response.status_code == 200:
        task.update(response.json())
    return response


async def make_tasks(
    client: httpx.AsyncClient, team: Team, *names: str, status: str = "todo"
) -> dict[str, dict[str, Any]]:
    return {
        name: await create_task(client, team.project_id, team.member, title=name, status=status)
        for name in names
    }


class TestNewTasks:
    async def test_new_tasks_go_to_the_top_of_their_column(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "a", "b", "c")
        await make_tasks(client, team, "x", status="done")
        assert tasks["a"]["position"] == 0
        assert tasks["b"]["position"] == -POSITION_GAP
        assert await titles(client, team) == ["c", "b", "a"]
        assert await titles(client, team, "done") == ["x"]
        done = await column(client, team, "done")
        assert done[0]["position"] == 0  # an empty column starts at 0

    async def test_the_default_sort_is_still_newest_first(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "a", "b", "c")
        assert (await move(client, team, tasks["c"], after_id=tasks["a"]["id"])).status_code == 200
        response = await client.get(url(team), headers=team.viewer.headers)
        assert [t["title"] for t in response.json()["items"]] == ["c", "b", "a"]


class TestMoves:
    async def test_to_the_top_after_a_task_and_to_the_bottom(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "e", "d", "c", "b", "a")
        assert await titles(client, team) == ["a", "b", "c", "d", "e"]
        response = await move(client, team, tasks["d"], after_id=None)
        assert response.status_code == 200, response.text
        assert response.json()["version"] == 2
        assert await titles(client, team) == ["d", "a", "b", "c", "e"]
        await move(client, team, tasks["d"], after_id=tasks["b"]["id"])
        assert await titles(client, team) == ["a", "b", "d", "c", "e"]
        await move(client, team, tasks["a"], after_id=tasks["e"]["id"])
        assert await titles(client, team) == ["b", "d", "c", "e", "a"]
        # Where it already is: stays there.
        await move(client, team, tasks["d"], after_id=tasks["b"]["id"])
        assert await titles(client, team) == ["b", "d", "c", "e", "a"]

    async def test_into_another_column_after_a_task(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "b", "a")
        tasks |= await make_tasks(client, team, "z", "y", "x", status="in_progress")
        response = await move(
            client, team, tasks["a"], status="in_progress", after_id=tasks["y"]["id"]
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "in_progress"
        assert await titles(client, team, "in_progress") == ["x", "y", "a", "z"]
        assert await titles(client, team) == ["b"]
        # At the top of another column.
        await move(client, team, tasks["z"], status="todo", after_id=None)
        assert await titles(client, team) == ["z", "b"]

    async def test_a_status_change_alone_goes_to_the_top_of_the_new_column(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "a")
        await make_tasks(client, team, "z", "y", status="done")
        await move(client, team, tasks["a"], status="done")
        assert await titles(client, team, "done") == ["a", "y", "z"]
        # Any other change, or the status it already has, keeps the place.
        await move(client, team, tasks["a"], status="done", title="a")
        await move(client, team, tasks["a"], priority="high")
        assert await titles(client, team, "done") == ["a", "y", "z"]
        y = (await column(client, team, "done"))[1]
        await move(client, team, y, description="changed")
        assert await titles(client, team, "done") == ["a", "y", "z"]

    async def test_a_move_within_a_column_records_no_history(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "b", "a")
        await move(client, team, tasks["b"], after_id=None)
        await move(client, team, tasks["b"], status="done")
        response = await client.get(
            url(team, f"/{tasks['b']['id']}/activity"), headers=team.viewer.headers
        )
        history = response.json()["items"]
        assert [e["kind"] for e in history] == ["task.updated", "task.created"]
        assert set(history[0]["changes"]) == {"status"}

    async def test_a_move_reaches_a_cached_page(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "b", "a")
        assert await titles(client, team) == ["a", "b"]
        assert await titles(client, team) == ["a", "b"]  # warm: from the cache
        await move(client, team, tasks["b"], after_id=None)
        assert await titles(client, team) == ["b", "a"]


class TestRenumbering:
    async def test_an_exhausted_gap_renumbers_the_column(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "right", "left", "p", "q")
        # q and p take turns going right after `left`: each halves the gap left of `right`.
        movers = [tasks["p"], tasks["q"]]
        expected = ["left", "right"]
        for turn in range(24):
            mover = movers[turn % 2]
            response = await move(client, team, mover, after_id=tasks["left"]["id"])
            assert response.status_code == 200, response.text
            other = movers[(turn + 1) % 2]["title"]
            expected = ["left", mover["title"], other, "right"]
        items = await column(client, team)
        assert [item["title"] for item in items] == expected
        positions = [item["position"] for item in items]
        assert positions == sorted(positions) and len(set(positions)) == 4
        # Renumbered (20 halvings of the gap, then none left): `left` was at -GAP, and a
        # renumbered column keeps its first position (ADR 0106's amendment), gaps after it.
        assert positions[0] == -POSITION_GAP, positions

    async def test_renumbering_keeps_other_tasks_versions(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "right", "left", "p", "q")
        for turn in range(22):
            await move(
                client, team, [tasks["p"], tasks["q"]][turn % 2], after_id=tasks["left"]["id"]
            )
        for name in ("left", "right"):
            got = await client.get(url(team, f"/{tasks[name]['id']}"), headers=team.viewer.headers)
            assert got.json()["version"] == 1


class TestErrors:
    async def test_after_itself_is_422(self, client: httpx.AsyncClient, team: Team) -> None:
        tasks = await make_tasks(client, team, "a")
        response = await move(client, team, tasks["a"], after_id=tasks["a"]["id"])
        body = assert_error(response, 422, "validation_error")
        assert "after itself" in body["error"]["message"]
        assert body["error"]["details"][0]["loc"] == ["body", "after_id"]

    async def test_after_a_task_of_another_project_is_422(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "a")
        other = await make_team(client)
        foreign = await create_task(client, other.project_id, other.owner)
        for after_id in (foreign["id"], "00000000-0000-4000-8000-000000000000"):
            response = await move(client, team, tasks["a"], after_id=after_id)
            body = assert_error(response, 422, "validation_error")
            assert body["error"]["message"] == (
                f"`after_id` {after_id} is not a task of this project."
            )
        bad = await move(client, team, tasks["a"], after_id="not-a-uuid")
        assert_error(bad, 422, "validation_error")

    async def test_after_a_task_in_another_column_is_409(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = await make_tasks(client, team, "a")
        tasks |= await make_tasks(client, team, "d", status="done")
        response = await move(client, team, tasks["a"], after_id=tasks["d"]["id"])
        body = assert_error(response, 409, "conflict")
        assert "`done`" in body["error"]["message"] and "`todo`" in body["error"]["message"]
        response = await move(
            client, team, tasks["d"], status="in_progress", after_id=tasks["a"]["id"]
        )
        body = assert_error(response, 409, "conflict")
        assert body["error"]["details"] == {"after_status": "todo", "status": "in_progress"}
        # Nothing changed.
        assert tasks["a"]["version"] == 1 and tasks["d"]["version"] == 1
        assert await titles(client, team, "done") == ["d"]

    async def test_a_stale_if_match_is_412(self, client: httpx.AsyncClient, team: Team) -> None:
        tasks = await make_tasks(client, team, "b", "a")
        await move(client, team, tasks["b"], title="b2")
        response = await client.patch(
            url(team, f"/{tasks['b']['id']}"),
            json={"after_id": None},
            headers={**team.member.headers, "If-Match": '"1"'},
        )
        body = assert_error(response, 412, "precondition_failed")
        assert body["error"]["details"]["current_version"] == 2
        assert await titles(client, team) == ["a", "b2"]

    async def test_a_viewer_cannot_move(self, client: httpx.AsyncClient, team: Team) -> None:
        tasks = await make_tasks(client, team, "b", "a")
        response = await client.patch(
            url(team, f"/{tasks['b']['id']}"),
            json={"after_id": None},
            headers={**team.viewer.headers, "If-Match": '"1"'},
        )
        assert_error(response, 403)

    async def test_a_cursor_of_another_sort_or_out_of_range_is_400(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        await make_tasks(client, team, "b", "a")
        first = await client.get(
            url(team), params={"sort": "-priority", "limit": 1}, headers=team.viewer.headers
        )
        cursor = first.json()["next_cursor"]
        response = await client.get(
            url(team), params={"sort": "position", "cursor": cursor}, headers=team.viewer.headers
        )
        assert_error(response, 400)
        for value in (2**63, -(2**63) - 1, 1.5, True, "1", None):
            raw = json.dumps(["position", value, "00000000-0000-4000-8000-000000000000"])
            forged = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
            response = await client.get(
                url(team), params={"sort": "position", "cursor": forged},
                headers=team.viewer.headers,
            )  # fmt: skip
            assert_error(response, 400)


class TestConcurrentMoves:
    TRIALS = 10

    async def test_two_moves_into_one_gap_end_in_a_strict_order(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        for trial in range(self.TRIALS):
            status = ("todo", "in_progress", "done")[trial % 3]
            tasks = await make_tasks(client, team, f"right{trial}", f"left{trial}", status=status)
            movers = await make_tasks(client, team, f"p{trial}", f"q{trial}", status=status)
            headers = {**team.member.headers, "If-Match": '"1"'}
            responses = await asyncio.gather(
                *(
                    client.patch(
                        url(team, f"/{mover['id']}"),
                        json={"after_id": tasks[f"left{trial}"]["id"]},
                        headers=headers,
                    )
                    for mover in movers.values()
                )
            )
            assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
            items = [
                item
                for item in await column(client, team, status)
                if item["title"].endswith(str(trial))
            ]
            names = [item["title"] for item in items]
            assert names[0] == f"left{trial}" and names[-1] == f"right{trial}", names
            assert set(names[1:3]) == {f"p{trial}", f"q{trial}"}
            positions = [item["position"] for item in await column(client, team, status)]
            assert positions == sorted(positions) and len(set(positions)) == len(positions)

    async def test_concurrent_new_tasks_are_distinct_and_above_the_older_ones(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        # A creation takes no column lock (ADR 0106's amendment): tasks created at the same
        # moment may share a position; they are still distinct tasks, all above the older
        # ones, and the column keeps a total order, ties by id.
        await make_tasks(client, team, "old1", "old2")
        for trial in range(3):
            created = await asyncio.gather(
                *(
                    create_task(client, team.project_id, team.member, title=f"t{trial}.{n}")
                    for n in range(6)
                )
            )
            assert len({task["id"] for task in created}) == 6
            items = await column(client, team, limit=4)
            names = [item["title"] for item in items]
            assert set(names[:6]) == {f"t{trial}.{n}" for n in range(6)}, names
            assert names[-2:] == ["old2", "old1"]
            keys = [(item["position"], item["id"]) for item in items]
            assert keys == sorted(keys) and len(items) == 2 + 6 * (trial + 1)

    async def test_a_move_into_a_tie_renumbers_and_keeps_the_order(
        self, client: httpx.AsyncClient, team: Team, stack: Stack
    ) -> None:
        # Two tasks at one position, as simultaneous creations may leave them.
        tasks = await make_tasks(client, team, "c", "b", "a", "mover")
        await run_sql(
            stack.admin_settings.sqlalchemy_database_url,
            "UPDATE tasks SET position = :p WHERE id IN (:a, :b)",
            p=-POSITION_GAP, a=tasks["a"]["id"], b=tasks["b"]["id"],
        )  # fmt: skip
        tied = sorted((tasks["a"], tasks["b"]), key=lambda task: task["id"])
        response = await move(client, team, tasks["mover"], after_id=tied[0]["id"])
        assert response.status_code == 200, response.text
        names = [item["title"] for item in await column(client, team)]
        assert names == [tied[0]["title"], "mover", tied[1]["title"], "c"]
        positions = [item["position"] for item in await column(client, team)]
        assert positions == sorted(positions) and len(set(positions)) == 4
