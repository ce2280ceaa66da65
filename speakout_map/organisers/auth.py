"""Organiser sign-in: password hashes, the organisers' list, throttling, the OIDC allow-list.

Passwords are never stored: configuration holds argon2id hashes made by
``python -m speakout_map hash-password``. Organisers come from configuration
only, never from the repository:

- the ``[organisers]`` table of Streamlit's ``secrets.toml``
  (``alice = "$argon2id$v=19$..."``), and
- the environment variable ``SPEAKOUT_ORGANISERS``, a JSON object
  ``{"alice": "$argon2id$v=19$..."}``, which wins per name.

Names are matched ignoring case and surrounding spaces. Failed sign-ins are
counted in a backend shared by every app server (the event store implements
it; :class:`InMemoryLoginFailures` serves tests and a single process), and
:class:`LoginThrottle` refuses further attempts for a while once there are too
many. :func:`sign_in` says the same thing for an unknown name and for a wrong
password, and takes about as long for both.

The library never imports Streamlit: pages pass ``st.secrets`` in.
"""

from __future__ import annotations

import json
import re
import secrets as _secrets
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import Argon2Error, InvalidHashError
from argon2.profiles import Parameters, get_default_parameters

from speakout_map.errors import SettingsError, SignInError, TooManyAttemptsError

#: Environment variable holding a JSON object of organiser name -> argon2id hash.
ORGANISERS_ENV = "SPEAKOUT_ORGANISERS"
#: The table of Streamlit secrets holding organiser name = argon2id hash.
ORGANISERS_TABLE = "organisers"
#: The command that makes a hash, named in every error about a bad one.
HASH_COMMAND = "python -m speakout_map hash-password"

#: Longest password accepted, in characters (argon2 copes with more; this bounds the work per attempt).
MAX_PASSWORD_LENGTH = 1024
#: Longest organiser name, in characters, after trimming.
MAX_NAME_LENGTH = 100

#: The one message for an unknown name and for a wrong password.
WRONG_CREDENTIALS = "wrong organiser name or password"

# A stored hash must be a complete argon2id hash in the PHC string format.
_ARGON2ID_HASH = re.compile(r"\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+")
_MIN_SALT_BYTES = 8
_MIN_HASH_BYTES = 16
# Refuse hashes whose verification would need absurd memory (KiB) or time: a typo, not a setting.
_MAX_MEMORY_KIB = 1024 * 1024
_MAX_TIME_COST = 100

_DEFAULT_HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) defaults


# --- passwords ---------------------------------------------------------------


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


def _hash_problem(value: object) -> str | None:
    """Why ``value`` cannot be used as an organiser's stored hash, or None if it can."""
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


# --- organisers ----------------------------------------------------------------


@dataclass(frozen=True)
class Organiser:
    """One organiser who may sign in with a password."""

    #: The name as written in the configuration (trimmed), for display.
    name: str
    #: The argon2id hash of the organiser's password.
    password_hash: str


