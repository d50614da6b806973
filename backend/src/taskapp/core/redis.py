"""Redis access that degrades instead of failing: Redis holds cache, rate-limit and
session-revocation state (the last a copy of the database's), so when it is down callers get
`None` and carry on with the database.

Two things help the callers whose Redis state must not go stale while Redis is unreachable
(core/cache.py, auth/sessions.py):
- `outages` counts the times the breaker opened, so a caller can tell that Redis was out of
  reach since it last looked;
- `schedule_repair` retries a write that failed (an invalidation, a revocation) in the
  background until it succeeds, whether or not requests keep coming.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from taskapp.core.resilience import CircuitBreaker
from taskapp.core.settings import Settings

logger = logging.getLogger("taskapp.redis")
T = TypeVar("T")

# Connections the client may open; as many operations run at once, the rest wait their turn.
MAX_CONNECTIONS = 256

# A repair that failed is tried again after this long (the breaker may refuse it for a
# while longer: then the next try after its cool-down goes through as the probe).
REPAIR_INTERVAL_SECONDS = 0.1

Repair = Callable[[], Awaitable[bool]]


class RedisStore:
    def __init__(self, settings: Settings) -> None:
        timeout = settings.redis_timeout_seconds
        self.client: Redis = Redis.from_url(
            settings.redis_connection_url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=0,
            retry_on_timeout=False,
            # One immediate retry on a broken connection (a pooled connection that died with
            # a Redis restart), none on a timeout: a call costs at most two timeouts. (The
            # client's default retries ten times with backoff, seconds per call.)
            retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
            max_connections=MAX_CONNECTIONS,
        )
        # A busy process (every one of its connections' requests at the Redis step at once)
        # waits for a pooled connection rather than asking for one more: the client's pool
        # raises when exhausted, and that is this process's load, not Redis failing. Counted
        # as a failure it opened the breaker and sent every read to the database for a
        # second, under the very load that exhausted the pool (ADR 0110).
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
        self.timeout = timeout
        self.breaker = CircuitBreaker("redis", failure_threshold=3, reset_after_seconds=1.0)
        self.outages = 0
        self._repairs: dict[str, Repair] = {}
        self._repair_task: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def available(self) -> bool:
        return self.breaker.state == "closed"

    async def run(self, operation: Callable[[Redis], Awaitable[T]]) -> T | None:
        """Run one Redis operation; None when Redis is down or slow (and the breaker notes it).
        None also when the outcome is unknown (a timeout): the command may have run."""
        if self._closed or not self.breaker.allow():
            return None
        if self._slots.locked():
            try:
                async with asyncio.timeout(self.timeout):
                    await self._slots.acquire()
            except TimeoutError:
                # No verdict on Redis: the wait was for this process's own calls.
                self.breaker.record_no_verdict()
                logger.warning(
                    "redis calls saturated: waited %.2f s for a connection", self.timeout
                )
                return None
        else:
            await self._slots.acquire()  # free: returns at once
        try:
            # Bounded by the client's socket and connect timeouts; with a slot held the pool
            # has a connection for it, so no extra wait_for task per call is needed.
            result = await operation(self.client)
        except (TimeoutError, RedisError, OSError) as exc:
            was_closed = self.breaker.state == "closed"
            self.breaker.record_failure()
            if was_closed and self.breaker.state != "closed":
                self.outages += 1
            logger.warning("redis unavailable: %s", type(exc).__name__)
            return None
        finally:
            self._slots.release()
        self.breaker.record_success()
        return result

    def schedule_repair(self, name: str, repair: Repair) -> None:
        """Run `repair` every REPAIR_INTERVAL_SECONDS until it returns True: nothing of its
        owner's is left to write (it reads the owner's pending state, so a failure recorded
        during an attempt keeps it going). One repair per name."""
        if self._closed:
            return
        self._repairs[name] = repair
        if self._repair_task is None or self._repair_task.done():
            self._repair_task = asyncio.get_running_loop().create_task(self._run_repairs())

    async def _run_repairs(self) -> None:
        while self._repairs and not self._closed:
            await asyncio.sleep(REPAIR_INTERVAL_SECONDS)
            for name, repair in list(self._repairs.items()):
                try:
                    done = await repair()
                except Exception:  # a bug in a repair must not end the others
                    logger.exception("redis repair %s failed", name)
                    done = False
                # `done` is the owner's state after the attempt, with no await since: a
                # failure recorded during the attempt made it False.
                if done:
                    self._repairs.pop(name, None)

    @property
    def repairs_pending(self) -> bool:
        return bool(self._repairs)

    async def ping(self) -> bool:
        return bool(await self.run(lambda client: client.ping()))

    async def close(self) -> None:
        self._closed = True
        if self._repair_task is not None:
            self._repair_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._repair_task
        await self.client.aclose()


async def get_redis(request: Request) -> RedisStore:
    store: RedisStore = request.app.state.redis
    return store


RedisDep = Annotated[RedisStore, Depends(get_redis)]


def pipeline_result(result: Any) -> list[Any]:
    return list(result) if result is not None else []
