from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from fastapi import FastAPI
from redis import Redis as SyncRedis
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine

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

    async def test_reuse_revokes_the_whole_family(
        self, client: httpx.AsyncClient, stack: Stack
    ) -> None:
        account = await sign_up(client)
        rotated = (
            await client.post("/api/auth/refresh", json={"refresh_token": account.refresh_token})
        ).json()["refresh_token"]
        await age_rotations(stack)
        reuse = await client.post(
            "/api/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        assert_error(reuse, 401)
        # The legitimate holder's newer token is now dead too: the family is revoked.
        after = await client.post("/api/auth/refresh", json={"refresh_token": rotated})
        assert_error(after, 401)

    async def test_unknown_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.post("/api/auth/refresh", json={"refresh_token": "x"}), 401)

    async def test_other_sessions_survive_a_reuse(
        self, client: httpx.AsyncClient, stack: Stack
    ) -> None:
        account = await sign_up(client)
        other = (
            await client.post(
                "/api/auth/login", json={"email": account.email, "password": PASSWORD}
            )
        ).json()["tokens"]["refresh_token"]
        await client.post("/api/auth/refresh", json={"refresh_token": account.refresh_token})
        await age_rotations(stack)
        await client.post("/api/auth/refresh", json={"refresh_token": account.refresh_token})
        assert (
            await client.post("/api/auth/refresh", json={"refresh_token": other})
        ).status_code == 200


async def age_rotations(stack: Stack) -> None:
    """Move every rotation back an hour, past the reuse grace window: a reuse from now on is
    a copy of the token being used, not two tabs refreshing at once (ADR 0074)."""
    engine = create_async_engine(stack.admin_settings.sqlalchemy_database_url)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE refresh_tokens SET used_at = used_at - interval '1 hour' "
                "WHERE used_at IS NOT NULL"
            )
        )
    await engine.dispose()


BROWSER = {"X-Requested-With": "fetch"}
COOKIE_SET = re.compile(
    r"taskapp_refresh=([A-Za-z0-9_-]{43}); Path=/api/auth; Max-Age=(\d+); HttpOnly; Secure; "
    r"SameSite=Strict"
)
COOKIE_CLEARED = "taskapp_refresh=; Path=/api/auth; Max-Age=0; HttpOnly; Secure; SameSite=Strict"


def _session_cookie(response: httpx.Response, settings: Settings) -> str:
    """The refresh token of the response's one Set-Cookie, after checking its attributes."""
    (header,) = response.headers.get_list("set-cookie")
    match = COOKIE_SET.fullmatch(header)
    assert match, header
    assert int(match.group(2)) == settings.refresh_token_ttl_seconds
    assert response.headers["cache-control"] == "no-store"
    return match.group(1)


def _with_cookie(token: str, **headers: str) -> dict[str, str]:
    return {**BROWSER, "Cookie": f"taskapp_refresh={token}", **headers}


