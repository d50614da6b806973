"""Activity (ADR 0103): every change to a task, its comments and attachments, and to the
project's membership is one entry, written in the change's own transaction, with the changed
fields before and after; readable by every member as the project's feed and the task's
history, newest first. Tasks also say who created and last changed them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from taskapp.comments.schemas import CommentCreate
from taskapp.comments.service import CommentService
from taskapp.core.settings import Settings
from taskapp.projects.dependencies import ProjectAccess
from taskapp.projects.models import Role
from taskapp.tasks.schemas import TaskUpdate
from taskapp.tasks.service import TaskService
from tests.factories import (
    Team,
    add_member,
    assert_error,
    create_task,
    make_team,
    post_to_s3,
    sign_up,
)


@pytest.fixture
async def team(client: httpx.AsyncClient) -> Team:
    return await make_team(client)


def feed_url(team: Team) -> str:
    return f"/api/projects/{team.project_id}/activity"


def task_url(team: Team, task_id: str, suffix: str = "") -> str:
    return f"/api/projects/{team.project_id}/tasks/{task_id}{suffix}"


async def entries(client: httpx.AsyncClient, url: str, team: Team) -> list[dict[str, Any]]:
    """Every entry of a feed, newest first (one page: the tests make fewer than 100)."""
    response = await client.get(url, params={"limit": "100"}, headers=team.viewer.headers)
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def change(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after}


async def patch_task(
    client: httpx.AsyncClient, team: Team, task: dict[str, Any], account: Any, **fields: Any
) -> dict[str, Any]:
    response = await client.patch(
        task_url(team, task["id"]),
        json=fields,
        headers={**account.headers, "If-Match": f'"{task["version"]}"'},
    )
    assert response.status_code == 200, response.text
    updated: dict[str, Any] = response.json()
    return updated


class TestTaskChanges:
    async def test_who_created_and_changed_a_task(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.member)
        assert task["created_by_id"] == task["updated_by_id"] == team.member.id
        assert task["comment_count"] == 0
        moved = await patch_task(client, team, task, team.owner, status="in_progress")
        assert moved["created_by_id"] == team.member.id
        assert moved["updated_by_id"] == team.owner.id
        # The board (hand-written SQL, then cached bytes) says the same.
        for _ in range(2):
            board = await client.get(
                f"/api/projects/{team.project_id}/tasks", headers=team.viewer.headers
            )
            assert board.json()["items"] == [moved]

    async def test_create_update_move_delete_are_recorded_with_before_and_after(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(
            client, team.project_id, team.member, title="Draft", priority="high",
            due_date="2030-01-31",
        )  # fmt: skip
        updated = await patch_task(
            client, team, task, team.owner, title="Final", assignee_id=team.viewer.id,
            priority="high", description="",  # unchanged: not recorded
        )  # fmt: skip
        moved = await patch_task(client, team, updated, team.member, status="done", due_date=None)
        history = await entries(client, task_url(team, task["id"], "/activity"), team)
        assert [e["kind"] for e in history] == ["task.updated", "task.updated", "task.created"]
        created, first, second = reversed(history)
        assert created["actor_id"] == team.member.id and created["task_id"] == task["id"]
        assert created["changes"] == {
            "title": change(None, "Draft"),
            "description": change(None, ""),
            "status": change(None, "todo"),
            "priority": change(None, "high"),
            "due_date": change(None, "2030-01-31"),
        }
        assert first["actor_id"] == team.owner.id
        assert first["changes"] == {
            "title": change("Draft", "Final"),
            "assignee_id": change(None, team.viewer.id),
        }
        assert second["actor_id"] == team.member.id
        assert second["changes"] == {
            "status": change("todo", "done"),
            "due_date": change("2030-01-31", None),
        }
        assert all(e["project_id"] == team.project_id and e["target_id"] is None for e in history)

        deleted = await client.delete(task_url(team, task["id"]), headers=team.member.headers)
        assert deleted.status_code == 204
        # The task's own history goes with it; the project's feed keeps the deletion.
        assert_error(
            await client.get(task_url(team, task["id"], "/activity"), headers=team.viewer.headers),
            404,
        )
        newest = (await entries(client, feed_url(team), team))[0]
        assert newest["kind"] == "task.deleted" and newest["task_id"] == task["id"]
        assert newest["changes"] == {
            "title": change("Final", None),
            "description": change("", None),
            "status": change("done", None),
            "priority": change("high", None),
            "assignee_id": change(team.viewer.id, None),
        }
        assert moved["version"] == 3

    async def test_an_update_that_changes_nothing_records_nothing(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.member, title="Same")
        await patch_task(client, team, task, team.member, title="Same")
        history = await entries(client, task_url(team, task["id"], "/activity"), team)
        assert [e["kind"] for e in history] == ["task.created"]

    async def test_a_refused_update_records_nothing(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.member)
        stale = await client.patch(
            task_url(team, task["id"]),
            json={"title": "Late"},
            headers={**team.owner.headers, "If-Match": '"7"'},
        )
        assert_error(stale, 412, "precondition_failed")
        bad_assignee = await client.patch(
            task_url(team, task["id"]),
            json={"assignee_id": team.stranger.id},
            headers={**team.owner.headers, "If-Match": '"1"'},
        )
        assert_error(bad_assignee, 422)
        history = await entries(client, task_url(team, task["id"], "/activity"), team)
        assert [e["kind"] for e in history] == ["task.created"]


class TestSameTransaction:
    """The entry is written with the change and rolled back with it: the services run in a
    real transaction of the app's database that fails after they return."""

    async def test_a_rolled_back_change_leaves_no_activity(
        self, client: httpx.AsyncClient, team: Team, app: FastAPI, settings: Settings
    ) -> None:
        task = await create_task(client, team.project_id, team.member, title="Kept")
        state = app.state
        access = ProjectAccess(uuid.UUID(team.project_id), uuid.UUID(team.owner.id), Role.owner)

        async def change_then_fail() -> None:
            async with state.database.transaction() as session:
                tasks = TaskService(session, state.cache, state.events)
                await tasks.update(access, uuid.UUID(task["id"]), 1, TaskUpdate(title="Gone"))
                comments = CommentService(
                    session, state.cache, state.events, state.rate_limiter, settings
                )
                await comments.create(access, uuid.UUID(task["id"]), CommentCreate(body="Gone"))
                raise RuntimeError("the change fails before its commit")

        with pytest.raises(RuntimeError, match="commit"):
            await change_then_fail()
        now = await client.get(task_url(team, task["id"]), headers=team.viewer.headers)
        assert now.json()["title"] == "Kept" and now.json()["comment_count"] == 0
        history = await entries(client, task_url(team, task["id"], "/activity"), team)
        assert [e["kind"] for e in history] == ["task.created"]


