"""Comments on tasks (ADR 0103): who may write, edit and delete, mentions, sizes, pagination,
the task's comment count on the board (cache included) and the per-user rate limit. The
authorisation matrix (test_authorization.py) covers every route for every role too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from taskapp.main import create_app
from tests.conftest import Stack
from tests.factories import (
    Account,
    Team,
    add_member,
    assert_error,
    create_project,
    create_task,
    in_a_fresh_rate_window,
    make_team,
    sign_up,
)


@pytest.fixture
async def team(client: httpx.AsyncClient) -> Team:
    return await make_team(client)


def comments_url(team: Team, task_id: str, suffix: str = "") -> str:
    return f"/api/projects/{team.project_id}/tasks/{task_id}/comments{suffix}"


async def post_comment(
    client: httpx.AsyncClient, team: Team, task_id: str, author: Account, body: str = "Looks good",
    **fields: Any,
) -> dict[str, Any]:  # fmt: skip
    response = await client.post(
        comments_url(team, task_id), json={"body": body, **fields}, headers=author.headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def get_task(client: httpx.AsyncClient, team: Team, task_id: str) -> dict[str, Any]:
    response = await client.get(
        f"/api/projects/{team.project_id}/tasks/{task_id}", headers=team.viewer.headers
    )
    assert response.status_code == 200, response.text
    task: dict[str, Any] = response.json()
    return task


class TestCommentLifecycle:
    async def test_create_list_edit_delete_own(self, client: httpx.AsyncClient, team: Team) -> None:
        task = await create_task(client, team.project_id, team.owner)
        markdown = "  **Bold** <script>alert(1)</script>\n\n- item `code`  "
        created = await post_comment(client, team, task["id"], team.member, markdown)
        # Stored and returned as written (trimmed): sanitising is the renderer's job.
        assert created["body"] == markdown.strip()
        assert created["author_id"] == team.member.id
        assert created["author_name"] == "member"
        assert created["task_id"] == task["id"] and created["mentions"] == []
        assert created["edited_at"] is None

        listed = await client.get(comments_url(team, task["id"]), headers=team.viewer.headers)
        assert listed.status_code == 200
        assert listed.json() == {"items": [created], "next_cursor": None}

        edited = await client.patch(
            comments_url(team, task["id"], f"/{created['id']}"),
            json={"body": "Edited"},
            headers=team.member.headers,
        )
        assert edited.status_code == 200, edited.text
        assert edited.json()["body"] == "Edited" and edited.json()["edited_at"] is not None
        assert edited.json()["created_at"] == created["created_at"]

        deleted = await client.delete(
            comments_url(team, task["id"], f"/{created['id']}"), headers=team.member.headers
        )
        assert deleted.status_code == 204
        listed = await client.get(comments_url(team, task["id"]), headers=team.viewer.headers)
        assert listed.json()["items"] == []

    async def test_others_comments_cannot_be_edited_or_deleted(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        other = await sign_up(client, "other")
        await add_member(client, team.project_id, team.owner, other, "member")
        task = await create_task(client, team.project_id, team.owner)
        comment = await post_comment(client, team, task["id"], team.member)
        path = comments_url(team, task["id"], f"/{comment['id']}")
        for account in (other, team.owner):  # owners moderate by deleting, never by rewording
            refused = await client.patch(path, json={"body": "Not mine"}, headers=account.headers)
            assert "own comments" in assert_error(refused, 403, "forbidden")["error"]["message"]
        refused = await client.delete(path, headers=other.headers)
        assert "owners can delete any" in assert_error(refused, 403)["error"]["message"]
        # Nothing changed.
        (kept,) = (await client.get(comments_url(team, task["id"]),
                                    headers=team.viewer.headers)).json()["items"]  # fmt: skip
        assert kept == comment
        assert (await get_task(client, team, task["id"]))["comment_count"] == 1

    async def test_owners_delete_anyones_comment(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        comment = await post_comment(client, team, task["id"], team.member)
        deleted = await client.delete(
            comments_url(team, task["id"], f"/{comment['id']}"), headers=team.owner.headers
        )
        assert deleted.status_code == 204
        assert (await get_task(client, team, task["id"]))["comment_count"] == 0
        again = await client.delete(
            comments_url(team, task["id"], f"/{comment['id']}"), headers=team.owner.headers
        )
        assert_error(again, 404, "not_found")

    async def test_a_demoted_author_can_no_longer_edit(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        comment = await post_comment(client, team, task["id"], team.member)
        demoted = await client.patch(
            f"/api/projects/{team.project_id}/members/{team.member.id}",
            json={"role": "viewer"},
            headers=team.owner.headers,
        )
        assert demoted.status_code == 200
        path = comments_url(team, task["id"], f"/{comment['id']}")
        assert_error(await client.patch(path, json={"body": "x"}, headers=team.member.headers), 403)
        assert_error(await client.delete(path, headers=team.member.headers), 403)

    async def test_comments_belong_to_their_task_and_project(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        elsewhere = await create_task(client, team.project_id, team.owner, title="Other")
        comment = await post_comment(client, team, task["id"], team.member)
        wrong_task = comments_url(team, elsewhere["id"], f"/{comment['id']}")
        assert_error(await client.patch(wrong_task, json={"body": "x"},
                                        headers=team.member.headers), 404)  # fmt: skip
        assert_error(await client.delete(wrong_task, headers=team.member.headers), 404)
        # The other task's count was not touched by the refused delete (rolled back).
        assert (await get_task(client, team, elsewhere["id"]))["comment_count"] == 0
        missing_task = comments_url(team, "00000000-0000-4000-8000-000000000000")
        assert_error(await client.get(missing_task, headers=team.viewer.headers), 404)
        assert_error(await client.post(missing_task, json={"body": "x"},
                                       headers=team.member.headers), 404)  # fmt: skip
        # Another project's owner sees nothing of it.
        stranger_project = await create_project(client, team.stranger)
        foreign = (f"/api/projects/{stranger_project}/tasks/{task['id']}"
                   f"/comments/{comment['id']}")  # fmt: skip
        assert_error(await client.delete(foreign, headers=team.stranger.headers), 404)

    async def test_deleting_the_task_deletes_its_comments(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        await post_comment(client, team, task["id"], team.member)
        deleted = await client.delete(
            f"/api/projects/{team.project_id}/tasks/{task['id']}", headers=team.owner.headers
        )
        assert deleted.status_code == 204
        assert_error(
            await client.get(comments_url(team, task["id"]), headers=team.viewer.headers), 404
        )


class TestMentions:
    async def test_members_are_mentioned_once_in_order(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        mentions = [team.viewer.id, team.owner.id, team.viewer.id]
        created = await post_comment(
            client, team, task["id"], team.member, "@viewer @owner", mentions=mentions
        )
        assert created["mentions"] == [team.viewer.id, team.owner.id]
        path = comments_url(team, task["id"], f"/{created['id']}")
        # An edit without `mentions` keeps them; with it, replaces them.
        kept = await client.patch(path, json={"body": "@viewer"}, headers=team.member.headers)
        assert kept.json()["mentions"] == [team.viewer.id, team.owner.id]
        replaced = await client.patch(
            path, json={"body": "nobody", "mentions": []}, headers=team.member.headers
        )
        assert replaced.json()["mentions"] == []

    async def test_non_members_cannot_be_mentioned(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        unknown = "00000000-0000-4000-8000-000000000000"
        refused = await client.post(
            comments_url(team, task["id"]),
            json={"body": "hi", "mentions": [team.viewer.id, team.stranger.id, unknown]},
            headers=team.member.headers,
        )
        body = assert_error(refused, 422, "validation_error")
        assert "Only members" in body["error"]["message"]
        assert [d["loc"] for d in body["error"]["details"]] == [
            ["body", "mentions", 1],
            ["body", "mentions", 2],
        ]
        # Nothing was written: no comment, and the count rolled back with it.
        listed = await client.get(comments_url(team, task["id"]), headers=team.viewer.headers)
        assert listed.json()["items"] == []
        assert (await get_task(client, team, task["id"]))["comment_count"] == 0
        comment = await post_comment(client, team, task["id"], team.member)
        edit = await client.patch(
            comments_url(team, task["id"], f"/{comment['id']}"),
            json={"body": "hi", "mentions": [team.stranger.id]},
            headers=team.member.headers,
        )
        assert_error(edit, 422, "validation_error")


class TestBounds:
    @pytest.mark.parametrize(
        "payload",
        [{}, {"body": ""}, {"body": "   \n "}, {"body": "x" * 10_001}, {"body": "a\u0000b"},
         {"body": 3}, {"body": "x", "mentions": ["not-a-uuid"]},
         {"body": "x", "mentions": [f"00000000-0000-4000-8000-{n:012d}" for n in range(21)]},
         {"body": "x", "extra": 1}],
    )  # fmt: skip
    async def test_bad_bodies_are_422(
        self, client: httpx.AsyncClient, team: Team, payload: dict[str, Any]
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        refused = await client.post(
            comments_url(team, task["id"]), json=payload, headers=team.member.headers
        )
        assert_error(refused, 422, "validation_error")

    async def test_the_longest_body_is_accepted(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        created = await post_comment(client, team, task["id"], team.member, "é" * 10_000)
        assert len(created["body"]) == 10_000

    @pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJhY3Rpdml0eSIsIngiLCJ5Il0"])
    async def test_bad_cursors_are_400(
        self, client: httpx.AsyncClient, team: Team, cursor: str
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        response = await client.get(
            comments_url(team, task["id"]), params={"cursor": cursor}, headers=team.owner.headers
        )
        assert_error(response, 400, "bad_request")

    @pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "101"}, {"other": "1"}])
    async def test_bad_queries_are_422(
        self, client: httpx.AsyncClient, team: Team, params: dict[str, str]
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        response = await client.get(
            comments_url(team, task["id"]), params=params, headers=team.owner.headers
        )
        assert_error(response, 422)


class TestPagination:
    async def test_pages_cover_every_comment_once_oldest_first(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        made = [(await post_comment(client, team, task["id"], team.member, f"c{n}"))["id"]
                for n in range(7)]  # fmt: skip
        seen: list[str] = []
        cursor = None
        for _ in range(5):
            params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
            page = (await client.get(comments_url(team, task["id"]), params=params,
                                     headers=team.viewer.headers)).json()  # fmt: skip
            seen.extend(c["id"] for c in page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == made


class TestCommentCountOnTheBoard:
    async def test_the_count_follows_comments_through_the_cache(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        board = f"/api/projects/{team.project_id}/tasks"

        async def count_on_board() -> int:
            response = await client.get(board, headers=team.viewer.headers)
            (item,) = response.json()["items"]
            return int(item["comment_count"])

        assert await count_on_board() == 0  # now cached
        assert await count_on_board() == 0  # served from the cache
        first = await post_comment(client, team, task["id"], team.member)
        await post_comment(client, team, task["id"], team.owner)
        assert await count_on_board() == 2  # the comment invalidated the cached page
        await client.delete(comments_url(team, task["id"], f"/{first['id']}"),
                            headers=team.member.headers)  # fmt: skip
        assert await count_on_board() == 1
        # A comment is not a change to the task: its version (ETag) stays.
        assert (await get_task(client, team, task["id"]))["version"] == task["version"]


@pytest.fixture
async def strict_client(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """An API with a small comment limit (and the suite's raised invitation limit)."""
    app = create_app(stack.settings.model_copy(update={"rate_limit_comments_per_user": 3}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.12", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


class TestRateLimit:
    async def test_comments_per_user_are_rate_limited(
        self, strict_client: httpx.AsyncClient
    ) -> None:
        team = await make_team(strict_client)
        tasks = [await create_task(strict_client, team.project_id, team.owner, title=f"T{n}")
                 for n in range(2)]  # fmt: skip
        await in_a_fresh_rate_window()
        for n in range(3):  # across tasks: the limit is the user's
            await post_comment(strict_client, team, tasks[n % 2]["id"], team.member)
        limited = await strict_client.post(
            comments_url(team, tasks[0]["id"]), json={"body": "one more"},
            headers=team.member.headers,
        )  # fmt: skip
        assert_error(limited, 429, "rate_limited")
        assert int(limited.headers["Retry-After"]) >= 1
        # Another user's allowance is their own; reading is not limited by it.
        await post_comment(strict_client, team, tasks[0]["id"], team.owner)
        listed = await strict_client.get(
            comments_url(team, tasks[0]["id"]), headers=team.member.headers
        )
        assert listed.status_code == 200 and len(listed.json()["items"]) == 3
