"""Organiser sessions: re-checked on every run, ended when idle (session.py).

Time is given: nothing sleeps and nothing measures time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from speakout_map.organisers.roster import load_organisers
from speakout_map.organisers.session import (
    SessionEnd,
    SignInMethod,
    end_message,
    oidc_session,
    password_session,
    session_end,
    touched,
)
from tests.organiser_support import ALICE_HASH, BOB_HASH, CHEAP, T0, organisers  # noqa: F401 - a fixture

IDLE = timedelta(minutes=120)


def check(session, organisers, *, minutes: float = 0, oidc_email: str | None = None, idle: timedelta = IDLE):
    return session_end(session, now=session.last_seen + timedelta(minutes=minutes), idle_limit=idle,
                       organisers=organisers, oidc_email=oidc_email)


def test_a_password_session_remembers_who_and_when(organisers):
    session = password_session(organisers["alice"], T0)
    expected = ("Alice", SignInMethod.PASSWORD, "alice", T0)
    assert (session.name, session.method, session.key, session.last_seen) == expected
    assert ALICE_HASH not in repr(session)  # the session keeps a digest, not the hash


@pytest.mark.parametrize("minutes", [0, 1, 119.9, 120])
def test_an_active_session_goes_on(organisers, minutes):
    assert check(password_session(organisers["alice"], T0), organisers, minutes=minutes) is None


@pytest.mark.parametrize(("minutes", "idle"), [(120.01, IDLE), (600, IDLE), (5.5, timedelta(minutes=5))])
def test_an_idle_session_ends(organisers, minutes, idle):
    assert check(password_session(organisers["alice"], T0), organisers, minutes=minutes, idle=idle) is SessionEnd.IDLE


def test_touching_a_session_starts_its_idle_time_again(organisers):
    session = password_session(organisers["alice"], T0)
    later = touched(session, T0 + timedelta(minutes=100))
    assert later.last_seen == T0 + timedelta(minutes=100) and session.last_seen == T0
    assert session_end(later, now=T0 + timedelta(minutes=200), idle_limit=IDLE, organisers=organisers,
                       oidc_email=None) is None


@pytest.mark.parametrize("roster", [{}, {"bob": BOB_HASH}, {"alicia": ALICE_HASH}])
def test_an_organiser_removed_from_the_secrets_is_signed_out(organisers, roster):
    session = password_session(organisers["alice"], T0)
    assert check(session, load_organisers({"organisers": roster}, {})) is SessionEnd.REMOVED


@pytest.mark.parametrize("spelling", ["alice", "ALICE", " Alice "])
def test_the_same_organiser_written_differently_stays(organisers, spelling):
    session = password_session(organisers["alice"], T0)
    assert check(session, load_organisers({"organisers": {spelling: ALICE_HASH}}, {})) is None


def test_a_changed_password_signs_the_organiser_out(organisers):
    session = password_session(organisers["alice"], T0)
    new_hash = CHEAP.hash("a brand new password")
    assert check(session, load_organisers({"organisers": {"Alice": new_hash}}, {})) is SessionEnd.PASSWORD_CHANGED


@pytest.mark.parametrize(("now_email", "expected"), [
    ("ana@example.org", None),
    ("ANA@example.org", None),
    (None, SessionEnd.REMOVED),  # removed from the list, logged out, or no longer verified
    ("eve@example.org", SessionEnd.REMOVED),
])
def test_an_oidc_session_follows_the_allow_list(now_email, expected):
    session = oidc_session("Ana@example.org", T0)
    assert (session.method, session.key, session.name) == (SignInMethod.OIDC, "ana@example.org", "Ana@example.org")
    assert check(session, {}, oidc_email=now_email) is expected


def test_an_oidc_session_ends_when_idle_too():
    assert check(oidc_session("ana@example.org", T0), {}, minutes=121, oidc_email="ana@example.org") is SessionEnd.IDLE


def test_removal_is_reported_before_idleness(organisers):
    session = password_session(organisers["alice"], T0)
    assert check(session, {}, minutes=500) is SessionEnd.REMOVED


def test_a_password_session_is_not_kept_by_an_oidc_email(organisers):
    session = replace(password_session(organisers["alice"], T0), key="ana@example.org")
    assert check(session, organisers, oidc_email="ana@example.org") is SessionEnd.REMOVED


def test_a_naive_time_is_refused(organisers):
    session = password_session(organisers["alice"], T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        session_end(session, now=T0.replace(tzinfo=None), idle_limit=IDLE, organisers=organisers, oidc_email=None)


@pytest.mark.parametrize(("end", "needles"), [
    (SessionEnd.IDLE, ["120 minutes", "sign in again"]),
    (SessionEnd.REMOVED, ["no longer", "organisers"]),
    (SessionEnd.PASSWORD_CHANGED, ["password", "changed"]),
])
def test_each_end_has_a_message_saying_what_to_do(end, needles):
    message = end_message(end, IDLE)
    assert all(needle in message.lower() for needle in needles), message
