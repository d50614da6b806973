"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware): request id, access log, security
headers and a request body size limit."""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import time
from collections.abc import Iterator

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskapp.core.errors import error_payload
from taskapp.core.logging import request_id_var

access_logger = logging.getLogger("taskapp.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


def _request_ids() -> Iterator[str]:
    """Ids unique across processes and restarts (a random prefix per process, then a
    counter): as good as a UUID for correlating logs, without a system call per request."""
    prefix = secrets.token_hex(8)
    for number in itertools.count():
        yield f"{prefix}{number:016x}"


_SECURITY_HEADER_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)


class RequestContextMiddleware:
    """Request id in and out (X-Request-ID), security headers, one access log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._ids = _request_ids()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                if _VALID_REQUEST_ID.match(incoming):
                    request_id = incoming
                break
        if not request_id:
            request_id = next(self._ids)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers} & _SECURITY_HEADER_NAMES
                headers.append((b"x-request-id", request_id.encode()))
                if present:
                    headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                else:
                    headers.extend(SECURITY_HEADERS)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            request_id_var.reset(token)


def has_body(scope: Scope) -> bool:
    """Whether the request says it sends a body (HTTP/1.1: a Content-Length other than 0, or
    Transfer-Encoding); a GET without either has none to read."""
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value != b"0"):
            return True
    return False


class BodySizeLimitMiddleware:
    """Refuse bodies over the limit with 413, however they are sent.

    A declared Content-Length over the limit is refused before anything is read. A body of
    unknown length (chunked) is read here, up to the limit, before the app runs: the app then
    never sees a partial body, and the 413 cannot be mistaken for a parse error on the way (an
    exception raised while the app reads the body would be, e.g. FastAPI answers 400 for it).
    Bodies are JSON of at most `max_bytes`, which the app reads whole anyway."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not has_body(scope):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._reject(send)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending the whole body
            chunk: bytes = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await self._reject(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # e.g. waiting for http.disconnect
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _reject(self, send: Send) -> None:
        body = orjson.dumps(
            error_payload(
                "payload_too_large", f"The request body is larger than {self.max_bytes} bytes."
            )
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
