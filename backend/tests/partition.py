"""Network faults between one API process and the real Redis: a TCP relay the test can cut
(a partition: the process cannot reach Redis, which keeps running with its data) and heal.
Plus `serving`, a second API process (its own pools, breakers and in-process state) driven
in-process, so a test can play several API processes against one Redis and one database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI

from taskapp.core.settings import Settings
from taskapp.main import create_app


class TcpRelay:
    """Relays TCP connections to `target`; `cut()` drops every connection and refuses new
    ones until `heal()`."""

    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        assert parts.hostname is not None and parts.port is not None, target_url
        self.target = (parts.hostname, parts.port)
        self.scheme = parts.scheme
        self.path = parts.path
        self.connected = True
        self._server: asyncio.Server | None = None
        self._streams: set[asyncio.StreamWriter] = set()
        self._pumps: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"{self.scheme}://127.0.0.1:{port}{self.path}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)

    def cut(self) -> None:
        self.connected = False
        for stream in list(self._streams):
            stream.transport.abort()
        self._streams.clear()

    def heal(self) -> None:
        self.connected = True

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for pump in list(self._pumps):
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.connected:
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._streams.update({writer, upstream_writer})
        pumps = [
            asyncio.create_task(self._pump(reader, upstream_writer)),
            asyncio.create_task(self._pump(upstream_reader, writer)),
        ]
        self._pumps.update(pumps)
        for pump in pumps:
            pump.add_done_callback(self._pumps.discard)

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while chunk := await source.read(65536):
                if not self.connected:
                    break
                sink.write(chunk)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._streams.discard(sink)
            sink.transport.abort()


@asynccontextmanager
async def relay_to(target_url: str) -> AsyncIterator[TcpRelay]:
    relay = TcpRelay(target_url)
    await relay.start()
    try:
        yield relay
    finally:
        await relay.close()


@asynccontextmanager
async def serving(
    settings: Settings, client_address: tuple[str, int] = ("203.0.113.30", 5555)
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """One more API process (its own pools, breakers and in-process state)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=client_address)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield app, client


def settings_with(settings: Settings, **overrides: Any) -> Settings:
    return Settings(**{**settings.model_dump(), **overrides})


async def wait_until(condition: Any, bound_seconds: float = 30.0) -> None:
    """Poll an async condition; the bound only catches a hang (it measures nothing)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound_seconds
    while not await condition():
        assert loop.time() < deadline, "condition not reached within the liveness bound"
        await asyncio.sleep(0.05)
