"""Each request's deadline: the time by which it must have its answer, so a silent dependency
costs a bounded wait instead of stacking requests up (ADR 0095). The database layer enforces it
(core/db.py); Redis and AWS calls have shorter timeouts of their own."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar, Token

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskapp.core.middleware import has_body

_deadline: ContextVar[float | None] = ContextVar("request_deadline", default=None)


def request_deadline() -> float | None:
    """The current request's deadline on the event loop's clock; None outside a request."""
    return _deadline.get()


def set_deadline_in(seconds: float) -> Token[float | None]:
    """Give the current context a deadline `seconds` from now (reset it with the token)."""
    return _deadline.set(asyncio.get_running_loop().time() + seconds)


def reset_deadline(token: Token[float | None]) -> None:
    _deadline.reset(token)


class RequestDeadlineMiddleware:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = set_deadline_in(self.seconds)
        if not has_body(scope):
            try:
                await self.app(scope, receive, send)
            finally:
                reset_deadline(token)
            return

        async def receive_then_restart_the_clock() -> Message:
            # The deadline is for our dependencies, not for a slow client's upload: it starts
            # again once the whole body has arrived (same task, so the same context).
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                set_deadline_in(self.seconds)
            return message

        try:
            await self.app(scope, receive_then_restart_the_clock, send)
        finally:
            reset_deadline(token)
