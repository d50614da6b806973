"""Revoked sessions: an access token stops working the moment its session ends (logout,
password change elsewhere, refresh-token reuse), not when it expires (ADR 0086).

A session is a refresh token family; access tokens carry its id (`sid`). The database is
the truth (`refresh_tokens.revoked_at`); Redis holds a copy that every authenticated request
reads, in the same round trip as its rate-limit counting (core/ratelimit.py `begin`/`finish`):

- `auth:revoked-sessions`, a sorted set: session id -> the time its last access token has
  surely expired (revoked_at + the access-token lifetime + a clock-skew margin), trimmed on
  every write. One key without a TTL rather than a key per session, so that the default
  `volatile-lru` eviction never drops a revocation while keeping the rest.
- The member `_complete` says the set holds every revocation of the last access-token
  lifetime. It is missing after Redis restarted or was flushed (no persistence), after the
  set was evicted, and after an outage (below); then every process answers from the database,
  and the first request to notice rebuilds the set from the database (`_resync`) and puts
  `_complete` back, unless a new outage began meanwhile (`auth:resync` nonce).
- `auth:beacon`, refreshed by every check, expires after BEACON_SECONDS: a check that finds it
  missing removes `_complete`. No request reached Redis for that long (an outage for every
  process, during which revocations could not be written), or none came at all (then a
  rebuild costs one indexed query).

A revocation is written to Redis after the commit. If that fails, the process keeps it in
memory (it refuses the session at once) and retries in the background until the write lands
(core/redis.py `schedule_repair`); a process whose Redis breaker opened removes `_complete`
with its next check. What remains, as for the cache (core/cache.py): while one process is cut
off from Redis and the others are not, or if it dies between COMMIT and the write, the others
accept the session until the retry lands or the token expires. Redis down altogether: every
request asks the database (one indexed query).
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis

from taskapp.auth import repository
from taskapp.core.db import Database
from taskapp.core.errors import Unauthorized
from taskapp.core.ratelimit import WINDOW_SECONDS, RateLimiter, Spend
from taskapp.core.redis import RedisStore
from taskapp.core.security import AccessClaims
from taskapp.core.single_flight import SingleFlight

REVOKED_KEY = "auth:revoked-sessions"
BEACON_KEY = "auth:beacon"
RESYNC_KEY = "auth:resync"
COMPLETE = "_complete"
BEACON_SECONDS = 2.0
# Hosts' clocks differ a little: a revocation is kept this much longer than the lifetime.
CLOCK_SKEW_SECONDS = 60
# How long a rebuild may take before its nonce lapses (it then does not claim completeness).
RESYNC_SECONDS = 30

SESSION_ENDED = "This session has ended (logged out, or the password was changed); log in again."

# Lua functions shared by the scripts that check a session (this module's and the cached
# reads', tasks/cached_reads.py). check_session marks the set incomplete when told to (`mark`
# '1') or when the beacon lapsed, refreshes the beacon, and returns revoked 0/1, complete 0/1.
# count_spend is the rate-limit counting (core/ratelimit.py `begin`/`finish`).
SESSION_FUNCTIONS = """
local function check_session(revoked_key, beacon_key, resync_key, session_id, beacon_ms, mark)
  local beacon = redis.call('PTTL', beacon_key)
  if mark == '1' or beacon == -2 then
    redis.call('ZREM', revoked_key, '_complete')
    redis.call('DEL', resync_key)
  end
  if beacon < tonumber(beacon_ms) / 2 then
    redis.call('SET', beacon_key, '1', 'PX', beacon_ms)
  end
  local found = redis.call('ZMSCORE', revoked_key, session_id, '_complete')
  return found[1] and 1 or 0, found[2] and 1 or 0
end
local function count_spend(counter_key, batch, ttl)
  local counted = redis.call('INCRBY', counter_key, batch)
  redis.call('EXPIRE', counter_key, ttl)
  return counted
end
"""

# KEYS[1] the revoked set, KEYS[2] the beacon, KEYS[3] the rebuild nonce, KEYS[4] (optional)
# the rate-limit counter; ARGV[1] the session id, ARGV[2] the beacon's life (ms), ARGV[3] '1'
# to mark the set incomplete, ARGV[4] the rate-limit batch, ARGV[5] the counter's TTL (s).
# Returns {counter after INCRBY or -1, revoked 0/1, complete 0/1}.
_CHECK = (
    SESSION_FUNCTIONS
    + """
