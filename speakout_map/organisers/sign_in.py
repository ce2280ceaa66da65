"""Signing an organiser in with a name and a password, throttled and bounded.

:func:`sign_in` asks the throttle first, then checks the password through the
process's :class:`~speakout_map.organisers.gate.CheckGate`. It says the same
thing for an unknown name and for a wrong password, and takes about as long
for both: an unknown name is checked against a dummy hash of the same cost.

The limits (:class:`SignInLimits`), each within the throttle's window:

- failures per name *and* client: a client guessing one name is stopped
  after a few tries, while the organiser, from her own client, is not;
- failures per name from anywhere: a much higher ceiling against guessing
  spread over many clients (her own success does not reset it);
- failures per client, whatever the names: one client trying many names;
- attempts per client, failed or not: every attempt costs an argon2 check.

A client is one or more identifiers (its session, its address: see
:mod:`speakout_map.organisers.clients`). A caller that gives none is one
anonymous client, so the limit per name and client then applies per name.
"""

from __future__ import annotations

import secrets as _secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, fields

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError
from argon2.profiles import Parameters, get_default_parameters

from speakout_map.errors import SignInError, TooManyAttemptsError
from speakout_map.languages.message import msg
from speakout_map.organisers.gate import PASSWORD_CHECKS, CheckGate
from speakout_map.organisers.passwords import verify_password
from speakout_map.organisers.roster import MAX_NAME_LENGTH, Organiser, organiser_key
from speakout_map.organisers.throttle import LoginThrottle

#: The one message for an unknown name and for a wrong password.
WRONG_CREDENTIALS = msg("wrong organiser name or password")
#: Longest client identifier kept in a throttle key.
MAX_CLIENT_LENGTH = 200


@dataclass(frozen=True)
class SignInLimits:
    """How many failures (or attempts) within the throttle's window lock a key."""

    #: Failures of one client on one name.
    failures_per_name_and_client: int = 5
    #: Failures on one name from every client together: the ceiling against distributed guessing.
    failures_per_name: int = 100
    #: Failures of one client, whatever the names.
    failures_per_client: int = 5
    #: Attempts of one client, failed or successful (each costs a password check).
    attempts_per_client: int = 20

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) < 1:
                raise ValueError(f"{field.name} must be at least 1")


def name_key(name: str) -> str:
    """The throttle key of an organiser name, whether or not that organiser exists.

    Normalised like the names themselves, so changing case or spaces does not
    dodge the count; cut to a bounded length (no organiser's name is longer).
    """
    return "name:" + _name_part(name)


def _name_part(name: str) -> str:
    return organiser_key(name)[: MAX_NAME_LENGTH + 1]


def _client_part(client: str) -> str:
    return client.strip()[:MAX_CLIENT_LENGTH]


def client_key(client: str) -> str:
    """The throttle key of a client identifier the caller trusts (a session, an address)."""
    return "client:" + _client_part(client)


def pair_key(name: str, client: str) -> str:
    """The throttle key of one name tried by one client (the client's length first: never ambiguous)."""
    part = _client_part(client)
    return f"pair:{len(part)}:{part}:{_name_part(name)}"


def attempts_key(client: str) -> str:
    """The throttle key counting every attempt of a client, failed or not."""
    return "attempts:" + _client_part(client)


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


def _clients(client: str | Sequence[str] | None) -> tuple[str, ...]:
    if client is None:
        return ()
    if isinstance(client, str):
        return (client,) if client.strip() else ()
    return tuple(c for c in client if isinstance(c, str) and c.strip())


def _locked_for(throttle: LoginThrottle, limits: Sequence[tuple[str, int]]) -> float | None:
    """The longest wait among the locked keys, or None if none is locked."""
    waits = [wait for key, limit in limits if (wait := throttle.retry_after(key, limit)) is not None]
    return max(waits) if waits else None


def sign_in(
    organisers: Mapping[str, Organiser],
    name: str,
    password: str,
    throttle: LoginThrottle,
    *,
    client: str | Sequence[str] | None = None,
    limits: SignInLimits = SignInLimits(),
    gate: CheckGate | None = None,
) -> Organiser:
    """The organiser called ``name`` if ``password`` is theirs.

    ``organisers`` is what :func:`~speakout_map.organisers.roster.load_organisers`
    returns; ``client`` identifies the requester (one identifier or several,
    e.g. its session and its address). The throttle is asked first, for every
    limit of :class:`SignInLimits`; when one is reached,
    :class:`TooManyAttemptsError` is raised without checking the password.
    The attempt is then counted for the client, and the password checked
    through ``gate`` (default: :data:`~speakout_map.organisers.gate.PASSWORD_CHECKS`),
    which raises :class:`SignInBusyError` when no check can start in time (no
    failure is recorded then). An unknown name costs one argon2 check like a
    known one and fails with the same :class:`SignInError` message as a wrong
    password; both record a failure for the name, the name and client, and the
    client. Success forgets the failures of the name and client and of the
    client, never the ceiling per name or the attempts.
    """
    name = name if isinstance(name, str) else ""
    password = password if isinstance(password, str) else ""
    clients = _clients(client)
    pairs = [pair_key(name, c) for c in clients] or [pair_key(name, "")]
    client_keys = [client_key(c) for c in clients]
    attempts = [attempts_key(c) for c in clients]
    wait = _locked_for(
        throttle,
        [(key, limits.failures_per_name_and_client) for key in pairs]
        + [(name_key(name), limits.failures_per_name)]
        + [(key, limits.failures_per_client) for key in client_keys]
        + [(key, limits.attempts_per_client) for key in attempts],
    )
    if wait is not None:
        raise TooManyAttemptsError(wait)
    for key in attempts:
        throttle.record(key)
    with (gate or PASSWORD_CHECKS).slot():
        organiser = organisers.get(organiser_key(name))
        if organiser is None:
            verify_password(_dummy_hash(_dummy_parameters(organisers)), password)
            ok = False
        else:
            ok = verify_password(organiser.password_hash, password)
    if not ok:
        for key in [*pairs, name_key(name), *client_keys]:
            throttle.failed(key)
        raise SignInError(WRONG_CREDENTIALS)
    for key in [*pairs, *client_keys]:
        throttle.succeeded(key)
    return organiser