def normalise_name(name: str) -> str:
    """The form names are matched in: Unicode NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _secrets_table(secrets: Mapping[str, object] | None) -> Mapping[str, object]:
    if secrets is None:
        return {}
    try:
        if ORGANISERS_TABLE not in secrets:
            return {}
        table = secrets[ORGANISERS_TABLE]
    except (FileNotFoundError, KeyError):  # Streamlit raises when there is no secrets file at all
        return {}
    if not isinstance(table, Mapping):
        raise SettingsError(
            f"secrets: [{ORGANISERS_TABLE}] must be a table of name = \"argon2id hash\" lines, "
            f"not a {type(table).__name__}"
        )
    return table


def _env_table(environ: Mapping[str, str]) -> Mapping[str, object]:
    raw = environ.get(ORGANISERS_ENV, "")
    if not raw.strip():
        return {}
    try:
        table = json.loads(raw)
    except json.JSONDecodeError as exc:  # the message gives the position, never the text (it may hold secrets)
        raise SettingsError(
            f"{ORGANISERS_ENV} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            'write a JSON object such as {"alice": "$argon2id$v=19$..."}'
        ) from None
    if not isinstance(table, dict):
        raise SettingsError(
            f'{ORGANISERS_ENV} must be a JSON object such as {{"alice": "$argon2id$v=19$..."}}, '
            f"not a JSON {type(table).__name__}"
        )
    return table


def _read_organisers(table: Mapping[str, object], source: str) -> dict[str, Organiser]:
    found: dict[str, Organiser] = {}
    for raw_name, value in table.items():
        if not isinstance(raw_name, str) or not raw_name.strip():
            raise SettingsError(f"{source}: an organiser has an empty name")
        name = unicodedata.normalize("NFKC", raw_name).strip()
        if len(name) > MAX_NAME_LENGTH:
            raise SettingsError(f"{source}: organiser name {name[:20]!r}... is longer than {MAX_NAME_LENGTH} characters")
        problem = _hash_problem(value)
        if problem is not None:  # never echo the value: it may be a password pasted by mistake
            raise SettingsError(
                f"{source}: the password hash of organiser {name!r} {problem}; "
                f"make one with `{HASH_COMMAND}` and paste its output"
            )
        key = normalise_name(name)
        if key in found:
            raise SettingsError(
                f"{source}: organisers {found[key].name!r} and {name!r} are the same name "
                "(names ignore case); keep one"
            )
        found[key] = Organiser(name=name, password_hash=str(value).strip())
    return found


def load_organisers(secrets: Mapping[str, object] | None, environ: Mapping[str, str]) -> dict[str, Organiser]:
    """The organisers who may sign in with a password, keyed by :func:`normalise_name`.

    Read from the ``[organisers]`` table of ``secrets`` (e.g. ``st.secrets``;
    a missing secrets file counts as empty) and from ``SPEAKOUT_ORGANISERS``
    in ``environ``, which wins per name. Raises :class:`SettingsError`, naming
    the organiser, for any entry that is not a complete argon2id hash; such
    an entry is never used as a plain-text password.
    """
    organisers = _read_organisers(_secrets_table(secrets), f"secrets [{ORGANISERS_TABLE}]")
    organisers.update(_read_organisers(_env_table(environ), ORGANISERS_ENV))
    return organisers


# --- throttling ------------------------------------------------------------------


class LoginFailureBackend(Protocol):
    """Where failed sign-ins are recorded, shared by every app server.

    ``count_login_failures`` counts failures recorded at or after ``since``.
    """

    def record_login_failure(self, key: str, at: datetime) -> None: ...

    def count_login_failures(self, key: str, since: datetime) -> int: ...

    def clear_login_failures(self, key: str) -> None: ...


@runtime_checkable
class LoginFailureTimes(Protocol):
    """Optional extra of a backend: the times of the failures, so waits can be exact."""

    def login_failure_times(self, key: str, since: datetime) -> Sequence[datetime]: ...


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class InMemoryLoginFailures:
    """A :class:`LoginFailureBackend` in this process's memory (tests, one server).

    Thread-safe. Failures older than ``max_age`` are forgotten when a new one
    is recorded, so memory stays bounded by recent activity.
    """

    def __init__(self, *, max_age: timedelta = timedelta(days=1)) -> None:
        self._max_age = max_age
        self._failures: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()

    def record_login_failure(self, key: str, at: datetime) -> None:
        cutoff = at - self._max_age
        with self._lock:
            for other in list(self._failures):
                kept = [t for t in self._failures[other] if t >= cutoff]
                if kept:
                    self._failures[other] = kept
                else:
                    del self._failures[other]
            self._failures.setdefault(key, []).append(at)

    def count_login_failures(self, key: str, since: datetime) -> int:
        return len(self.login_failure_times(key, since))

    def login_failure_times(self, key: str, since: datetime) -> list[datetime]:
        with self._lock:
            return sorted(t for t in self._failures.get(key, ()) if t >= since)

    def clear_login_failures(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class LoginThrottle:
    """Refuses sign-in attempts for a key after ``max_failures`` failures within ``window``.

    Attempts refused while locked are not recorded as failures, so a lock
    always ends ``window`` after the failures that caused it. The wait given
    in :class:`TooManyAttemptsError` is exact when the backend also offers
    ``login_failure_times`` (see :class:`LoginFailureTimes`): the time until
    enough failures have left the window. With a backend that only counts, it
    is the whole window, an upper bound.

    Check and record are separate steps, so attempts racing on several
    servers can each get through before any of them records its failure:
    the limit may be overshot by the number of simultaneous attempts.
    """

    def __init__(
        self,
        backend: LoginFailureBackend,
        *,
        max_failures: int = 5,
        window: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        if window <= timedelta(0):
            raise ValueError("window must be positive")
        self.backend = backend
        self.max_failures = max_failures
        self.window = window
        self._clock = clock

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the throttle's clock must return timezone-aware datetimes")
        return now.astimezone(timezone.utc)

    def check(self, key: str) -> None:
        """Raise :class:`TooManyAttemptsError` if ``key`` is locked out now."""
        now = self._now()
        since = now - self.window
        if self.backend.count_login_failures(key, since) < self.max_failures:
            return
        retry_after = self.window.total_seconds()
        if isinstance(self.backend, LoginFailureTimes):
            times = sorted(self.backend.login_failure_times(key, since), reverse=True)
            if len(times) >= self.max_failures:
                # Unlocked once the max_failures-th most recent failure leaves the window.
                unlock_at = times[self.max_failures - 1] + self.window
                retry_after = max(0.0, (unlock_at - now).total_seconds())
        raise TooManyAttemptsError(retry_after)

    def failed(self, key: str) -> None:
        """Record one failed attempt for ``key``."""
        self.backend.record_login_failure(key, self._now())

    def succeeded(self, key: str) -> None:
        """Forget ``key``'s failures after a successful sign-in."""
        self.backend.clear_login_failures(key)


