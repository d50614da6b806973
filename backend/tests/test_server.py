"""The API process's HTTP server settings take effect (ADR 0099): behind an ALB, idle
connections must outlive the ALB's, so the keep-alive is a setting the compute module derives
from the ALB's idle timeout. Here: a short one closes an idle connection when it says, not
at uvicorn's own default (5 s)."""

from __future__ import annotations

import signal
import socket
import sys
import time
from pathlib import Path

import httpx
from httpx_sse import connect_sse

from taskapp_ops.services import ManagedProcess, free_port
from tests.conftest import Stack
from tests.test_stateless import _environment, _sign_up, _wait_until_ready

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"


def _exchange(connection: socket.socket) -> bytes:
    """One request and its whole response (b"" if the server closed the connection)."""
    connection.sendall(REQUEST)
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            return received
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def test_idle_connections_close_after_the_configured_keep_alive(
    stack: Stack, tmp_path: Path
) -> None:
    port = free_port()
    env = {**_environment(stack, port, "k" * 43, "s" * 43), "APP_HTTP_KEEP_ALIVE_SECONDS": "1"}
    api = ManagedProcess("api", [sys.executable, "-m", "taskapp", "api"], port,
                         tmp_path / "api.log", env=env)  # fmt: skip
    api.start()
    try:
        _wait_until_ready(f"http://127.0.0.1:{port}/healthz", api)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            assert _exchange(connection).startswith(b"HTTP/1.1 200")
            assert _exchange(connection).startswith(b"HTTP/1.1 200")  # kept alive
            time.sleep(2.5)  # past the setting, well before uvicorn's default of 5 s
            connection.settimeout(2)
            try:
                answer = _exchange(connection)
            except OSError:  # reset: closed, as wanted
                answer = b""
            assert answer == b"", "the idle connection should have been closed after 1 s"
    finally:
        api.stop()


def test_open_event_streams_end_when_the_process_is_told_to_stop(
    stack: Stack, tmp_path: Path
) -> None:
    """ECS stops a task with SIGTERM. A live-update stream never ends by itself, so without
    help uvicorn would wait out its whole graceful timeout for it, then cancel it (ADR 0104):
    the streams must end at once, with the event stream closed cleanly."""
    port = free_port()
    log = tmp_path / "api.log"
    api = ManagedProcess("api", [sys.executable, "-m", "taskapp", "api"], port, log,
                         env=_environment(stack, port, "k" * 43, "s" * 43))  # fmt: skip
    api.start()
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_ready(f"{base}/readyz", api)
        _, tokens = _sign_up(base, "streamer")
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        project = httpx.post(f"{base}/api/projects", json={"name": "P"}, headers=headers).json()
        with (
            httpx.Client(timeout=httpx.Timeout(10.0, read=30.0)) as client,
            connect_sse(
                client, "GET", f"{base}/api/projects/{project['id']}/events", headers=headers
            ) as source,
        ):
            events = source.iter_sse()
            assert next(events).event == "ready"
            api.signal_tree(signal.SIGTERM)
            rest = list(events)  # returns when the server ends the stream
        assert all(event.event != "change" for event in rest)
        deadline = time.monotonic() + 30
        while api.running and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not api.running
    finally:
        api.stop()
    assert "timeout graceful shutdown exceeded" not in log.read_text()
