from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from redis import Redis as SyncRedis

from taskapp.core.redis import RedisStore
from taskapp.core.settings import Settings
from tests.conftest import Stack
from tests.factories import (
    PASSWORD,
    Account,
    assert_error,
    login_past_the_account_limit,
    sign_up,
)
from tests.partition import relay_to, serving, settings_with, wait_until


class TestSignUp:
    async def test_creates_account_and_session(self, client: httpx.AsyncClient) -> None:
        account = await sign_up(client, "alice")
        me = await client.get("/api/auth/me", headers=account.headers)
        assert me.status_code == 200
        assert me.json()["email"] == account.email
        assert "password" not in me.text and "hash" not in me.text

    async def test_duplicate_email_is_a_conflict_case_insensitively(
        self, client: httpx.AsyncClient
    ) -> None:
        account = await sign_up(client, "bob")
        response = await client.post(
            "/api/auth/signup",
            json={"email": account.email.upper(), "password": PASSWORD, "display_name": "Bob"},
        )
        assert_error(response, 409, "conflict")

    @pytest.mark.parametrize(
        "payload",
        [
            {"email": "not-an-email", "password": PASSWORD, "display_name": "x"},
            {"email": "a@example.com", "password": "short", "display_name": "x"},
            {"email": "a@example.com", "password": "p" * 129, "display_name": "x"},
            {"email": "a@example.com", "password": PASSWORD, "display_name": ""},
            {"email": "a@example.com", "password": PASSWORD, "display_name": "x" * 101},
            {"email": "a@example.com", "password": PASSWORD},
            {"email": "a@example.com", "password": PASSWORD, "display_name": "x", "admin": True},
            {"email": 5, "password": PASSWORD, "display_name": "x"},
        ],
    )
    async def test_bad_input_is_422_with_details(
        self, client: httpx.AsyncClient, payload: dict[str, object]
    ) -> None:
        body = assert_error(
            await client.post("/api/auth/signup", json=payload), 422, "validation_error"
        )
        assert body["error"]["details"], body


class TestLogIn:
    async def test_right_password_gives_tokens(self, client: httpx.AsyncClient) -> None:
        account = await sign_up(client)
        response = await client.post(
            "/api/auth/login", json={"email": account.email, "password": PASSWORD}
        )
        assert response.status_code == 200
        tokens = response.json()["tokens"]
        assert tokens["token_type"] == "bearer" and tokens["expires_in"] > 0

    async def test_wrong_password_and_unknown_email_look_the_same(
        self, client: httpx.AsyncClient
    ) -> None:
        account = await sign_up(client)
        wrong = await client.post(
            "/api/auth/login", json={"email": account.email, "password": "wrong password!"}
        )
        unknown = await client.post(
            "/api/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
        )
        assert_error(wrong, 401, "unauthorized")
        assert_error(unknown, 401, "unauthorized")
        assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]

    async def test_rate_limited_per_account(
        self, client: httpx.AsyncClient, settings: object
    ) -> None:
        blocked = await login_past_the_account_limit(client, settings)
        assert int(blocked.headers["Retry-After"]) >= 1


class TestAccessToken:
    @pytest.mark.parametrize(
        "header",
        [None, "Bearer", "Bearer not.a.jwt", "Basic dXNlcjpwYXNz", "Bearer " + "a" * 50],
    )
    async def test_missing_or_bad_token_is_401(
        self, client: httpx.AsyncClient, header: str | None
    ) -> None:
        headers = {"Authorization": header} if header else {}
        response = await client.get("/api/auth/me", headers=headers)
        assert_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == "Bearer"

    async def test_token_signed_with_another_key_is_rejected(
        self, client: httpx.AsyncClient
    ) -> None:
        import jwt

        account = await sign_up(client)
        forged = jwt.encode({"sub": account.id, "iss": "taskapp", "iat": 0, "exp": 4102444800,
                             "typ": "access"}, "another-key-another-key-another-key", "HS256")  # fmt: skip
        response = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"})
        assert_error(response, 401)


