"""Tokens, digests and signed values (speakout_map.supporters.tokens)."""

from __future__ import annotations

import pytest

from speakout_map.supporters.tokens import keyed_digest, new_token, sign, token_digest, unsign


def test_tokens_are_fresh_and_url_safe() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(t) >= 32 and all(c.isalnum() or c in "-_" for c in t) for t in tokens)


def test_a_digest_reveals_nothing_of_the_token_and_is_stable() -> None:
    token = new_token()
    assert token_digest(token) == token_digest(token)
    assert token not in token_digest(token) and len(token_digest(token)) == 64


@pytest.mark.parametrize("secret,purpose,value", [("s2", "session", "x"), ("s1", "address", "x"), ("s1", "session", "y")])
def test_keyed_digests_differ_by_secret_purpose_and_value(secret: str, purpose: str, value: str) -> None:
    assert keyed_digest("s1", "session", "x") != keyed_digest(secret, purpose, value)


def test_a_keyed_digest_needs_a_secret() -> None:
    with pytest.raises(ValueError):
        keyed_digest("", "session", "x")


def test_a_signed_value_comes_back() -> None:
    assert unsign("secret", "pass", sign("secret", "pass", "abc_DEF-1")) == "abc_DEF-1"


@pytest.mark.parametrize(
    "signed",
    [
        lambda: sign("other", "pass", "abc"),  # another secret
        lambda: sign("secret", "other", "abc"),  # another purpose
        lambda: sign("secret", "pass", "abc")[:-1] + "0",  # a changed signature
        lambda: "abd." + sign("secret", "pass", "abc").split(".")[1],  # a changed value
        lambda: "abc",
        lambda: ".",
        lambda: "a.b.c",
        lambda: None,
        lambda: 12,
        lambda: "x" * 600 + "." + "0" * 32,
    ],
)
def test_anything_else_is_refused(signed) -> None:
    assert unsign("secret", "pass", signed()) is None


@pytest.mark.parametrize("value", ["", "a.b"])
def test_values_that_cannot_be_signed(value: str) -> None:
    with pytest.raises(ValueError):
        sign("secret", "pass", value)
