"""Throttling sign-in attempts: failures counted in a window, exact waits (throttle.py).

Time is a fake clock: nothing sleeps and nothing measures time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from speakout_map.errors import TooManyAttemptsError
from speakout_map.organisers.throttle import InMemoryLoginFailures, LoginThrottle
from tests.organiser_support import T0, clock, throttle  # noqa: F401 - clock and throttle are fixtures


class CountingOnlyBackend:
    """A backend with only the three required methods (like a store that only counts)."""

    def __init__(self) -> None:
        self._inner = InMemoryLoginFailures()

    def record_login_failure(self, key: str, at: datetime) -> None:
        self._inner.record_login_failure(key, at)

    def count_login_failures(self, key: str, since: datetime) -> int:
        return self._inner.count_login_failures(key, since)

    def clear_login_failures(self, key: str) -> None:
        self._inner.clear_login_failures(key)


# --- the throttle itself ----------------------------------------------------------------


def test_throttle_counts_only_failures_within_the_window(throttle, clock):
    for _ in range(4):
        throttle.failed("k")
    clock.advance(minutes=10)
    throttle.check("k")  # four failures: not locked
    throttle.failed("k")
    with pytest.raises(TooManyAttemptsError) as caught:
        throttle.check("k")
    # Exact wait: the first failure leaves the window 5 minutes from now.
    assert caught.value.retry_after_seconds == pytest.approx(5 * 60)
    clock.advance(minutes=5, seconds=1)
    throttle.check("k")  # the four old failures are out of the window
    for _ in range(4):
        throttle.failed("k")
    with pytest.raises(TooManyAttemptsError) as caught:
        throttle.check("k")
    # The 5th most recent failure is the one from T0+10min, out at T0+25min: 9m59s from now.
    assert caught.value.retry_after_seconds == pytest.approx(10 * 60 - 1)


def test_retry_after_with_more_failures_than_the_limit(clock):
    throttle = LoginThrottle(InMemoryLoginFailures(), max_failures=2, window=timedelta(minutes=10), clock=clock)
    for minutes in (0, 1, 2):  # failures at T0, T0+1, T0+3
        clock.advance(minutes=minutes)
        throttle.failed("k")
    with pytest.raises(TooManyAttemptsError) as caught:
        throttle.check("k")
    # Locked until only one failure is left in the window: T0+1+10 = now (T0+3) + 8 minutes.
    assert caught.value.retry_after_seconds == pytest.approx(8 * 60)


def test_count_only_backend_gives_the_whole_window(clock):
    throttle = LoginThrottle(CountingOnlyBackend(), max_failures=3, window=timedelta(minutes=15), clock=clock)
    for _ in range(3):
        throttle.failed("k")
        clock.advance(minutes=1)
    with pytest.raises(TooManyAttemptsError) as caught:
        throttle.check("k")
    assert caught.value.retry_after_seconds == 15 * 60
    clock.advance(minutes=15)
    throttle.check("k")


def test_succeeded_clears_only_its_key(throttle):
    for _ in range(5):
        throttle.failed("a")
        throttle.failed("b")
    throttle.succeeded("a")
    throttle.check("a")
    with pytest.raises(TooManyAttemptsError):
        throttle.check("b")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"max_failures": 0}, "max_failures"),
    ({"window": timedelta(0)}, "window"),
    ({"window": timedelta(seconds=-1)}, "window"),
])
def test_throttle_refuses_nonsense_limits(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LoginThrottle(InMemoryLoginFailures(), **kwargs)


def test_throttle_refuses_a_naive_clock():
    throttle = LoginThrottle(InMemoryLoginFailures(), clock=lambda: datetime(2013, 9, 3, 12, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        throttle.failed("k")


def test_in_memory_backend_forgets_old_failures():
    backend = InMemoryLoginFailures(max_age=timedelta(hours=1))
    backend.record_login_failure("old", T0)
    backend.record_login_failure("new", T0 + timedelta(hours=2))
    assert backend.count_login_failures("old", T0 - timedelta(days=1)) == 0
    assert backend.count_login_failures("new", T0) == 1


# --- limits per check (issue 8, points 7 and 8: keys with limits of their own) -------------


@pytest.mark.parametrize("limit", [1, 3, 100])
def test_check_takes_a_limit_of_its_own(throttle, limit):
    for _ in range(limit - 1):
        throttle.record("k")
    throttle.check("k", max_failures=limit)
    assert throttle.retry_after("k", max_failures=limit) is None
    throttle.record("k")
    with pytest.raises(TooManyAttemptsError):
        throttle.check("k", max_failures=limit)
    assert throttle.retry_after("k", max_failures=limit) == pytest.approx(15 * 60)


def test_a_limit_of_its_own_must_be_positive(throttle):
    with pytest.raises(ValueError, match="max_failures"):
        throttle.check("k", max_failures=0)


def test_failed_and_record_count_the_same(throttle):
    throttle.failed("k")
    throttle.record("k")
    assert throttle.backend.count_login_failures("k", T0) == 2
