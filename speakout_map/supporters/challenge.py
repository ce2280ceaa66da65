"""The optional proof of work of the public "Propose an event" form: ALTCHA challenges, made and checked here.

No CAPTCHA service is involved. The server makes a challenge (:func:`new_challenge`), the visitor's
browser solves it with the ALTCHA widget (``app_pages/challenge.py``, served by the app itself) and
the form sends back the widget's payload, which :func:`verify_solution` checks. Both sides are
the ``altcha`` packages' own code (PyPI ``altcha`` 2.3, npm ``altcha`` 3.2), speaking ALTCHA's
version 2 protocol:

* A challenge is a random nonce and salt, a key derivation (PBKDF2/SHA-256, ``cost`` rounds per
  try), an expiry, and a key prefix, all signed with an HMAC under the site secret, so that a
  visitor can neither make up a challenge nor ease one.
* The prefix is that of the key derived from a secret counter that the server draws between
  ``max_number / 2`` and ``max_number`` (ALTCHA's "deterministic" mode): the browser tries counters
  from 0 up until it finds that key, so ``max_number`` bounds the work, and a visitor's browser does
  on average three quarters of it. Checking a solution costs the server one derivation.
* The HMAC key is not the site secret itself but one derived from it for the form's ``purpose``,
  so a challenge made for one form does not pass another's check.

Replays: ``altcha`` checks the signature, the solution and the expiry, but keeps no record of what
it has seen, so one solved payload passes again and again until its challenge expires. The caller
must record each accepted challenge and refuse it the next time: :func:`verify_solution` returns
its :attr:`SolvedChallenge.digest` (also :func:`payload_digest`) and when it expires (after which
the record can go, as the check refuses it anyway). The digest names the challenge, not the
payload's bytes, because the same solution can be re-encoded (other JSON spacing, key order, a
changed ``time``) and still pass.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import altcha

from speakout_map.errors import ChallengeFailedError
from speakout_map.supporters.tokens import keyed_digest, token_digest

#: The key derivation the browser repeats; the widget's main bundle carries a worker for it.
ALGORITHM = "PBKDF2/SHA-256"
#: PBKDF2 rounds per try. The browser's WebCrypto runs them natively, so a script gains little over it.
DEFAULT_COST = 1_000
#: The most counters a browser has to try: about a second on a two-core laptop (Chromium, two workers),
#: a few on a phone, done while the visitor fills in the form.
DEFAULT_MAX_NUMBER = 5_000
#: How long a challenge may be solved and sent: long enough to fill in the form after the tick.
DEFAULT_EXPIRES_IN = timedelta(hours=1)
#: A challenge this close to expiring is replaced before the visitor starts (see :func:`needs_renewal`).
RENEW_MARGIN = timedelta(minutes=15)
#: The form the challenge is for, when the caller does not say.
DEFAULT_PURPOSE = "proposal"
#: The widget's payload is about 700 characters; anything much longer is not one.
MAX_PAYLOAD_CHARS = 4_096
#: Counters are unsigned 32-bit numbers in ALTCHA's protocol.
_MAX_COUNTER = 0xFFFF_FFFF

#: Why a payload failed, as :attr:`ChallengeFailedError.reason` (for logs; the visitor's message says what to do).
MISSING = "missing"
MALFORMED = "malformed"
FORGED = "forged"
UNSOLVED = "unsolved"
EXPIRED = "expired"
#: For the caller that finds a digest it has seen already.
REUSED = "reused"

# altcha's verify_solution reports bad input in its result, but these stay possible on odd JSON.
_ODD_INPUT = (ValueError, TypeError, KeyError, AttributeError, RecursionError, OverflowError)


@dataclass(frozen=True)
class SolvedChallenge:
    """A payload that passed :func:`verify_solution`: which challenge it solved, and until when it would pass."""

    #: Names the challenge (hex SHA-256); store it until ``expires_at`` and refuse a payload whose digest is stored.
    digest: str
    expires_at: datetime


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(UTC)


def _hmac_key(secret: str, purpose: str) -> str:
    if not isinstance(secret, str) or not secret:
        raise ValueError("the proof of work needs the site secret (a non-empty string)")
    if not isinstance(purpose, str) or not purpose:
        raise ValueError("the proof of work needs a purpose (a non-empty string)")
    return keyed_digest(secret, "proof-of-work", purpose)


def _whole_number(value: object, name: str, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        raise ValueError(f"{name} must be a whole number from {lowest:,} to {highest:,}, not {value!r}")
    return value


def new_challenge(secret: str, *, max_number: int = DEFAULT_MAX_NUMBER, cost: int = DEFAULT_COST,
                  expires_in: timedelta = DEFAULT_EXPIRES_IN, purpose: str = DEFAULT_PURPOSE,
                  now: datetime | None = None) -> dict:
    """A fresh signed challenge for the widget, as JSON-able data (``{"parameters": {...}, "signature": ...}``).

    ``max_number`` bounds the counters the browser tries (each costs ``cost`` PBKDF2 rounds); the
    challenge expires ``expires_in`` after ``now``. Raises ValueError for a bad argument (the
    caller's mistake, not the visitor's).
    """
    key = _hmac_key(secret, purpose)
    _whole_number(max_number, "max_number", 1, _MAX_COUNTER)
    _whole_number(cost, "cost", 1, 10_000_000)
    if not isinstance(expires_in, timedelta) or expires_in <= timedelta(0):
        raise ValueError(f"expires_in must be a positive timedelta, not {expires_in!r}")
    lowest = (max_number + 1) // 2
    counter = lowest + secrets.randbelow(max_number - lowest + 1)
    expires_at = math.ceil((_utc(now) + expires_in).timestamp())
    challenge = altcha.create_challenge(ALGORITHM, cost, counter=counter, expires_at=expires_at, hmac_secret=key)
    return challenge.to_dict()


def _decoded(payload: object) -> dict:
    """The payload's JSON object with a ``challenge`` and a ``solution`` object, else ChallengeFailedError."""
    if payload is None or payload == "":
        raise ChallengeFailedError(MISSING)
    if not isinstance(payload, str) or len(payload) > MAX_PAYLOAD_CHARS:
        raise ChallengeFailedError(MALFORMED)
    try:
        data = json.loads(base64.b64decode(payload.strip(), validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, RecursionError, ValueError):
        raise ChallengeFailedError(MALFORMED) from None
    if not (isinstance(data, dict) and isinstance(data.get("challenge"), dict)
            and isinstance(data.get("solution"), dict) and isinstance(data["challenge"].get("parameters"), dict)):
        raise ChallengeFailedError(MALFORMED)  # the widget's test mode sends null for both
    return data


def _signature(data: dict) -> str:
    signature = data["challenge"].get("signature")
    if not isinstance(signature, str) or not signature:
        raise ChallengeFailedError(FORGED)
    return signature


def _expires_at(parameters: Mapping) -> datetime:
    value = parameters.get("expiresAt")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ChallengeFailedError(FORGED)  # every challenge of ours expires
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise ChallengeFailedError(FORGED) from None


def payload_digest(payload: str) -> str:
    """The digest of the challenge a payload answers (hex SHA-256 of its signature), as :func:`verify_solution` gives.

    Every payload of one challenge has the same digest, however its JSON is written. Raises
    :class:`ChallengeFailedError` when the payload cannot be read. It does not check the payload.
    """
    return token_digest(_signature(_decoded(payload)))


def verify_solution(payload: str, secret: str, *, purpose: str = DEFAULT_PURPOSE,
                    now: datetime | None = None) -> SolvedChallenge:
    """Check the widget's payload: our signature, a right solution, not expired at ``now``.

    Returns the :class:`SolvedChallenge` (record its digest: see the module's note on replays);
    raises :class:`ChallengeFailedError`, with its ``reason``, for anything else. ``altcha`` also
    checks the expiry against the real clock, so a ``now`` in the past does not revive a challenge.
    """
    key = _hmac_key(secret, purpose)
    data = _decoded(payload)
    signature = _signature(data)
    expires_at = _expires_at(data["challenge"]["parameters"])
    if expires_at <= _utc(now):
        raise ChallengeFailedError(EXPIRED)
    try:
        result = altcha.verify_solution(payload.strip(), key)
    except _ODD_INPUT:
        raise ChallengeFailedError(MALFORMED) from None
    if result.error:
        raise ChallengeFailedError(MALFORMED)
    if result.expired:
        raise ChallengeFailedError(EXPIRED)
    if result.invalid_signature:
        raise ChallengeFailedError(FORGED)
    if result.invalid_solution or not result.verified:
        raise ChallengeFailedError(UNSOLVED)
    return SolvedChallenge(token_digest(signature), expires_at)


def challenge_expires_at(challenge: Mapping) -> datetime | None:
    """When a challenge of :func:`new_challenge` expires (UTC), or None if it is not one."""
    parameters = challenge.get("parameters") if isinstance(challenge, Mapping) else None
    if not isinstance(parameters, Mapping):
        return None
    try:
        return _expires_at(parameters)
    except ChallengeFailedError:
        return None


def needs_renewal(challenge: object, *, now: datetime | None = None, margin: timedelta = RENEW_MARGIN) -> bool:
    """Whether a page should make a new challenge: none yet, not one of ours, or expiring within ``margin``."""
    expires_at = challenge_expires_at(challenge)
    return expires_at is None or expires_at - margin <= _utc(now)
