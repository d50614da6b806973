"""The API's event loop: uvloop, except that a listening socket's waiting connections are all
accepted when it becomes readable (ADR 0110).

uvloop's own listener is libuv's, which accepts one connection per turn of the loop (libuv
1.45, "don't accept() connections in a loop"). A turn of a busy API process handles every
request that became readable, tens of milliseconds at 256 connections, so connections opened
while it is busy (the ALB opening more as load rises, its health checks, clients reconnecting)
wait in the kernel's accept queue for as many turns as there are connections ahead of them:
seconds, measured in `make bench` as a p99 of 1-4 s at 256 connections while the median was
60 ms. Here the listening socket is watched by the loop like any reader and drained up to the
backlog each time, as asyncio's own selector loop does; each accepted socket is then handed to
uvloop's transport (`connect_accepted_socket`), so requests are read and written as before.

uvicorn takes the class as its loop (`loop="taskapp.core.event_loop:EagerAcceptLoop"`) and
creates its servers with `create_server(host=..., port=...)` or `create_server(sock=...)`;
anything else (TLS, Unix sockets) goes to uvloop unchanged.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from collections.abc import Callable, Sequence
from typing import Any

import uvloop

logger = logging.getLogger(__name__)

# What asyncio's selector loop does when accept() fails for lack of resources: stop accepting
# for a second rather than spin on a socket that stays readable.
_OUT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
ACCEPT_RETRY_SECONDS = 1.0

ProtocolFactory = Callable[[], asyncio.BaseProtocol]


def _listening_sockets(
    host: str | Sequence[str] | None,
    port: int | None,
    backlog: int,
    *,
    family: int,
    flags: int,
    reuse_port: bool,
) -> list[socket.socket]:
    hosts: list[str | None] = [host] if host is None or isinstance(host, str) else [*host]
    addresses: dict[tuple[socket.AddressFamily, tuple[Any, ...]], None] = {}
    for name in hosts:
        for found in socket.getaddrinfo(
            name or None, port, family=family, type=socket.SOCK_STREAM, flags=flags
        ):
            addresses[(found[0], found[4][:2])] = None
    listeners: list[socket.socket] = []
    try:
        for address_family, address in addresses:
            # SO_REUSEADDR on POSIX, and IPv6 sockets IPv6-only, as asyncio's create_server.
            listener = socket.create_server(
                address, family=address_family, backlog=backlog, reuse_port=reuse_port
            )
            listeners.append(listener)
    except OSError:
        for listener in listeners:
            listener.close()
        raise
    return listeners


class EagerAcceptServer(asyncio.AbstractServer):
    """Listening sockets watched by the loop; every waiting connection accepted on each wake."""

    def __init__(
        self,
        loop: EagerAcceptLoop,
        listeners: list[socket.socket],
        protocol_factory: ProtocolFactory,
        backlog: int,
    ) -> None:
        self._loop = loop
        self._listeners = listeners
        self._protocol_factory = protocol_factory
        self._backlog = backlog
        self._serving = False
        self._connecting: set[asyncio.Task[Any]] = set()
        self._closed = loop.create_future()

    @property
    def sockets(self) -> tuple[socket.socket, ...]:
        return tuple(self._listeners)

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def is_serving(self) -> bool:
        return self._serving

    async def start_serving(self) -> None:
        if self._serving or self._closed.done():
            return
        for listener in self._listeners:
            listener.setblocking(False)
            self._watch(listener)
        self._serving = True

    async def serve_forever(self) -> None:
        await self.start_serving()
        await asyncio.shield(self._closed)

    def close(self) -> None:
        if self._closed.done():
            return
        self._serving = False
        for listener in self._listeners:
            self._loop.remove_reader(listener.fileno())
            listener.close()
        self._closed.set_result(None)

    async def wait_closed(self) -> None:
        # Connections belong to the server that uses them (uvicorn waits for its own); what
        # is left here is handing over the ones accepted just before closing.
        if self._connecting:
            await asyncio.wait(set(self._connecting))

    def _watch(self, listener: socket.socket) -> None:
        self._loop.add_reader(listener.fileno(), self._accept_waiting, listener)

    def _accept_waiting(self, listener: socket.socket) -> None:
        for _ in range(self._backlog):
            try:
                connection, _ = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue  # the client gave up while it waited: nothing to serve
            except OSError as exc:
                if exc.errno not in _OUT_OF_RESOURCES:
                    raise
                logger.error(
                    "accept failed (%s): not accepting for %.0f s", exc, ACCEPT_RETRY_SECONDS
                )
                self._loop.remove_reader(listener.fileno())
                self._loop.call_later(ACCEPT_RETRY_SECONDS, self._resume, listener)
                return
            connection.setblocking(False)
            # Responses are written whole; do not let Nagle hold their last segment back.
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            task = self._loop.create_task(
                self._loop.connect_accepted_socket(self._protocol_factory, connection)
            )
            self._connecting.add(task)
            task.add_done_callback(self._handed_over)

    def _resume(self, listener: socket.socket) -> None:
        if self._serving:
            self._watch(listener)

    def _handed_over(self, task: asyncio.Task[Any]) -> None:
        self._connecting.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            logger.warning("an accepted connection could not be served: %r", exc)


class EagerAcceptLoop(uvloop.Loop):
    """uvloop, with TCP servers that accept every waiting connection per wake."""

    async def create_server(  # type: ignore[override]
        self,
        protocol_factory: ProtocolFactory,
        host: str | Sequence[str] | None = None,
        port: int | None = None,
        *,
        family: int = socket.AF_UNSPEC,
        flags: int = socket.AI_PASSIVE,
        sock: socket.socket | None = None,
        backlog: int = 100,
        ssl: Any = None,
        reuse_address: bool | None = None,
        reuse_port: bool | None = None,
        start_serving: bool = True,
        **options: Any,
    ) -> asyncio.AbstractServer:
        if ssl is not None or options or reuse_address is False:
            arguments: dict[str, Any] = {
                "host": host,
                "port": port,
                "family": family,
                "flags": flags,
                "sock": sock,
                "backlog": backlog,
                "ssl": ssl,
                "reuse_address": reuse_address,
                "reuse_port": reuse_port,
                "start_serving": start_serving,
            }
            server: asyncio.AbstractServer = await super().create_server(
                protocol_factory, **arguments, **options
            )
            return server
        if sock is not None:
            if host is not None or port is not None:
                raise ValueError("host/port and sock can not be specified at the same time")
            sock.listen(backlog)
            listeners = [sock]
        else:
            listeners = _listening_sockets(
                host, port, backlog, family=family, flags=flags, reuse_port=bool(reuse_port)
            )
        eager = EagerAcceptServer(self, listeners, protocol_factory, backlog)
        if start_serving:
            await eager.start_serving()
        return eager
