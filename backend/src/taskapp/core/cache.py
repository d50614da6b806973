"""Read-through cache with explicit invalidation that never serves a removed member, even
when an invalidation cannot reach Redis (ADR 0085, amending ADR 0004).

Layout. Each cached group is one Redis hash: a user's project list
(`cache:user-projects:{user}`), a project's task pages and counts
(`cache:project-tasks:{project}`, fields per user and query) and a project's membership
record (`cache:project-members:{project}`, user -> role, written from the database by a
reader that checked membership there). Each hash has `_gen`, bumped by an invalidation that
also drops every other field, and `_epoch`, the global epoch (`cache:epoch`) it was filled in.

Rules.
1. A hit is one script (one round trip): it reads the epoch and every slot it needs, e.g. the
   caller's membership record and the task page; a slot counts only if its hash belongs to the
   current epoch. A task page is served only if the membership record holds the caller.
2. A reader stores only if the epoch and each hash's `_gen` are still what its lookup saw (a
   writer's invalidation in between refuses the store).
3. Expiry is absolute: a hash gets its TTL when it is (re)created and a store never extends
   it, so no entry is older than the TTL (60 s), whatever else fails.
4. A failed invalidation (Redis unreachable, or a timeout: outcome unknown) is recorded in the
   process, which then resets the epoch: in the same script as its next cache call, and in a
   background repair retried every 0.1 s until it succeeds (core/redis.py), so the reset
   happens even if no request comes. A reset makes every older hash invisible to every
   process.
5. A process whose Redis breaker opened (it saw an outage, and may have missed invalidations
   it does not know about, e.g. another process's) resets the epoch with its next cache call.
6. Beacon: every cache script refreshes `cache:beacon` (expires after BEACON_SECONDS). A script
   that finds it missing resets the epoch first: no process reached Redis for that long, so an
   outage may have hidden invalidations from every process (or all were idle: a reset then
   costs only misses).

Why no order of events serves a removed member. Events: D = membership removed in the
database (commit), I = the writer's invalidation (after D, before its response), S = a
reader's store (its lookup L came before its database read R, R before S), and Redis outages.
- I succeeds. I drops the membership record and the user's project list and bumps their
  `_gen`. A reader with L before I cannot store after I (rule 2); a reader with L after I has R
  after D, so it does not find the member and stores nothing for them (a task page stored by
  a reader with R before D needs the membership record, dropped or refused). Hits between D
  and I are concurrent with the removal request, which has not answered yet.
- I fails. The removal still answers 204. The writer serves nothing from Redis until its
  reset lands, and the reset comes before any other cache call it makes (rule 4). Once the
  reset lands, every entry written before it is invisible to every process; a store whose
  lookup preceded the reset is refused (rule 2, the epoch changed).
- Redis unreachable for every process at I (an outage): if it lasts longer than
  BEACON_SECONDS the beacon expires, and the first cache script after Redis returns, from any
  process, resets the epoch before reading anything (rule 6), even if the writer died
  meanwhile and a process noticed nothing. A shorter outage: the writer's repair resets the
  epoch within ~0.1 s of reaching Redis again (up to its breaker's 1 s cool-down if the
  breaker opened), and any process whose breaker opened resets first thing (rule 5).
- Redis restarted: it is empty (no persistence); the epoch key is gone, and the next script
  starts a new epoch from Redis's clock, newer than any before.
- A partition that cuts only the writer off while other processes reach Redis, or a writer
  killed between COMMIT and I: the others can serve entries written before D until the
  writer's reset (it retries until it gets through) or the entries' absolute expiry (rule 3,
  at most the TTL), whichever is first. No process can learn of the removal sooner without
  reading the database on a hit, which this cache exists to avoid; ADR 0085 records this.
A reader's load is bounded by the request deadline (seconds), far less than the TTL, so the
stub an invalidation leaves (`_gen` only) outlives every lookup that could race with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from redis.asyncio import Redis

from taskapp.core.redis import RedisStore
from taskapp.core.single_flight import SingleFlight

EPOCH_KEY = "cache:epoch"
BEACON_KEY = "cache:beacon"
BEACON_SECONDS = 2.0

# Lua functions shared by the scripts that read or invalidate (here, and the cached reads in
# tasks/cached_reads.py). current_epoch resets the epoch when told to (`reset` '1'), when the
# beacon lapsed or when there is none, refreshes the beacon and returns the epoch. Epochs are
# Redis's clock in microseconds, never lower than the last one, so a restarted (empty) Redis or
# an evicted epoch key starts an epoch no older hash carries. lookup returns a group's field
# (false unless the hash is of this epoch) and the group's `_gen`.
CACHE_FUNCTIONS = """
local function current_epoch(epoch_key, beacon_key, beacon_ms, reset)
  local epoch = redis.call('GET', epoch_key)
  local beacon = redis.call('PTTL', beacon_key)
  if reset == '1' or beacon == -2 or not epoch then
    local now = redis.call('TIME')
    local next_epoch = tonumber(now[1]) * 1000000 + tonumber(now[2])
    if epoch and tonumber(epoch) and tonumber(epoch) >= next_epoch then
      next_epoch = tonumber(epoch) + 1
    end
    epoch = string.format('%.0f', next_epoch)
    redis.call('SET', epoch_key, epoch)
  end
  if beacon < tonumber(beacon_ms) / 2 then
    redis.call('SET', beacon_key, '1', 'PX', beacon_ms)
  end
  return epoch
