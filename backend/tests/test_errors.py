"""Bad input of every kind gets a 4xx in the one error shape, never a 500."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.factories import assert_error, create_task, in_a_fresh_rate_window, make_team, sign_up


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
        await in_a_fresh_rate_window()
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


# --- Issue 8, item 3: NUL characters (PostgreSQL rejects them in text) ------------------------

NUL = "a\x00b"


class TestNulCharacters:
    """A NUL in any string that enters is a 422 naming the field, never a 500."""

    @pytest.mark.parametrize(
        ("path", "body", "field"),
        [
            ("/api/auth/signup", {"email": "nul@example.com", "password": "p" * 12,
                                  "display_name": NUL}, "display_name"),
            ("/api/auth/signup", {"email": "nul@example.com", "password": "p" * 11 + NUL,
                                  "display_name": "n"}, "password"),
            ("/api/auth/login", {"email": "nul@example.com", "password": NUL}, "password"),
            ("/api/auth/refresh", {"refresh_token": NUL}, "refresh_token"),
            ("/api/auth/logout", {"refresh_token": NUL}, "refresh_token"),
        ],
    )  # fmt: skip
    async def test_auth_bodies(
        self, client: httpx.AsyncClient, path: str, body: dict[str, str], field: str
    ) -> None:
        response = await client.post(path, json=body)
        _assert_rejected_field(response, "body", field)

    async def test_project_and_task_bodies(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        headers = team.owner.headers
        project = f"/api/projects/{team.project_id}"
        task = await create_task(client, team.project_id, team.owner)
        task_url = f"{project}/tasks/{task['id']}"
        cases = [
            ("POST", "/api/projects", {"name": NUL}, "name"),
            ("POST", "/api/projects", {"name": "ok", "description": NUL}, "description"),
            ("PATCH", project, {"name": NUL}, "name"),
            ("PATCH", project, {"description": NUL}, "description"),
            ("POST", f"{project}/invitations", {"email": f"{NUL}@example.com"}, "email"),
            ("POST", f"{project}/tasks", {"title": NUL}, "title"),
            ("POST", f"{project}/tasks", {"title": "ok", "description": NUL}, "description"),
            ("PATCH", task_url, {"title": NUL}, "title"),
            ("PATCH", task_url, {"description": NUL}, "description"),
            ("POST", f"{task_url}/attachments",
             {"filename": NUL, "content_type": "text/plain", "size_bytes": 1}, "filename"),
        ]  # fmt: skip
        for method, path, body, field in cases:
            response = await client.request(
                method, path, json=body, headers={**headers, "If-Match": '"1"'}
            )
            _assert_rejected_field(response, "body", field)
        # Nothing was written on the way.
        listed = await client.get(f"{project}/tasks", headers=headers)
        assert [t["title"] for t in listed.json()["items"]] == [task["title"]]

    @pytest.mark.parametrize("param", ["q", "cursor"])
    async def test_query_parameters(self, client: httpx.AsyncClient, param: str) -> None:
        team = await make_team(client)
        response = await client.get(
            f"/api/projects/{team.project_id}/tasks?{param}=a%00b", headers=team.owner.headers
        )
        _assert_rejected_field(response, "query", param)

    async def test_path_parameters(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        response = await client.get("/api/projects/a%00b", headers=team.owner.headers)
        _assert_rejected_field(response, "path", "project_id")

    async def test_unpaired_surrogates_in_keys_and_values(self, client: httpx.AsyncClient) -> None:
        """JSON can spell code points UTF-8 cannot carry (`\\ud800`): they are refused too, in
        values and in keys (an error naming such a key could not be rendered as UTF-8)."""
        account = await sign_up(client)
        for raw in (b'{"name": "a\\ud800b"}', b'{"name": "ok", "a\\ud800b": 1}'):
            response = await client.post(
                "/api/projects",
                content=raw,
                headers={**account.headers, "Content-Type": "application/json"},
            )
            assert_error(response, 422, "validation_error")


def _assert_rejected_field(response: httpx.Response, where: str, field: str) -> None:
    body = assert_error(response, 422, "validation_error")
    locations = [tuple(detail["loc"]) for detail in body["error"]["details"]]
    assert (where, field) in locations, body


# --- Issue 8, item 4: values out of the database's ranges ------------------------------------


def _cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


TASK_ID = "00000000-0000-4000-8000-000000000000"


class TestOutOfRangeValues:
    @pytest.mark.parametrize(
        ("sort", "cursor"),
        [
            ("-created_at", ["-created_at", "2026-01-01T00:00:00+00:00", 123]),
            ("-created_at", ["-created_at", "2026-01-01T00:00:00", TASK_ID]),
            ("-created_at", ["-created_at", "0001-01-01T00:00:00+01:00", TASK_ID]),
            ("-created_at", ["-created_at", 20260101, TASK_ID]),
            ("-created_at", ["-created_at", "2026-01-01T00:00:00+00:00", TASK_ID, "x"]),
            ("-priority", ["-priority", 99999, TASK_ID]),
            ("-priority", ["-priority", 2**63 - 1, TASK_ID]),
            ("-priority", ["-priority", True, TASK_ID]),
            ("-priority", ["-priority", 2.0, TASK_ID]),
            ("due_date", ["due_date", 20260101, TASK_ID]),
            ("due_date", ["due_date", "2026-01-01", {"id": TASK_ID}]),
            ("-created_at", 2**63 - 1),
            ("-created_at", True),
            ("-created_at", None),
            ("-created_at", {"sort": "-created_at"}),
        ],
    )
    async def test_crafted_cursors_are_400(
        self, client: httpx.AsyncClient, sort: str, cursor: object
    ) -> None:
        team = await make_team(client)
        await create_task(client, team.project_id, team.owner)
        response = await client.get(
            f"/api/projects/{team.project_id}/tasks",
            params={"sort": sort, "cursor": _cursor(cursor)},
            headers=team.owner.headers,
        )
        body = assert_error(response, 400, "bad_request")
        assert "cursor" in body["error"]["message"]

    @pytest.mark.parametrize(
        "if_match",
        [b'"2147483648"', b'"99999999999999999999999"', b'"-1"', b'"\xb2"', b'"1 "', b'"0x1"',
         b'""', b'"1\x00"'],
    )  # fmt: skip
    @pytest.mark.parametrize("method", ["PATCH", "DELETE"])
    async def test_if_match_out_of_range_or_not_a_number_is_400(
        self, client: httpx.AsyncClient, method: str, if_match: bytes
    ) -> None:
        team = await make_team(client)
        task = await create_task(client, team.project_id, team.owner)
        response = await client.request(
            method,
            f"/api/projects/{team.project_id}/tasks/{task['id']}",
            json={"title": "x"} if method == "PATCH" else None,
            headers={**team.owner.headers, "If-Match": if_match},
        )
        body = assert_error(response, 400, "bad_request")
        assert "If-Match" in body["error"]["message"]
        still_there = await client.get(
            f"/api/projects/{team.project_id}/tasks/{task['id']}", headers=team.owner.headers
        )
        assert still_there.json()["version"] == 1

    async def test_if_match_in_its_documented_forms(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        task = await create_task(client, team.project_id, team.owner)
        path = f"/api/projects/{team.project_id}/tasks/{task['id']}"
        for version, if_match in ((1, '"1"'), (2, 'W/"2"'), (3, "3")):
            response = await client.patch(
                path, json={"title": f"v{version}"},
                headers={**team.owner.headers, "If-Match": if_match},
            )  # fmt: skip
            assert response.status_code == 200, response.text
        stale = await client.patch(
            path, json={"title": "x"}, headers={**team.owner.headers, "If-Match": '"2147483647"'}
        )
        assert_error(stale, 412, "precondition_failed")


# --- Issue 8, item 13: bodies over the limit however sent; bodies that are not UTF-8 JSON ----


class TestBodies:
    async def test_chunked_body_over_the_limit_is_413(
        self, client: httpx.AsyncClient, settings: object
    ) -> None:
        limit: int = settings.max_body_bytes  # type: ignore[attr-defined]
        account = await sign_up(client)

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"name": "big", "description": "'
            for _ in range(limit // 65536 + 2):
                yield b"a" * 65536
            yield b'"}'

        response = await client.post(
            "/api/projects",
            content=chunks(),
            headers={**account.headers, "Content-Type": "application/json"},
        )
        assert "content-length" not in response.request.headers
        assert_error(response, 413, "payload_too_large")
        listed = await client.get("/api/projects", headers=account.headers)
        assert listed.json()["items"] == []

    async def test_chunked_body_within_the_limit_is_read(self, client: httpx.AsyncClient) -> None:
        account = await sign_up(client)

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"name": "chun'
            yield b'ked", "description": "'
            yield b"d" * 1500
            yield b'"}'

        response = await client.post(
            "/api/projects",
            content=chunks(),
            headers={**account.headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 201, response.text
        assert response.json()["name"] == "chunked"

    @pytest.mark.parametrize(
        "raw",
        [
            b'{"name": "caf\xe9"}',  # latin-1, not UTF-8
            b'{"name": "\xff\xfe"}',
            b'{"name": "\xed\xa0\x80"}',  # an encoded surrogate
            b"[" * 100_000 + b"]" * 100_000,  # nested deeper than the parser recurses
            b'{"name": ' + b"9" * 5000 + b"}",  # an integer longer than Python converts
        ],
        ids=["latin-1", "invalid-bytes", "encoded-surrogate", "deep-nesting", "huge-integer"],
    )
    async def test_bodies_that_are_not_utf8_json_are_422(
        self, client: httpx.AsyncClient, raw: bytes
    ) -> None:
        account = await sign_up(client)
        response = await client.post(
            "/api/projects",
            content=raw,
            headers={**account.headers, "Content-Type": "application/json"},
        )
        body = assert_error(response, 422, "validation_error")
        assert body["error"]["details"][0]["loc"][0] == "body"
