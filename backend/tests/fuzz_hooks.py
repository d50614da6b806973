"""Schemathesis hooks for test_api_fuzz.py, loaded by the schemathesis CLI in its own process
(SCHEMATHESIS_HOOKS): not a test module.

The fuzzer is given the ids of resources the test made through the API (projects, tasks, an
attachment, a fellow member); TASKAPP_FUZZ_KEEP lists those of the project our user owns. A
DELETE (a member's removal, leaving the project) that targets one of them gets a fresh
resource of the same kind instead, made through the API just before the call: the
operation is still exercised on a real resource, and the shared ones stay for the operations
that come after. In the stateful phase the ids come from the fuzzer's own responses (links)
and are left alone.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from typing import Any

import httpx
import schemathesis

_URL = os.environ["TASKAPP_FUZZ_URL"]
_HEADERS = {"Authorization": f"Bearer {os.environ['TASKAPP_FUZZ_TOKEN']}"}
_KEPT = frozenset(os.environ["TASKAPP_FUZZ_KEEP"].split(","))
_PROJECT = "/api/projects/{project_id}"
_TASK = f"{_PROJECT}/tasks/{{task_id}}"
_numbers = itertools.count(1)


def _post(path: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else _HEADERS
    response = httpx.post(_URL + path, json=body, headers=headers, timeout=30)
    response.raise_for_status()
    created: dict[str, Any] = response.json()
    return created


def _fresh_member(project_id: str) -> str:
    email = f"fuzz-member-{os.getpid()}-{next(_numbers)}@example.com"
    account = _post(
        "/api/auth/signup",
        {"email": email, "password": "correct horse battery staple", "display_name": "M"},
    )
    invited = _post(f"/api/projects/{project_id}/invitations", {"email": email})
    token = invited["link"].rsplit("/", 1)[1]
    _post("/api/invitations/accept", {"token": token}, account["tokens"]["access_token"])
    user_id: str = account["user"]["id"]
    return user_id


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: Any, kwargs: dict[str, Any]) -> None:
    # If making the fresh resource fails (the fuzzer demoted our user meanwhile, say), the call
    # goes out as generated.
    with contextlib.suppress(httpx.HTTPError):
        _swap_kept_ids(case)


def _swap_kept_ids(case: Any) -> None:
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    ids: dict[str, Any] = case.path_parameters or {}
    project = ids.get("project_id")
    if operation in (f"DELETE {_PROJECT}", f"POST {_PROJECT}/leave") and project in _KEPT:
        # Leaving is tried on a project of our user's own: as its one owner, a 409.
        ids["project_id"] = _post("/api/projects", {"name": "Throwaway"})["id"]
    elif operation == f"DELETE {_TASK}" and project in _KEPT and ids.get("task_id") in _KEPT:
        ids["task_id"] = _post(f"/api/projects/{project}/tasks", {"title": "Throwaway"})["id"]
    elif (
        operation == f"DELETE {_TASK}/attachments/{{attachment_id}}"
        and project in _KEPT
        and ids.get("task_id") in _KEPT
        and ids.get("attachment_id") in _KEPT
    ):
        ticket = _post(
            f"/api/projects/{project}/tasks/{ids['task_id']}/attachments",
            {"filename": "throwaway.txt", "content_type": "text/plain", "size_bytes": 1},
        )
        ids["attachment_id"] = ticket["attachment"]["id"]
    elif (
        operation == f"DELETE {_PROJECT}/members/{{user_id}}"
        and project in _KEPT
        and ids.get("user_id") in _KEPT
    ):
        ids["user_id"] = _fresh_member(project)
