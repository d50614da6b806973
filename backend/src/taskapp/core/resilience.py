"""A small circuit breaker per dependency: fail fast while a dependency is down,
probe it again after a cool-down, close on the first success."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

State = Literal["closed", "open", "half_open"]


@dataclass
class CircuitBreaker:
    name: str
    failure_threshold: int = 3
    reset_after_seconds: float = 1.0
    _failures: int = field(default=0, init=False)
    _opened_at: float | None = field(default=None, init=False)
    _probe_in_flight: bool = field(default=False, init=False)

    @property
    def state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if time.monotonic() - self._opened_at >= self.reset_after_seconds:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """Whether a call may go through now. In half-open, one probe at a time."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._probe_in_flight:
            self._probe_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probe_in_flight = False

    def record_failure(self) -> None:
        self._failures += 1
        self._probe_in_flight = False
        if self._opened_at is not None or self._failures >= self.failure_threshold:
            self._opened_at = time.monotonic()

    def record_no_verdict(self) -> None:
        """The call ended without telling whether the dependency works (cancelled, or its time
        went elsewhere): a half-open probe is over, and the next call may probe again."""
        self._probe_in_flight = False

    def retry_after_seconds(self) -> int:
        if self._opened_at is None:
            return 1
        remaining = self.reset_after_seconds - (time.monotonic() - self._opened_at)
        return max(1, int(remaining + 0.999))