def name_key(name: str) -> str:
    """The throttle key of an organiser name, whether or not that organiser exists.

    Normalised like the names themselves, so changing case or spaces does not
    dodge the count; cut to a bounded length (no organiser's name is longer).
    """
    return "name:" + normalise_name(name)[: MAX_NAME_LENGTH + 1]


def client_key(client: str) -> str:
    """The throttle key of a client identifier the caller trusts (e.g. an address)."""
    return "client:" + client.strip()[:200]


# --- signing in -------------------------------------------------------------------


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

    ``organisers`` is what :func:`load_organisers` returns. The throttle is
    asked first, for the name's key and, if given, for ``client`` (an
    identifier of the requester the caller trusts); when either is locked,
    :class:`TooManyAttemptsError` is raised without checking the password.
    An unknown name costs one argon2 check like a known one and fails with
    the same :class:`SignInError` message as a wrong password; both record a
    failure. Success forgets the failures of the name (and client).
    """
    name = name if isinstance(name, str) else ""
    password = password if isinstance(password, str) else ""
    keys = [name_key(name)]
    if client:
        keys.append(client_key(client))
    for key in keys:
        throttle.check(key)
    organiser = organisers.get(normalise_name(name))
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


# --- OIDC --------------------------------------------------------------------------


def email_allowed(email: str | None, allowed: frozenset[str] | Iterable[str]) -> bool:
    """True if ``email`` is on the organisers' allow-list (ignoring case and surrounding spaces).

    No email, or an empty allow-list, allows nobody. Only case is ignored
    (``str.lower``, like :attr:`Settings.organiser_email_list`), not wider
    Unicode folding, so two different addresses never count as one.
    """
    if isinstance(allowed, str):
        raise TypeError("allowed must be a collection of emails, not one string")
    if not isinstance(email, str):
        return False
    wanted = email.strip().lower()
    if not wanted:
        return False
    return any(isinstance(entry, str) and entry.strip() and wanted == entry.strip().lower() for entry in allowed)
