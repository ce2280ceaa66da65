"""Keeping spam and abuse out of the public form and the "I'll be there" counts, with no third party.

* **Honeypot.** The form has one more field, :data:`HONEYPOT_FIELD`, that
  people never see (the page hides it) and bots fill in:
  :func:`check_honeypot` refuses a filled one.
* **Time trap.** A person needs some seconds to fill the form in:
  :func:`check_time_trap` refuses one sent sooner after it was opened.
* **Rate limits.** A :class:`RateLimiter` counts each client's recent
  actions in the store (so a limit holds across every app server) and
  refuses more than its :class:`Limit`\\ s allow. A client is its session,
  and also its network address when the operator trusts one (the
  ``organiser_client_address`` setting; see
  :mod:`speakout_map.organisers.clients`); both are kept only as keyed
  digests (:func:`client_keys`), never as themselves.
* The cap on pending proposals lives where proposals are kept
  (:meth:`speakout_map.store.proposals.ProposalStore.add`), in the same
  transaction as the new proposal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from speakout_map.errors import ProposalRefusedError, RateLimitedError, TooManyAttemptsError
from speakout_map.languages.message import msg, nmsg
from speakout_map.organisers.throttle import LoginFailureBackend, LoginThrottle, utc_now
from speakout_map.supporters.tokens import keyed_digest

#: The form's hidden field: any text in it means a bot filled it in.
HONEYPOT_FIELD = "website"
#: Hex digits kept of a client's digest in its keys.
KEY_DIGITS = 32


@dataclass(frozen=True)
class Limit:
    """At most ``count`` ``action``\\ s per client within ``window``."""

    action: str
    count: int
    window: timedelta


#: Proposals: a few in a row (a host fixing a mistake), not a flood; and a day's ceiling.
PROPOSAL_LIMITS: tuple[Limit, ...] = (
    Limit("propose", 3, timedelta(minutes=10)),
    Limit("propose", 10, timedelta(days=1)),
)
#: Checking the form (which may ask the online geocoder): plenty for a host correcting typos, not for a script.
CHECK_LIMITS: tuple[Limit, ...] = (
    Limit("check", 30, timedelta(minutes=10)),
    Limit("check", 200, timedelta(days=1)),
)
#: "I'll be there": enough for anyone going through the list, not for a script.
GOING_LIMITS: tuple[Limit, ...] = (
    Limit("going", 30, timedelta(minutes=10)),
    Limit("going", 200, timedelta(days=1)),
)


def check_honeypot(value: object) -> None:
    """ProposalRefusedError if the hidden field has anything in it."""
    if isinstance(value, str) and value.strip():
        raise ProposalRefusedError(msg("the form was not sent: the field “Leave this empty” has text in it; "
                                       "empty it and send the form again"))


def check_time_trap(opened_at: datetime | None, now: datetime, min_seconds: float) -> None:
    """ProposalRefusedError if the form is sent less than ``min_seconds`` after it was opened (``opened_at``)."""
    if opened_at is None or min_seconds <= 0:
        return
    spent = (now - opened_at).total_seconds()
    if spent < min_seconds:
        raise ProposalRefusedError(nmsg(
            "the form was sent less than {count:,} second after it was opened, sooner than a person can fill it in; "
            "check the details, then send it again",
            "the form was sent less than {count:,} seconds after it was opened, sooner than a person can fill it in; "
            "check the details, then send it again", max(1, round(min_seconds))))


def client_keys(secret: str, session: str, address: str | None = None) -> tuple[str, ...]:
    """The keys a client is counted by: its session's digest, and its trusted address's (if any), under ``secret``."""
    if not session:
        raise ValueError("a client needs its session token")
    keys = [f"session:{keyed_digest(secret, 'session', session)[:KEY_DIGITS]}"]
    if address:
        keys.append(f"address:{keyed_digest(secret, 'address', address)[:KEY_DIGITS]}")
    return tuple(keys)


class RateLimiter:
    """Refuses a client's action once any of its keys reached any of the ``limits`` (RateLimitedError)."""

    def __init__(self, backend: LoginFailureBackend, limits: Sequence[Limit],
                 *, clock: Callable[[], datetime] = utc_now) -> None:
        if not limits or len({limit.action for limit in limits}) != 1:
            raise ValueError("a rate limiter needs limits, all for one action")
        self.action = limits[0].action
        self._throttles = [(LoginThrottle(backend, max_failures=limit.count, window=limit.window, clock=clock))
                           for limit in limits]

    def _key(self, key: str) -> str:
        return f"{self.action}:{key}"

    def check(self, keys: Sequence[str]) -> None:
        """RateLimitedError (with the longest wait) if any key is over any limit now."""
        waits = []
        for throttle in self._throttles:
            for key in keys:
                try:
                    throttle.check(self._key(key))
                except TooManyAttemptsError as exc:
                    waits.append(exc.retry_after_seconds)
        if waits:
            raise RateLimitedError(max(waits))

    def record(self, keys: Sequence[str]) -> None:
        """Count one action for each key."""
        for key in keys:
            self._throttles[0].record(self._key(key))
