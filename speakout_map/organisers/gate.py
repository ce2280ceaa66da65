"""Bounding concurrent password checks: each argon2 check takes its memory cost (64 MiB by default).

Without a bound, a few clients sending sign-ins with random names would make
the server run many checks at once and run out of memory. :class:`CheckGate`
lets at most ``slots`` checks run at a time; a check that cannot get a slot
within ``wait_seconds`` is refused with :class:`SignInBusyError` ("busy, try
again") rather than queueing without end. :data:`PASSWORD_CHECKS` is the one
gate of this process, shared by every session.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from speakout_map.errors import SignInBusyError

#: Password checks that may run at once in one process (2 x 64 MiB with argon2's defaults).
MAX_CONCURRENT_CHECKS = 2
#: How long a sign-in waits for a free slot before it is refused as busy, in seconds.
WAIT_SECONDS = 5.0


class CheckGate:
    """At most ``slots`` holders at once; a holder waits at most ``wait_seconds`` for its turn. Thread-safe."""

    def __init__(self, slots: int = MAX_CONCURRENT_CHECKS, *, wait_seconds: float = WAIT_SECONDS) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least 1 of its slots")
        if wait_seconds < 0:
            raise ValueError("wait_seconds must not be negative")
        self.slots = slots
        self.wait_seconds = wait_seconds
        self._free = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the ``with`` block; raise :class:`SignInBusyError` if none frees in time."""
        if not self._free.acquire(timeout=self.wait_seconds):
            raise SignInBusyError()
        try:
            yield
        finally:
            self._free.release()


#: The gate every password check of this process goes through.
PASSWORD_CHECKS = CheckGate()
