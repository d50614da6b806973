"""Live updates (ADR 0104): after a change commits, the API appends a small event to the
project's Redis Stream; every API process reads the streams its browsers follow and fans the
events out to them. No process talks to another, so any process can serve any browser (no
sticky sessions), and a browser that reconnects resumes from the last event it saw.

One reader per process: a single task blocks in XREAD on every followed stream at once, on a
connection of its own (a blocking read would hold a pooled connection, and outlive the
pool's short timeout). Each browser has a bounded queue; one that falls behind is told to
refetch instead of buffering without end."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from redis.asyncio import Redis
from redis.exceptions import RedisError

from taskapp.core.cache import StreamEntry
from taskapp.core.redis import RedisStore
from taskapp.core.settings import Settings

logger = logging.getLogger("taskapp.events")

# How long one XREAD waits for new entries before the reader looks at its streams again
# (a stream followed since then joins the next read).
READ_BLOCK_SECONDS = 1.0
# Entries one XREAD returns at most, over all streams.
READ_COUNT = 500
# Events waiting for one browser; past it the browser is told to refetch.
QUEUE_SIZE = 256
# The reader's pause after Redis failed, before it tries again.
RETRY_SECONDS = 1.0


def stream_key(project_id: uuid.UUID) -> str:
    return f"events:{project_id}"


def parse_event_id(value: str) -> tuple[int, int] | None:
    """A stream entry id ("<milliseconds>-<sequence>") as a pair that orders like Redis does;
    None if it is not one."""
    millis, _, sequence = value.partition("-")
    if not (millis.isascii() and millis.isdigit() and sequence.isascii() and sequence.isdigit()):
        return None
    if len(millis) > 20 or len(sequence) > 20:
        return None
    return int(millis), int(sequence)


@dataclass(frozen=True)
class Event:
    id: str
    data: Mapping[str, Any]

    @property
    def order(self) -> tuple[int, int]:
        parsed = parse_event_id(self.id)
        assert parsed is not None  # noqa: S101 - ids come from Redis
        return parsed


class Closed:
    """Put in a browser's queue instead of an event: the stream must end. `reason` is the
    event name the browser gets ("unavailable": Redis is gone, poll; "reset": events were
    dropped, refetch)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


@dataclass(eq=False)
class Subscription:
    project_id: uuid.UUID
    user_id: uuid.UUID
    queue: asyncio.Queue[Event | Closed] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))

    def offer(self, item: Event | Closed) -> None:
        if self.queue.full():
            # Too far behind: drop what waits and tell it to refetch (once).
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(Closed("reset"))
            return
        self.queue.put_nowait(item)


class TooManyStreams(Exception):
    """The process's or the user's bound on open event streams is reached."""

    def __init__(self, per_user: bool) -> None:
        super().__init__()
        self.per_user = per_user


def _decode(fields: Mapping[bytes, bytes]) -> dict[str, Any]:
    raw = fields.get(b"data")
    if raw is None:
        return {}
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _trimmed_since(info: Mapping[Any, Any], last_seen: tuple[int, int]) -> bool:
    """Whether entries after `last_seen` may have been trimmed (XINFO STREAM's answer). The
    last event seen is itself an entry: while it is still in the stream nothing after it is
    gone. A stream that never lost an entry has lost none after it either."""
    first = info.get("first-entry")
    if not first:
        return False
    first_id = parse_event_id(first[0].decode() if isinstance(first[0], bytes) else first[0])
    if first_id is None or first_id <= last_seen:
        return False
    return bool(int(info.get("entries-added", 0)) != int(info.get("length", 0)))


