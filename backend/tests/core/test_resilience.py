from __future__ import annotations

import time

import pytest

from taskapp.core.resilience import CircuitBreaker


def test_opens_after_threshold_and_fails_fast() -> None:
    breaker = CircuitBreaker("db", failure_threshold=3, reset_after_seconds=60)
    for _ in range(2):
        breaker.record_failure()
        assert breaker.allow()
    breaker.record_failure()
    assert breaker.state == "open"
    assert not breaker.allow()
    assert 1 <= breaker.retry_after_seconds() <= 60


def test_half_open_lets_one_probe_through_then_closes_on_success() -> None:
    breaker = CircuitBreaker("db", failure_threshold=1, reset_after_seconds=0.05)
    breaker.record_failure()
    assert not breaker.allow()
    time.sleep(0.06)
    assert breaker.state == "half_open"
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # only one at a time
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allow()


def test_failed_probe_reopens_for_another_cool_down() -> None:
    breaker = CircuitBreaker("db", failure_threshold=1, reset_after_seconds=0.05)
    breaker.record_failure()
    time.sleep(0.06)
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allow()


@pytest.mark.parametrize("failures", [0, 1, 2])
def test_success_resets_the_count(failures: int) -> None:
    breaker = CircuitBreaker("db", failure_threshold=3, reset_after_seconds=60)
    for _ in range(failures):
        breaker.record_failure()
    breaker.record_success()
    for _ in range(2):
        breaker.record_failure()
    assert breaker.state == "closed"
