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
from tests.i18n_support import fake_translator
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
    message = str(end_message(end, IDLE))
    assert all(needle in message.lower() for needle in needles), message


IDLE_SOURCES = (
    "You were signed out after {count} minute without activity, to protect the account. Sign in again to go on.",
    "You were signed out after {count} minutes without activity, to protect the account. Sign in again to go on.",
)
SPANISH = fake_translator({
    (IDLE_SOURCES[0], 0): "Se cerró su sesión tras {count} minuto sin actividad, para proteger la cuenta. "
                          "Vuelva a entrar para seguir.",
    (IDLE_SOURCES[0], 1): "Se cerró su sesión tras {count} minutos sin actividad, para proteger la cuenta. "
                          "Vuelva a entrar para seguir.",
    "You were signed out after {minutes:g} minutes without activity, to protect the account. Sign in again to go on.":
        "Se cerró su sesión tras {minutes:g} minutos sin actividad, para proteger la cuenta. "
        "Vuelva a entrar para seguir.",
    "You were signed out because this account's password was changed. Sign in with the new password.":
        "Se cerró su sesión porque cambió la contraseña de esta cuenta. Entre con la nueva contraseña.",
    "You were signed out: this account is no longer on the organisers' list. Ask the campaign team if that is a "
    "mistake.": "Se cerró su sesión: esta cuenta ya no está en la lista de organizadores. Pregunte al equipo de "
                "la campaña si es un error.",
})


@pytest.mark.parametrize(("end", "idle", "english", "spanish"), [
    (SessionEnd.IDLE, IDLE, "You were signed out after 120 minutes without activity",
     "Se cerró su sesión tras 120 minutos sin actividad"),
    (SessionEnd.IDLE, timedelta(minutes=1), "You were signed out after 1 minute without activity",
     "Se cerró su sesión tras 1 minuto sin actividad"),
    (SessionEnd.IDLE, timedelta(seconds=90), "You were signed out after 1.5 minutes without activity",
     "Se cerró su sesión tras 1.5 minutos sin actividad"),
    (SessionEnd.PASSWORD_CHANGED, IDLE, "You were signed out because this account's password was changed",
     "Se cerró su sesión porque cambió la contraseña"),
    (SessionEnd.REMOVED, IDLE, "You were signed out: this account is no longer on the organisers' list",
     "Se cerró su sesión: esta cuenta ya no está en la lista"),
])
def test_each_end_message_reads_in_the_readers_language(end, idle, english, spanish):
    message = end_message(end, idle)
    assert str(message).startswith(english)
    assert SPANISH.text(message).startswith(spanish)