local counted = -1
if #KEYS >= 4 then counted = count_spend(KEYS[4], ARGV[4], ARGV[5]) end
local revoked, complete = check_session(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3])
return {counted, revoked, complete}
"""
)

# KEYS[1] the revoked set, KEYS[2] the rebuild nonce; ARGV[1] now (unix s), ARGV[2] the
# rebuild's nonce ('' for a plain write), then expiry/session-id pairs. A rebuild marks the
# set complete only if its nonce survived: no outage was noticed since it began.
_ADD = """
for i = 3, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
if ARGV[2] == '' then return 1 end
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[2])
redis.call('ZADD', KEYS[1], '+inf', '_complete')
return 1
"""


class SessionRevocations:
    def __init__(
        self,
        redis: RedisStore,
        database: Database,
        limiter: RateLimiter,
        access_ttl: timedelta,
        beacon_seconds: float = BEACON_SECONDS,
    ) -> None:
        self.redis = redis
        self.database = database
        self.limiter = limiter
        self.keep_seconds = int(access_ttl.total_seconds()) + CLOCK_SKEW_SECONDS
        self.beacon_ms = max(1, int(beacon_seconds * 1000))
        self._check = redis.client.register_script(_CHECK)
        self._add = redis.client.register_script(_ADD)
        # Revoked here, not yet written to Redis: session id -> when it may be forgotten.
        self._pending: dict[uuid.UUID, float] = {}
        self._outages_seen = redis.outages
        self._rebuilds: SingleFlight[set[uuid.UUID]] = SingleFlight()

    def refused_here(self, session_id: uuid.UUID) -> bool:
        """Revoked by this process and not yet known to be in Redis: refuse at once."""
        return self._pending.get(session_id, 0.0) > time.time()

    def mark_argument(self) -> tuple[str, int]:
        """The script's `mark` ('1': the set may lack revocations, this process's Redis
        breaker opened since its last check) and the outage count to pass to `marked`."""
        outages = self.redis.outages
        return ("1" if outages != self._outages_seen else "0"), outages

    def marked(self, outages: int) -> None:
        """A script with `mark_argument`'s mark ran."""
        self._outages_seen = outages

    async def check(self, claims: AccessClaims, spend: Spend | None = None) -> None:
        """Refuse (401) a revoked session; count `spend` against its rate limit (429) in the
        same Redis round trip."""
        session_id = claims.session_id
        if self.refused_here(session_id):
            raise Unauthorized(SESSION_ENDED)
        mark, outages = self.mark_argument()
        counter = spend.key if spend is not None else None
        keys = [REVOKED_KEY, BEACON_KEY, RESYNC_KEY, *([counter] if counter else [])]
        args: list[str | int] = [
            str(session_id),
            self.beacon_ms,
            mark,
            spend.batch if spend is not None else 1,
            WINDOW_SECONDS + 1,
        ]

        async def check(client: Redis) -> list[int]:
            result: list[int] = await self._check(keys=keys, args=args, client=client)
            return result

        result = await self.redis.run(check)
        if result is None:  # Redis unavailable: the database answers
            if spend is not None:
                self.limiter.finish(spend, None)
            revoked = await self._revoked_in_database(session_id)
        else:
            self.marked(outages)
            counted, revoked_flag, complete = (int(value) for value in result)
            if spend is not None:
                self.limiter.finish(spend, counted if counter else None)
            revoked = bool(revoked_flag)
            if not revoked and not complete:
                revoked = await self._revoked_while_incomplete(session_id)
        if revoked:
            raise Unauthorized(SESSION_ENDED)

    async def revoke(self, session_ids: Iterable[uuid.UUID]) -> None:
        """Tell every process that these sessions ended (call after the commit that revoked
        them in the database). Refused here at once; elsewhere once Redis has it."""
        forget_at = time.time() + self.keep_seconds
        for session_id in session_ids:
            self._pending[session_id] = forget_at
        if self._pending and not await self._write_pending():
            self.redis.schedule_repair("revoked-sessions", self._repair)

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    async def _write_pending(self) -> bool:
        now = time.time()
        for session_id, forget_at in list(self._pending.items()):
            if forget_at <= now:  # its tokens have expired: nothing left to refuse
                del self._pending[session_id]
        batch = dict(self._pending)
        if not batch:
            return True
        pairs: list[Any] = []
        for session_id, forget_at in batch.items():
            pairs.extend((int(forget_at), str(session_id)))
        if not await self._run_add("", pairs, now):
            return False
        for session_id, forget_at in batch.items():
            if self._pending.get(session_id) == forget_at:
                del self._pending[session_id]
        return True

    async def _repair(self) -> bool:
        await self._write_pending()
        return not self._pending

    async def _run_add(self, nonce: str, pairs: list[Any], now: float) -> bool:
        args = [int(now), nonce, *pairs]

        async def add(client: Redis) -> object:
            return await self._add(keys=[REVOKED_KEY, RESYNC_KEY], args=args, client=client)

        return await self.redis.run(add) is not None

    async def _revoked_in_database(self, session_id: uuid.UUID) -> bool:
        async with self.database.transaction() as session:
            return await repository.session_revoked(session, session_id)

    async def _revoked_while_incomplete(self, session_id: uuid.UUID) -> bool:
        """Redis may lack revocations: the database answers, through one rebuild of Redis's
        set shared by every request of this process that finds the set incomplete meanwhile
        (one query for all the revocations of the last token lifetime). Each asking about its
        own session instead, a burst after a lull longer than the beacon's life (every
        request finds the set incomplete) queued hundreds of queries for the pool's 15
        connections: p99 2 s and 503s at 256 connections (issue 9). A request that joins a
        rebuild is answered as of the rebuild's read, at most one query's time earlier; this
        process's own revocations are refused before that (`refused_here`)."""
        revoked, _ = await self._rebuilds.run(REVOKED_KEY, self._rebuild)
        return session_id in revoked

    async def _rebuild(self) -> set[uuid.UUID]:
        nonce = secrets.token_hex(16)
        started = await self.redis.run(
            lambda client: client.set(RESYNC_KEY, nonce, px=RESYNC_SECONDS * 1000)
        )
        now = time.time()
        since = datetime.fromtimestamp(now - self.keep_seconds, UTC)
        async with self.database.transaction() as session:
            rows = await repository.sessions_revoked_since(session, since)
        if started:
            pairs: list[Any] = []
            for session_id, revoked_at in rows:
                pairs.extend((int(revoked_at.timestamp()) + self.keep_seconds, str(session_id)))
            await self._run_add(nonce, pairs, now)
        return {session_id for session_id, _ in rows}


def revocations_for(state: Any) -> SessionRevocations:
    """The app's one SessionRevocations, made on first use from what app.state holds (the
    app factory, main.py, does not create it)."""
    revocations: SessionRevocations | None = getattr(state, "session_revocations", None)
    if revocations is None:
        revocations = SessionRevocations(
            state.redis, state.database, state.rate_limiter, state.tokens.access_ttl
        )
        state.session_revocations = revocations
    return revocations