class TestCommentsAndAttachments:
    async def test_comments_are_recorded_without_their_text(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        comments = task_url(team, task["id"], "/comments")
        secret = "the launch code is 1234"
        comment = (await client.post(comments, json={"body": secret},
                                     headers=team.member.headers)).json()  # fmt: skip
        await client.patch(f"{comments}/{comment['id']}", json={"body": secret + "5"},
                           headers=team.member.headers)  # fmt: skip
        # Moderation: the owner deletes the member's comment.
        await client.delete(f"{comments}/{comment['id']}", headers=team.owner.headers)
        history = await entries(client, task_url(team, task["id"], "/activity"), team)
        assert [(e["kind"], e["actor_id"]) for e in history] == [
            ("comment.deleted", team.owner.id),
            ("comment.edited", team.member.id),
            ("comment.created", team.member.id),
            ("task.created", team.owner.id),
        ]
        assert {e["target_id"] for e in history[:3]} == {comment["id"]}
        assert history[0]["changes"] == {"author_id": change(team.member.id, None)}
        assert history[1]["changes"] == history[2]["changes"] == {}
        response = await client.get(feed_url(team), headers=team.viewer.headers)
        assert "launch code" not in response.text

    async def test_attachments_added_and_deleted(
        self, client: httpx.AsyncClient, team: Team, s3: object
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        base = task_url(team, task["id"], "/attachments")
        tickets = []
        for _ in range(2):
            ticket = await client.post(
                base,
                json={"filename": "plan.txt", "content_type": "text/plain", "size_bytes": 2},
                headers=team.member.headers,
            )
            tickets.append(ticket.json())
        uploaded = await post_to_s3(tickets[0], b"ok")
        assert uploaded.status_code in (200, 201, 204)
        ready = tickets[0]["attachment"]["id"]
        for _ in range(2):  # confirming again adds nothing
            confirmed = await client.post(f"{base}/{ready}/confirm", headers=team.member.headers)
            assert confirmed.status_code == 200
        # The upload never confirmed was never on the task: its deletion is not recorded.
        pending = tickets[1]["attachment"]["id"]
        assert (
            await client.delete(f"{base}/{pending}", headers=team.owner.headers)
        ).status_code == 204
        assert (
            await client.delete(f"{base}/{ready}", headers=team.owner.headers)
        ).status_code == 204
        history = await entries(client, task_url(team, task["id"], "/activity"), team)
        assert [(e["kind"], e["actor_id"], e["target_id"], e["changes"]) for e in history[:2]] == [
            ("attachment.deleted", team.owner.id, ready, {"filename": change("plan.txt", None)}),
            ("attachment.added", team.member.id, ready, {"filename": change(None, "plan.txt")}),
        ]
        assert [e["kind"] for e in history[2:]] == ["task.created"]


class TestMembership:
    async def test_joined_role_changed_removed_left(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        members = f"/api/projects/{team.project_id}/members"
        promoted = await client.patch(f"{members}/{team.viewer.id}", json={"role": "member"},
                                      headers=team.owner.headers)  # fmt: skip
        assert promoted.status_code == 200
        same = await client.patch(f"{members}/{team.viewer.id}", json={"role": "member"},
                                  headers=team.owner.headers)  # fmt: skip
        assert same.status_code == 200  # no change: not recorded
        removed = await client.delete(f"{members}/{team.member.id}", headers=team.owner.headers)
        assert removed.status_code == 204
        late = await sign_up(client, "late")
        await add_member(client, team.project_id, team.owner, late, "viewer")
        # Read by the one who is about to leave, then left.
        feed = await entries(client, feed_url(team), team)
        left = await client.post(f"/api/projects/{team.project_id}/leave",
                                 headers=team.viewer.headers)  # fmt: skip
        assert left.status_code == 204
        owner_view = await client.get(feed_url(team), headers=team.owner.headers)
        newest = owner_view.json()["items"][0]
        summary = [(e["kind"], e["actor_id"], e["target_id"], e["changes"]["role"])
                   for e in [newest, *feed]]  # fmt: skip
        assert summary == [
            ("member.left", team.viewer.id, team.viewer.id, change("member", None)),
            ("member.joined", late.id, late.id, change(None, "viewer")),
            ("member.removed", team.owner.id, team.member.id, change("member", None)),
            ("member.role_changed", team.owner.id, team.viewer.id, change("viewer", "member")),
            ("member.joined", team.viewer.id, team.viewer.id, change(None, "viewer")),
            ("member.joined", team.member.id, team.member.id, change(None, "member")),
        ]
        assert all(e["task_id"] is None for e in feed)

    async def test_refused_membership_changes_record_nothing(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        before = await entries(client, feed_url(team), team)
        last_owner = await client.patch(
            f"/api/projects/{team.project_id}/members/{team.owner.id}",
            json={"role": "member"},
            headers=team.owner.headers,
        )
        assert_error(last_owner, 409, "conflict")
        leave = await client.post(
            f"/api/projects/{team.project_id}/leave", headers=team.owner.headers
        )
        assert_error(leave, 409, "conflict")
        assert await entries(client, feed_url(team), team) == before


class TestReading:
    async def test_the_feed_pages_newest_first_and_each_task_has_its_own(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        tasks = [await create_task(client, team.project_id, team.member, title=f"T{n}")
                 for n in range(5)]  # fmt: skip
        everything = await entries(client, feed_url(team), team)
        assert len(everything) == 7  # two joins, five tasks
        times = [e["created_at"] for e in everything]
        assert times == sorted(times, reverse=True)
        assert [e["task_id"] for e in everything[:5]] == [t["id"] for t in reversed(tasks)]
        seen: list[str] = []
        cursor = None
        for _ in range(5):
            params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
            page = (await client.get(feed_url(team), params=params,
                                     headers=team.viewer.headers)).json()  # fmt: skip
            seen.extend(e["id"] for e in page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == [e["id"] for e in everything]
        (only,) = await entries(client, task_url(team, tasks[2]["id"], "/activity"), team)
        assert only["task_id"] == tasks[2]["id"]

    async def test_another_projects_activity_is_not_found(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        other = await make_team(client)
        task = await create_task(client, other.project_id, other.owner)
        # The task exists, but in a project this team's viewer is not in: 404 either way.
        wrong = f"/api/projects/{team.project_id}/tasks/{task['id']}/activity"
        assert_error(await client.get(wrong, headers=team.viewer.headers), 404)
        assert_error(
            await client.get(feed_url(other), headers=team.viewer.headers), 404, "not_found"
        )

    @pytest.mark.parametrize(
        "params",
        [{"cursor": "garbage"}, {"cursor": "W10"},
         # A comment list's cursor (the kind differs).
         {"cursor": "WyJjb21tZW50cyIsIjIwMjYtMDEtMDFUMDA6MDA6MDArMDA6MDAiLCJ4Il0"},
         {"cursor": "WyJhY3Rpdml0eSIsIjIwMjYtMDEtMDFUMDA6MDA6MDAiLCJ4Il0"}],
    )  # fmt: skip
    async def test_bad_cursors_are_400(
        self, client: httpx.AsyncClient, team: Team, params: dict[str, str]
    ) -> None:
        assert_error(
            await client.get(feed_url(team), params=params, headers=team.owner.headers), 400
        )

    @pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "101"}, {"kind": "x"}])
    async def test_bad_queries_are_422(
        self, client: httpx.AsyncClient, team: Team, params: dict[str, str]
    ) -> None:
        assert_error(
            await client.get(feed_url(team), params=params, headers=team.owner.headers), 422
        )
