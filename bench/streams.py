"""Idle live-update streams held open on the API process beside a load (issue 11, ADR 0104):
what they cost the other requests (the cached page's p99 with them open, against without, in
the same run) and in memory (the process's resident set before and after they open)."""

from __future__ import annotations

import asyncio
import statistics
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# A liveness bound on opening the streams, not a measurement.
OPEN_BOUND_SECONDS = 120.0
WAVE = 25  # streams opened at once


@dataclass
class StreamCosts:
    """Resident memory added per open stream, one figure per time the streams were opened."""

    bytes_per_stream: list[float] = field(default_factory=list)

    def render(self, count: int) -> str:
        if not self.bytes_per_stream:
            return ""
        first, *later = self.bytes_per_stream
        line = (
            f"{count} idle event streams on the API process: {first / 1024:.1f} KiB resident "
            "memory per stream the first time they open"
        )
        if later:
            line += (
                f"; {statistics.median(later) / 1024:.1f} KiB when opened again (median of "
                f"{len(later)}: the process reuses what the first streams left)"
            )
        return line


def resident_bytes(pid: int) -> int:
    """The process's resident set (VmRSS), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def _hold(
    url: str, token: str, count: int, opened: threading.Event, stop: asyncio.Event
) -> None:
    """Open the streams in waves of WAVE (browsers arrive over time; a herd of hundreds at
    once measures the herd, not what idle streams cost), then hold them until `stop`."""
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=0)
    timeout = httpx.Timeout(30.0, read=None)
    headers = {"Authorization": f"Bearer {token}"}
    ready = asyncio.Queue[None]()

    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:

        async def follow() -> None:
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    body = await response.aread()
                    raise RuntimeError(f"stream refused: {response.status_code} {body!r}")
                async for line in response.aiter_lines():
                    if line == "event: ready":
                        ready.put_nowait(None)

        tasks: list[asyncio.Task[None]] = []
        try:
            while len(tasks) < count:
                wave = [asyncio.create_task(follow()) for _ in range(min(WAVE, count - len(tasks)))]
                tasks += wave
                for _ in wave:
                    getter = asyncio.ensure_future(ready.get())
                    done, _ = await asyncio.wait(
                        {getter, *tasks}, return_when=asyncio.FIRST_COMPLETED
                    )
                    if getter not in done:  # a stream ended or failed before it was ready
                        getter.cancel()
                        ended = next(t for t in tasks if t.done())
                        ended.result()
                        raise RuntimeError("a stream ended before it was ready")
            opened.set()
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


@contextmanager
def idle_streams(url: str, token: str, count: int, pid: int, costs: StreamCosts) -> Iterator[None]:
    """Open `count` event streams on `url` (each answered with `ready`), hold them while the
    body runs, then close them; record the resident memory they added to process `pid`."""
    loop = asyncio.new_event_loop()
    opened = threading.Event()
    stop = asyncio.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            loop.run_until_complete(_hold(url, token, count, opened, stop))
        except BaseException as error:
            errors.append(error)
            opened.set()

    before = resident_bytes(pid)
    thread = threading.Thread(target=run, name="idle-streams", daemon=True)
    thread.start()
    try:
        if not opened.wait(OPEN_BOUND_SECONDS):
            raise RuntimeError(f"{count} streams did not open within {OPEN_BOUND_SECONDS} s")
        if errors:
            raise RuntimeError(f"opening the streams failed: {errors[0]!r}")
        costs.bytes_per_stream.append((resident_bytes(pid) - before) / count)
        yield
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=OPEN_BOUND_SECONDS)
        loop.close()
