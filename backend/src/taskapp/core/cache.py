"""Read-through cache with explicit invalidation, safe against the classic race in which a
slow reader stores stale data after a writer invalidated it.

Each cached group (a user's project list, a project's task pages and counts) is one Redis
hash. Its `_gen` field is bumped on invalidation, which also drops every other field; a
reader stores its result only if `_gen` is still what it saw when it missed. A hit costs
one round trip (HMGET of the entry and `_gen`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from taskapp.core.redis import RedisStore

_GEN = "_gen"

_STORE_IF_GENERATION = """
local current = redis.call('HGET', KEYS[1], '_gen')
if (current or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
if ARGV[1] == '' then redis.call('HSET', KEYS[1], '_gen', '0') end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""

_INVALIDATE = """
for i, key in ipairs(KEYS) do
  local gen = redis.call('HINCRBY', key, '_gen', 1)
  redis.call('DEL', key)
  redis.call('HSET', key, '_gen', gen)
  redis.call('EXPIRE', key, ARGV[1])
end
return #KEYS
"""


def user_projects_key(user_id: uuid.UUID) -> str:
    return f"cache:user-projects:{user_id}"


def project_tasks_key(project_id: uuid.UUID) -> str:
    return f"cache:project-tasks:{project_id}"


@dataclass
class CacheLookup:
    value: bytes | None
    generation: str


class Cache:
    def __init__(self, redis: RedisStore, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl = ttl_seconds

    async def get(self, group: str, field: str) -> CacheLookup | None:
        """The cached value (or a miss with the generation to store against); None if Redis
        is unavailable, in which case nothing should be stored."""

        async def lookup(client: Redis) -> list[bytes | str | None]:
            return await client.hmget(group, [field, _GEN])

        result = await self.redis.run(lookup)
        if result is None:
            return None
        value, generation = result
        if isinstance(value, str):
            value = value.encode()
        if isinstance(generation, bytes):
            generation = generation.decode()
        return CacheLookup(value, generation or "")

    async def store(self, group: str, field: str, lookup: CacheLookup, value: bytes) -> None:
        async def store_if_fresh(client: Redis) -> object:
            return await client.eval(
                _STORE_IF_GENERATION, 1, group, lookup.generation, field, value, self.ttl
            )

        await self.redis.run(store_if_fresh)

    async def get_or_load(
        self, group: str, field: str, load: Callable[[], Awaitable[bytes]]
    ) -> bytes:
        lookup = await self.get(group, field)
        if lookup is not None and lookup.value is not None:
            return lookup.value
        value = await load()
        if lookup is not None:
            await self.store(group, field, lookup, value)
        return value

    async def invalidate(self, *groups: str) -> None:
        if not groups:
            return

        async def invalidate(client: Redis) -> object:
            return await client.eval(_INVALIDATE, len(groups), *groups, self.ttl)

        await self.redis.run(invalidate)


async def get_cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


CacheDep = Annotated[Cache, Depends(get_cache)]
