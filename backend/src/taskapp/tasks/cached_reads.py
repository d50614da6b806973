"""The hot path of a plain read: a task page or the task counts served from the cache in one
Redis round trip, before FastAPI resolves a dependency (issue 9; ADR 0096), and a miss answered
here too, by the route's own functions (ADR 0108).

Everything `list_tasks` and `count_tasks` check still holds, in one script: the access
token's signature and expiry (in the process), the session not revoked and the revoked set
complete (auth/sessions.py), the caller in the project's membership record and the entry
of the current epoch (core/cache.py), and the per-user rate limit (counted only when the
script serves). When the script does not serve (a miss, a revoked or unknown session, Redis
unavailable, the cache off), nothing was counted, and the read is answered the full way:
`authenticate`, then `list_tasks` or `count_tasks`, called as the route calls them. A read that
is not plain (no bearer token, a query that is not plain or that the model refuses) goes on to
the route unchanged. The routes, their OpenAPI document and their answers are the same either
way; only the cost differs.
"""

from __future__ import annotations

import functools
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError
from redis.asyncio import Redis
from starlette.datastructures import State
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from taskapp.auth.dependencies import authenticate, bearer_token
from taskapp.auth.sessions import BEACON_KEY as SESSION_BEACON_KEY
from taskapp.auth.sessions import (
    RESYNC_KEY,
    REVOKED_KEY,
    SESSION_FUNCTIONS,
    revocations_for,
)
from taskapp.core import cache as cache_keys
from taskapp.core.cache import CACHE_FUNCTIONS, Cache
from taskapp.core.errors import AppError, app_error_response
from taskapp.core.ratelimit import WINDOW_SECONDS, RateLimiter
from taskapp.core.security import TokenService
from taskapp.core.settings import Settings
from taskapp.tasks.router import count_tasks, list_tasks
from taskapp.tasks.schemas import TaskCountsQuery, TaskQuery
from taskapp.tasks.service import counts_cache_field, list_cache_field, query_digest

logger = logging.getLogger("taskapp.cached_reads")

# KEYS: 1 the revoked sessions, 2 their beacon, 3 their rebuild nonce, 4 the cache epoch,
# 5 its beacon, 6 the project's membership record, 7 its task entries, 8 (optional) the
# rate-limit counter. ARGV: 1 the session id, 2 the session beacon's life (ms), 3 the
# session mark, 4 the cache beacon's life (ms), 5 the cache reset, 6 the caller's id, 7 the
# entry's field, 8 the rate-limit batch, 9 the counter's TTL (s).
# Returns {counter after INCRBY or -1, revoked, complete, epoch, role, entry}; counts only
# when it serves: a live session, a complete revoked set, the caller's role and the entry.
_HOT_READ = (
    SESSION_FUNCTIONS
    + CACHE_FUNCTIONS
    + """
local revoked, complete = check_session(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3])
local epoch = current_epoch(KEYS[4], KEYS[5], ARGV[4], ARGV[5])
local role = lookup(epoch, KEYS[6], ARGV[6])
local entry = lookup(epoch, KEYS[7], ARGV[7])
local serves = revoked == 0 and complete == 1 and role and entry
if not serves then return {-1, revoked, complete, epoch, false, false} end
local counted = -1
if #KEYS >= 8 then counted = count_spend(KEYS[8], ARGV[8], ARGV[9]) end
return {counted, revoked, complete, epoch, role, entry}
"""
)

_TASKS_PATH = re.compile(
    r"/api/projects/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"/tasks(/counts)?"
)
_JSON_HEADERS = {"content-type": "application/json"}


@dataclass
class Stats:
    """How many reads the hot path served from the cache, answered the full way, and
    handed to the routes."""

    served: int = 0  # from the cache
    loaded: int = 0  # plain, but a miss: answered here as the route answers it
    passed: int = 0


# A query string seen before costs a dictionary lookup; longer ones than a plain query can be
# are worked out each time (and refused by the model anyway), so the memo stays small.
_MEMO_QUERY_BYTES = 1024


_Query = type[TaskQuery] | type[TaskCountsQuery]


_Plain = tuple[TaskQuery | TaskCountsQuery, str]


def _plain_query(counts: bool, query_string: bytes) -> _Plain | None:
    """The query the route would validate and its digest, or None if it is anything but
    plain: the route then answers it, e.g. with its 422."""
    model: _Query = TaskCountsQuery if counts else TaskQuery
    if len(query_string) > _MEMO_QUERY_BYTES:
        return _validated_query.__wrapped__(model, query_string)
    return _validated_query(model, query_string)


def _cache_field(user_id: uuid.UUID, plain: _Plain) -> str:
    """The cache field `list_tasks` or `count_tasks` uses: both name the validated query by
    the same digest (tasks/service.py `query_digest`), so each set of filters has an entry of
    its own here as there."""
    query, digest = plain
    if isinstance(query, TaskCountsQuery):
        return counts_cache_field(user_id, digest)
    return list_cache_field(user_id, digest)


