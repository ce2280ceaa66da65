"""Who the organisers are: password organisers from configuration, and the OIDC email allow-list.

Organisers who sign in with a password come from configuration only, never
from the repository:

- the ``[organisers]`` table of Streamlit's ``secrets.toml``
  (``alice = "$argon2id$v=19$..."``), and
- the environment variable ``SPEAKOUT_ORGANISERS``, a JSON object
  ``{"alice": "$argon2id$v=19$..."}``, which wins per name.

Names are matched by :func:`organiser_key` (ignoring case and surrounding
spaces). Organisers who sign in through OIDC are those whose email the
provider has verified and is on the allow-list (:func:`oidc_organiser_email`,
:func:`email_allowed`). The library never imports Streamlit: pages pass
``st.secrets`` and ``st.user`` in.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from speakout_map.errors import OidcRefusedError, SettingsError
from speakout_map.languages.message import msg
from speakout_map.organisers.passwords import HASH_COMMAND, hash_problem

#: Environment variable holding a JSON object of organiser name -> argon2id hash.
ORGANISERS_ENV = "SPEAKOUT_ORGANISERS"
#: The table of Streamlit secrets holding organiser name = argon2id hash.
ORGANISERS_TABLE = "organisers"
#: Longest organiser name, in characters, after trimming.
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class Organiser:
    """One organiser who may sign in with a password."""

    #: The name as written in the configuration (trimmed), for display.
    name: str
    #: The argon2id hash of the organiser's password.
    password_hash: str


def organiser_key(name: str) -> str:
    """The form organiser names are matched in: Unicode NFKC, trimmed, case-folded."""
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
        problem = hash_problem(value)
        if problem is not None:  # never echo the value: it may be a password pasted by mistake
            raise SettingsError(
                f"{source}: the password hash of organiser {name!r} {problem}; "
                f"make one with `{HASH_COMMAND}` and paste its output"
            )
        key = organiser_key(name)
        if key in found:
            raise SettingsError(
                f"{source}: organisers {found[key].name!r} and {name!r} are the same name "
                "(names ignore case); keep one"
            )
        found[key] = Organiser(name=name, password_hash=str(value).strip())
    return found


def load_organisers(secrets: Mapping[str, object] | None, environ: Mapping[str, str]) -> dict[str, Organiser]:
    """The organisers who may sign in with a password, keyed by :func:`organiser_key`.

    Read from the ``[organisers]`` table of ``secrets`` (e.g. ``st.secrets``;
    a missing secrets file counts as empty) and from ``SPEAKOUT_ORGANISERS``
    in ``environ``, which wins per name. Raises :class:`SettingsError`, naming
    the organiser, for any entry that is not a complete argon2id hash; such
    an entry is never used as a plain-text password.
    """
    organisers = _read_organisers(_secrets_table(secrets), f"secrets [{ORGANISERS_TABLE}]")
    organisers.update(_read_organisers(_env_table(environ), ORGANISERS_ENV))
    return organisers


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


#: Why an OIDC account may not sign in (the page shows these; each says what to do).
OIDC_NO_EMAIL = msg(
    "your sign-in provider gave no email address for this account, so it is not on the organisers' list; "
    "ask the campaign team which account to use"
)
OIDC_UNVERIFIED = msg(
    "your sign-in provider has not verified the email address of this account (it is not verified); "
    "verify it with the provider, then log out and sign in again"
)
OIDC_NOT_LISTED = msg("this account is not on the organisers' list; ask the campaign team to add your email")


def email_verified(claim: object) -> bool:
    """True only for a provider's explicit ``email_verified: true`` (the boolean, or the text some send)."""
    return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")


def oidc_organiser_email(claims: Mapping[str, object], allowed: frozenset[str] | Iterable[str]) -> str:
    """The email of an OIDC account that may sign in as an organiser (trimmed, as the provider wrote it).

    ``claims`` are the provider's claims about the account (``st.user``). The
    email must be present, verified by the provider (``email_verified`` true:
    missing or false is refused, as anyone can type an address they do not
    own into some providers) and on ``allowed``. Otherwise raises
    :class:`OidcRefusedError` saying why; an unverified address is refused
    before the list is consulted, so it learns nothing about the list.
    """
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        raise OidcRefusedError(OIDC_NO_EMAIL)
    if not email_verified(claims.get("email_verified")):
        raise OidcRefusedError(OIDC_UNVERIFIED)
    if not email_allowed(email, allowed):
        raise OidcRefusedError(OIDC_NOT_LISTED)
    return email.strip()
