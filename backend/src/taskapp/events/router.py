"""The project's live updates as Server-Sent Events (ADR 0104)."""

from __future__ import annotations

import asyncio
import time
import uuid
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

import anyio
import orjson
from fastapi import APIRouter, Header, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from taskapp.auth.dependencies import CurrentSession
from taskapp.auth.sessions import SessionRevocations, revocations_for
from taskapp.core.db import DbSession
from taskapp.core.errors import (
    PROJECT_ERRORS,
    BadRequest,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    error_responses,
)
from taskapp.core.schemas import omit_null
from taskapp.core.security import AccessClaims
from taskapp.core.settings import Settings
from taskapp.events.hub import (
    Closed,
    Event,
    EventHub,
    EventHubDep,
    Subscription,
    TooManyStreams,
)
from taskapp.events.hub import parse_event_id as parse_id
from taskapp.projects import repository
from taskapp.projects.dependencies import PROJECT_NOT_FOUND

router = APIRouter(prefix="/api/projects/{project_id}", tags=["events"])

# What the browser waits before it reconnects after the stream ends (the SSE `retry` field).
RECONNECT_MILLISECONDS = 2000
# How long a stream has to end by itself once the server is told to stop (well inside
# uvicorn's graceful shutdown, 20 s: backend/src/taskapp/cli.py).
SHUTDOWN_GRACE_SECONDS = 2.0

_STREAM_DESCRIPTION = """\
An endless `text/event-stream` of the project's changes. Every event has an `id`; send the last
one back as `Last-Event-ID` when you reconnect and the stream resumes after it.

Events (the `event` field; `data` is JSON):
- `ready`: the stream is open. Fetch what you show now (a change after this reaches you).
- `change`: `{"kind": "task.created" | "task.updated" | "task.deleted" | ..., "task_id",
  "version", "actor_id"}`. Refetch what it names; ignore versions you already have.
- `reset`: events you missed are gone (too long away, or too far behind): refetch everything.
- `unavailable`: live updates stopped (the event store is down): poll, and reconnect later.
- `expired`: your access token expired: refresh it and reconnect.
- `removed`: you are no longer a member of the project.

A comment line (`:`) is sent every few seconds while nothing happens, to keep proxies from
closing the connection."""


def _last_event_id_schema(schema: dict[str, Any]) -> None:
    omit_null(schema)  # a header is sent or not; it cannot be null
    schema["pattern"] = r"^[0-9]{1,20}-[0-9]{1,20}$"  # checked in the route: 400 with a message


LastEventId = Annotated[
    str | None,
    Header(
        alias="Last-Event-ID",
        max_length=64,
        description="The `id` of the last event you received, to resume after it.",
        json_schema_extra=_last_event_id_schema,
    ),
]


def _sse(name: str, data: object, event_id: str | None = None) -> ServerSentEvent:
    return ServerSentEvent(
        event=name, data=orjson.dumps(data).decode(), id=event_id, retry=RECONNECT_MILLISECONDS
    )


@router.get(
    "/events",
    operation_id="project_events",
    summary="Live updates of the project (Server-Sent Events)",
    description=_STREAM_DESCRIPTION,
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}},
        **error_responses(*PROJECT_ERRORS, BadRequest),
    },
)
async def project_events(
    project_id: uuid.UUID,
    request: Request,
    claims: CurrentSession,
    session: DbSession,
    hub: EventHubDep,
    last_event_id: LastEventId = None,
) -> EventSourceResponse:
    if last_event_id is not None and parse_id(last_event_id.strip()) is None:
        raise BadRequest(
            "Last-Event-ID must be the id of an event this stream sent, e.g. 1764583200000-0."
        )
    if await repository.get_membership(session, project_id, claims.user_id) is None:
        raise NotFound(PROJECT_NOT_FOUND)
    settings: Settings = request.app.state.settings
    newest = await hub.latest_id(project_id)
    if newest is None:
        raise ServiceUnavailable("Live updates are unavailable; poll for changes meanwhile.", 5)
    try:
        subscription = hub.subscribe(project_id, claims.user_id, newest)
    except TooManyStreams as limit:
        if limit.per_user:
            raise RateLimited(
                30,
                f"At most {settings.events_connections_per_user} live streams per user; "
                "close a tab or poll.",
            ) from None
        raise ServiceUnavailable(
            "This server follows as many live streams as it can; poll for changes meanwhile.", 5
        ) from None
    resume_from = last_event_id.strip() if last_event_id is not None else None
    backlog: list[Event] | None = []
    if resume_from is not None:
        backlog = await hub.since(project_id, resume_from)
    # Set when the server is told to stop: the stream ends cleanly and the browser reconnects
    # (to another task) after `retry`, instead of the server cutting it mid-message.
    stopping = anyio.Event()
    follow = _Follow(
        hub,
        subscription,
        claims,
        revocations_for(request.app.state),
        stopping,
        newest,
        resume_from,
        backlog,
    )
    events = follow.stream()
    # The generator's `finally` lets go of the subscription; one that never started (the
    # browser left before the first byte) is let go when it is collected.
    weakref.finalize(events, hub.unsubscribe, subscription)
    return EventSourceResponse(
        events,
        ping=settings.events_heartbeat_seconds,
        # A browser that stops reading is let go instead of holding its queue and socket.
        send_timeout=settings.events_heartbeat_seconds * 2,
        shutdown_event=stopping,
        shutdown_grace_period=SHUTDOWN_GRACE_SECONDS,
        headers={"Cache-Control": "no-store"},
    )


def _removes(data: dict[str, Any] | Any, user_id: uuid.UUID) -> bool:
    return bool(data.get("kind") == "member.removed" and data.get("user_id") == str(user_id))


@dataclass
class _Follow:
    """One browser's stream: what it missed, then what happens, until it must end."""

    hub: EventHub
    subscription: Subscription
    claims: AccessClaims
    revocations: SessionRevocations
    stopping: anyio.Event
    newest: str
    resume_from: str | None
    backlog: list[Event] | None

    async def stream(self) -> AsyncIterator[ServerSentEvent]:
        stop = asyncio.ensure_future(self.stopping.wait())
        try:
            if self.backlog is None:
                yield _sse("reset", {}, self.newest)
                return
            start = self.resume_from or self.newest
            yield _sse("ready", {"newest": self.newest}, start)
            sent = parse_id(start) or (0, 0)
            for event in self.backlog:
                yield _sse("change", event.data, event.id)
                sent = max(sent, event.order)
            while (item := await self._next(stop)) is not None:
                if isinstance(item, Closed):
                    yield _sse(item.reason, {})
                    return
                if item.order <= sent:
                    continue
                if _removes(item.data, self.claims.user_id):
                    yield _sse("removed", {})
                    return
                yield _sse("change", item.data, item.id)
                sent = item.order
        finally:
            stop.cancel()
            self.hub.unsubscribe(self.subscription)

    async def _next(self, stop: asyncio.Future[Any]) -> Event | Closed | None:
        """The next event or ending for this browser; None when the server stops."""
        while True:
            left = self.claims.expires_at.timestamp() - time.time()
            if left <= 0 or self.revocations.refused_here(self.claims.session_id):
                return Closed("expired")
            getter = asyncio.ensure_future(self.subscription.queue.get())
            try:
                done, _ = await asyncio.wait(
                    {getter, stop}, timeout=left, return_when=asyncio.FIRST_COMPLETED
                )
            finally:  # also when the browser left and the stream is cancelled here
                if not getter.done():
                    getter.cancel()
            if getter in done:
                return getter.result()
            if stop in done:
                return None
