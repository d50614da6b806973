"""Fixed-window rate limits in Redis, with a per-process fallback while Redis is down."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from taskapp.core.errors import RateLimited
from taskapp.core.redis import RedisStore

WINDOW_SECONDS = 60


class LocalWindowCounter:
    """In-memory fixed windows, bounded in size; used only while Redis is unavailable."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._counts: OrderedDict[str, int] = OrderedDict()
        self._max_keys = max_keys

    def hit(self, key: str) -> int:
        count = self._counts.pop(key, 0) + 1
        self._counts[key] = count
        while len(self._counts) > self._max_keys:
            self._counts.popitem(last=False)
        return count


class RateLimiter:
    def __init__(self, redis: RedisStore) -> None:
        self.redis = redis
        self.local = LocalWindowCounter()

    async def hit(self, scope: str, identity: str, limit: int) -> None:
        """Count one request; raise RateLimited (429 with Retry-After) past `limit`."""
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"rl:{scope}:{identity}:{window}"

        async def count(client: Redis) -> int:
            async with client.pipeline(transaction=False) as pipe:
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS + 1)
                result = await pipe.execute()
            return int(result[0])

        counted = await self.redis.run(count)
        current = counted if counted is not None else self.local.hit(key)
        if current > limit:
            retry_after = int((window + 1) * WINDOW_SECONDS - now) + 1
            raise RateLimited(retry_after)


async def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
