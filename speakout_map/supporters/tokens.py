"""Unguessable tokens, their digests, and values signed with a site secret.

* A host's private status link carries a random token (:func:`new_token`);
  the store keeps only its SHA-256 (:func:`token_digest`), so a copy of the
  database opens no status page.
* Sessions and addresses are counted by a keyed digest
  (:func:`keyed_digest`): the same client gives the same key on every app
  server (the secret is in the store), but the key reveals neither.
* The map hands the browser this session's "going pass", the session token
  signed with the site secret (:func:`sign`); the "I'll be there" route
  takes only passes it can verify (:func:`unsign`), so a script cannot make
  up sessions without loading the page for each.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

#: Bytes of randomness in a token (a status link's, a session's): 192 bits.
TOKEN_BYTES = 24
#: Hex digits kept of a signature.
SIGNATURE_DIGITS = 32


def new_token() -> str:
    """A fresh URL-safe random token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The SHA-256 (hex) of a token, as the store keeps it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def keyed_digest(secret: str, purpose: str, value: str) -> str:
    """An HMAC-SHA-256 (hex) of ``value`` for ``purpose`` ("address", "session", ...) under ``secret``."""
    if not secret:
        raise ValueError("a keyed digest needs a secret")
    message = f"{purpose}\x1f{value}".encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, purpose: str, value: str) -> str:
    """``value.signature``: ``value`` (no dots) with its signature for ``purpose`` under ``secret``."""
    if "." in value or not value:
        raise ValueError("a signed value must be non-empty and have no dot")
    return f"{value}.{keyed_digest(secret, purpose, value)[:SIGNATURE_DIGITS]}"


def unsign(secret: str, purpose: str, signed: object) -> str | None:
    """The value of a :func:`sign`-ed text if its signature is right, else None (never raises)."""
    if not isinstance(signed, str) or signed.count(".") != 1 or len(signed) > 512:
        return None
    value, signature = signed.split(".")
    if not value:
        return None
    expected = keyed_digest(secret, purpose, value)[:SIGNATURE_DIGITS]
    return value if hmac.compare_digest(expected, signature) else None
