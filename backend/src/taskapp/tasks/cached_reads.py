"""The hot path of a warm read: a task page or the task counts served from the cache in one
Redis round trip, before FastAPI resolves a dependency (issue 9; ADR 0096).

Everything `list_tasks` and `count_tasks` check still holds, in one script: the access
token's signature and expiry (in the process), the session not revoked and the revoked set
complete (auth/sessions.py), the caller in the project's membership record and the entry
of the current epoch (core/cache.py), and the per-user rate limit (counted only when the
script serves). Anything else, e.g. no token, an odd query, a miss, a revoked or unknown
session, Redis unavailable, goes on to the route unchanged, which answers it the full way
(and counts it once: nothing was counted here). The routes, their OpenAPI document and their
answers are the same either way; only the cost of a hit differs.
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
from starlette.types import ASGIApp, Receive, Scope, Send

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
_JSON_HEADERS = [(b"content-type", b"application/json")]


@dataclass
class Stats:
    """How many reads the hot path served and how many it handed to the routes."""

    served: int = 0
    passed: int = 0


# A query string seen before costs a dictionary lookup; longer ones than a plain query can be
# are worked out each time (and refused by the model anyway), so the memo stays small.
_MEMO_QUERY_BYTES = 1024


_Query = type[TaskQuery] | type[TaskCountsQuery]


def _cache_field(user_id: uuid.UUID, counts: bool, query_string: bytes) -> str | None:
    """The cache field `list_tasks` or `count_tasks` would use, or None if the query is
    anything but plain: the route then answers it, e.g. with its 422. Both name the validated
    query by the same digest (tasks/service.py `query_digest`), so each set of filters has an
    entry of its own here as there."""
    model: _Query = TaskCountsQuery if counts else TaskQuery
    if len(query_string) > _MEMO_QUERY_BYTES:
        digest = _plain_query_digest.__wrapped__(model, query_string)
    else:
        digest = _plain_query_digest(model, query_string)
    if digest is None:
        return None
    return counts_cache_field(user_id, digest) if counts else list_cache_field(user_id, digest)


@functools.lru_cache(maxsize=4096)
def _plain_query_digest(model: _Query, query_string: bytes) -> str | None:
    """The digest of the query the route would validate, or None if the query string is not
    plain: a repeated or empty parameter, an unknown one, a value the model refuses."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    values = dict(pairs)
    if len(values) != len(pairs) or not values.keys() <= model.model_fields.keys():
        return None
    if not all(values.values()):
        return None
    try:
        return query_digest(model.model_validate(values))
    except ValidationError:
        return None


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token if scheme.lower() == "bearer" and token else None
    return None


class CachedTaskReads:
    """ASGI middleware: a GET of a project's task page or counts, served from the cache when
    the one script above says it may be; any other request passes through."""

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state
        self.stats = Stats()
        state.cached_reads = self.stats
        self._script: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = _TASKS_PATH.fullmatch(scope["path"])
            if match is not None:
                try:
                    served = await self._serve(scope, match, send)
                except AppError as exc:  # the rate limit: as the route would answer
                    await app_error_response(exc)(scope, receive, send)
                    return
                except Exception:  # a bug here must not cost the request
                    logger.exception("cached read failed; the route answers")
                    served = False
                if served:
                    self.stats.served += 1
                    return
                self.stats.passed += 1
        await self.app(scope, receive, send)

    async def _serve(self, scope: Scope, match: re.Match[str], send: Send) -> bool:
        state = self.state
        cache: Cache = state.cache
        token = _bearer_token(scope)
        if token is None or not cache.reads:
            return False
        tokens: TokenService = state.tokens
        try:
            claims = tokens.verify_access_token(token)
        except AppError:
            return False  # the route answers 401 with its message
        user_id = claims.user_id
        project_id = uuid.UUID(match.group(1))
        field = _cache_field(user_id, match.group(2) is not None, scope["query_string"])
        if field is None:
            return False
        revocations = revocations_for(state)
        if revocations.refused_here(claims.session_id):
            return False
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
            cache_keys.project_members_key(project_id),
            cache_keys.project_tasks_key(project_id),
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
            return False
        revocations.marked(outages)
        cache.reset_landed(resets_wanted)
        counted, entry = int(result[0]), result[5]
        if entry is None:
            limiter.refund(spend)
            return False
        limiter.finish(spend, counted if spend.key else None)  # may raise RateLimited
        body: bytes = entry if isinstance(entry, bytes) else entry.encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return True

    def _script_for(self, cache: Cache) -> Callable[..., Any]:
        if self._script is None:
            self._script = cache.redis.client.register_script(_HOT_READ)
        return self._script  # type: ignore[no-any-return]
