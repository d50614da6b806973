"""Fixed-window rate limits in Redis, with a per-process count that decides while Redis is
down."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from taskapp.core.errors import RateLimited
from taskapp.core.redis import RedisStore

WINDOW_SECONDS = 60


class LocalWindowCounter:
    """This process's view of each window's count, bounded in size: what Redis last said,
    plus what the process spent since. It decides while Redis is unavailable, and it keeps a
    window's count from dropping when Redis answers again after missing some of them."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._counts: OrderedDict[str, int] = OrderedDict()
        self._max_keys = max_keys

    def spend(self, key: str, amount: int, counted_elsewhere: int = 0) -> int:
        """Add `amount` to the window's count, at least `counted_elsewhere` (the shared
        count, which includes other processes' requests); the count after."""
        count = max(self._counts.pop(key, 0) + amount, counted_elsewhere)
        self._counts[key] = count
        while len(self._counts) > self._max_keys:
            self._counts.popitem(last=False)
        return count


@dataclass(frozen=True)
class Spend:
    """One request's use of a limit: `key` is the Redis counter to INCRBY `batch`, or None
    when a local lease covered it; `window_key` names the window either way."""

    key: str | None
    batch: int
    limit: int
    retry_after: int
    window_key: str


class RateLimiter:
    """Fixed windows counted in Redis, shared by every API process.

    `hit(..., batch=n)` takes allowance from Redis n requests at a time (INCRBY n) and spends
    it locally, so a busy client costs one Redis round trip per n requests instead of one per
    request. The price: with p processes a client can exceed the limit by at most
    (n - 1) * p requests per window. Login limits use batch=1 (exact).

    The per-user API limit is counted with `begin`/`finish` instead, inside the script that
    checks the caller's session (auth/sessions.py): that request goes to Redis anyway, so the
    counting costs no round trip of its own, and the lease still saves the INCRBY.
    """

    def __init__(self, redis: RedisStore, max_leases: int = 100_000) -> None:
        self.redis = redis
        self.local = LocalWindowCounter()
        self._leases: OrderedDict[str, int] = OrderedDict()
        self._max_leases = max_leases

    async def hit(self, scope: str, identity: str, limit: int, batch: int = 1) -> None:
        """Count one request; raise RateLimited (429 with Retry-After) past `limit`."""
        spend = self.begin(scope, identity, limit, batch)
        key = spend.key
        if key is None:
            return

        async def take(client: Redis) -> int:
            async with client.pipeline(transaction=False) as pipe:
                pipe.incrby(key, spend.batch)
                pipe.expire(key, WINDOW_SECONDS + 1)
                result = await pipe.execute()
            return int(result[0])

        self.finish(spend, await self.redis.run(take))

    def begin(self, scope: str, identity: str, limit: int, batch: int = 1) -> Spend:
        """The first half of `hit`, for callers that send the counting along with their own
        Redis work in one round trip (auth/sessions.py): spends a local lease if one is left
        (then `key` is None: nothing to count in Redis), else says what to INCRBY."""
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"rl:{scope}:{identity}:{window}"
        retry_after = int((window + 1) * WINDOW_SECONDS - now) + 1
        remaining = self._leases.pop(key, 0)
        if remaining > 0:
            self._keep_lease(key, remaining - 1)
            return Spend(None, batch, limit, retry_after, key)
        return Spend(key, batch, limit, retry_after, key)

    def finish(self, spend: Spend, counted: int | None) -> None:
        """The second half: `counted` is the counter after INCRBY `spend.batch` (with an
        EXPIRE of WINDOW_SECONDS + 1), or None when Redis was unavailable.

        The count judged is the larger of Redis's and this process's own: requests the
        process counted alone (Redis down, or a timeout whose INCRBY never arrived) stay
        counted when Redis answers again, so an outage mid-window cannot reopen a spent
        limit. With Redis reachable throughout, Redis's count is the larger."""
        if spend.key is None:
            return
        count = self.local.spend(spend.key, spend.batch, counted or 0)
        already_used = count - spend.batch
        if already_used >= spend.limit:
            raise RateLimited(spend.retry_after)
        granted = min(spend.batch, spend.limit - already_used)
        self._keep_lease(spend.key, granted - 1)

    def refund(self, spend: Spend) -> None:
        """Give back a `begin` that served no request (its caller handed the request to a
        path that counts it again). Only a local lease is given back: counting in Redis
        happens in `finish`, which the caller did not reach."""
        if spend.key is None:
            key = spend.window_key
            self._keep_lease(key, self._leases.pop(key, 0) + 1)

    def _keep_lease(self, key: str, remaining: int) -> None:
        if remaining > 0:
            self._leases[key] = remaining
            while len(self._leases) > self._max_leases:
                self._leases.popitem(last=False)


async def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
