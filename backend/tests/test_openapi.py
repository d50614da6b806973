"""The OpenAPI document says what the code does (clients are generated from it: issue 8,
item 14), and it and the docs page are served only where the settings allow (item 16)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from taskapp.core.settings import Settings
from taskapp.main import create_app
from tests.factories import assert_error, create_task, make_team

Spec = dict[str, Any]


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> Spec:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    document: Spec = response.json()
    return document


def operations(spec: Spec) -> dict[str, tuple[str, str, Spec]]:
    return {
        operation["operationId"]: (method.upper(), path, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }


def parameter(spec: Spec, operation_id: str, name: str) -> Spec:
    (found,) = [
        p
        for p in operations(spec)[operation_id][2].get("parameters", [])
        if p["name"].lower() == name.lower()
    ]
    return found


def schema(spec: Spec, name: str) -> Spec:
    found: Spec = spec["components"]["schemas"][name]
    return found


def nullable(property_schema: Spec) -> bool:
    variants = property_schema.get("anyOf", [property_schema])
    return any(v.get("type") == "null" for v in variants)


class TestDocumentMatchesBehaviour:
    async def test_if_match_is_required_where_it_is_enforced(
        self, client: httpx.AsyncClient, spec: Spec
    ) -> None:
        assert parameter(spec, "update_task", "If-Match")["required"] is True
        assert parameter(spec, "delete_task", "If-Match").get("required", False) is False
        assert "428" in operations(spec)["update_task"][2]["responses"]
        team = await make_team(client)
        task = await create_task(client, team.project_id, team.owner)
        path = f"/api/projects/{team.project_id}/tasks/{task['id']}"
        missing = await client.patch(path, json={"title": "x"}, headers=team.owner.headers)
        assert_error(missing, 428, "precondition_required")
        deleted = await client.delete(path, headers=team.owner.headers)
        assert deleted.status_code == 204

    async def test_fields_that_refuse_null_are_not_nullable(
        self, client: httpx.AsyncClient, spec: Spec
    ) -> None:
        update = schema(spec, "TaskUpdate")["properties"]
        assert {name for name, prop in update.items() if nullable(prop)} == {
            "assignee_id",
            "due_date",
            "after_id",  # null: the top of the column (ADR 0106)
        }
        team = await make_team(client)
        task = await create_task(client, team.project_id, team.owner)
        path = f"/api/projects/{team.project_id}/tasks/{task['id']}"
        for field in ("title", "description", "status", "priority"):
            response = await client.patch(
                path, json={field: None}, headers={**team.owner.headers, "If-Match": '"1"'}
            )
            body = assert_error(response, 422, "validation_error")
            assert ["body", field] in [d["loc"][:2] for d in body["error"]["details"]], body
        project = schema(spec, "ProjectUpdate")["properties"]
        assert not any(nullable(prop) for prop in project.values())
        for field in ("name", "description"):
            response = await client.patch(
                f"/api/projects/{team.project_id}", json={field: None}, headers=team.owner.headers
            )
            assert_error(response, 422, "validation_error")
        unchanged = await client.get(f"/api/projects/{team.project_id}", headers=team.owner.headers)
        assert unchanged.json()["name"] == "Apollo"

    async def test_no_request_schema_or_parameter_is_nullable_without_meaning_it(
        self, spec: Spec
    ) -> None:
        """Null is accepted only where it means something (clearing an assignee or a due date,
        a task placed at the top of its column); query parameters cannot carry a null at all."""
        for operation_id, (_, _, operation) in operations(spec).items():
            for param in operation.get("parameters", []):
                assert not nullable(param["schema"]), (operation_id, param["name"])
        allowed = {("TaskUpdate", "assignee_id"), ("TaskUpdate", "due_date"), ("TaskUpdate", "after_id"),
                   ("TaskCreate", "assignee_id"), ("TaskCreate", "due_date")}  # fmt: skip
        for name, component in spec["components"]["schemas"].items():
            if not name.endswith(("Create", "Update", "Request", "Add")):
                continue
            for field, prop in component.get("properties", {}).items():
                if nullable(prop):
                    assert (name, field) in allowed, (name, field)

    async def test_upload_limits_are_documented(
        self, client: httpx.AsyncClient, spec: Spec, settings: Settings
    ) -> None:
        properties = schema(spec, "AttachmentCreate")["properties"]
        assert properties["content_type"]["enum"] == settings.attachment_content_types
        assert properties["size_bytes"]["maximum"] == settings.attachment_max_bytes
        team = await make_team(client)
        task = await create_task(client, team.project_id, team.owner)
        path = f"/api/projects/{team.project_id}/tasks/{task['id']}/attachments"
        body = {"filename": "a.txt", "content_type": "text/plain"}
        too_big = await client.post(
            path, json={**body, "size_bytes": settings.attachment_max_bytes + 1},
            headers=team.owner.headers,
        )  # fmt: skip
        assert_error(too_big, 413, "payload_too_large")
        just_fits = await client.post(
            path, json={**body, "size_bytes": settings.attachment_max_bytes},
            headers=team.owner.headers,
        )  # fmt: skip
        assert just_fits.status_code == 201, just_fits.text
        unlisted = await client.post(
            path, json={**body, "content_type": "image/svg+xml", "size_bytes": 1},
            headers=team.owner.headers,
        )  # fmt: skip
        assert_error(unlisted, 422, "validation_error")

    @pytest.mark.parametrize(
        ("path", "methods"),
        [
            ("/api/projects", {"GET", "POST"}),
            ("/api/projects/{project}", {"GET", "PATCH", "DELETE"}),
            ("/api/projects/{project}/tasks/{task}", {"GET", "PATCH", "DELETE"}),
            ("/api/auth/login", {"POST"}),
        ],
    )
    async def test_405_allow_lists_every_method_of_the_path(
        self, client: httpx.AsyncClient, spec: Spec, path: str, methods: set[str]
    ) -> None:
        target = path.format(
            project="00000000-0000-4000-8000-000000000001",
            task="00000000-0000-4000-8000-000000000002",
        )
        response = await client.put(target)
        assert_error(response, 405, "method_not_allowed")
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert allowed == methods
        documented = path.replace("{project}", "{project_id}").replace("{task}", "{task_id}")
        assert {m.upper() for m in spec["paths"][documented]} == methods

    async def test_tasks_counts_is_not_a_task(self, client: httpx.AsyncClient, spec: Spec) -> None:
        """`/tasks/counts` answers GET only (the document lists it apart from `/tasks/{task_id}`)."""
        team = await make_team(client)
        counts = f"/api/projects/{team.project_id}/tasks/counts"
        for method in ("PATCH", "DELETE"):
            response = await client.request(method, counts, headers=team.owner.headers)
            assert_error(response, 405, "method_not_allowed")
            assert response.headers["Allow"] == "GET"
        assert set(spec["paths"]["/api/projects/{project_id}/tasks/counts"]) == {"get"}
        not_an_id = await client.get(
            f"/api/projects/{team.project_id}/tasks/not-a-task", headers=team.owner.headers
        )
        assert_error(not_an_id, 404, "not_found")

    async def test_every_api_operation_documents_the_errors_it_can_answer(self, spec: Spec) -> None:
        for operation_id, (_, path, operation) in operations(spec).items():
            if not path.startswith("/api/"):
                continue
            responses = operation["responses"]
            # Every one uses the database, which can be unavailable or past the deadline.
            assert "503" in responses, operation_id
            assert "422" in responses, operation_id
            if "requestBody" in operation:
                assert "413" in responses, operation_id
            if operation.get("security"):
                assert {"401", "429"} <= set(responses), operation_id
            for status in ("429", "503"):
                if status in responses:
                    assert "Retry-After" in responses[status].get("headers", {}), (
                        operation_id,
                        status,
                    )
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    content = response["content"]["application/json"]["schema"]
                    assert content == {"$ref": "#/components/schemas/ErrorResponse"}, (
                        operation_id,
                        status,
                    )
        auth = {op: set(o[2]["responses"]) for op, o in operations(spec).items()
                if o[1].startswith("/api/auth/")}  # fmt: skip
        assert auth["sign_up"] == {"201", "409", "413", "422", "429", "503"}
        assert auth["log_in"] == {"200", "401", "413", "422", "429", "503"}
        assert auth["log_out"] == {"204", "403", "413", "422", "503"}
        assert auth["refresh_session"] == {"200", "401", "403", "413", "422", "429", "503"}

    async def test_etag_is_documented_where_sent(self, spec: Spec) -> None:
        for operation_id, status in (("get_task", "200"), ("create_task", "201"),
                                     ("update_task", "200")):  # fmt: skip
            headers = operations(spec)[operation_id][2]["responses"][status]["headers"]
            assert "ETag" in headers, operation_id


def _settings(environment: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": environment,
        "jwt_signing_key": "k" * 48,
        "database_url": "postgresql://taskapp:unused@127.0.0.1:1/taskapp",
        "log_level": "WARNING",
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


async def _get(settings: Settings, path: str) -> httpx.Response:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(path)


class TestApiDocs:
    @pytest.mark.parametrize("environment", ["stage", "prod"])
    async def test_not_served_by_default_outside_local_dev_and_test(self, environment: str) -> None:
        for path in ("/api/docs", "/api/openapi.json"):
            response = await _get(_settings(environment), path)
            assert_error(response, 404, "not_found")

    @pytest.mark.parametrize("environment", ["local", "test", "dev"])
    async def test_served_by_default_in_local_dev_and_test(self, environment: str) -> None:
        for path in ("/api/docs", "/api/openapi.json"):
            response = await _get(_settings(environment), path)
            assert response.status_code == 200, (environment, path)

    async def test_the_setting_decides(self) -> None:
        assert (await _get(_settings("prod", api_docs=True), "/api/docs")).status_code == 200
        off = await _get(_settings("local", api_docs=False), "/api/openapi.json")
        assert_error(off, 404, "not_found")

    async def test_the_docs_page_loads_no_unpinned_third_party_asset(self) -> None:
        response = await _get(_settings("local"), "/api/docs")
        html = response.text
        assert response.headers["content-type"].startswith("text/html")
        assert "/api/openapi.json" in html
        tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
        assert any("swagger-ui-bundle.js" in tag for tag in tags)
        for tag in tags:
            url = re.search(r'(?:src|href)="([^"]+)"', tag)
            if url is None or not re.match(r"(?:https?:)?//", url.group(1)):
                continue  # inline, same origin or data:
            assert re.search(r'integrity="sha384-[A-Za-z0-9+/]{64}"', tag), tag
            assert 'crossorigin="anonymous"' in tag, tag
            assert re.search(r"@\d+\.\d+\.\d+/", url.group(1)), f"version not pinned: {tag}"
