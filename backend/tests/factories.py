"""Small builders for test data through the public API (no shortcuts into the database)."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass
from typing import Any

import httpx

from taskapp.core.ratelimit import WINDOW_SECONDS

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@dataclass
class Account:
    id: str
    email: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def sign_up(
    client: httpx.AsyncClient, name: str = "user", password: str = PASSWORD
) -> Account:
    email = f"{name}-{next(_counter)}@example.com"
    response = await client.post(
        "/api/auth/signup", json={"email": email, "password": password, "display_name": name}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Account(
        body["user"]["id"], email, body["tokens"]["access_token"], body["tokens"]["refresh_token"]
    )


async def create_project(client: httpx.AsyncClient, owner: Account, name: str = "Apollo") -> str:
    response = await client.post("/api/projects", json={"name": name}, headers=owner.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def invite(
    client: httpx.AsyncClient, project_id: str, owner: Account, email: str, role: str = "member"
) -> dict[str, Any]:
    """An invitation through the API; the answer (with its `link`) as JSON."""
    response = await client.post(
        f"/api/projects/{project_id}/invitations",
        json={"email": email, "role": role},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def token_of(invitation: dict[str, Any]) -> str:
    """The token in an invitation's link (`/invitations/<token>`)."""
    link: str = invitation["link"]
    return link.removeprefix("/invitations/")


async def accept(client: httpx.AsyncClient, account: Account, token: str) -> httpx.Response:
    return await client.post(
        "/api/invitations/accept", json={"token": token}, headers=account.headers
    )


async def add_member(
    client: httpx.AsyncClient, project_id: str, owner: Account, member: Account, role: str
) -> None:
    """The way people join: an invitation accepted (owners are members made owner)."""
    invitation = await invite(client, project_id, owner, member.email,
                              "viewer" if role == "viewer" else "member")  # fmt: skip
    accepted = await accept(client, member, token_of(invitation))
    assert accepted.status_code == 200, accepted.text
    if role == "owner":
        promoted = await client.patch(
            f"/api/projects/{project_id}/members/{member.id}",
            json={"role": "owner"},
            headers=owner.headers,
        )
        assert promoted.status_code == 200, promoted.text


async def create_task(
    client: httpx.AsyncClient, project_id: str, account: Account, **fields: Any
) -> dict[str, Any]:
    payload = {"title": "Write the spec", **fields}
    response = await client.post(
        f"/api/projects/{project_id}/tasks", json=payload, headers=account.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Team:
    owner: Account
    member: Account
    viewer: Account
    stranger: Account
    project_id: str


async def make_team(client: httpx.AsyncClient) -> Team:
    owner = await sign_up(client, "owner")
    member = await sign_up(client, "member")
    viewer = await sign_up(client, "viewer")
    stranger = await sign_up(client, "stranger")
    project_id = await create_project(client, owner)
    await add_member(client, project_id, owner, member, "member")
    await add_member(client, project_id, owner, viewer, "viewer")
    return Team(owner, member, viewer, stranger, project_id)


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body


def _wait_for_a_fresh_rate_window(seconds_needed: float) -> float:
    """Seconds to wait before a rate window with `seconds_needed` left (0: this one)."""
    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    return left + 0.05 if left < seconds_needed else 0.0


async def in_a_fresh_rate_window(seconds_needed: float = 20.0) -> None:
    """Rate limits count in fixed one-minute windows (core/ratelimit.py): a test that spends
    a limit and expects the next request refused must not straddle a window's end, where the
    count starts again. Wait for the next window if this one ends too soon."""
    await asyncio.sleep(_wait_for_a_fresh_rate_window(seconds_needed))


def in_a_fresh_rate_window_blocking(seconds_needed: float = 20.0) -> None:
    """As `in_a_fresh_rate_window`, for a test that is not a coroutine."""
    time.sleep(_wait_for_a_fresh_rate_window(seconds_needed))


async def login_past_the_account_limit(client: httpx.AsyncClient, settings: Any) -> httpx.Response:
    """Spend an account's login attempts with a wrong password; the next login, even with the
    right password, must be refused with 429."""
    await in_a_fresh_rate_window()
    account = await sign_up(client)
    for _ in range(settings.rate_limit_login_per_account):
        await client.post("/api/auth/login", json={"email": account.email, "password": "wrong!!"})
    blocked = await client.post(
        "/api/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert_error(blocked, 429, "rate_limited")
    return blocked


async def run_sql(database_url: str, statement: str, **params: Any) -> list[Any]:
    """One statement as the administrator, for what the API cannot do: look at rows, or make
    them older than they are (the tests move time in the data, they never sleep). Returns the
    rows, if the statement returns any."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement), params)
            return list(result) if result.returns_rows else []
    finally:
        await engine.dispose()


async def post_to_s3(
    ticket: dict[str, object], data: bytes, content_type: str = "text/plain"
) -> httpx.Response:
    upload = ticket["upload"]
    assert isinstance(upload, dict)
    async with httpx.AsyncClient() as s3_client:
        return await s3_client.post(
            upload["url"], data=upload["fields"], files={"file": ("f", data, content_type)}
        )
