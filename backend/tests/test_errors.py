"""Bad input of every kind gets a 4xx in the one error shape, never a 500."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import assert_error, make_team, sign_up


class TestErrorShape:
    async def test_unknown_route_and_method(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get("/api/nope"), 404, "not_found")
        assert_error(await client.put("/api/projects"), 405, "method_not_allowed")

    async def test_malformed_json(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert_error(response, 422, "validation_error")

    async def test_wrong_content_type(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/auth/login", content=b"email=a", headers={"Content-Type": "text/plain"}
        )
        assert_error(response, 422)

    async def test_body_over_the_limit_is_413(
        self, client: httpx.AsyncClient, settings: object
    ) -> None:
        big = b'{"email": "' + b"a" * settings.max_body_bytes + b'"}'  # type: ignore[attr-defined]
        response = await client.post(
            "/api/auth/login", content=big, headers={"Content-Type": "application/json"}
        )
        assert_error(response, 413, "payload_too_large")

    @pytest.mark.parametrize(
        "project_id", ["123", "not-a-uuid", "00000000-0000-0000-0000-00000000000g"]
    )
    async def test_bad_path_ids_are_422(self, client: httpx.AsyncClient, project_id: str) -> None:
        account = await sign_up(client)
        response = await client.get(f"/api/projects/{project_id}", headers=account.headers)
        assert_error(response, 422)

    async def test_every_response_has_a_request_id_and_security_headers(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/nope", headers={"X-Request-ID": "abc-123"})
        assert response.headers["X-Request-ID"] == "abc-123"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        generated = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
        assert generated.headers["X-Request-ID"] != "bad id with spaces"
        assert len(generated.headers["X-Request-ID"]) == 32

    async def test_openapi_documents_every_operation(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/api/openapi.json")).json()
        operation_ids = []
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                assert operation.get("summary"), (method, path)
                assert "200" in operation["responses"] or any(
                    code.startswith("2") for code in operation["responses"]
                ), (method, path)
                operation_ids.append(operation["operationId"])
                if path.startswith("/api/") and "signup" not in path and "login" not in path:
                    assert "422" in operation["responses"], (method, path)
        assert len(operation_ids) == len(set(operation_ids))
        assert "list_tasks" in operation_ids and "start_attachment_upload" in operation_ids


class TestCors:
    async def test_no_cors_headers_for_unlisted_origin(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in response.headers


class TestHealth:
    async def test_health_endpoints(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "database": "ok", "redis": "ok"}
        version = (await client.get("/version")).json()
        assert set(version) == {"version", "git_sha", "build_time", "environment"}
        assert version["environment"] == "test"

    async def test_per_user_api_rate_limit(self, client: httpx.AsyncClient, app: object) -> None:
        team = await make_team(client)
        limiter = app.state.rate_limiter  # type: ignore[attr-defined]
        # Spend this user's budget for the minute directly, then one more request is refused.
        settings = app.state.settings  # type: ignore[attr-defined]
        for _ in range(settings.rate_limit_api_per_user):
            try:
                await limiter.hit("api", team.owner.id, settings.rate_limit_api_per_user)
            except Exception:
                break
        response = await client.get("/api/projects", headers=team.owner.headers)
        assert_error(response, 429, "rate_limited")
        assert int(response.headers["Retry-After"]) >= 1
        other = await client.get("/api/projects", headers=team.member.headers)
        assert other.status_code == 200