@functools.lru_cache(maxsize=4096)
def _validated_query(model: _Query, query_string: bytes) -> _Plain | None:
    """The validated query and its digest, or None if the query string is not plain: a
    repeated or empty parameter, an unknown one, a value the model refuses. (Shared between
    requests: never changed after validation.)"""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    values = dict(pairs)
    if len(values) != len(pairs) or not values.keys() <= model.model_fields.keys():
        return None
    if not all(values.values()):
        return None
    try:
        query = model.model_validate(values)
    except ValidationError:
        return None
    return query, query_digest(query)


@dataclass(frozen=True)
class _Read:
    """A plain read: whose, of which project, what."""

    token: str
    project_id: uuid.UUID
    plain: _Plain


def _plain_read(scope: Scope, match: re.Match[str]) -> _Read | None:
    token = bearer_token(scope)
    if token is None:
        return None  # the route answers 401 with its message
    plain = _plain_query(match.group(2) is not None, scope["query_string"])
    if plain is None:
        return None
    return _Read(token, uuid.UUID(match.group(1)), plain)


class CachedTaskReads:
    """ASGI middleware: a plain GET of a project's task page or counts answered here, from the
    cache when the one script above says it may be, else as the route answers it (the same
    functions: `authenticate`, then `list_tasks` or `count_tasks`); any other request passes
    through to the route."""

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state
        self.stats = Stats()
        state.cached_reads = self.stats
        self._script: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = _TASKS_PATH.fullmatch(scope["path"])
            read = None if match is None else _plain_read(scope, match)
            if read is not None:
                try:
                    response = await self._answer(read)
                except AppError as exc:  # as the route would answer it
                    response = app_error_response(exc)
                await response(scope, receive, send)
                return
            if match is not None:
                self.stats.passed += 1
        await self.app(scope, receive, send)

    async def _answer(self, read: _Read) -> Response:
        state = self.state
        try:
            body = await self._from_cache(read)
        except AppError:
            raise  # the rate limit
        except Exception:  # a bug here must not cost the request: the full way answers
            logger.exception("cached read failed; answered the full way")
            body = None
        if body is not None:
            self.stats.served += 1
            return Response(body, headers=_JSON_HEADERS)
        self.stats.loaded += 1
        claims = await authenticate(state, read.token)  # nothing was counted for it yet
        query, _ = read.plain
        if isinstance(query, TaskCountsQuery):
            return await count_tasks(
                read.project_id, query, claims.user_id, state.database, state.cache
            )
        return await list_tasks(read.project_id, query, claims.user_id, state.database, state.cache)

    async def _from_cache(self, read: _Read) -> bytes | None:
        """The entry, if the script may serve it (the rate limit counted); else None, with
        nothing counted."""
        state = self.state
        cache: Cache = state.cache
        if not cache.reads:
            return None
        tokens: TokenService = state.tokens
        try:
            claims = tokens.verify_access_token(read.token)
        except AppError:
            return None  # `authenticate` answers 401 with its message
        user_id = claims.user_id
        field = _cache_field(user_id, read.plain)
        revocations = revocations_for(state)
        if revocations.refused_here(claims.session_id):
            return None
        settings: Settings = state.settings
        limiter: RateLimiter = state.rate_limiter
        spend = limiter.begin(
            "api", str(user_id), settings.rate_limit_api_per_user, settings.rate_limit_api_batch
        )
        mark, outages = revocations.mark_argument()
        reset, resets_wanted = cache.reset_argument()
        keys = [
            REVOKED_KEY,
            SESSION_BEACON_KEY,
            RESYNC_KEY,
            cache_keys.EPOCH_KEY,
            cache_keys.BEACON_KEY,
            cache_keys.project_members_key(read.project_id),
            cache_keys.project_tasks_key(read.project_id),
            *([spend.key] if spend.key else []),
        ]
        args: list[str | int] = [
            str(claims.session_id),
            revocations.beacon_ms,
            mark,
            cache.beacon_ms,
            reset,
            str(user_id),
            field,
            spend.batch,
            WINDOW_SECONDS + 1,
        ]
        script = self._script_for(cache)

        async def hot_read(client: Redis) -> list[Any]:
            result: list[Any] = await script(keys=keys, args=args, client=client)
            return result

        result = await cache.redis.run(hot_read)
        if result is None:
            limiter.refund(spend)
            return None
        revocations.marked(outages)
        cache.reset_landed(resets_wanted)
        counted, entry = int(result[0]), result[5]
        if entry is None:
            limiter.refund(spend)
            return None
        limiter.finish(spend, counted if spend.key else None)  # may raise RateLimited
        return entry if isinstance(entry, bytes) else entry.encode()

    def _script_for(self, cache: Cache) -> Callable[..., Any]:
        if self._script is None:
            self._script = cache.redis.client.register_script(_HOT_READ)
        return self._script  # type: ignore[no-any-return]
