"""Per-IP limits count the real client (issue 8, item 12). X-Forwarded-For is trusted only
on requests that prove they came through the edge (CloudFront, or the local edge) with the
secret origin header; anything else is counted by its socket peer address."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest

from taskapp.core.settings import Settings
from tests.conftest import Stack
from tests.factories import assert_error, in_a_fresh_rate_window
from tests.partition import serving, settings_with

SECRET = secrets.token_urlsafe(36)
# One character off, at the end: never the secret itself (replacing the last character with a
# fixed one gave the secret back whenever it already ended in that character, 1 run in 64).
NEAR_MISS = SECRET[:-1] + ("y" if SECRET.endswith("x") else "x")


@pytest.fixture
async def behind_the_edge(stack: Stack) -> AsyncIterator[tuple[Settings, httpx.AsyncClient]]:
    """The API configured as in AWS: two proxies append to X-Forwarded-For (CloudFront,
    then the ALB), and CloudFront's origin secret is known."""
    settings = settings_with(
        stack.settings,
        forwarded_hops=2,
        origin_verify_secret=SECRET,
        rate_limit_login_per_ip=5,  # few requests per test: less chance to span two windows
    )
    async with serving(settings) as (_, client):
        yield settings, client


async def _log_in_as_strangers(
    client: httpx.AsyncClient, attempts: int, headers_for: object
) -> list[int]:
    await in_a_fresh_rate_window()
    statuses = []
    for i in range(attempts):
        response = await client.post(
            "/api/auth/login",
            json={"email": f"nobody-{i}@example.com", "password": "not a password"},
            headers=headers_for(i),  # type: ignore[operator]
        )
        statuses.append(response.status_code)
    return statuses


def _spoofed(i: int) -> dict[str, str]:
    # A different "client" each time; the last entry plays the ALB's view of CloudFront.
    return {"X-Forwarded-For": f"198.51.100.{i}, 192.0.2.1"}


async def test_a_rotating_forwarded_for_without_the_origin_proof_is_ignored(
    behind_the_edge: tuple[Settings, httpx.AsyncClient],
) -> None:
    settings, client = behind_the_edge
    limit = settings.rate_limit_login_per_ip
    statuses = await _log_in_as_strangers(client, limit + 1, _spoofed)
    assert statuses[:limit] == [401] * limit
    assert statuses[limit] == 429


async def test_a_wrong_origin_proof_is_no_proof(
    behind_the_edge: tuple[Settings, httpx.AsyncClient],
) -> None:
    settings, client = behind_the_edge
    limit = settings.rate_limit_login_per_ip

    def wrong(i: int) -> dict[str, str]:
        return {**_spoofed(i), "X-Origin-Verify": NEAR_MISS}

    statuses = await _log_in_as_strangers(client, limit + 1, wrong)
    assert statuses[limit] == 429


async def test_with_the_origin_proof_each_forwarded_client_counts_alone(
    behind_the_edge: tuple[Settings, httpx.AsyncClient],
) -> None:
    settings, client = behind_the_edge
    limit = settings.rate_limit_login_per_ip

    def proven(i: int) -> dict[str, str]:
        return {**_spoofed(i), "X-Origin-Verify": SECRET}

    assert await _log_in_as_strangers(client, limit + 1, proven) == [401] * (limit + 1)

    def same_client(i: int) -> dict[str, str]:
        return {**_spoofed(200), "x-origin-verify": SECRET}

    statuses = await _log_in_as_strangers(client, limit + 1, same_client)
    assert statuses == [401] * limit + [429]


async def test_signups_are_limited_per_peer_without_the_proof(
    behind_the_edge: tuple[Settings, httpx.AsyncClient],
) -> None:
    settings, client = behind_the_edge
    limit = settings.rate_limit_login_per_ip
    last = None
    for i in range(limit + 1):
        last = await client.post(
            "/api/auth/signup",
            json={"email": f"{i}@x.example.com", "password": "p" * 12, "display_name": "x"},
            headers=_spoofed(i),
        )
    assert last is not None
    assert_error(last, 429, "rate_limited")


class TestSettings:
    def _settings(self, **values: object) -> Settings:
        base: dict[str, object] = {
            "environment": "prod",
            "jwt_signing_key": secrets.token_urlsafe(48),
            "database_iam_auth": True,
            "database_ssl": "verify-full",
        }
        return Settings(**{**base, **values})  # type: ignore[arg-type]

    def test_forwarded_hops_outside_local_need_the_origin_secret(self) -> None:
        with pytest.raises(ValueError, match="APP_ORIGIN_VERIFY_SECRET"):
            self._settings(forwarded_hops=2)
        with pytest.raises(ValueError, match="APP_ORIGIN_VERIFY_SECRET"):
            self._settings(forwarded_hops=2, origin_verify_secret="secret")
        assert self._settings(forwarded_hops=2, origin_verify_secret=SECRET).forwarded_hops == 2

    def test_no_secret_is_needed_without_proxies(self) -> None:
        assert self._settings(forwarded_hops=0).origin_verify_secret is None
