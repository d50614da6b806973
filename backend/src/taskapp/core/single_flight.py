"""Concurrent loads of the same thing in one process share one load (request coalescing).

When a popular cache entry expires (the cache's expiry is absolute, core/cache.py), every
request that arrives before it is stored again misses at once; without this, each of them
asks the database the same question, and at a few hundred concurrent requests they queue for
the pool's 15 connections until the request deadline (issue 9: the cached page's p99 at 256
connections). With it, the first request loads and the others wait for its answer, within
their own deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

from taskapp.core.deadline import request_deadline
from taskapp.core.errors import ServiceUnavailable

T = TypeVar("T")
_BUSY = "The server is busy; try again shortly."


def _retrieve(future: asyncio.Future[Any]) -> None:
    # A load that failed with nobody waiting: its exception was raised to its own caller.
    if not future.cancelled():
        future.exception()


class SingleFlight(Generic[T]):
    def __init__(self) -> None:
        self._in_flight: dict[Hashable, asyncio.Future[T]] = {}

    async def run(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """`load()`'s result, and whether this call loaded it (False: it shared another's,
        which also means it must not store it again). The loader's exception reaches the
        callers that shared its load too (e.g. 503 while the database is down)."""
        in_flight = self._in_flight.get(key)
        if in_flight is not None:
            try:
                async with asyncio.timeout_at(request_deadline()):
                    return await asyncio.shield(in_flight), False
            except TimeoutError:
                raise ServiceUnavailable(_BUSY, 1) from None
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieve)
        self._in_flight[key] = future
        try:
            result = await load()
        except BaseException as exc:
            # The loader's own cancellation is not the sharers': they get "busy" instead.
            shared = exc if isinstance(exc, Exception) else ServiceUnavailable(_BUSY, 1)
            future.set_exception(shared)
            raise
        finally:
            if self._in_flight.get(key) is future:
                del self._in_flight[key]
        future.set_result(result)
        return result, True
