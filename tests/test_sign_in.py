"""Signing in: one message for every failure, equal cost, throttled by name and client (sign_in.py).

Hashes are made with cheap argon2 parameters so the tests stay fast. Time is a
fake clock: nothing sleeps and nothing measures time.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from argon2 import extract_parameters

from speakout_map.errors import SignInBusyError, SignInError, TooManyAttemptsError
from speakout_map.organisers import sign_in as sign_in_module
from speakout_map.organisers.gate import CheckGate
from speakout_map.organisers.roster import MAX_NAME_LENGTH
from speakout_map.organisers.sign_in import (
    WRONG_CREDENTIALS,
    SignInLimits,
    client_key,
    name_key,
    pair_key,
    sign_in,
)
from tests.i18n_support import fake_translator
from tests.organiser_support import (  # noqa: F401 - clock, organisers and throttle are fixtures
    ALICE_HASH,
    ALICE_PASSWORD,
    BOB_HASH,
    BOB_PASSWORD,
    T0,
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
    assert caught.value.text == WRONG_CREDENTIALS
    assert str(caught.value) == "wrong organiser name or password"


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


# --- nobody can lock an organiser out from elsewhere (issue 8, point 7) ----------------------


@pytest.mark.parametrize("spelling", ["alice", "ALICE ", " Alice"])
def test_failures_from_other_clients_do_not_lock_the_organiser_out(organisers, throttle, spelling):
    for number in range(20):
        with pytest.raises(SignInError) as caught:
            sign_in(organisers, spelling, "guess", throttle, client=f"session:attacker-{number}")
        assert type(caught.value) is SignInError
    assert sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:alice").name == "Alice"


@pytest.mark.parametrize("client", ["session:attacker", ("session:attacker", "address:203.0.113.7")])
def test_one_client_is_locked_on_a_name_after_five_failures(organisers, throttle, client):
    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(organisers, "ALICE ", "guess", throttle, client=client)
    with pytest.raises(TooManyAttemptsError):
        sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client=client)
    assert sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:alice").name == "Alice"


@pytest.mark.parametrize("limits", [SignInLimits(), SignInLimits(failures_per_name=12)])
def test_a_name_has_a_ceiling_against_distributed_guessing(organisers, throttle, clock, limits):
    for number in range(limits.failures_per_name - 1):
        with pytest.raises(SignInError) as caught:
            sign_in(organisers, "alice", "guess", throttle, client=f"session:{number}", limits=limits)
        assert type(caught.value) is SignInError
    # Just under the ceiling, the organiser still gets in; her success does not reset the ceiling.
    assert sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:alice", limits=limits).name == "Alice"
    with pytest.raises(SignInError) as caught:
        sign_in(organisers, "alice", "guess", throttle, client="session:last", limits=limits)
    assert type(caught.value) is SignInError
    with pytest.raises(TooManyAttemptsError):
        sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:fresh", limits=limits)
    assert sign_in(organisers, "bob", BOB_PASSWORD, throttle, client="session:fresh", limits=limits).name == "bob"
    clock.advance(minutes=15, seconds=1)
    assert sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:fresh", limits=limits).name == "Alice"


def test_sign_in_limits_refuse_nonsense():
    with pytest.raises(ValueError, match="failures_per_name"):
        SignInLimits(failures_per_name=0)
    with pytest.raises(ValueError, match="attempts_per_client"):
        SignInLimits(attempts_per_client=-1)


@pytest.mark.parametrize(("name", "client", "key"), [
    ("alice", "session:x", "pair:9:session:x:alice"),
    (" ALICE ", " session:x ", "pair:9:session:x:alice"),
    ("x:alice", "session", "pair:7:session:x:alice"),
    ("alice", "", "pair:0::alice"),
])
def test_pair_key_is_normalised_and_unambiguous(name, client, key):
    assert pair_key(name, client) == key


def test_pair_keys_of_different_pairs_differ():
    assert pair_key("x:alice", "session") != pair_key("alice", "session:x")
    assert len(pair_key("n" * 10_000, "c" * 10_000)) < 400


# --- bounded password checks (issue 8, point 8) ---------------------------------------------


@pytest.mark.parametrize("password", [ALICE_PASSWORD, "guess"])
def test_attempts_per_client_are_bounded_whether_they_succeed_or_fail(organisers, throttle, password):
    limits = SignInLimits(attempts_per_client=6, failures_per_client=100, failures_per_name_and_client=100)
    for _ in range(6):
        try:
            sign_in(organisers, "alice", password, throttle, client="session:busy", limits=limits)
        except TooManyAttemptsError:
            pytest.fail("locked before the limit")
        except SignInError:
            pass
    with pytest.raises(TooManyAttemptsError):
        sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:busy", limits=limits)
    # Another client is not affected.
    assert sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:other", limits=limits).name == "Alice"


def test_default_attempts_per_client_lock_a_client_signing_in_again_and_again(organisers, throttle):
    for _ in range(SignInLimits().attempts_per_client):
        sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:loop")
    with pytest.raises(TooManyAttemptsError):
        sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:loop")


def test_password_checks_wait_for_the_gate_and_a_busy_gate_refuses_clearly(organisers, throttle, monkeypatch):
    gate = CheckGate(1, wait_seconds=0.01)
    monkeypatch.setattr(sign_in_module, "verify_password", lambda *_: pytest.fail("checked without a free slot"))
    with gate.slot():  # another check is running
        with pytest.raises(SignInBusyError) as caught:
            sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:a", gate=gate)
    assert "try again" in str(caught.value)
    # Busy is not a wrong password: no failure was counted for the name.
    assert throttle.backend.count_login_failures(pair_key("alice", "session:a"), T0 - timedelta(days=1)) == 0


def test_at_most_two_password_checks_run_at_once(organisers, throttle, monkeypatch):
    running, most, lock = [0], [0], threading.Lock()
    release = threading.Event()

    def slow_verify(stored: str, password: str) -> bool:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        release.wait(5)
        with lock:
            running[0] -= 1
        return False

    monkeypatch.setattr(sign_in_module, "verify_password", slow_verify)
    gate = CheckGate(2, wait_seconds=5)
    errors: list[Exception] = []

    def attempt(number: int) -> None:
        try:
            sign_in(organisers, f"name{number}", "guess", throttle, client=f"session:{number}", gate=gate)
        except SignInError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for _ in range(500):  # until two checks are running (at most 5 s)
        if running[0] == 2:
            break
        release.wait(0.01)
    release.set()
    for thread in threads:
        thread.join(10)
    assert most[0] == 2
    assert len(errors) == 6 and all(type(e) is SignInError for e in errors)


def test_the_process_wide_gate_allows_two_checks():
    assert sign_in_module.PASSWORD_CHECKS.slots == 2


# --- what a refused organiser is told, in their language --------------------------------------------

SPANISH = fake_translator({
    "wrong organiser name or password": "nombre de organizador o contraseña incorrectos",
    ("too many failed sign-ins; try again in {count} second", 0):
        "demasiados intentos fallidos; inténtelo de nuevo en {count} segundo",
    ("too many failed sign-ins; try again in {count} second", 1):
        "demasiados intentos fallidos; inténtelo de nuevo en {count} segundos",
    "signing in is busy right now; wait a few seconds and try again":
        "el acceso está ocupado ahora; espere unos segundos e inténtelo de nuevo",
})


@pytest.mark.parametrize(("seconds", "english", "spanish"), [
    (0.2, "too many failed sign-ins; try again in 1 second",
     "demasiados intentos fallidos; inténtelo de nuevo en 1 segundo"),
    (1.4, "too many failed sign-ins; try again in 1 second",
     "demasiados intentos fallidos; inténtelo de nuevo en 1 segundo"),
    (59.6, "too many failed sign-ins; try again in 60 seconds",
     "demasiados intentos fallidos; inténtelo de nuevo en 60 segundos"),
    (900, "too many failed sign-ins; try again in 900 seconds",
     "demasiados intentos fallidos; inténtelo de nuevo en 900 segundos"),
])
def test_too_many_attempts_says_how_long_to_wait_in_the_readers_language(seconds, english, spanish):
    error = TooManyAttemptsError(seconds)
    assert error.retry_after_seconds == seconds
    assert str(error) == english
    assert SPANISH.text(error.text) == spanish


def test_a_locked_sign_in_says_the_seconds_left_in_the_readers_language(organisers, throttle, clock):
    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(organisers, "alice", "guess", throttle)
    clock.advance(minutes=14, seconds=30)
    with pytest.raises(TooManyAttemptsError) as caught:
        sign_in(organisers, "alice", ALICE_PASSWORD, throttle)
    assert SPANISH.text(caught.value.text) == "demasiados intentos fallidos; inténtelo de nuevo en 30 segundos"


def test_wrong_credentials_and_busy_are_told_in_the_readers_language(organisers, throttle):
    with pytest.raises(SignInError) as wrong:
        sign_in(organisers, "alice", "guess", throttle)
    assert SPANISH.text(wrong.value.text) == "nombre de organizador o contraseña incorrectos"
    gate = CheckGate(1, wait_seconds=0.01)
    with gate.slot(), pytest.raises(SignInBusyError) as busy:
        sign_in(organisers, "alice", ALICE_PASSWORD, throttle, client="session:b", gate=gate)
    assert SPANISH.text(busy.value.text) == "el acceso está ocupado ahora; espere unos segundos e inténtelo de nuevo"
