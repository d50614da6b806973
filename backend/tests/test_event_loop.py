"""The API's event loop accepts every waiting connection when its listener wakes, not one per
turn of the loop as uvloop's own listener does (ADR 0110): connections opened while the
process is busy are served within a turn or two instead of waiting seconds in the kernel's
accept queue. Each test runs its own loop on real sockets."""

from __future__ import annotations

import asyncio
import errno
import functools
import socket
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from taskapp.core import event_loop
from taskapp.core.event_loop import EagerAcceptLoop, EagerAcceptServer

WAITING = 100


def _run(scenario: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    with asyncio.Runner(loop_factory=EagerAcceptLoop) as runner:
        return runner.run(scenario())


class _Recorded(asyncio.Protocol):
    """Adds each connection made to `made` and answers each chunk it reads with b"ok"."""

    def __init__(self, made: list[Any]) -> None:
        self.made = made

    def connection_made(self, transport: Any) -> None:  # uvloop's transports are not asyncio's
        self.transport = transport
        self.made.append(transport)

    def data_received(self, data: bytes) -> None:
        self.transport.write(b"ok")


def _recorder() -> tuple[Callable[[], _Recorded], list[Any]]:
    made: list[Any] = []
    return functools.partial(_Recorded, made), made


async def _turns(count: int) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


def test_every_waiting_connection_is_accepted_within_a_few_turns() -> None:
    async def scenario() -> tuple[int, int]:
        protocol, made = _recorder()
        server = await asyncio.get_running_loop().create_server(
            protocol, "127.0.0.1", 0, backlog=256
        )
        port = server.sockets[0].getsockname()[1]
        # The kernel completes each handshake and queues the connection until it is accepted.
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(WAITING)]
        try:
            # uvloop's own listener would have accepted one connection per turn: 10 here.
            await _turns(10)
            accepted_soon = len(made)
            clients[-1].sendall(b"ping")
            await _turns(10)
            clients[-1].settimeout(5)
            return accepted_soon, len(clients[-1].recv(16))
        finally:
            for client in clients:
                client.close()
            server.close()
            await server.wait_closed()

    accepted, answered = _run(scenario)
    assert accepted == WAITING
    assert answered == 2  # the last connection to be queued is read and written like any other


def test_a_closed_server_stops_listening() -> None:
    async def scenario() -> tuple[bool, bool]:
        protocol, _ = _recorder()
        server = await asyncio.get_running_loop().create_server(protocol, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        serving_before = server.is_serving()
        server.close()
        await server.wait_closed()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2)
        return serving_before, server.is_serving()

    assert _run(scenario) == (True, False)


def test_a_socket_passed_in_is_served_the_same_way() -> None:
    async def scenario() -> int:
        protocol, made = _recorder()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        server = await asyncio.get_running_loop().create_server(protocol, sock=listener)
        clients = [socket.create_connection(listener.getsockname()) for _ in range(WAITING // 4)]
        await _turns(10)
        for client in clients:
            client.close()
        server.close()
        return len(made)

    assert _run(scenario) == WAITING // 4


class _OutOfFilesOnce(socket.socket):
    """A listener whose first accept() fails as a process out of file descriptors does."""

    failed = False

    def accept(self) -> tuple[socket.socket, Any]:
        if not type(self).failed:
            type(self).failed = True
            raise OSError(errno.EMFILE, "Too many open files")
        return super().accept()


def test_out_of_file_descriptors_pauses_accepting_then_resumes(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(event_loop, "ACCEPT_RETRY_SECONDS", 0.2)

    async def scenario() -> tuple[int, int]:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, EagerAcceptLoop)
        protocol, made = _recorder()
        listener = _OutOfFilesOnce(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        server = EagerAcceptServer(loop, [listener], protocol, backlog=16)
        await server.start_serving()
        client = socket.create_connection(listener.getsockname())
        await _turns(10)
        during_pause = len(made)  # the loop did not spin on the still-readable listener
        await asyncio.sleep(0.5)
        client.close()
        server.close()
        return during_pause, len(made)

    assert _run(scenario) == (0, 1)
    assert "not accepting for" in caplog.text