class EventHub:
    def __init__(self, settings: Settings, redis: RedisStore) -> None:
        self.redis = redis
        self.stream_length = settings.events_stream_length
        self.stream_ttl = settings.events_stream_ttl_seconds
        self.per_user = settings.events_connections_per_user
        self.max_streams = settings.events_connections_max
        # A connection of its own for the blocking read: its timeout covers the block.
        self._reader_client: Redis = Redis.from_url(
            settings.redis_connection_url,
            socket_timeout=READ_BLOCK_SECONDS + settings.redis_timeout_seconds + 1.0,
            socket_connect_timeout=settings.redis_timeout_seconds,
            health_check_interval=0,
            max_connections=1,
        )
        self._followers: dict[uuid.UUID, set[Subscription]] = defaultdict(set)
        self._per_user: dict[uuid.UUID, int] = defaultdict(int)
        self._positions: dict[uuid.UUID, str] = {}
        self._reader: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def open_streams(self) -> int:
        return sum(len(followers) for followers in self._followers.values())

    # Publishing ----------------------------------------------------------------------------

    def entry(self, project_id: uuid.UUID, data: Mapping[str, Any]) -> StreamEntry:
        """The event as an entry an invalidation appends in its own round trip
        (`Cache.invalidate(..., then_append=...)`): what `publish` would append."""
        return StreamEntry(
            stream_key(project_id), orjson.dumps(data), self.stream_length, self.stream_ttl
        )

    async def publish(self, project_id: uuid.UUID, data: Mapping[str, Any]) -> None:
        """Append one event to the project's stream (after the change committed). Without
        Redis the event is lost: browsers then poll, and one that reconnects refetches."""
        key = stream_key(project_id)
        payload = orjson.dumps(data)

        async def append(client: Redis) -> object:
            async with client.pipeline(transaction=False) as pipe:
                pipe.xadd(key, {"data": payload}, maxlen=self.stream_length, approximate=True)
                pipe.expire(key, self.stream_ttl)
                return await pipe.execute()

        await self.redis.run(append)

    # Following -----------------------------------------------------------------------------

    async def latest_id(self, project_id: uuid.UUID) -> str | None:
        """The id of the project's newest event ("0-0" if it has none); None without Redis."""

        async def newest(client: Redis) -> str:
            entries: Any = await client.xrevrange(stream_key(project_id), count=1)
            return entries[0][0].decode() if entries else "0-0"

        return await self.redis.run(newest)

    async def since(self, project_id: uuid.UUID, last_id: str) -> list[Event] | None:
        """The events after `last_id`, or None when they cannot all be given: Redis is down,
        or some were trimmed from the stream (or the stream itself expired) since: the caller
        must refetch. At most the stream's length."""
        key = stream_key(project_id)
        wanted = parse_event_id(last_id)
        assert wanted is not None  # noqa: S101 - the router parsed it

        async def read(client: Redis) -> tuple[Any, list[Any]]:
            async with client.pipeline(transaction=False) as pipe:
                pipe.xinfo_stream(key)
                pipe.xrange(key, min=f"({last_id}", count=self.stream_length + 1000)
                info, after = await pipe.execute(raise_on_error=False)
            if isinstance(after, Exception):
                raise after
            return info, after

        result = await self.redis.run(read)
        if result is None:
            return None
        info, after = result
        if isinstance(info, Exception):  # no such stream: nothing was ever sent, or it expired
            return [] if wanted == (0, 0) else None
        if _trimmed_since(info, wanted):
            return None
        return [Event(entry_id.decode(), _decode(fields)) for entry_id, fields in after]

    def subscribe(self, project_id: uuid.UUID, user_id: uuid.UUID, newest: str) -> Subscription:
        """Follow the project's stream. `newest` is the stream's newest id, read just before
        (`latest_id`): a stream nobody here followed is read from there; one already followed
        goes on from where the reader is, which is never later than that."""
        if self._closed or self.open_streams >= self.max_streams:
            raise TooManyStreams(per_user=False)
        if self._per_user[user_id] >= self.per_user:
            raise TooManyStreams(per_user=True)
        subscription = Subscription(project_id, user_id)
        self._followers[project_id].add(subscription)
        self._per_user[user_id] += 1
        self._positions.setdefault(project_id, newest)
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(self._read())
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        followers = self._followers.get(subscription.project_id)
        if followers is None or subscription not in followers:
            return
        followers.discard(subscription)
        self._per_user[subscription.user_id] -= 1
        if self._per_user[subscription.user_id] <= 0:
            del self._per_user[subscription.user_id]
        if not followers:
            del self._followers[subscription.project_id]
            self._positions.pop(subscription.project_id, None)

    async def _read(self) -> None:
        while self._followers and not self._closed:
            streams: dict[Any, Any] = {stream_key(p): self._positions[p] for p in self._followers}
            try:
                batches: Any = await self._reader_client.xread(
                    streams, count=READ_COUNT, block=int(READ_BLOCK_SECONDS * 1000)
                )
            except (TimeoutError, RedisError, OSError) as exc:
                logger.warning("event stream read failed: %s", type(exc).__name__)
                self._close_all(Closed("unavailable"))
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for key, entries in batches or []:
                project_id = uuid.UUID(key.decode().removeprefix("events:"))
                followers = self._followers.get(project_id)
                if not followers or not entries:
                    continue
                self._positions[project_id] = entries[-1][0].decode()
                for entry_id, fields in entries:
                    event = Event(entry_id.decode(), _decode(fields))
                    for subscription in list(followers):
                        subscription.offer(event)

    def _close_all(self, closed: Closed) -> None:
        for followers in self._followers.values():
            for subscription in followers:
                subscription.offer(closed)

    async def close(self) -> None:
        self._closed = True
        self._close_all(Closed("unavailable"))
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._reader_client.aclose()


async def get_event_hub(request: Request) -> EventHub:
    hub: EventHub = request.app.state.events
    return hub


EventHubDep = Annotated[EventHub, Depends(get_event_hub)]
