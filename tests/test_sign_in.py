"""Signing in: one message for every failure, equal cost, throttled by name and client (sign_in.py).

Hashes are made with cheap argon2 parameters so the tests stay fast. Time is a
fake clock: nothing sleeps and nothing measures time.
"""

from __future__ import annotations

import pytest
from argon2 import extract_parameters

from speakout_map.errors import SignInError, TooManyAttemptsError
from speakout_map.organisers import sign_in as sign_in_module
from speakout_map.organisers.roster import MAX_NAME_LENGTH
from speakout_map.organisers.sign_in import WRONG_CREDENTIALS, client_key, name_key, sign_in
from tests.organiser_support import (  # noqa: F401 - clock, organisers and throttle are fixtures
    ALICE_HASH,
    ALICE_PASSWORD,
    BOB_HASH,
    BOB_PASSWORD,
    clock,
    organisers,
    throttle,
)


# --- signing in ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "password", "expected"), [
    ("Alice", ALICE_PASSWORD, "Alice"),
    ("alice", ALICE_PASSWORD, "Alice"),
    ("  ALICE ", ALICE_PASSWORD, "Alice"),
    ("Bob", BOB_PASSWORD, "bob"),
])
def test_sign_in_succeeds_ignoring_case_and_spaces(organisers, throttle, name, password, expected):
    assert sign_in(organisers, name, password, throttle).name == expected


@pytest.mark.parametrize(("name", "password"), [
    ("alice", BOB_PASSWORD),  # someone else's password
    ("alice", ALICE_PASSWORD.upper()),
    ("alice", ""),
    ("bob", ALICE_PASSWORD),
    ("mallory", ALICE_PASSWORD),  # unknown name
    ("", ALICE_PASSWORD),
    ("alice bob", ALICE_PASSWORD),
])
def test_sign_in_fails_with_one_message(organisers, throttle, name, password):
    with pytest.raises(SignInError) as caught:
        sign_in(organisers, name, password, throttle)
    assert type(caught.value) is SignInError
    assert str(caught.value) == WRONG_CREDENTIALS


def test_unknown_name_and_wrong_password_look_the_same(organisers, throttle, monkeypatch):
    calls: list[str] = []
    real_verify = sign_in_module.verify_password

    def spy(stored: str, password: str) -> bool:
        calls.append(stored)
        return real_verify(stored, password)

    monkeypatch.setattr(sign_in_module, "verify_password", spy)
    messages = []
    for name in ("alice", "mallory"):
        with pytest.raises(SignInError) as caught:
            sign_in(organisers, name, "wrong password", throttle)
        messages.append((type(caught.value), str(caught.value)))
    assert messages[0] == messages[1]
    # Both ran exactly one argon2 check, the unknown name against a dummy hash of the same cost.
    assert len(calls) == 2
    assert calls[0] == ALICE_HASH
    assert calls[1] != ALICE_HASH and calls[1] != BOB_HASH
    assert extract_parameters(calls[1]) == extract_parameters(ALICE_HASH)


def test_locked_name_refuses_even_the_right_password_without_checking_it(organisers, throttle, monkeypatch):
    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(organisers, "alice", "guess", throttle)
    monkeypatch.setattr(sign_in_module, "verify_password", lambda *_: pytest.fail("password checked while locked"))
    with pytest.raises(TooManyAttemptsError):
        sign_in(organisers, "alice", ALICE_PASSWORD, throttle)


@pytest.mark.parametrize("spellings", [("alice",) * 5, ("alice", "ALICE", " Alice", "aLiCe ", "ALICE")])
def test_changing_case_does_not_dodge_the_lock(organisers, throttle, spellings):
    for spelling in spellings:
        with pytest.raises(SignInError):
            sign_in(organisers, spelling, "guess", throttle)
    with pytest.raises(TooManyAttemptsError):
        sign_in(organisers, "Alice", ALICE_PASSWORD, throttle)
    # Another organiser is not affected.
    assert sign_in(organisers, "bob", BOB_PASSWORD, throttle).name == "bob"


def test_unknown_names_are_throttled_too(organisers, throttle):
    for _ in range(5):
        with pytest.raises(SignInError) as caught:
            sign_in(organisers, "Mallory", "guess", throttle)
        assert type(caught.value) is SignInError
    with pytest.raises(TooManyAttemptsError):
        sign_in(organisers, "mallory", "guess", throttle)


def test_lock_lifts_after_the_window_and_success_clears(organisers, throttle, clock):
    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(organisers, "alice", "guess", throttle)
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(TooManyAttemptsError):
        sign_in(organisers, "alice", ALICE_PASSWORD, throttle)
    clock.advance(seconds=2)
    assert sign_in(organisers, "alice", ALICE_PASSWORD, throttle).name == "Alice"
    # Success cleared the count: four more failures do not lock.
    for _ in range(4):
        with pytest.raises(SignInError) as caught:
            sign_in(organisers, "alice", "guess", throttle)
        assert type(caught.value) is SignInError
    assert sign_in(organisers, "alice", ALICE_PASSWORD, throttle).name == "Alice"


@pytest.mark.parametrize("client", [None, "203.0.113.7"])
def test_success_clears_earlier_failures(organisers, throttle, client):
    for _ in range(4):
        with pytest.raises(SignInError):
            sign_in(organisers, "alice", "guess", throttle, client=client)
    assert sign_in(organisers, "ALICE", ALICE_PASSWORD, throttle, client=client).name == "Alice"
    # Same moment, no time passed: without the clearing, the next failure would lock.
    for _ in range(4):
        with pytest.raises(SignInError) as caught:
            sign_in(organisers, "alice", "guess", throttle, client=client)
        assert type(caught.value) is SignInError
    assert sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client=client).name == "Alice"


def test_client_key_locks_a_client_trying_many_names(organisers, throttle):
    for name in ("alice", "bob", "carol", "dave", "erin"):
        with pytest.raises(SignInError):
            sign_in(organisers, name, "guess", throttle, client="203.0.113.7")
    with pytest.raises(TooManyAttemptsError):
        sign_in(organisers, "frank", "guess", throttle, client="203.0.113.7")
    # The organisers themselves are not locked, and another client gets through.
    assert sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="198.51.100.1").name == "Alice"


# --- throttle keys ----------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["alice", "ALICE", "  Alice ", "ａｌｉｃｅ"])
def test_name_key_is_the_same_for_every_spelling_of_a_name(spelling):
    assert name_key(spelling) == "name:alice"


def test_name_and_client_keys_are_bounded_and_never_collide():
    assert len(name_key("x" * 10_000)) == len("name:") + MAX_NAME_LENGTH + 1
    assert len(client_key("1" * 10_000)) == len("client:") + 200
    assert client_key(" 203.0.113.7 ") == "client:203.0.113.7"
    assert name_key("203.0.113.7") != client_key("203.0.113.7")
