"""Signing an organiser in with a name and a password, throttled.

:func:`sign_in` asks the throttle first (for the name and, if given, the
client), then checks the password. It says the same thing for an unknown
name and for a wrong password, and takes about as long for both: an unknown
name is checked against a dummy hash of the same cost.
"""

from __future__ import annotations

import secrets as _secrets
import threading
from collections.abc import Mapping
from dataclasses import astuple

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError
from argon2.profiles import Parameters, get_default_parameters

from speakout_map.errors import SignInError
from speakout_map.organisers.passwords import verify_password
from speakout_map.organisers.roster import MAX_NAME_LENGTH, Organiser, organiser_key
from speakout_map.organisers.throttle import LoginThrottle

#: The one message for an unknown name and for a wrong password.
WRONG_CREDENTIALS = "wrong organiser name or password"


def name_key(name: str) -> str:
    """The throttle key of an organiser name, whether or not that organiser exists.

    Normalised like the names themselves, so changing case or spaces does not
    dodge the count; cut to a bounded length (no organiser's name is longer).
    """
    return "name:" + organiser_key(name)[: MAX_NAME_LENGTH + 1]


def client_key(client: str) -> str:
    """The throttle key of a client identifier the caller trusts (e.g. an address)."""
    return "client:" + client.strip()[:200]


_dummy_hashes: dict[tuple[object, ...], str] = {}
_dummy_lock = threading.Lock()


def _dummy_hash(params: Parameters) -> str:
    """A hash nobody knows the password of, costing as much to check as one with ``params``."""
    key = astuple(params)
    with _dummy_lock:
        if key not in _dummy_hashes:
            _dummy_hashes[key] = PasswordHasher.from_parameters(params).hash(_secrets.token_urlsafe(32))
        return _dummy_hashes[key]


def _dummy_parameters(organisers: Mapping[str, Organiser]) -> Parameters:
    for organiser in organisers.values():
        try:
            return extract_parameters(organiser.password_hash)
        except InvalidHashError:
            continue
    return get_default_parameters()


def sign_in(
    organisers: Mapping[str, Organiser],
    name: str,
    password: str,
    throttle: LoginThrottle,
    *,
    client: str | None = None,
) -> Organiser:
    """The organiser called ``name`` if ``password`` is theirs.

    ``organisers`` is what :func:`~speakout_map.organisers.roster.load_organisers`
    returns. The throttle is asked first, for the name's key and, if given,
    for ``client`` (an identifier of the requester the caller trusts); when
    either is locked, :class:`TooManyAttemptsError` is raised without
    checking the password. An unknown name costs one argon2 check like a
    known one and fails with the same :class:`SignInError` message as a wrong
    password; both record a failure. Success forgets the failures of the
    name (and client).
    """
    name = name if isinstance(name, str) else ""
    password = password if isinstance(password, str) else ""
    keys = [name_key(name)]
    if client:
        keys.append(client_key(client))
    for key in keys:
        throttle.check(key)
    organiser = organisers.get(organiser_key(name))
    if organiser is None:
        verify_password(_dummy_hash(_dummy_parameters(organisers)), password)
        ok = False
    else:
        ok = verify_password(organiser.password_hash, password)
    if not ok:
        for key in keys:
            throttle.failed(key)
        raise SignInError(WRONG_CREDENTIALS)
    for key in keys:
        throttle.succeeded(key)
    return organiser
