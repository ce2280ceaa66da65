"""Organiser passwords: argon2id hashes, made, checked, and vetted before use.

Passwords are never stored: configuration holds argon2id hashes made by
``python -m speakout_map hash-password`` (:func:`hash_password`).
:func:`verify_password` checks a password in constant time and never
raises; :func:`hash_problem` says why a configured value cannot be used as
a stored hash (a plain password pasted by mistake, a cut-short hash, ...).
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import Argon2Error, InvalidHashError

#: The command that makes a hash, named in every error about a bad one.
HASH_COMMAND = "python -m speakout_map hash-password"

#: Longest password accepted, in characters (argon2 copes with more; this bounds the work per attempt).
MAX_PASSWORD_LENGTH = 1024

# A stored hash must be a complete argon2id hash in the PHC string format.
_ARGON2ID_HASH = re.compile(r"\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+")
_MIN_SALT_BYTES = 8
_MIN_HASH_BYTES = 16
# Refuse hashes whose verification would need absurd memory (KiB) or time: a typo, not a setting.
_MAX_MEMORY_KIB = 1024 * 1024
_MAX_TIME_COST = 100

_DEFAULT_HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) defaults


def hash_password(password: str, *, hasher: PasswordHasher | None = None) -> str:
    """Hash a new organiser password with argon2id (the library's default costs).

    ``hasher`` is for tests, which may use cheap parameters; production code
    leaves it out. Raises ``ValueError`` for an empty or over-long password.
    """
    if not isinstance(password, str):
        raise TypeError("the password must be a string")
    if not password:
        raise ValueError("the password must not be empty")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"the password must be at most {MAX_PASSWORD_LENGTH} characters long")
    return (hasher or _DEFAULT_HASHER).hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True if ``password`` matches ``stored_hash``; False otherwise, never raising.

    The comparison is argon2's own (constant time). A malformed or truncated
    hash, an empty or over-long password, or anything that is not a string all
    give False.
    """
    if not isinstance(stored_hash, str) or not isinstance(password, str):
        return False
    if not password or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _DEFAULT_HASHER.verify(stored_hash, password)
    except (Argon2Error, ValueError):  # mismatch, malformed hash (InvalidHashError), non-ASCII hash
        return False


def hash_problem(value: object) -> str | None:
    """Why ``value`` cannot be used as an organiser's stored hash, or None if it can.

    The reason never repeats ``value``: it may be a password pasted by mistake.
    """
    if not isinstance(value, str):
        return f"must be an argon2id hash in quotes (a string), not of type {type(value).__name__}"
    text = value.strip()
    if not text.startswith("$argon2"):
        return "is not an argon2id hash (is it the password itself?)"
    if not text.startswith("$argon2id$"):
        return "is an argon2 hash of another kind; only argon2id is accepted"
    if not _ARGON2ID_HASH.fullmatch(text):
        return "is not a complete argon2id hash (was it cut short or changed when pasted?)"
    try:
        params = extract_parameters(text)
    except InvalidHashError:
        return "is not a complete argon2id hash (was it cut short or changed when pasted?)"
    if params.type is not Type.ID:
        return "is not an argon2id hash"
    if params.salt_len < _MIN_SALT_BYTES or params.hash_len < _MIN_HASH_BYTES:
        return "is not a complete argon2id hash (was it cut short or changed when pasted?)"
    if params.memory_cost > _MAX_MEMORY_KIB or params.time_cost > _MAX_TIME_COST:
        return "has cost parameters far too high to check a password with"
    return None
