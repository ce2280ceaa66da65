"""Throttling sign-in attempts: too many recent failures for a key lock it for a while.

Failed sign-ins are counted per key (an organiser name, a client, both) in
a backend shared by every app server: the event store implements
:class:`LoginFailureBackend`; :class:`InMemoryLoginFailures` serves tests and
a single process. :class:`LoginThrottle` refuses further attempts once a key
has too many failures within a window; each key may have its own limit. The
same backend also counts plain attempts, under keys of their own (see
:mod:`speakout_map.organisers.sign_in`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

from speakout_map.errors import TooManyAttemptsError


class LoginFailureBackend(Protocol):
    """Where failed sign-ins are recorded, shared by every app server.

    ``count_login_failures`` counts failures recorded at or after ``since``.
    """

    def record_login_failure(self, key: str, at: datetime) -> None: ...

    def count_login_failures(self, key: str, since: datetime) -> int: ...

    def clear_login_failures(self, key: str) -> None: ...


@runtime_checkable
class LoginFailureTimes(Protocol):
    """Optional extra of a backend: the times of the failures, so waits can be exact."""

    def login_failure_times(self, key: str, since: datetime) -> Sequence[datetime]: ...


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class InMemoryLoginFailures:
    """A :class:`LoginFailureBackend` in this process's memory (tests, one server).

    Thread-safe. Failures older than ``max_age`` are forgotten when a new one
    is recorded, so memory stays bounded by recent activity.
    """

    def __init__(self, *, max_age: timedelta = timedelta(days=1)) -> None:
        self._max_age = max_age
        self._failures: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()

    def record_login_failure(self, key: str, at: datetime) -> None:
        cutoff = at - self._max_age
        with self._lock:
            for other in list(self._failures):
                kept = [t for t in self._failures[other] if t >= cutoff]
                if kept:
                    self._failures[other] = kept
                else:
                    del self._failures[other]
            self._failures.setdefault(key, []).append(at)

    def count_login_failures(self, key: str, since: datetime) -> int:
        return len(self.login_failure_times(key, since))

    def login_failure_times(self, key: str, since: datetime) -> list[datetime]:
        with self._lock:
            return sorted(t for t in self._failures.get(key, ()) if t >= since)

    def clear_login_failures(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class LoginThrottle:
    """Refuses sign-in attempts for a key after ``max_failures`` failures within ``window``.

    Attempts refused while locked are not recorded as failures, so a lock
    always ends ``window`` after the failures that caused it. The wait given
    in :class:`TooManyAttemptsError` is exact when the backend also offers
    ``login_failure_times`` (see :class:`LoginFailureTimes`): the time until
    enough failures have left the window. With a backend that only counts, it
    is the whole window, an upper bound.

    Check and record are separate steps, so attempts racing on several
    servers can each get through before any of them records its failure:
    the limit may be overshot by the number of simultaneous attempts.
    """

    def __init__(
        self,
        backend: LoginFailureBackend,
        *,
        max_failures: int = 5,
        window: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        if window <= timedelta(0):
            raise ValueError("window must be positive")
        self.backend = backend
        self.max_failures = max_failures
        self.window = window
        self._clock = clock

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the throttle's clock must return timezone-aware datetimes")
        return now.astimezone(timezone.utc)

    def retry_after(self, key: str, max_failures: int | None = None) -> float | None:
        """Seconds until ``key`` is unlocked, or None if it is not locked now.

        ``max_failures`` is the limit for this key (default: the throttle's
        own), so one throttle can keep keys with different limits.
        """
        limit = self.max_failures if max_failures is None else max_failures
        if limit < 1:
            raise ValueError("max_failures must be at least 1")
        now = self._now()
        since = now - self.window
        if self.backend.count_login_failures(key, since) < limit:
            return None
        retry_after = self.window.total_seconds()
        if isinstance(self.backend, LoginFailureTimes):
            times = sorted(self.backend.login_failure_times(key, since), reverse=True)
            if len(times) >= limit:
                # Unlocked once the limit-th most recent failure leaves the window.
                unlock_at = times[limit - 1] + self.window
                retry_after = max(0.0, (unlock_at - now).total_seconds())
        return retry_after

    def check(self, key: str, max_failures: int | None = None) -> None:
        """Raise :class:`TooManyAttemptsError` if ``key`` is locked out now (see :meth:`retry_after`)."""
        retry_after = self.retry_after(key, max_failures)
        if retry_after is not None:
            raise TooManyAttemptsError(retry_after)

    def record(self, key: str) -> None:
        """Count one event for ``key`` now: a failure, or for keys that count them, an attempt."""
        self.backend.record_login_failure(key, self._now())

    def failed(self, key: str) -> None:
        """Record one failed attempt for ``key``."""
        self.record(key)

    def succeeded(self, key: str) -> None:
        """Forget ``key``'s failures after a successful sign-in."""
        self.backend.clear_login_failures(key)
