"""Organiser sessions: who is signed in, re-checked on every run, ended when idle.

A signed-in organiser is an :class:`OrganiserSession`, which the page keeps
in its session state. On every run the page asks :func:`session_end` whether
the session goes on. It ends when the organiser was removed from the
secrets (or the OIDC allow-list), when the password was changed, or after
``idle_limit`` without a run; otherwise the page keeps :func:`touched`
(the idle time starts again).

The session keeps a digest of the password hash it was signed in with, not
the hash itself, so a changed password ends it. The library never imports
Streamlit.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from speakout_map.languages.message import Message, msg, nmsg
from speakout_map.organisers.roster import Organiser, organiser_key


class SignInMethod(enum.Enum):
    PASSWORD = "password"
    OIDC = "oidc"


class SessionEnd(enum.Enum):
    """Why a session ended."""

    IDLE = "idle"
    REMOVED = "removed"
    PASSWORD_CHANGED = "password changed"


@dataclass(frozen=True)
class OrganiserSession:
    """One signed-in organiser."""

    #: The name shown (the configured name, or the email for OIDC).
    name: str
    method: SignInMethod
    #: What the organiser is found by on each run: the name's organiser_key, or the email in lower case.
    key: str
    #: A digest of the password hash signed in with ("" for OIDC).
    credential: str
    #: The last run that found the session active (timezone-aware).
    last_seen: datetime


def _digest(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("session times must be timezone-aware datetimes")
    return moment


def password_session(organiser: Organiser, now: datetime) -> OrganiserSession:
    """The session of an organiser just signed in with a password."""
    return OrganiserSession(organiser.name, SignInMethod.PASSWORD, organiser_key(organiser.name),
                            _digest(organiser.password_hash), _aware(now))


def oidc_session(email: str, now: datetime) -> OrganiserSession:
    """The session of an organiser just signed in through OIDC with ``email`` (verified and allowed)."""
    return OrganiserSession(email.strip(), SignInMethod.OIDC, email.strip().lower(), "", _aware(now))


def session_end(
    session: OrganiserSession,
    *,
    now: datetime,
    idle_limit: timedelta,
    organisers: Mapping[str, Organiser],
    oidc_email: str | None,
) -> SessionEnd | None:
    """Why ``session`` ends at ``now``, or None if it goes on.

    ``organisers`` are the password organisers configured now; ``oidc_email``
    is the email the OIDC provider vouches for now, verified and on the
    allow-list (None when there is none). Removal is reported before idleness.
    """
    now = _aware(now)
    if session.method is SignInMethod.PASSWORD:
        organiser = organisers.get(session.key)
        if organiser is None:
            return SessionEnd.REMOVED
        if _digest(organiser.password_hash) != session.credential:
            return SessionEnd.PASSWORD_CHANGED
    elif oidc_email is None or oidc_email.strip().lower() != session.key:
        return SessionEnd.REMOVED
    if now - session.last_seen > idle_limit:
        return SessionEnd.IDLE
    return None


def touched(session: OrganiserSession, now: datetime) -> OrganiserSession:
    """``session`` seen active at ``now``: its idle time starts again."""
    return replace(session, last_seen=_aware(now))


def end_message(end: SessionEnd, idle_limit: timedelta) -> Message:
    """What the page tells an organiser whose session ended, saying what to do."""
    if end is SessionEnd.IDLE:
        minutes = round(idle_limit.total_seconds() / 60, 1)
        if minutes == int(minutes):
            return nmsg("You were signed out after {count} minute without activity, to protect the account. "
                        "Sign in again to go on.",
                        "You were signed out after {count} minutes without activity, to protect the account. "
                        "Sign in again to go on.", int(minutes))
        # Translators: {minutes:g} is a number of minutes with a decimal part, e.g. 2.5.
        return msg("You were signed out after {minutes:g} minutes without activity, to protect the account. "
                   "Sign in again to go on.", minutes=minutes)
    if end is SessionEnd.PASSWORD_CHANGED:
        return msg("You were signed out because this account's password was changed. Sign in with the new password.")
    return msg("You were signed out: this account is no longer on the organisers' list. "
               "Ask the campaign team if that is a mistake.")
