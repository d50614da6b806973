from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.factories import (
    Account,
    add_member,
    assert_error,
    create_project,
    make_team,
    sign_up,
)


class TestProjects:
    async def test_create_list_get_rename(self, client: httpx.AsyncClient) -> None:
        owner = await sign_up(client, "owner")
        project_id = await create_project(client, owner, "Zeta")
        await create_project(client, owner, "Alpha")
        listing = await client.get("/api/projects", headers=owner.headers)
        assert [p["name"] for p in listing.json()["items"]] == ["Alpha", "Zeta"]
        assert {p["role"] for p in listing.json()["items"]} == {"owner"}
        renamed = await client.patch(
            f"/api/projects/{project_id}", json={"name": "Zeta 2"}, headers=owner.headers
        )
        assert renamed.status_code == 200 and renamed.json()["name"] == "Zeta 2"
        # The cached list shows the rename on the very next read.
        listing = await client.get("/api/projects", headers=owner.headers)
        assert "Zeta 2" in [p["name"] for p in listing.json()["items"]]

    async def test_delete_removes_project_for_every_member(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        before = await client.get("/api/projects", headers=team.member.headers)
        assert len(before.json()["items"]) == 1
        deleted = await client.delete(
            f"/api/projects/{team.project_id}", headers=team.owner.headers
        )
        assert deleted.status_code == 204
        after = await client.get("/api/projects", headers=team.member.headers)
        assert after.json()["items"] == []
        assert_error(
            await client.get(f"/api/projects/{team.project_id}", headers=team.owner.headers), 404
        )

    async def test_a_new_member_sees_the_project_at_once(self, client: httpx.AsyncClient) -> None:
        owner = await sign_up(client, "owner")
        newcomer = await sign_up(client, "newcomer")
        project_id = await create_project(client, owner)
        assert (await client.get("/api/projects", headers=newcomer.headers)).json()["items"] == []
        await add_member(client, project_id, owner, newcomer, "viewer")
        items = (await client.get("/api/projects", headers=newcomer.headers)).json()["items"]
        assert [(p["id"], p["role"]) for p in items] == [(project_id, "viewer")]

    async def test_name_is_validated(self, client: httpx.AsyncClient) -> None:
        owner = await sign_up(client)
        for name in ["", "   ", "x" * 101]:
            response = await client.post(
                "/api/projects", json={"name": name}, headers=owner.headers
            )
            assert_error(response, 422, "validation_error")


class TestMembers:
    async def test_list_change_role_remove(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        base = f"/api/projects/{team.project_id}/members"
        members = (await client.get(base, headers=team.viewer.headers)).json()["items"]
        assert {m["role"] for m in members} == {"owner", "member", "viewer"}
        promoted = await client.patch(
            f"{base}/{team.viewer.id}", json={"role": "member"}, headers=team.owner.headers
        )
        assert promoted.status_code == 200 and promoted.json()["role"] == "member"
        removed = await client.delete(f"{base}/{team.member.id}", headers=team.owner.headers)
        assert removed.status_code == 204
        assert_error(
            await client.get(f"/api/projects/{team.project_id}", headers=team.member.headers), 404
        )

    async def test_the_last_owner_cannot_leave_or_be_demoted(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client)
        base = f"/api/projects/{team.project_id}/members/{team.owner.id}"
        assert_error(
            await client.patch(base, json={"role": "member"}, headers=team.owner.headers), 409
        )
        assert_error(await client.delete(base, headers=team.owner.headers), 409)

    async def test_no_one_is_added_without_consent(self, client: httpx.AsyncClient) -> None:
        """The old "add by e-mail" route is gone (issue 11): people join by accepting an
        invitation (test_invitations.py)."""
        team = await make_team(client)
        response = await client.post(
            f"/api/projects/{team.project_id}/members",
            json={"email": team.stranger.email, "role": "viewer"},
            headers=team.owner.headers,
        )
        assert_error(response, 405, "method_not_allowed")
        assert response.headers["Allow"] == "GET"
        stranger_sees = await client.get("/api/projects", headers=team.stranger.headers)
        assert stranger_sees.json()["items"] == []

    async def test_removed_member_loses_cached_task_pages(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        tasks_url = f"/api/projects/{team.project_id}/tasks"
        assert (await client.get(tasks_url, headers=team.member.headers)).status_code == 200
        await client.delete(
            f"/api/projects/{team.project_id}/members/{team.member.id}", headers=team.owner.headers
        )
        assert_error(await client.get(tasks_url, headers=team.member.headers), 404)


class TestLeaving:
    @pytest.mark.parametrize("role", ["viewer", "member"])
    async def test_a_member_leaves_and_loses_access_at_once(
        self, client: httpx.AsyncClient, role: str
    ) -> None:
        team = await make_team(client)
        leaver = team.viewer if role == "viewer" else team.member
        tasks_url = f"/api/projects/{team.project_id}/tasks"
        # Warm the caches the leaver could be served from (ADR 0085).
        assert (await client.get(tasks_url, headers=leaver.headers)).status_code == 200
        assert len((await client.get("/api/projects", headers=leaver.headers)).json()["items"]) == 1
        left = await client.post(f"/api/projects/{team.project_id}/leave", headers=leaver.headers)
        assert left.status_code == 204, left.text
        assert_error(await client.get(tasks_url, headers=leaver.headers), 404)
        assert (await client.get("/api/projects", headers=leaver.headers)).json()["items"] == []
        members = await client.get(
            f"/api/projects/{team.project_id}/members", headers=team.owner.headers
        )
        assert leaver.id not in {m["user_id"] for m in members.json()["items"]}
        # Gone is gone: leaving again is a 404 like any project one is not in.
        again = await client.post(f"/api/projects/{team.project_id}/leave", headers=leaver.headers)
        assert_error(again, 404, "not_found")

    async def test_the_last_owner_cannot_leave(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        url = f"/api/projects/{team.project_id}/leave"
        refused = assert_error(await client.post(url, headers=team.owner.headers), 409, "conflict")
        assert "last owner" in refused["error"]["message"]
        # With a second owner, either may leave; then the other is the last one.
        await client.patch(
            f"/api/projects/{team.project_id}/members/{team.member.id}",
            json={"role": "owner"},
            headers=team.owner.headers,
        )
        assert (await client.post(url, headers=team.owner.headers)).status_code == 204
        assert_error(await client.post(url, headers=team.member.headers), 409, "conflict")

    async def test_two_owners_leaving_at_once_leave_one(self, client: httpx.AsyncClient) -> None:
        a = await sign_up(client, "owner-a")
        b = await sign_up(client, "owner-b")
        for _ in range(10):
            project_id = await create_project(client, a)
            await add_member(client, project_id, a, b, "owner")
            statuses = await asyncio.gather(
                *(client.post(f"/api/projects/{project_id}/leave", headers=p.headers)
                  for p in (a, b))
            )  # fmt: skip
            assert sorted(r.status_code for r in statuses) == [204, 409]


class TestOwnersUnderConcurrency:
    """Two owners leaving, or demoting each other, at the same moment: one of them must
    stay owner (issue 8, item 7). Both requests run concurrently against the real database,
    many times, because the race needs an unlucky interleaving."""

    TRIALS = 30

    @staticmethod
    async def _act(
        client: httpx.AsyncClient, action: str, project_id: str, actor: Account, target: Account
    ) -> int:
        url = f"/api/projects/{project_id}/members/{target.id}"
        if action == "remove":
            response = await client.delete(url, headers=actor.headers)
        else:
            response = await client.patch(url, json={"role": "member"}, headers=actor.headers)
        assert response.status_code < 500, response.text
        return response.status_code

    @pytest.mark.parametrize(
        ("plan", "expected"),
        [
            # (action by a, its target, action by b, its target) -> the possible outcomes
            (("remove", "a", "remove", "b"), [[204, 409]]),
            # The second to get the lock is no longer an owner: 403.
            (("demote", "b", "demote", "a"), [[200, 403]]),
            # a leaves while b demotes a: whichever commits first, b stays the one owner
            # (a already left: 404; a was demoted first and may not manage members: 403).
            (("remove", "a", "demote", "a"), [[204, 404], [200, 403]]),
        ],
        ids=["both-leave", "demote-each-other", "leave-while-demoted"],
    )
    async def test_an_owner_always_remains(
        self,
        client: httpx.AsyncClient,
        plan: tuple[str, str, str, str],
        expected: list[list[int]],
    ) -> None:
        a = await sign_up(client, "owner-a")
        b = await sign_up(client, "owner-b")
        people = {"a": a, "b": b}
        outcomes = []
        for _ in range(self.TRIALS):
            project_id = await create_project(client, a)
            await add_member(client, project_id, a, b, "owner")
            statuses = await asyncio.gather(
                self._act(client, plan[0], project_id, a, people[plan[1]]),
                self._act(client, plan[2], project_id, b, people[plan[3]]),
            )
            owners = []
            for person in (a, b):
                members = await client.get(
                    f"/api/projects/{project_id}/members", headers=person.headers
                )
                if members.status_code == 200:
                    owners = [m for m in members.json()["items"] if m["role"] == "owner"]
                    break
            outcomes.append((sorted(statuses), len(owners)))
        assert all(n == 1 for _, n in outcomes), outcomes
        assert all(statuses in expected for statuses, _ in outcomes), outcomes
