"""Organiser passwords: argon2id hashes made, verified, and vetted (passwords.py).

Hashes are made with cheap argon2 parameters so the tests stay fast; one test
checks that production hashing keeps the library's defaults.
"""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters
from argon2.profiles import get_default_parameters

from speakout_map.organisers.passwords import MAX_PASSWORD_LENGTH, hash_password, hash_problem, verify_password
from tests.organiser_support import ALICE_HASH, ALICE_PASSWORD, CHEAP


@pytest.mark.parametrize("password", ["x", ALICE_PASSWORD, "  spaces matter  ", "pässwörd-Ünïcode-密码", "p" * MAX_PASSWORD_LENGTH])
def test_hash_then_verify(password):
    stored = hash_password(password, hasher=CHEAP)
    assert stored.startswith("$argon2id$")
    if len(password) > 3:
        assert password not in stored
    assert verify_password(stored, password) is True


@pytest.mark.parametrize(
    "attempt", ["", "correct horse battery stapl", "Correct horse battery staple", " correct horse battery staple", "x" * 2000]
)
def test_wrong_password_is_false(attempt):
    assert verify_password(ALICE_HASH, attempt) is False


def test_same_password_hashes_differently_each_time():
    assert hash_password("same", hasher=CHEAP) != hash_password("same", hasher=CHEAP)


def test_production_hashing_uses_argon2id_library_defaults():
    params = extract_parameters(hash_password("a real password"))
    assert params == get_default_parameters()
    assert params.type is Type.ID


@pytest.mark.parametrize(
    ("password", "message"),
    [("", "must not be empty"), ("p" * (MAX_PASSWORD_LENGTH + 1), f"at most {MAX_PASSWORD_LENGTH}")],
)
def test_hash_password_refuses_empty_and_overlong(password, message):
    with pytest.raises(ValueError, match=message):
        hash_password(password, hasher=CHEAP)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "hunter2",
        ALICE_PASSWORD,  # the plain password itself stored by mistake
        ALICE_HASH[:-5],  # cut short
        ALICE_HASH[:-1] + ("A" if ALICE_HASH[-1] != "A" else "B"),  # one character changed
        "$argon2id$v=19$m=65536,t=3,p=4$garbage",
        "$argon2id$v=19$m=8,t=1,p=1$é$é",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",  # bcrypt
        None,
        12345,
    ],
)
def test_malformed_or_wrong_hash_is_false_not_an_error(stored):
    assert verify_password(stored, ALICE_PASSWORD) is False


# --- vetting a configured hash ----------------------------------------------------------


@pytest.mark.parametrize("value", [ALICE_HASH, f"  {ALICE_HASH}\n", hash_password("another", hasher=CHEAP)])
def test_a_complete_argon2id_hash_has_no_problem(value):
    assert hash_problem(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (ALICE_PASSWORD, "is not an argon2id hash (is it the password itself?)"),
        ("", "is not an argon2id hash (is it the password itself?)"),
        (ALICE_HASH.replace("$argon2id$", "$argon2d$"), "only argon2id is accepted"),
        (ALICE_HASH[:-30], "not a complete argon2id hash"),
        (ALICE_HASH.replace("m=8,", "m=2097152,"), "cost parameters far too high"),
        (ALICE_HASH.replace("t=1,", "t=1000,"), "cost parameters far too high"),
        (b"$argon2id$", "not of type bytes"),
        (None, "not of type NoneType"),
    ],
)
def test_a_hash_that_cannot_be_used_says_why_without_echoing_it(value, reason):
    problem = hash_problem(value)
    assert problem is not None and reason in problem
    if isinstance(value, str) and value:
        assert value not in problem
