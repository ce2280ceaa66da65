"""Organiser sign-in on the page, run headless with AppTest: clients, busy checks, OIDC, sessions (issue 8).

The page only wires Streamlit to the library's rules (sign_in, roster, session); these tests check
the wiring: another session's failures, a busy password check, an unverified OIDC email, an organiser
removed from the secrets, an idle session.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from speakout_map.organisers import sign_in as sign_in_module
from speakout_map.organisers.gate import CheckGate
from tests.organiser_support import CHEAP
from tests.page_support import APP, AUTH, ORGANISER, all_text, organiser_app, sign_in

pytestmark = pytest.mark.usefixtures("isolated_cache")

SESSION = "organiser"  # the session_state key of the signed-in organiser


def signed_in(at: AppTest) -> bool:
    return not at.exception and bool(at.get("file_uploader"))


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning) + "\n".join(e.value for e in at.error)


# --- point 7: another session's failures do not lock the organiser out ------------------------


def test_failures_in_another_session_do_not_lock_the_organiser_out(alice_hash):
    attacker = organiser_app(alice_hash)
    attacker.run()
    for spelling in ("alice", "ALICE ", "alice", " Alice", "alice"):
        sign_in(attacker, spelling, "wrong")
    sign_in(attacker, "alice", "wrong")
    assert any("Too many failed sign-ins" in e.value for e in attacker.error), "the attacker's session is locked"

    alice = organiser_app(alice_hash)
    alice.run()
    sign_in(alice)
    assert signed_in(alice), all_text(alice)


# --- point 8: a busy password check is refused clearly ------------------------------------------


def test_a_sign_in_while_password_checks_are_busy_says_try_again(alice_hash, monkeypatch):
    gate = CheckGate(1, wait_seconds=0.01)
    monkeypatch.setattr(sign_in_module, "PASSWORD_CHECKS", gate)
    at = organiser_app(alice_hash)
    at.run()
    with gate.slot():  # another session's check is running
        sign_in(at)
    assert not at.exception
    assert any("busy" in e.value and "try again" in e.value for e in at.error), all_text(at)
    assert not at.get("file_uploader")
    sign_in(at)  # the slot is free again, and the busy attempt was no failure
    assert signed_in(at)


# --- point 9: OIDC needs a verified email --------------------------------------------------------


def oidc_app(user: dict, emails: str = "alice@example.org") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.secrets["speakout"] = {"organiser_emails": emails}
    at.user = {"is_logged_in": True, **user}
    at.run()  # st.navigation registers the pages' url paths on the first run
    at.switch_page(ORGANISER)
    at.run()
    return at


@pytest.mark.parametrize(("user", "needle"), [
    ({"email": "alice@example.org", "email_verified": False}, "not verified"),
    ({"email": "alice@example.org"}, "not verified"),
    ({"email": "alice@example.org", "email_verified": "false"}, "not verified"),
    ({"email": "mallory@example.org", "email_verified": True}, "not on the organisers' list"),
    ({"email_verified": True}, "no email address"),
])
def test_oidc_without_a_verified_listed_email_is_refused(user, needle):
    at = oidc_app(user)
    assert not at.exception
    assert not at.get("file_uploader")
    assert any(needle in e.value for e in at.error), all_text(at)
    assert any(b.label == "Log out" for b in at.button)


def test_oidc_with_a_verified_listed_email_is_let_in():
    at = oidc_app({"email": "alice@example.org", "email_verified": True})
    assert signed_in(at), all_text(at)


# --- point 10: sessions are re-checked on every run and end when idle --------------------------


def test_an_organiser_removed_from_the_secrets_is_signed_out_on_the_next_run(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    assert signed_in(at)
    at.secrets["organisers"] = {"bob": alice_hash}
    at.run()
    assert not at.exception
    assert not at.get("file_uploader")
    assert "no longer" in warnings(at)
    assert at.text_input(key="sign-in-password") is not None


def test_a_changed_password_signs_the_organiser_out(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    assert signed_in(at)
    at.secrets["organisers"] = {"alice": CHEAP.hash("a new password")}
    at.run()
    assert not at.get("file_uploader")
    assert "password" in warnings(at) and "changed" in warnings(at)


@pytest.mark.parametrize(("setting", "idle_minutes", "still_in"), [
    (None, 119, True),
    (None, 121, False),
    ("5", 4, True),
    ("5", 6, False),
])
def test_an_idle_session_ends(alice_hash, monkeypatch, setting, idle_minutes, still_in):
    if setting is not None:
        monkeypatch.setenv("SPEAKOUT_ORGANISER_SESSION_MINUTES", setting)
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    assert signed_in(at)
    session = at.session_state[SESSION]
    at.session_state[SESSION] = replace(session, last_seen=session.last_seen - timedelta(minutes=idle_minutes))
    at.run()
    assert not at.exception
    assert signed_in(at) is still_in
    if not still_in:
        assert "without activity" in warnings(at)
        sign_in(at)  # signing in again works
        assert signed_in(at)


def test_each_run_restarts_the_idle_time(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    for _ in range(3):  # three runs, each 100 idle minutes after the one before
        session = at.session_state[SESSION]
        at.session_state[SESSION] = replace(session, last_seen=session.last_seen - timedelta(minutes=100))
        at.run()
        assert signed_in(at)


def test_an_oidc_organiser_removed_from_the_list_is_signed_out_on_the_next_run():
    at = oidc_app({"email": "alice@example.org", "email_verified": True})
    assert signed_in(at)
    at.secrets["speakout"] = {"organiser_emails": "bob@example.org"}
    at.run()
    assert not at.get("file_uploader")
    assert "not on the organisers' list" in warnings(at)


def test_an_idle_oidc_session_is_logged_out():
    at = oidc_app({"email": "alice@example.org", "email_verified": True})
    assert signed_in(at)
    session = at.session_state[SESSION]
    at.session_state[SESSION] = replace(session, last_seen=session.last_seen - timedelta(minutes=121))
    at.run()
    assert not at.exception
    assert not at.get("file_uploader")
    assert at.user.get("is_logged_in") is False, "st.logout ends the provider's session too"
