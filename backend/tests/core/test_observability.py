"""JSON logs carry the request id; traces reach an OTLP endpoint; CORS follows the allow-list."""

from __future__ import annotations

import io
import logging
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import httpx
import orjson
import pytest

from taskapp.main import create_app
from tests.conftest import Stack


async def _request(app: object, *args: object, **kwargs: object) -> httpx.Response:
    async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(*args, **kwargs)  # type: ignore[arg-type]


async def test_json_log_lines_carry_the_request_id(stack: Stack) -> None:
    app = create_app(stack.settings.model_copy(update={"log_level": "INFO"}))
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        response = await _request(app, "GET", "/healthz", headers={"X-Request-ID": "req-42"})
    finally:
        handler.setStream(sys.stdout)
        logging.getLogger().setLevel(logging.WARNING)
    assert response.status_code == 200
    lines = [orjson.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    access = [line for line in lines if line.get("logger") == "taskapp.access"]
    assert access, lines
    assert access[-1]["request_id"] == "req-42"
    assert access[-1]["path"] == "/healthz" and access[-1]["status"] == 200
    assert {"time", "level", "message"} <= set(access[-1])


class _OtlpReceiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        _OtlpReceiver.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def otlp_endpoint() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _OtlpReceiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


async def test_traces_are_exported_over_otlp(stack: Stack, otlp_endpoint: str) -> None:
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    app = create_app(stack.settings.model_copy(update={"otlp_endpoint": otlp_endpoint}))
    try:
        response = await _request(app, "GET", "/readyz")  # shutdown flushes the spans
    finally:
        RedisInstrumentor().uninstrument()
        SQLAlchemyInstrumentor().uninstrument()
    assert response.status_code == 200
    paths = [path for path, _ in _OtlpReceiver.received]
    assert "/v1/traces" in paths
    payload = b"".join(body for path, body in _OtlpReceiver.received if path == "/v1/traces")
    assert b"taskapp-api" in payload and b"/readyz" in payload


async def test_cors_allows_only_listed_origins(stack: Stack) -> None:
    app = create_app(stack.settings.model_copy(update={"cors_origins": ["https://app.example"]}))
    headers = {"Origin": "https://app.example", "Access-Control-Request-Method": "PATCH",
               "Access-Control-Request-Headers": "authorization,if-match"}  # fmt: skip
    allowed = await _request(app, "OPTIONS", "/api/projects", headers=headers)
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    denied = await _request(
        app, "OPTIONS", "/api/projects", headers={**headers, "Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in denied.headers