class TestRefresh:
    async def test_rotation_gives_new_tokens_and_the_old_one_stops_working(
        self, client: httpx.AsyncClient
    ) -> None:
        account = await sign_up(client)
        first = await client.post(
            "/api/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        assert first.status_code == 200
        rotated = first.json()["refresh_token"]
        assert rotated != account.refresh_token
        me = await client.get(
            "/api/auth/me", headers={"Authorization": f"Bearer {first.json()['access_token']}"}
        )
        assert me.status_code == 200
        second = await client.post("/api/auth/refresh", json={"refresh_token": rotated})
        assert second.status_code == 200

    async def test_reuse_revokes_the_whole_family(self, client: httpx.AsyncClient) -> None:
        account = await sign_up(client)
        rotated = (
            await client.post("/api/auth/refresh", json={"refresh_token": account.refresh_token})
        ).json()["refresh_token"]
        reuse = await client.post(
            "/api/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        assert_error(reuse, 401)
        # The legitimate holder's newer token is now dead too: the family is revoked.
        after = await client.post("/api/auth/refresh", json={"refresh_token": rotated})
        assert_error(after, 401)

    async def test_unknown_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.post("/api/auth/refresh", json={"refresh_token": "x"}), 401)

    async def test_other_sessions_survive_a_reuse(self, client: httpx.AsyncClient) -> None:
        account = await sign_up(client)
        other = (
            await client.post(
                "/api/auth/login", json={"email": account.email, "password": PASSWORD}
            )
        ).json()["tokens"]["refresh_token"]
        await client.post("/api/auth/refresh", json={"refresh_token": account.refresh_token})
        await client.post("/api/auth/refresh", json={"refresh_token": account.refresh_token})
        assert (
            await client.post("/api/auth/refresh", json={"refresh_token": other})
        ).status_code == 200


class TestLogOut:
    async def test_logout_revokes_the_refresh_token(self, client: httpx.AsyncClient) -> None:
        account = await sign_up(client)
        response = await client.post(
            "/api/auth/logout", json={"refresh_token": account.refresh_token}
        )
        assert response.status_code == 204
        after = await client.post(
            "/api/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        assert_error(after, 401)


class TestChangePassword:
    async def test_new_password_works_and_the_old_one_does_not(
        self, client: httpx.AsyncClient
    ) -> None:
        account = await sign_up(client)
        new_password = "an even longer passphrase"
        response = await client.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": new_password},
            headers=account.headers,
        )
        assert response.status_code == 204
        old = await client.post(
            "/api/auth/login", json={"email": account.email, "password": PASSWORD}
        )
        assert_error(old, 401)
        new = await client.post(
            "/api/auth/login", json={"email": account.email, "password": new_password}
        )
        assert new.status_code == 200

    async def test_guesses_are_limited_per_account_before_the_password_is_checked(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        """A stolen access token must not buy more guesses than a login does (issue 8,
        item 6): the same per-account limit, shared with login."""
        account = await sign_up(client)
        guess = {"current_password": "a wrong guess", "new_password": "a brand new passphrase"}
        for _ in range(settings.rate_limit_login_per_account):
            response = await client.post("/api/auth/password", json=guess, headers=account.headers)
            assert_error(response, 400, "bad_request")
        # Past the limit even the right password is refused: it was not checked at all.
        right = {"current_password": PASSWORD, "new_password": "a brand new passphrase"}
        blocked = await client.post("/api/auth/password", json=right, headers=account.headers)
        assert_error(blocked, 429, "rate_limited")
        assert int(blocked.headers["Retry-After"]) >= 1
        login = await client.post(
            "/api/auth/login", json={"email": account.email, "password": PASSWORD}
        )
        assert_error(login, 429, "rate_limited")

    async def test_wrong_current_password_is_400(self, client: httpx.AsyncClient) -> None:
        account = await sign_up(client)
        response = await client.post(
            "/api/auth/password",
            json={"current_password": "not it at all", "new_password": "a brand new passphrase"},
            headers=account.headers,
        )
        assert_error(response, 400, "bad_request")

    async def test_requires_authentication(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": PASSWORD + "x"},
        )
        assert_error(response, 401)


async def _me(client: httpx.AsyncClient, access_token: str) -> httpx.Response:
    return await client.get("/api/auth/me", headers={"Authorization": f"Bearer {access_token}"})


async def _log_in(client: httpx.AsyncClient, account: Account) -> dict[str, str]:
    response = await client.post(
        "/api/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()["tokens"]
    return tokens


class TestSessionRevocation:
    """Logging out and changing the password end access tokens at once, not when they
    expire (issue 8, item 10), in every API process and whatever Redis does."""

    async def test_logout_ends_the_access_token_at_once(self, client: httpx.AsyncClient) -> None:
        account = await sign_up(client)
        assert (await _me(client, account.access_token)).status_code == 200  # now remembered
        other = await _log_in(client, account)
        logout = await client.post(
            "/api/auth/logout", json={"refresh_token": account.refresh_token}
        )
        assert logout.status_code == 204
        assert_error(await _me(client, account.access_token), 401, "unauthorized")
        # Only that session ended.
        assert (await _me(client, other["access_token"])).status_code == 200

    async def test_password_change_ends_every_other_session_and_keeps_this_one(
        self, client: httpx.AsyncClient
    ) -> None:
        account = await sign_up(client)
        other = await _log_in(client, account)
        assert (await _me(client, other["access_token"])).status_code == 200
        changed = await client.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": "an even longer passphrase"},
            headers=account.headers,
        )
        assert changed.status_code == 204
        assert_error(await _me(client, other["access_token"]), 401)
        assert_error(
            await client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]}),
            401,
        )
        # The session that changed the password goes on: access and refresh.
        assert (await _me(client, account.access_token)).status_code == 200
        refreshed = await client.post(
            "/api/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        assert refreshed.status_code == 200, refreshed.text
        assert (await _me(client, refreshed.json()["access_token"])).status_code == 200

    async def test_refresh_token_reuse_ends_the_family_access_tokens(
        self, client: httpx.AsyncClient
    ) -> None:
        account = await sign_up(client)
        rotated = await client.post(
            "/api/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        access = rotated.json()["access_token"]
        assert (await _me(client, access)).status_code == 200
        reuse = await client.post(
            "/api/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        assert_error(reuse, 401)
        assert_error(await _me(client, access), 401)
        assert_error(await _me(client, account.access_token), 401)

    async def test_a_revocation_lost_by_redis_is_restored_from_the_database(
        self, client: httpx.AsyncClient, stack: Stack
    ) -> None:
        account = await sign_up(client)
        other = await _log_in(client, account)
        await client.post("/api/auth/logout", json={"refresh_token": account.refresh_token})
        SyncRedis.from_url(stack.endpoints.redis_url).flushall()  # a restart: no persistence
        assert_error(await _me(client, account.access_token), 401)
        assert (await _me(client, other["access_token"])).status_code == 200

    async def test_logout_while_redis_is_down_ends_the_access_token(
        self, client: httpx.AsyncClient, app: FastAPI, stack: Stack, redis_stopped: None
    ) -> None:
        account = await sign_up(client)
        other = await _log_in(client, account)
        logout = await client.post(
            "/api/auth/logout", json={"refresh_token": account.refresh_token}
        )
        assert logout.status_code == 204
        assert_error(await _me(client, account.access_token), 401)  # from the database
        assert (await _me(client, other["access_token"])).status_code == 200
        assert stack.services.redis is not None
        stack.services.redis.start()  # empty: the revocation never reached it
        store: RedisStore = app.state.redis
        await wait_until(store.ping)
        assert_error(await _me(client, account.access_token), 401)
        assert (await _me(client, other["access_token"])).status_code == 200

    async def test_a_revocation_that_missed_redis_reaches_the_other_processes(
        self, stack: Stack
    ) -> None:
        """Process A cannot reach Redis when the user logs out there; process B can. A
        refuses the token at once and, once Redis is reachable again, makes B refuse it
        too, with no further request to A."""
        async with (
            relay_to(stack.endpoints.redis_url) as relay,
            serving(settings_with(stack.settings, redis_url=relay.url)) as (_, a),
            serving(stack.settings) as (_, b),
        ):
            account = await sign_up(b)
            assert (await _me(b, account.access_token)).status_code == 200
            relay.cut()
            logout = await a.post("/api/auth/logout", json={"refresh_token": account.refresh_token})
            assert logout.status_code == 204
            assert_error(await _me(a, account.access_token), 401)
            relay.heal()

            async def b_refuses() -> bool:
                return (await _me(b, account.access_token)).status_code == 401

            await wait_until(b_refuses, bound_seconds=15)  # far less than the token's life
