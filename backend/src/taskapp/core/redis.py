"""Redis access that degrades instead of failing: Redis holds only cache and rate-limit
state, so when it is down callers get `None` and carry on with the database."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from redis.asyncio import Redis
from redis.exceptions import RedisError

from taskapp.core.resilience import CircuitBreaker
from taskapp.core.settings import Settings

logger = logging.getLogger("taskapp.redis")
T = TypeVar("T")


class RedisStore:
    def __init__(self, settings: Settings) -> None:
        timeout = settings.redis_timeout_seconds
        self.client: Redis = Redis.from_url(
            settings.redis_connection_url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=0,
            retry_on_timeout=False,
            max_connections=256,
        )
        self.timeout = timeout
        self.breaker = CircuitBreaker("redis", failure_threshold=3, reset_after_seconds=1.0)

    @property
    def available(self) -> bool:
        return self.breaker.state == "closed"

    async def run(self, operation: Callable[[Redis], Awaitable[T]]) -> T | None:
        """Run one Redis operation; None when Redis is down or slow (and the breaker notes it)."""
        if not self.breaker.allow():
            return None
        try:
            # Bounded by the client's socket and connect timeouts; the pool never blocks
            # (it raises when exhausted), so no extra wait_for task per call is needed.
            result = await operation(self.client)
        except (TimeoutError, RedisError, OSError) as exc:
            self.breaker.record_failure()
            logger.warning("redis unavailable: %s", type(exc).__name__)
            return None
        self.breaker.record_success()
        return result

    async def ping(self) -> bool:
        return bool(await self.run(lambda client: client.ping()))

    async def close(self) -> None:
        await self.client.aclose()


async def get_redis(request: Request) -> RedisStore:
    store: RedisStore = request.app.state.redis
    return store


RedisDep = Annotated[RedisStore, Depends(get_redis)]


def pipeline_result(result: Any) -> list[Any]:
    return list(result) if result is not None else []
