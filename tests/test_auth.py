"""Organiser sign-in: hashes, organisers from configuration, throttling, the OIDC allow-list.

Hashes are made with cheap argon2 parameters so the tests stay fast; one test
checks that production hashing keeps the library's defaults. Time is a fake
clock: nothing sleeps and nothing measures time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.profiles import Parameters, get_default_parameters

from speakout_map.organisers import auth
from speakout_map.organisers.auth import (
    MAX_PASSWORD_LENGTH,
    WRONG_CREDENTIALS,
    InMemoryLoginFailures,
    LoginThrottle,
    Organiser,
    email_allowed,
    hash_password,
    load_organisers,
    sign_in,
    verify_password,
)
from speakout_map.errors import SettingsError, SignInError, TooManyAttemptsError

CHEAP = PasswordHasher.from_parameters(
    Parameters(type=Type.ID, version=19, salt_len=16, hash_len=32, time_cost=1, memory_cost=8, parallelism=1)
)
ALICE_PASSWORD = "correct horse battery staple"
BOB_PASSWORD = "s3cret-Bob"
ALICE_HASH = hash_password(ALICE_PASSWORD, hasher=CHEAP)
BOB_HASH = hash_password(BOB_PASSWORD, hasher=CHEAP)
T0 = datetime(2013, 9, 3, 12, 0, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class CountingOnlyBackend:
    """A backend with only the three required methods (like a store that only counts)."""

    def __init__(self) -> None:
        self._inner = InMemoryLoginFailures()

    def record_login_failure(self, key: str, at: datetime) -> None:
        self._inner.record_login_failure(key, at)

    def count_login_failures(self, key: str, since: datetime) -> int:
        return self._inner.count_login_failures(key, since)

    def clear_login_failures(self, key: str) -> None:
        self._inner.clear_login_failures(key)


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


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def throttle(clock: FakeClock) -> LoginThrottle:
    return LoginThrottle(InMemoryLoginFailures(), max_failures=5, window=timedelta(minutes=15), clock=clock)


@pytest.fixture
def organisers() -> dict[str, Organiser]:
    return load_organisers({"organisers": {"Alice": ALICE_HASH, "bob": BOB_HASH}}, {})


# --- hashing and verifying -----------------------------------------------------------


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


# --- organisers from configuration ---------------------------------------------------


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
    assert str(caught.value) == WRONG_CREDENTIALS


def test_unknown_name_and_wrong_password_look_the_same(organisers, throttle, monkeypatch):
    calls: list[str] = []
    real_verify = auth.verify_password

    def spy(stored: str, password: str) -> bool:
        calls.append(stored)
        return real_verify(stored, password)

    monkeypatch.setattr(auth, "verify_password", spy)
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
    monkeypatch.setattr(auth, "verify_password", lambda *_: pytest.fail("password checked while locked"))
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


# --- the throttle itself ----------------------------------------------------------------


def test_throttle_counts_only_failures_within_the_window(throttle, clock):
    for _ in range(4):
        throttle.failed("k")
    clock.advance(minutes=10)
    throttle.check("k")  # four failures: not locked
    throttle.failed("k")
    with pytest.raises(TooManyAttemptsError) as caught:
        throttle.check("k")
    # Exact wait: the first failure leaves the window 5 minutes from now.
    assert caught.value.retry_after_seconds == pytest.approx(5 * 60)
    clock.advance(minutes=5, seconds=1)
    throttle.check("k")  # the four old failures are out of the window
    for _ in range(4):
        throttle.failed("k")
    with pytest.raises(TooManyAttemptsError) as caught:
        throttle.check("k")
    # The 5th most recent failure is the one from T0+10min, out at T0+25min: 9m59s from now.
    assert caught.value.retry_after_seconds == pytest.approx(10 * 60 - 1)


def test_retry_after_with_more_failures_than_the_limit(clock):
    throttle = LoginThrottle(InMemoryLoginFailures(), max_failures=2, window=timedelta(minutes=10), clock=clock)
    for minutes in (0, 1, 2):  # failures at T0, T0+1, T0+3
        clock.advance(minutes=minutes)
        throttle.failed("k")
    with pytest.raises(TooManyAttemptsError) as caught:
        throttle.check("k")
    # Locked until only one failure is left in the window: T0+1+10 = now (T0+3) + 8 minutes.
    assert caught.value.retry_after_seconds == pytest.approx(8 * 60)


def test_count_only_backend_gives_the_whole_window(clock):
    throttle = LoginThrottle(CountingOnlyBackend(), max_failures=3, window=timedelta(minutes=15), clock=clock)
    for _ in range(3):
        throttle.failed("k")
        clock.advance(minutes=1)
    with pytest.raises(TooManyAttemptsError) as caught:
        throttle.check("k")
    assert caught.value.retry_after_seconds == 15 * 60
    clock.advance(minutes=15)
    throttle.check("k")


def test_succeeded_clears_only_its_key(throttle):
    for _ in range(5):
        throttle.failed("a")
        throttle.failed("b")
    throttle.succeeded("a")
    throttle.check("a")
    with pytest.raises(TooManyAttemptsError):
        throttle.check("b")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"max_failures": 0}, "max_failures"),
    ({"window": timedelta(0)}, "window"),
    ({"window": timedelta(seconds=-1)}, "window"),
])
def test_throttle_refuses_nonsense_limits(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LoginThrottle(InMemoryLoginFailures(), **kwargs)


def test_throttle_refuses_a_naive_clock():
    throttle = LoginThrottle(InMemoryLoginFailures(), clock=lambda: datetime(2013, 9, 3, 12, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        throttle.failed("k")


def test_in_memory_backend_forgets_old_failures():
    backend = InMemoryLoginFailures(max_age=timedelta(hours=1))
    backend.record_login_failure("old", T0)
    backend.record_login_failure("new", T0 + timedelta(hours=2))
    assert backend.count_login_failures("old", T0 - timedelta(days=1)) == 0
    assert backend.count_login_failures("new", T0) == 1


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