end
local function lookup(epoch, group, field)
  local found = redis.call('HMGET', group, field, '_gen', '_epoch')
  if found[3] == epoch then return found[1], found[2] or '' end
  return false, found[2] or ''
end
"""

# KEYS[1] the epoch, KEYS[2] the beacon, KEYS[3..n] groups; ARGV[1] the beacon's lifetime
# (ms), ARGV[2] '1' to reset the epoch, ARGV[3..n] the field wanted in each group. Returns the
# epoch, then per group the value (nil unless the hash is of this epoch) and its `_gen`.
_LOOKUP = (
    CACHE_FUNCTIONS
    + """
local epoch = current_epoch(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
local out = {epoch}
for i = 3, #KEYS do
  local value, gen = lookup(epoch, KEYS[i], ARGV[i])
  out[#out + 1] = value
  out[#out + 1] = gen
end
return out
"""
)

# KEYS and ARGV[1..2] as for _LOOKUP; KEYS[3..n] groups; ARGV[3] the TTL (s). Bumps each
# `_gen` and drops the other fields.
_INVALIDATE = (
    CACHE_FUNCTIONS
    + """
local epoch = current_epoch(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
for i = 3, #KEYS do
  local gen = redis.call('HINCRBY', KEYS[i], '_gen', 1)
  redis.call('DEL', KEYS[i])
  redis.call('HSET', KEYS[i], '_gen', gen)
  redis.call('EXPIRE', KEYS[i], ARGV[3])
end
return epoch
"""
)

# As _INVALIDATE, then appends an entry to a stream, the last key: ARGV[4] its `data` field,
# ARGV[5] the stream's approximate maximum length, ARGV[6] its TTL (s). The invalidation comes
# first, so whoever reads the entry and then the cache never gets what it replaced.
_INVALIDATE_AND_APPEND = (
    CACHE_FUNCTIONS
    + """
local epoch = current_epoch(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
for i = 3, #KEYS - 1 do
  local gen = redis.call('HINCRBY', KEYS[i], '_gen', 1)
  redis.call('DEL', KEYS[i])
  redis.call('HSET', KEYS[i], '_gen', gen)
  redis.call('EXPIRE', KEYS[i], ARGV[3])
end
local stream = KEYS[#KEYS]
redis.call('XADD', stream, 'MAXLEN', '~', ARGV[5], '*', 'data', ARGV[4])
redis.call('EXPIRE', stream, ARGV[6])
return epoch
"""
)

# KEYS[1] the epoch, KEYS[2..n] groups; ARGV[1] TTL (s), ARGV[2] the epoch the lookup saw,
# then per group: the `_gen` the lookup saw, the field, the value. A hash filled in an older
# epoch is recreated (its TTL starts then); a store never extends a TTL.
_STORE = """
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
local stored = 0
for i = 2, #KEYS do
  local a = 3 + (i - 2) * 3
  local gen = redis.call('HGET', KEYS[i], '_gen') or ''
  if gen == ARGV[a] then
    if redis.call('HGET', KEYS[i], '_epoch') ~= ARGV[2] then
      if gen == '' then gen = '0' end
      redis.call('DEL', KEYS[i])
      redis.call('HSET', KEYS[i], '_gen', gen, '_epoch', ARGV[2])
      redis.call('EXPIRE', KEYS[i], ARGV[1])
    end
    redis.call('HSET', KEYS[i], ARGV[a + 1], ARGV[a + 2])
    stored = stored + 1
  end
end
return stored
"""


def user_projects_key(user_id: uuid.UUID) -> str:
    return f"cache:user-projects:{user_id}"


def project_tasks_key(project_id: uuid.UUID) -> str:
    return f"cache:project-tasks:{project_id}"


def project_members_key(project_id: uuid.UUID) -> str:
    return f"cache:project-members:{project_id}"


@dataclass(frozen=True)
class StreamEntry:
    """An entry for a Redis Stream (a live update, events/hub.py) that an invalidation appends
    in its own round trip, after the invalidation."""

    key: str
    data: bytes
    max_length: int
    ttl_seconds: int


@dataclass(frozen=True)
class Slot:
    group: str
    field: str


@dataclass(frozen=True)
class CacheLookup:
    """What one lookup found, and what a store needs to refuse itself if a write came
    between: the epoch and each group's generation as they were."""

    slots: tuple[Slot, ...]
    values: tuple[bytes | None, ...]
    generations: tuple[str, ...]
    epoch: str

    @property
    def value(self) -> bytes | None:
        """The first slot's value (the only one for a single-slot lookup)."""
        return self.values[0]

    @property
    def hit(self) -> bool:
        return all(value is not None for value in self.values)


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return value or ""


class Cache:
    def __init__(
        self,
        redis: RedisStore,
        ttl_seconds: int,
        beacon_seconds: float = BEACON_SECONDS,
        reads: bool = True,
    ) -> None:
        self.redis = redis
        self.ttl = ttl_seconds
        self.reads = reads  # False: every lookup misses and nothing is stored
        # Loads after a miss, shared by the requests that miss the same entry at once.
        self.misses: SingleFlight[Any] = SingleFlight()
        self.beacon_ms = max(1, int(beacon_seconds * 1000))
        self._lookup = redis.client.register_script(_LOOKUP)
        self._invalidate = redis.client.register_script(_INVALIDATE)
        self._invalidate_and_append = redis.client.register_script(_INVALIDATE_AND_APPEND)
        self._store = redis.client.register_script(_STORE)
        # Epoch resets this process owes (rules 4 and 5 of the module docstring).
        self._resets_requested = 0
        self._resets_done = 0
        self._outages_seen = redis.outages

    def reset_argument(self) -> tuple[str, int]:
        """A cache script's `reset` argument ('1': this process owes an epoch reset) and what
        to pass to `reset_landed` once the script ran."""
        if self.redis.outages != self._outages_seen:
            self._outages_seen = self.redis.outages
            self._resets_requested += 1
        wanted = self._resets_requested
        return ("1" if wanted > self._resets_done else "0"), wanted

    def reset_landed(self, wanted: int) -> None:
        self._resets_done = max(self._resets_done, wanted)

    @property
    def reset_pending(self) -> bool:
        return self._resets_requested > self._resets_done

    async def get(self, *slots: Slot) -> CacheLookup | None:
        """What the cache holds for `slots` (None per slot on a miss), in one round trip;
        None if Redis is unavailable or reads are off, in which case nothing should be
        stored."""
        if not self.reads:
            return None
        reset, wanted = self.reset_argument()
        keys = [EPOCH_KEY, BEACON_KEY, *(slot.group for slot in slots)]
        args: list[str | int] = [self.beacon_ms, reset, *(slot.field for slot in slots)]

        async def lookup(client: Redis) -> list[bytes | None]:
            result: list[bytes | None] = await self._lookup(keys=keys, args=args, client=client)
            return result

        result = await self.redis.run(lookup)
        if result is None:
            return None
        self.reset_landed(wanted)
        values = tuple(
            value.encode() if isinstance(value, str) else value for value in result[1::2]
        )
        generations = tuple(_text(gen) for gen in result[2::2])
        return CacheLookup(tuple(slots), values, generations, _text(result[0]))

    async def store(self, lookup: CacheLookup, values: Sequence[bytes | None]) -> None:
        """Store `values` (one per slot of `lookup`; None: leave that slot) unless a write
        invalidated their group, or the epoch changed, since the lookup."""
        keys = [EPOCH_KEY]
        args: list[str | bytes | int] = [self.ttl, lookup.epoch]
        for slot, generation, value in zip(lookup.slots, lookup.generations, values, strict=True):
            if value is not None:
                keys.append(slot.group)
                args.extend((generation, slot.field, value))
        if len(keys) == 1:
            return

        async def store_if_fresh(client: Redis) -> object:
            return await self._store(keys=keys, args=args, client=client)

        await self.redis.run(store_if_fresh)

    async def get_or_load(self, slot: Slot, load: Callable[[], Awaitable[bytes]]) -> bytes:
        lookup = await self.get(slot)
        if lookup is not None and lookup.value is not None:
            return lookup.value
        value = await load()
        if lookup is not None:
            await self.store(lookup, [value])
        return value

    async def invalidate(self, *groups: str, then_append: StreamEntry | None = None) -> None:
        """Drop `groups` everywhere, then (in the same round trip) append `then_append` to its
        stream if given. If Redis cannot be told, the process owes an epoch reset (which drops
        everything) and keeps trying until it lands; the entry is then lost, as a live update
        is without Redis (events/hub.py)."""
        if not groups:
            return
        if not await self._run_invalidation(groups, then_append):
            self._resets_requested += 1
            self.redis.schedule_repair("cache-epoch", self._repair)

    async def _run_invalidation(
        self, groups: Sequence[str], then_append: StreamEntry | None = None
    ) -> bool:
        reset, wanted = self.reset_argument()
        keys = [EPOCH_KEY, BEACON_KEY, *groups]
        args: list[str | int | bytes] = [self.beacon_ms, reset, self.ttl]
        script = self._invalidate
        if then_append is not None:
            script = self._invalidate_and_append
            keys.append(then_append.key)
            args.extend((then_append.data, then_append.max_length, then_append.ttl_seconds))

        async def invalidate(client: Redis) -> object:
            return await script(keys=keys, args=args, client=client)

        if await self.redis.run(invalidate) is None:
            return False
        self.reset_landed(wanted)
        return True

    async def _repair(self) -> bool:
        """The background retry of a failed invalidation: reset the epoch."""
        if self.reset_pending:
            await self._run_invalidation(())
        return not self.reset_pending


async def get_cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


CacheDep = Annotated[Cache, Depends(get_cache)]
