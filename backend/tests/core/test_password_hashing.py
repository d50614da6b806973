"""At most `password_hash_concurrency` Argon2 hashes run at once in a process, so a burst of
logins cannot take every core from the event loop (issue 9's login storm)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from taskapp.core import security


class _CountingHasher:
    """Stands in for Argon2's hasher (whose cost is what the limit is for) and records how
    many of its calls overlap."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def _work(self) -> None:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self._lock:
            self.running -= 1

    def hash(self, password: str) -> str:
        self._work()
        return "hashed"

    def verify(self, password_hash: str, password: str) -> bool:
        self._work()
        return True


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_hashes_at_once_never_exceed_the_setting(
    monkeypatch: pytest.MonkeyPatch, concurrency: int
) -> None:
    hasher = _CountingHasher()
    monkeypatch.setattr(security, "_hasher", hasher)
    security.configure_password_hashing(concurrency)
    try:
        await asyncio.gather(
            *(security.hash_password("p") for _ in range(6)),
            *(security.verify_password("h", "p") for _ in range(6)),
        )
    finally:
        security.configure_password_hashing(1)
    assert hasher.most == concurrency
