"""Who the organisers are: organisers from configuration, their keys, the OIDC allow-list (roster.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

import pytest

from speakout_map.errors import OidcRefusedError, SettingsError
from speakout_map.organisers.roster import (
    OIDC_NO_EMAIL,
    OIDC_NOT_LISTED,
    OIDC_UNVERIFIED,
    Organiser,
    email_allowed,
    load_organisers,
    oidc_organiser_email,
    organiser_key,
)
from tests.i18n_support import fake_translator
from tests.organiser_support import ALICE_HASH, ALICE_PASSWORD, BOB_HASH


class NoSecretsFile(Mapping[str, object]):
    """Behaves like st.secrets when there is no secrets.toml: every access raises."""

    def __getitem__(self, key: str) -> object:
        raise FileNotFoundError("No secrets files found")

    def __contains__(self, key: object) -> bool:
        raise FileNotFoundError("No secrets files found")

    def __iter__(self) -> Iterator[str]:
        raise FileNotFoundError("No secrets files found")

    def __len__(self) -> int:
        raise FileNotFoundError("No secrets files found")


# --- organisers from configuration ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Alice", "alice"),
        ("  ALICE\t", "alice"),
        ("Dana Smith", "dana smith"),
        ("Straße", "strasse"),  # case-folded, not just lower-cased
        ("ｂｏｂ", "bob"),  # full-width letters, NFKC
        ("Ａlice ", "alice"),
    ],
)
def test_organiser_key_ignores_case_width_and_surrounding_spaces(name, key):
    assert organiser_key(name) == key


@pytest.mark.parametrize(("a", "b"), [("alice", "alicia"), ("dana smith", "danasmith"), ("bob", "b o b")])
def test_organiser_key_keeps_different_names_apart(a, b):
    assert organiser_key(a) != organiser_key(b)


def test_organisers_from_secrets():
    found = load_organisers({"organisers": {"Alice": ALICE_HASH}}, {})
    assert found == {"alice": Organiser(name="Alice", password_hash=ALICE_HASH)}


def test_organisers_from_environment():
    found = load_organisers(None, {"SPEAKOUT_ORGANISERS": json.dumps({" Bob ": BOB_HASH})})
    assert found == {"bob": Organiser(name="Bob", password_hash=BOB_HASH)}


@pytest.mark.parametrize("env_name", ["alice", "ALICE", " Alice "])
def test_environment_wins_over_secrets_per_name(env_name):
    found = load_organisers(
        {"organisers": {"Alice": ALICE_HASH, "Carol": ALICE_HASH}},
        {"SPEAKOUT_ORGANISERS": json.dumps({env_name: BOB_HASH})},
    )
    assert set(found) == {"alice", "carol"}
    assert found["alice"] == Organiser(name=env_name.strip(), password_hash=BOB_HASH)
    assert found["carol"].password_hash == ALICE_HASH


@pytest.mark.parametrize(
    "secrets", [None, {}, {"speakout": {"organiser_emails": "a@example.org"}}, {"organisers": {}}, NoSecretsFile()]
)
@pytest.mark.parametrize("env_value", [None, "", "   ", "{}"])
def test_no_organisers_configured(secrets, env_value):
    environ = {} if env_value is None else {"SPEAKOUT_ORGANISERS": env_value}
    assert load_organisers(secrets, environ) == {}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("hunter2", "is not an argon2id hash"),
        (ALICE_PASSWORD, "is not an argon2id hash"),
        ("", "is not an argon2id hash"),
        (ALICE_HASH[:-30], "not a complete argon2id hash"),  # cut short (a few characters less goes unnoticed)
        ("$argon2id$v=19$m=65536,t=3,p=4$garbage", "not a complete argon2id hash"),
        (ALICE_HASH.replace("$argon2id$", "$argon2i$"), "only argon2id is accepted"),
        ("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", "is not an argon2id hash"),
        (12345, "not of type int"),
        (None, "not of type NoneType"),
    ],
)
@pytest.mark.parametrize("source", ["secrets", "environment"])
def test_bad_hash_in_config_is_refused_naming_the_organiser(value, reason, source):
    if source == "secrets":
        secrets, environ = {"organisers": {"Bob": BOB_HASH, "Dana Smith": value}}, {}
    else:
        secrets, environ = None, {"SPEAKOUT_ORGANISERS": json.dumps({"Bob": BOB_HASH, "Dana Smith": value})}
    with pytest.raises(SettingsError) as caught:
        load_organisers(secrets, environ)
    message = str(caught.value)
    assert "'Dana Smith'" in message
    assert reason in message
    assert "python -m speakout_map hash-password" in message
    if isinstance(value, str) and value and not value.startswith("$"):
        assert value not in message  # a pasted password is never echoed


def test_env_bad_hash_refused_even_when_secrets_are_fine():
    with pytest.raises(SettingsError, match="SPEAKOUT_ORGANISERS.*'alice'"):
        load_organisers({"organisers": {"alice": ALICE_HASH}}, {"SPEAKOUT_ORGANISERS": '{"alice": "letmein"}'})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"alice": "$argon2id$...",', "is not valid JSON"),
        ("{alice: hunter2}", "is not valid JSON"),
        ("alice=hunter2", "is not valid JSON"),
        ('["alice"]', "must be a JSON object"),
        ('"alice"', "must be a JSON object"),
        ("42", "must be a JSON object"),
    ],
)
def test_bad_json_in_environment(raw, expected):
    with pytest.raises(SettingsError) as caught:
        load_organisers(None, {"SPEAKOUT_ORGANISERS": raw})
    message = str(caught.value)
    assert message.startswith("SPEAKOUT_ORGANISERS ")
    assert expected in message
    assert "hunter2" not in message


@pytest.mark.parametrize("table", ["alice", ["alice"], 3])
def test_organisers_secret_must_be_a_table(table):
    with pytest.raises(SettingsError, match=r"\[organisers\] must be a table"):
        load_organisers({"organisers": table}, {})


@pytest.mark.parametrize("names", [("Alice", "alice"), ("bob", " BOB ")])
def test_same_name_twice_in_one_source_is_refused(names):
    with pytest.raises(SettingsError, match="same name"):
        load_organisers({"organisers": {names[0]: ALICE_HASH, names[1]: BOB_HASH}}, {})


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_empty_or_overlong_organiser_name_is_refused(name):
    with pytest.raises(SettingsError):
        load_organisers({"organisers": {name: ALICE_HASH}}, {})


# --- the OIDC allow-list -----------------------------------------------------------------

ALLOWED = frozenset({"ana@example.org", "team@campaign.example"})


@pytest.mark.parametrize(("email", "expected"), [
    ("ana@example.org", True),
    ("ANA@Example.ORG", True),
    ("  team@campaign.example ", True),
    ("bob@example.org", False),
    ("ana@example.org.evil.test", False),
    ("ana@example.or", False),
    ("", False),
    ("   ", False),
    (None, False),
])
def test_email_allow_list(email, expected):
    assert email_allowed(email, ALLOWED) is expected


@pytest.mark.parametrize("email", ["ana@example.org", "", None])
def test_empty_allow_list_allows_nobody(email):
    assert email_allowed(email, frozenset()) is False
    assert email_allowed(email, frozenset({"", "  "})) is False


def test_allow_list_from_settings_matches(monkeypatch):
    from speakout_map.settings import load_settings

    settings = load_settings(environ={"SPEAKOUT_ORGANISER_EMAILS": " Ana@Example.org, ,team@campaign.example "})
    assert email_allowed("ana@example.org", settings.organiser_email_list)
    assert not email_allowed("eve@example.org", settings.organiser_email_list)


# --- OIDC accounts need a verified email (issue 8, point 9) -----------------------------------

LIST = frozenset({"ana@example.org"})


@pytest.mark.parametrize(("claims", "expected"), [
    ({"email": "ana@example.org", "email_verified": True}, "ana@example.org"),
    ({"email": " Ana@Example.org ", "email_verified": True}, "Ana@Example.org"),
    ({"email": "ana@example.org", "email_verified": "true"}, "ana@example.org"),  # some providers send text
    ({"email": "ana@example.org", "email_verified": "TRUE"}, "ana@example.org"),
])
def test_oidc_account_with_a_verified_listed_email_is_let_in(claims, expected):
    assert oidc_organiser_email({"is_logged_in": True, **claims}, LIST) == expected


@pytest.mark.parametrize(("claims", "needle"), [
    ({"email": "ana@example.org", "email_verified": False}, "not verified"),
    ({"email": "ana@example.org"}, "not verified"),  # missing counts as not verified
    ({"email": "ana@example.org", "email_verified": "false"}, "not verified"),
    ({"email": "ana@example.org", "email_verified": 1}, "not verified"),
    ({"email": "ana@example.org", "email_verified": "yes"}, "not verified"),
    ({"email": "ana@example.org", "email_verified": None}, "not verified"),
    ({"email": "eve@example.org", "email_verified": True}, "not on the organisers' list"),
    ({"email": "eve@example.org", "email_verified": False}, "not verified"),  # says nothing about the list
    ({"email_verified": True}, "no email address"),
    ({"email": "", "email_verified": True}, "no email address"),
    ({"email": ["ana@example.org"], "email_verified": True}, "no email address"),
])
def test_oidc_account_without_a_verified_listed_email_is_refused(claims, needle):
    with pytest.raises(OidcRefusedError) as caught:
        oidc_organiser_email({"is_logged_in": True, **claims}, LIST)
    assert needle in str(caught.value)
    assert "ask" in str(caught.value) or "verify" in str(caught.value)


@pytest.mark.parametrize(("claims", "source", "spanish"), [
    ({"email_verified": True}, OIDC_NO_EMAIL, "su proveedor no dio ningún correo"),
    ({"email": "ana@example.org", "email_verified": False}, OIDC_UNVERIFIED, "su proveedor no ha verificado el correo"),
    ({"email": "eve@example.org", "email_verified": True}, OIDC_NOT_LISTED, "esta cuenta no está en la lista"),
])
def test_an_oidc_refusal_is_told_in_the_readers_language(claims, source, spanish):
    translator = fake_translator({source.source: spanish})
    with pytest.raises(OidcRefusedError) as caught:
        oidc_organiser_email({"is_logged_in": True, **claims}, LIST)
    assert caught.value.text == source
    assert translator.text(caught.value.text) == spanish
    assert str(caught.value) == source.source  # English for the logs
