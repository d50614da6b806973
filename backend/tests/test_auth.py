from __future__ import annotations

import httpx
import pytest

from tests.factories import PASSWORD, assert_error, login_past_the_account_limit, sign_up


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
    async def test_new_password_works_old_does_not_and_sessions_end(
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
        revoked = await client.post(
            "/api/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        assert_error(revoked, 401)

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
