"""Visitors never see a traceback, a setting or a secret (AppTest on every page, and config.toml).

Each bad setting is run on the pages that read it. The page must show a short,
friendly error and no exception; nothing anywhere in the page's elements may
name the setting, its value, the database's host, port, user or password; the
details go to the server log, with the password masked.
"""

from __future__ import annotations

import logging
import re
import tomllib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from speakout_map.organisers.roster import Organiser
from speakout_map.organisers.session import password_session
from tests.organiser_support import ALICE_HASH
from tests.places_support import closed_port

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
MAP, GUIDE, ORGANISER = "app_pages/map.py", "app_pages/guide.py", "app_pages/organiser.py"
PASSWORD = "S3cr3tPassw0rd"
USER = "dbadmin7"
HOST = "db-host-internal.invalid"
#: Words that betray a traceback or Streamlit's own error box.
TRACEBACK_WORDS = ("Traceback", "File \"", "Error:", "line ", "redacted")

pytestmark = pytest.mark.usefixtures("isolated_cache")


def page_text(at: AppTest) -> str:
    """Everything the page sends the browser: every element's protobuf, as text."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def run_page(page: str, *, signed_in: bool = False) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["organisers"] = {"alice": ALICE_HASH}
    at.run()  # st.navigation registers the pages' url paths on the first run
    if page != MAP:
        at.switch_page(page)
        if signed_in:
            at.session_state["organiser"] = password_session(Organiser("alice", ALICE_HASH), datetime.now(timezone.utc))
        at.run()
    return at


def assert_safe(at: AppTest, forbidden: list[str], caplog: pytest.LogCaptureFixture, logged: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    for word in forbidden:
        pattern = rf"(?<![0-9A-Za-z]){re.escape(word)}(?![0-9A-Za-z])"
        assert not re.search(pattern, text, re.IGNORECASE), f"{word!r} is on the page: {text[:3000]}"
    for word in TRACEBACK_WORDS:
        assert word not in text, f"{word!r} on the page"
    errors = [e.value for e in at.error]
    assert errors, "a friendly message is shown"
    assert all(len(e) <= 300 for e in errors), errors
    assert any("right now" in e or "try again" in e.lower() for e in errors), errors
    assert logged.lower() in caplog.text.lower(), f"the details are logged: {caplog.text!r}"
    assert PASSWORD not in caplog.text and "Passw0rd" not in caplog.text


# --- bad settings --------------------------------------------------------------------------------

SETTING_CASES = {
    # name: (environment, pages, words never on the page, words the log has)
    "bad max_upload_mb": (
        {"SPEAKOUT_MAX_UPLOAD_MB": "lots"}, [MAP, GUIDE, ORGANISER],
        ["lots", "SPEAKOUT_MAX_UPLOAD_MB", "max_upload_mb"], "SPEAKOUT_MAX_UPLOAD_MB must be a number",
    ),
    "bad tiles_url with a key": (
        {"SPEAKOUT_TILES_URL": f"ftp://tiles.example/{{z}}/{{x}}/{{y}}.png?apikey={PASSWORD}"}, [MAP],
        [PASSWORD, "tiles.example", "SPEAKOUT_TILES_URL", "tiles_url"], "tiles_url must be a tile URL template",
    ),
    "malformed organisers JSON": (
        {"SPEAKOUT_ORGANISERS": f'{{"alice": "{PASSWORD}"'}, [ORGANISER],
        [PASSWORD, "SPEAKOUT_ORGANISERS", "JSON"], "SPEAKOUT_ORGANISERS is not valid JSON",
    ),
    "organiser password instead of a hash": (
        {"SPEAKOUT_ORGANISERS": f'{{"mallory": "{PASSWORD}"}}'}, [ORGANISER],
        [PASSWORD, "mallory", "SPEAKOUT_ORGANISERS", "argon2"], "password hash of organiser 'mallory'",
    ),
    "missing guide file": (
        {"SPEAKOUT_GUIDE_FILE": "/srv/private-folder-4711/guide.md"}, [GUIDE],
        ["private-folder-4711", "guide.md", "SPEAKOUT_GUIDE_FILE"], "private-folder-4711/guide.md could not be read",
    ),
}


@pytest.mark.parametrize(
    ("case", "page"), [(case, page) for case, spec in SETTING_CASES.items() for page in spec[1]]
)
def test_a_bad_setting_is_a_friendly_message_and_a_log_line(case, page, monkeypatch, caplog):
    environ, _pages, forbidden, logged = SETTING_CASES[case]
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.INFO)
    at = run_page(page)
    assert_safe(at, forbidden, caplog, logged)


# --- databases that cannot be opened -------------------------------------------------------------


def database_cases() -> dict[str, tuple[str, list[str], str]]:
    """name: (database_url, words never on the page, words the log has)."""
    port = closed_port()
    secret = [PASSWORD, USER]
    return {
        "not an address": (f"{USER}:{PASSWORD}@{HOST}/events", [*secret, HOST], "is not a database address"),
        "port is not a number": (f"postgresql://{USER}:{PASSWORD}@{HOST}:port6543/events", [*secret, HOST, "port6543"],
                                 "is not a database address"),
        "@ in the password": (f"postgresql://{USER}:S3cr3t@Passw0rd@{HOST}:6543/events?connect_timeout=2",
                              [*secret, "S3cr3t", "Passw0rd", HOST, "6543"], "%40"),
        "nothing listens on the port": (f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/events?connect_timeout=2",
                                        [*secret, "127.0.0.1", str(port)], "could not be reached"),
        "unreachable host": (f"postgresql://{USER}:{PASSWORD}@{HOST}:6543/events?connect_timeout=2",
                             [*secret, HOST, "6543"], "could not be reached"),
        "bad connection option": (f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/events?sslmode={PASSWORD}",
                                  [*secret, "127.0.0.1", str(port), "sslmode"], "a database error occurred"),
    }


@pytest.mark.parametrize("case", list(database_cases()))
@pytest.mark.parametrize(("page", "signed_in"), [(MAP, False), (ORGANISER, True)])
def test_a_database_that_cannot_be_opened_is_a_friendly_message(case, page, signed_in, monkeypatch, caplog):
    url, forbidden, logged = database_cases()[case]
    monkeypatch.setenv("SPEAKOUT_DATABASE_URL", url)
    caplog.set_level(logging.INFO)
    at = run_page(page, signed_in=signed_in)
    assert_safe(at, [*forbidden, "database_url", "SPEAKOUT_DATABASE_URL", "postgresql"], caplog, logged)


def test_signing_in_on_a_database_that_cannot_be_opened_is_a_friendly_message(monkeypatch, caplog):
    url, forbidden, logged = database_cases()["unreachable host"]
    monkeypatch.setenv("SPEAKOUT_DATABASE_URL", url)
    caplog.set_level(logging.INFO)
    at = run_page(ORGANISER)
    at.text_input(key="sign-in-name").input("alice")
    at.text_input(key="sign-in-password").input("wrong password")
    at.button[0].click().run()
    assert_safe(at, [*forbidden, "database_url", "postgresql"], caplog, logged)


# --- anything else -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [MAP, GUIDE])
def test_an_unexpected_error_is_a_friendly_message_and_a_logged_traceback(page, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError(f"internal detail {PASSWORD}")

    monkeypatch.setattr("speakout_map.maps.filters.date_span", broken)
    monkeypatch.setattr("app_pages.common.guide", broken)
    caplog.set_level(logging.INFO)
    at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert "internal detail" not in text and PASSWORD not in text and "RuntimeError" not in text
    assert [e.value for e in at.error], "a friendly message is shown"
    assert "RuntimeError: internal detail" in caplog.text  # the traceback, for the operator


def test_streamlit_shows_no_error_details():
    """The backstop for anything that still escapes: Streamlit's "none" shows no message, type or trace."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
