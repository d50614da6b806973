"""Invitations (issue 11, ADR 0083): owners invite by e-mail and role, the invitee joins by
accepting the link while logged in with that e-mail; links expire, work once and can be
revoked; the answer to an invitation does not tell which e-mails have accounts."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from taskapp.core.settings import Settings
from taskapp.invitations.delivery import InvitationMessage, LogInvitationSender
from taskapp.main import create_app
from taskapp.projects.models import Role
from tests.conftest import Stack
from tests.factories import (
    Account,
    accept,
    assert_error,
    create_project,
    in_a_fresh_rate_window,
    invite,
    make_team,
    run_sql,
    sign_up,
    token_of,
)

PREVIEW = "/api/invitations/preview"


def _invitations(project_id: str) -> str:
    return f"/api/projects/{project_id}/invitations"


async def _pending(client: httpx.AsyncClient, project_id: str, owner: Account) -> list[Any]:
    response = await client.get(_invitations(project_id), headers=owner.headers)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


async def _project_ids(client: httpx.AsyncClient, account: Account) -> dict[str, str]:
    listing = await client.get("/api/projects", headers=account.headers)
    return {p["id"]: p["role"] for p in listing.json()["items"]}


class TestInviting:
    async def test_the_answer_is_the_same_for_unknown_and_registered_emails(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client)
        registered = await invite(client, team.project_id, team.owner, team.stranger.email)
        unknown = await invite(client, team.project_id, team.owner, "nobody-here@example.com")

        def shape(body: dict[str, Any]) -> dict[str, Any]:
            kept = {k: v for k, v in body["invitation"].items()
                    if k not in {"id", "email", "created_at", "expires_at"}}  # fmt: skip
            return {"keys": sorted(body), "invitation": kept, "link": len(body["link"])}

        assert shape(registered) == shape(unknown)
        assert registered["invitation"]["role"] == "member"
        assert registered["invitation"]["invited_by_name"] == "owner"
        assert registered["link"].startswith("/invitations/")
        # Nobody joined: an invitation is an offer, not a membership.
        assert team.project_id not in await _project_ids(client, team.stranger)

    async def test_email_is_normalised_and_bounded(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        made = await invite(client, team.project_id, team.owner, "Mixed.Case@Example.COM")
        assert made["invitation"]["email"] == "mixed.case@example.com"
        base = _invitations(team.project_id)
        for body in (
            {"email": "not-an-email"},
            {"email": "a" * 310 + "@example.com"},
            {"email": "someone@example.com", "role": "owner"},
            {"email": "someone@example.com", "role": "admin"},
            {"email": "someone@example.com", "extra": 1},
            {},
        ):
            response = await client.post(base, json=body, headers=team.owner.headers)
            assert_error(response, 422, "validation_error")

    async def test_inviting_a_member_is_a_conflict(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        response = await client.post(
            _invitations(team.project_id),
            json={"email": team.member.email.upper(), "role": "viewer"},
            headers=team.owner.headers,
        )
        body = assert_error(response, 409, "conflict")
        assert "already a member" in body["error"]["message"]

    async def test_inviting_again_replaces_the_pending_invitation(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client)
        first = await invite(client, team.project_id, team.owner, team.stranger.email)
        second = await invite(client, team.project_id, team.owner, team.stranger.email, "viewer")
        pending = await _pending(client, team.project_id, team.owner)
        assert [(p["id"], p["role"]) for p in pending] == [(second["invitation"]["id"], "viewer")]
        assert_error(await accept(client, team.stranger, token_of(first)), 410, "gone")
        joined = await accept(client, team.stranger, token_of(second))
        assert joined.status_code == 200 and joined.json()["role"] == "viewer"

    async def test_only_the_hash_of_the_token_is_stored(
        self, client: httpx.AsyncClient, stack: Stack
    ) -> None:
        team = await make_team(client)
        made = await invite(client, team.project_id, team.owner, "hash@example.com")
        token = token_of(made)
        assert len(token) >= 43  # 256 random bits
        rows = await run_sql(
            stack.admin_settings.sqlalchemy_database_url,
            "SELECT * FROM invitations WHERE email = 'hash@example.com'",
        )
        assert len(rows) == 1
        assert token not in repr(tuple(rows[0]))
        assert rows[0].token_hash == hashlib.sha256(token.encode()).hexdigest()

    async def test_the_link_is_logged_once_and_the_token_nowhere_else(
        self, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        team = await make_team(client)
        caplog.set_level(logging.INFO, logger="taskapp")
        made = await invite(client, team.project_id, team.owner, team.stranger.email)
        token = token_of(made)
        await client.post(PREVIEW, json={"token": token}, headers=team.stranger.headers)
        await accept(client, team.stranger, token)
        await accept(client, team.stranger, token)  # refused: 410
        with_token = [r for r in caplog.records if token in str(r.__dict__)]
        assert len(with_token) == 1, [r.getMessage() for r in with_token]
        (line,) = with_token
        assert line.levelno == logging.INFO
        assert line.getMessage() == "invitation link"
        assert line.__dict__["link"] == made["link"]
        # The routes that take the token were logged (the access log) without it.
        assert any(r.__dict__.get("path") == "/api/invitations/accept" for r in caplog.records)


async def test_the_log_sender_makes_the_link_absolute_when_the_app_address_is_known(
    caplog: pytest.LogCaptureFixture,
) -> None:
    message = InvitationMessage(
        invitation_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        project_name="Apollo",
        inviter_name="Olivia",
        email="someone@example.com",
        role=Role.member,
        link="/invitations/abc",
        expires_at=datetime.now(UTC),
    )
    caplog.set_level(logging.INFO, logger="taskapp.invitations")
    await LogInvitationSender("http://127.0.0.1:8080/").send(message)
    await LogInvitationSender().send(message)
    links = [r.__dict__["link"] for r in caplog.records]
    assert links == ["http://127.0.0.1:8080/invitations/abc", "/invitations/abc"]


class TestAccepting:
    async def test_the_invitee_joins_with_the_role_offered(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        # The invitee's project list is cached before they join (ADR 0085): it must not hide
        # the new project afterwards.
        assert await _project_ids(client, team.stranger) == {}
        made = await invite(client, team.project_id, team.owner, team.stranger.email, "viewer")
        preview = await client.post(
            PREVIEW, json={"token": token_of(made)}, headers=team.stranger.headers
        )
        assert preview.status_code == 200, preview.text
        assert preview.json() == {
            "project_name": "Apollo",
            "role": "viewer",
            "email": team.stranger.email,
            "invited_by_name": "owner",
            "expires_at": made["invitation"]["expires_at"],
        }
        joined = await accept(client, team.stranger, token_of(made))
        assert joined.status_code == 200, joined.text
        assert (joined.json()["id"], joined.json()["role"]) == (team.project_id, "viewer")
        assert await _project_ids(client, team.stranger) == {team.project_id: "viewer"}
        tasks = await client.get(
            f"/api/projects/{team.project_id}/tasks", headers=team.stranger.headers
        )
        assert tasks.status_code == 200
        assert await _pending(client, team.project_id, team.owner) == []

    async def test_someone_without_an_account_signs_up_first(
        self, client: httpx.AsyncClient
    ) -> None:
        owner = await sign_up(client, "owner")
        project_id = await create_project(client, owner)
        made = await invite(client, project_id, owner, "Newcomer-11@Example.com")
        response = await client.post(
            "/api/auth/signup",
            json={"email": "newcomer-11@example.com", "password": "correct horse battery staple",
                  "display_name": "Newcomer"},
        )  # fmt: skip
        assert response.status_code == 201, response.text
        newcomer = Account(
            response.json()["user"]["id"], "newcomer-11@example.com",
            response.json()["tokens"]["access_token"], "",
        )  # fmt: skip
        joined = await accept(client, newcomer, token_of(made))
        assert joined.status_code == 200, joined.text
        assert await _project_ids(client, newcomer) == {project_id: "member"}

    async def test_a_link_works_once(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        made = await invite(client, team.project_id, team.owner, team.stranger.email)
        assert (await accept(client, team.stranger, token_of(made))).status_code == 200
        for account in (team.stranger, team.owner):
            body = assert_error(await accept(client, account, token_of(made)), 410, "gone")
            assert "already been used" in body["error"]["message"]
        preview = await client.post(
            PREVIEW, json={"token": token_of(made)}, headers=team.stranger.headers
        )
        assert_error(preview, 410, "gone")

    async def test_an_expired_link_is_refused(
        self, client: httpx.AsyncClient, stack: Stack, settings: Settings
    ) -> None:
        team = await make_team(client)
        made = await invite(client, team.project_id, team.owner, team.stranger.email)
        assert settings.invitation_ttl_seconds == 7 * 86400
        await run_sql(
            stack.admin_settings.sqlalchemy_database_url,
            "UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = :id",
            id=made["invitation"]["id"],
        )
        for path in (PREVIEW, "/api/invitations/accept"):
            response = await client.post(
                path, json={"token": token_of(made)}, headers=team.stranger.headers
            )
            body = assert_error(response, 410, "gone")
            assert "expired" in body["error"]["message"]
        assert await _pending(client, team.project_id, team.owner) == []
        assert team.project_id not in await _project_ids(client, team.stranger)
        # A new invitation to the same address works.
        again = await invite(client, team.project_id, team.owner, team.stranger.email)
        assert (await accept(client, team.stranger, token_of(again))).status_code == 200

    @pytest.mark.parametrize("who", ["owner", "member", "viewer", "stranger"])
    async def test_only_the_invited_email_may_accept(
        self, client: httpx.AsyncClient, who: str
    ) -> None:
        team = await make_team(client)
        invitee = await sign_up(client, "invitee")
        made = await invite(client, team.project_id, team.owner, invitee.email)
        wrong: Account = getattr(team, who)
        body = assert_error(await accept(client, wrong, token_of(made)), 403, "forbidden")
        assert invitee.email in body["error"]["message"]
        # The refusal used nothing up: the right account still joins.
        assert (await accept(client, invitee, token_of(made))).status_code == 200
        roles = await _project_ids(client, wrong)
        assert roles.get(team.project_id) == (None if who == "stranger" else who)

    async def test_bad_tokens(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        made = await invite(client, team.project_id, team.owner, team.stranger.email)
        for path in (PREVIEW, "/api/invitations/accept"):
            anonymous = await client.post(path, json={"token": token_of(made)})
            assert_error(anonymous, 401, "unauthorized")
            unknown = await client.post(
                path, json={"token": "A" * 43}, headers=team.stranger.headers
            )
            assert_error(unknown, 404, "not_found")
            for token in ("short", "x" * 129, "not/a+token" * 3, None, 42):
                malformed = await client.post(
                    path, json={"token": token}, headers=team.stranger.headers
                )
                assert_error(malformed, 422, "validation_error")
        # The invitation survived all that.
        assert (await accept(client, team.stranger, token_of(made))).status_code == 200

    async def test_a_deleted_projects_links_stop_working(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        made = await invite(client, team.project_id, team.owner, team.stranger.email)
        deleted = await client.delete(
            f"/api/projects/{team.project_id}", headers=team.owner.headers
        )
        assert deleted.status_code == 204
        assert_error(await accept(client, team.stranger, token_of(made)), 404, "not_found")


class TestRevoking:
    async def test_owners_see_and_revoke_pending_invitations(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client)
        kept = await invite(client, team.project_id, team.owner, "kept@example.com", "viewer")
        revoked = await invite(client, team.project_id, team.owner, team.stranger.email)
        listed = await _pending(client, team.project_id, team.owner)
        assert [p["email"] for p in listed] == [team.stranger.email, "kept@example.com"]
        assert listed[1]["role"] == "viewer" and listed[1]["invited_by_name"] == "owner"
        url = f"{_invitations(team.project_id)}/{revoked['invitation']['id']}"
        assert (await client.delete(url, headers=team.owner.headers)).status_code == 204
        listed = await _pending(client, team.project_id, team.owner)
        assert [p["id"] for p in listed] == [kept["invitation"]["id"]]
        body = assert_error(await accept(client, team.stranger, token_of(revoked)), 410, "gone")
        assert "withdrawn" in body["error"]["message"]
        assert_error(await client.delete(url, headers=team.owner.headers), 404, "not_found")

    async def test_an_accepted_invitation_cannot_be_revoked(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client)
        made = await invite(client, team.project_id, team.owner, team.stranger.email)
        assert (await accept(client, team.stranger, token_of(made))).status_code == 200
        url = f"{_invitations(team.project_id)}/{made['invitation']['id']}"
        assert_error(await client.delete(url, headers=team.owner.headers), 404, "not_found")
        assert team.project_id in await _project_ids(client, team.stranger)

    async def test_another_projects_invitation_is_not_found(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client)
        other = await create_project(client, team.owner, "Other")
        made = await invite(client, other, team.owner, team.stranger.email)
        url = f"{_invitations(team.project_id)}/{made['invitation']['id']}"
        assert_error(await client.delete(url, headers=team.owner.headers), 404, "not_found")
        assert len(await _pending(client, other, team.owner)) == 1


@pytest.fixture
async def strict_client(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """An API with small invitation limits (the suite's are raised for its factories)."""
    app = create_app(
        stack.settings.model_copy(
            update={"rate_limit_invitations_per_user": 5, "invitations_pending_per_project": 3}
        )
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.11", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


class TestLimits:
    async def test_pending_invitations_per_project_are_capped(
        self, strict_client: httpx.AsyncClient
    ) -> None:
        owner = await sign_up(strict_client, "owner")
        project_id = await create_project(strict_client, owner)
        made = [await invite(strict_client, project_id, owner, f"cap-{n}@example.com")
                for n in range(3)]  # fmt: skip
        over = await strict_client.post(
            _invitations(project_id), json={"email": "cap-3@example.com"}, headers=owner.headers
        )
        body = assert_error(over, 409, "conflict")
        assert "3 pending invitations" in body["error"]["message"]
        # Revoking one makes room.
        url = f"{_invitations(project_id)}/{made[0]['invitation']['id']}"
        assert (await strict_client.delete(url, headers=owner.headers)).status_code == 204
        await invite(strict_client, project_id, owner, "cap-3@example.com")

    async def test_invitations_per_user_are_rate_limited(
        self, strict_client: httpx.AsyncClient
    ) -> None:
        await in_a_fresh_rate_window()
        owner = await sign_up(strict_client, "owner")
        projects = [await create_project(strict_client, owner, f"P{n}") for n in range(2)]
        for n in range(5):  # across projects: the limit is the owner's, not a project's
            await invite(strict_client, projects[n % 2], owner, f"rate-{n}@example.com")
        limited = await strict_client.post(
            _invitations(projects[1]), json={"email": "rate-5@example.com"}, headers=owner.headers
        )
        assert_error(limited, 429, "rate_limited")
        assert int(limited.headers["Retry-After"]) >= 1
