"""The hot path of the two writes a board makes most: a task's creation and its update, answered
before FastAPI routes the request and resolves its dependencies (issue 9; ADR 0108).

A request takes this path only when everything the route would check before its work is plainly
fine: a bearer token, a JSON body the route's own model accepts, for an update an If-Match the
route would read. Then the same functions run as in the route, in the same order: the session
check and rate limit (auth/dependencies.py `authenticate`), then the one statement that checks
the caller's role and writes (tasks/router.py `created_response`, `updated_response`), so every
answer, error or not, is the route's. Anything else goes on to the route unchanged with its body,
which answers it the full way (a 422 with its details, the 404 or 403 that comes before it, a
428 or 400 for If-Match); nothing was counted or written here. The routes and their OpenAPI
document stay as they are; only the cost of a plain write differs. A check added to the routes
(a dependency of `create_task` or `update_task`) must be added here too: tests/test_hot_writes.py
compares the two paths' answers.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import orjson
from pydantic import BaseModel, ValidationError
from starlette.datastructures import State
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskapp.auth.dependencies import authenticate, bearer_token
from taskapp.core.errors import AppError, app_error_response
from taskapp.core.responses import JsonResponse
from taskapp.projects.dependencies import UncheckedAccess
from taskapp.projects.models import Role
from taskapp.tasks.router import (
    MAX_IF_MATCH_LENGTH,
    created_response,
    parse_if_match,
    updated_response,
)
from taskapp.tasks.schemas import TaskCreate, TaskUpdate

_UUID = r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
_TASKS_PATH = re.compile(rf"/api/projects/{_UUID}/tasks(?:/{_UUID})?")


@dataclass
class Stats:
    """How many writes the hot path answered and how many it handed to the routes."""

    served: int = 0
    passed: int = 0


@dataclass(frozen=True)
class _Plain:
    """A write the hot path can answer: whom it is from and what it asks."""

    token: str
    project_id: uuid.UUID
    task_id: uuid.UUID | None
    body: BaseModel
    version: int | None


def _header(scope: Scope, name: bytes) -> str | None:
    """The first value of a header, as Starlette's `Request.headers.get` reads it."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _is_json(scope: Scope) -> bool:
    content_type = _header(scope, b"content-type")
    return content_type is not None and content_type.split(";")[0].strip() == "application/json"


def _validated(model: type[BaseModel], body: bytes) -> BaseModel | None:
    """The body as the route's model reads it (parsed, then validated, as FastAPI does), or
    None if the model refuses it: the route then answers with its details."""
    try:
        return model.model_validate(orjson.loads(body))
    except (orjson.JSONDecodeError, ValidationError):
        return None


def _plain_write(scope: Scope, body: bytes) -> _Plain | None:
    """What a POST to a project's tasks or a PATCH of one task asks, if it is plain (see the
    module's docstring); else None."""
    method = scope["method"]
    if method not in ("POST", "PATCH"):
        return None
    match = _TASKS_PATH.fullmatch(scope["path"])
    if match is None or (match.group(2) is None) != (method == "POST"):
        return None
    token = bearer_token(scope)
    if token is None or not _is_json(scope):
        return None
    version = None
    if method == "PATCH":
        if_match = _header(scope, b"if-match")
        if if_match is None or len(if_match) > MAX_IF_MATCH_LENGTH:
            return None
        try:
            version = parse_if_match(if_match, required=True)
        except AppError:
            return None
    model = TaskCreate if method == "POST" else TaskUpdate
    validated = _validated(model, body)
    if validated is None:
        return None
    task_id = uuid.UUID(match.group(2)) if match.group(2) else None
    return _Plain(token, uuid.UUID(match.group(1)), task_id, validated, version)


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]] | None:
    """The whole body and the messages it came in (to hand on unchanged); None if the client
    went away first."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None
        if not message.get("more_body", False):
            return b"".join(m.get("body", b"") for m in messages), messages


class HotTaskWrites:
    """ASGI middleware: a plain task create or update answered here; any other request passes
    through."""

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state
        self.stats = Stats()
        state.hot_writes = self.stats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("POST", "PATCH")
            or not scope["path"].startswith("/api/projects/")
        ):
            await self.app(scope, receive, send)
            return
        read = await _read_body(receive)
        if read is None:
            return  # nobody is waiting for an answer
        body, messages = read
        plain = _plain_write(scope, body)
        if plain is None:
            self.stats.passed += 1
            await self.app(scope, _replaying(messages, receive), send)
            return
        try:
            response = await self._answer(plain)
        except AppError as exc:  # as the route would answer it
            response = app_error_response(exc)
        self.stats.served += 1
        await response(scope, receive, send)

    async def _answer(self, plain: _Plain) -> JsonResponse:
        state = self.state
        claims = await authenticate(state, plain.token)
        access = UncheckedAccess(plain.project_id, claims.user_id, Role.member, state.database)
        if plain.task_id is None:
            assert isinstance(plain.body, TaskCreate)  # noqa: S101 - POST has no task id
            return await created_response(access, plain.body, state.cache, state.events)
        assert isinstance(plain.body, TaskUpdate)  # noqa: S101 - PATCH names a task
        assert plain.version is not None  # noqa: S101 - read from If-Match
        return await updated_response(
            access, plain.task_id, plain.version, plain.body, state.cache, state.events
        )


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that gives the messages already read, then goes on reading."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()  # e.g. waiting for http.disconnect

    return replay