class TestSessionCookie:
    """A browser (X-Requested-With) keeps its refresh token in an HttpOnly cookie scoped to
    the auth routes, which script cannot read (ADR 0074); the body flow stays for others."""

    async def _browser_login(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> tuple[Account, str, dict[str, object]]:
        account = await sign_up(client)
        response = await client.post(
            "/api/auth/login",
            json={"email": account.email, "password": PASSWORD},
            headers=BROWSER,
        )
        assert response.status_code == 200, response.text
        tokens: dict[str, object] = response.json()["tokens"]
        return account, _session_cookie(response, settings), tokens

    async def test_login_sets_the_cookie_exactly_and_keeps_it_out_of_the_body(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        _, cookie, tokens = await self._browser_login(client, settings)
        assert "refresh_token" not in tokens
        assert (await _me(client, str(tokens["access_token"]))).status_code == 200
        assert cookie

    async def test_signup_sets_the_cookie(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        response = await client.post(
            "/api/auth/signup",
            json={"email": "cookie@example.com", "password": PASSWORD, "display_name": "C"},
            headers=BROWSER,
        )
        assert response.status_code == 201, response.text
        _session_cookie(response, settings)
        assert "refresh_token" not in response.json()["tokens"]

    async def test_without_the_header_no_cookie_and_the_token_in_the_body(
        self, client: httpx.AsyncClient
    ) -> None:
        account = await sign_up(client)
        response = await client.post(
            "/api/auth/login", json={"email": account.email, "password": PASSWORD}
        )
        assert "set-cookie" not in response.headers
        assert response.json()["tokens"]["refresh_token"]

    async def test_refresh_with_the_cookie_rotates_it(
        self, client: httpx.AsyncClient, settings: Settings, stack: Stack
    ) -> None:
        _, cookie, _ = await self._browser_login(client, settings)
        response = await client.post("/api/auth/refresh", headers=_with_cookie(cookie))
        assert response.status_code == 200, response.text
        assert "refresh_token" not in response.json()
        rotated = _session_cookie(response, settings)
        assert rotated != cookie
        assert (await _me(client, response.json()["access_token"])).status_code == 200
        again = await client.post("/api/auth/refresh", headers=_with_cookie(rotated))
        assert again.status_code == 200, again.text
        # The first cookie, long after its rotation, is a stolen copy: the session ends.
        await age_rotations(stack)
        assert_error(await client.post("/api/auth/refresh", headers=_with_cookie(cookie)), 401)
        latest = _session_cookie(again, settings)
        assert_error(await client.post("/api/auth/refresh", headers=_with_cookie(latest)), 401)

    async def test_no_cookie_and_no_body_is_401(self, client: httpx.AsyncClient) -> None:
        """What the SPA sees at start without a session: show the login page."""
        assert_error(await client.post("/api/auth/refresh", headers=BROWSER), 401, "unauthorized")

    @pytest.mark.parametrize(
        "headers",
        [
            {},  # a cross-site form or a fetch without the custom header
            {"X-Requested-With": ""},
            {"X-Requested-With": "fetch", "Sec-Fetch-Site": "cross-site"},
            {"X-Requested-With": "fetch", "Sec-Fetch-Site": "same-site"},  # a sibling domain
        ],
    )
    async def test_cross_site_requests_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, headers: dict[str, str]
    ) -> None:
        _, cookie, _ = await self._browser_login(client, settings)
        cookie_only = {"Cookie": f"taskapp_refresh={cookie}", **headers}
        refresh = await client.post("/api/auth/refresh", headers=cookie_only)
        assert_error(refresh, 403, "forbidden")
        assert "set-cookie" not in refresh.headers
        assert_error(await client.post("/api/auth/logout", headers=cookie_only), 403, "forbidden")
        # Neither touched the session: the cookie still refreshes, once, from our own page.
        same_origin = _with_cookie(cookie, **{"Sec-Fetch-Site": "same-origin"})
        ok = await client.post("/api/auth/refresh", headers=same_origin)
        assert ok.status_code == 200, ok.text

    async def test_logout_clears_the_cookie_and_ends_the_session(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        account, cookie, tokens = await self._browser_login(client, settings)
        other = await _log_in(client, account)
        response = await client.post("/api/auth/logout", headers=_with_cookie(cookie))
        assert response.status_code == 204
        assert response.headers.get_list("set-cookie") == [COOKIE_CLEARED]
        assert_error(await client.post("/api/auth/refresh", headers=_with_cookie(cookie)), 401)
        assert_error(await _me(client, str(tokens["access_token"])), 401)
        assert (await _me(client, other["access_token"])).status_code == 200  # only this one

    async def test_logout_without_a_session_still_clears_the_cookie(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/api/auth/logout", headers=BROWSER)
        assert response.status_code == 204
        assert response.headers.get_list("set-cookie") == [COOKIE_CLEARED]

    async def test_concurrent_refreshes_with_one_cookie_keep_the_session(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        """Two tabs (or a browser restoring five) refresh at once with the one cookie: the
        first rotates it, the others are within the grace window and get a pair of the same
        session; none is taken for theft, and whichever cookie the browser keeps works."""
        _, cookie, _ = await self._browser_login(client, settings)
        responses = await asyncio.gather(
            *(client.post("/api/auth/refresh", headers=_with_cookie(cookie)) for _ in range(5))
        )
        assert [r.status_code for r in responses] == [200] * 5, [r.text for r in responses]
        cookies = [_session_cookie(r, settings) for r in responses]
        assert len(set(cookies)) == 5
        for r in responses:
            assert (await _me(client, r.json()["access_token"])).status_code == 200
        for token in cookies:
            refreshed = await client.post("/api/auth/refresh", headers=_with_cookie(token))
            assert refreshed.status_code == 200, refreshed.text
        # Still one session: logging out with any of its cookies ends all of them.
        await client.post("/api/auth/logout", headers=_with_cookie(cookies[0]))
        for r in responses:
            assert_error(await _me(client, r.json()["access_token"]), 401)

    async def test_the_body_flow_keeps_working_for_other_clients(
        self, client: httpx.AsyncClient
    ) -> None:
        account = await sign_up(client)
        response = await client.post(
            "/api/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        assert response.status_code == 200
        assert response.json()["refresh_token"]
        assert "set-cookie" not in response.headers
        logout = await client.post(
            "/api/auth/logout", json={"refresh_token": response.json()["refresh_token"]}
        )
        assert logout.status_code == 204 and "set-cookie" not in logout.headers

    @pytest.mark.parametrize("path", ["/api/auth/refresh", "/api/auth/logout"])
    async def test_a_null_body_is_not_no_body(self, client: httpx.AsyncClient, path: str) -> None:
        response = await client.post(
            path, content=b"null", headers={**BROWSER, "Content-Type": "application/json"}
        )
        assert_error(response, 422, "validation_error")

    async def test_grace_zero_treats_every_reuse_as_theft(self, stack: Stack) -> None:
        async with serving(settings_with(stack.settings, refresh_reuse_grace_seconds=0)) as (
            _,
            c,
        ):
            account = await sign_up(c)
            await c.post("/api/auth/refresh", json={"refresh_token": account.refresh_token})
            reuse = await c.post("/api/auth/refresh", json={"refresh_token": account.refresh_token})
            assert_error(reuse, 401)


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
        self, client: httpx.AsyncClient, stack: Stack
    ) -> None:
        account = await sign_up(client)
        rotated = await client.post(
            "/api/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        access = rotated.json()["access_token"]
        assert (await _me(client, access)).status_code == 200
        await age_rotations(stack)
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

    async def test_a_burst_after_a_lull_asks_the_database_once(
        self, client: httpx.AsyncClient, app: FastAPI, stack: Stack
    ) -> None:
        """No request for longer than the beacon's life (a quiet night, a low-traffic app):
        the next requests find the revoked set possibly incomplete and the database answers.
        Twenty of them at once, each with its own session, share one query; the revoked one
        among them is still refused."""
        accounts = [await sign_up(client, f"user{number}") for number in range(20)]
        ended = accounts[0]
        await client.post("/api/auth/logout", json={"refresh_token": ended.refresh_token})
        SyncRedis.from_url(stack.endpoints.redis_url).delete("auth:beacon")  # it lapsed

        asked: list[str] = []

        def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if "refresh_tokens" in statement:
                asked.append(statement)

        engine = app.state.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            answers = await asyncio.gather(
                *(_me(client, account.access_token) for account in accounts)
            )
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert [answer.status_code for answer in answers] == [401] + [200] * 19
        assert len(asked) == 1, asked

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
