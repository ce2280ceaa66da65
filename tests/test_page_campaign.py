"""The campaign settings on every page (AppTest): another campaign's name where the seed's was, and none of the seed's.

Each test runs the app with another campaign (name, tagline, partners) and an
events file and guide of its own, so that whatever still names "Speak Out For
Russia" must come from the code. The browser tab's title is read from
``st.set_page_config``'s calls; the map's calendar download from its data.
"""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest
import streamlit
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from page_support import PASSWORD
from speakout_map.campaign import DEFAULT_TAGLINE
from speakout_map.languages.translator import translator_for

APP = str(Path(__file__).resolve().parent.parent / "app.py")
MAP, GUIDE, PROPOSE, ORGANISER = "app_pages/map.py", "app_pages/guide.py", "app_pages/propose.py", "app_pages/organiser.py"
NAME = "Stand Up For X"
TAGLINE = "Rallies everywhere for X, on one day"
#: What the seed's campaign wrote, none of which may be left on a page of another campaign.
SEED_WORDS = ("Speak Out For Russia", "All Out", "GLAAD", "SpeakOut Map events", DEFAULT_TAGLINE.source)
EVENTS = (
    "city,country,date,title,venue,url\n"
    "Madrid,ES,2030-05-17,Stand Up in Madrid,Puerta del Sol,https://example.org/madrid\n"
    "Dublin,IE,2030-05-17,Stand Up in Dublin,Spire,\n"
)
GUIDE_TEXT = "# Host your own event\n\nFind a square, bring friends.\n"

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.fixture
def campaign_files(tmp_path) -> dict[str, str]:
    events, guide = tmp_path / "events.csv", tmp_path / "guide.md"
    events.write_text(EVENTS, encoding="utf-8")
    guide.write_text(GUIDE_TEXT, encoding="utf-8")
    return {"events_file": str(events), "guide_file": str(guide)}


@pytest.fixture
def tab_titles(monkeypatch) -> list[str]:
    """The browser tab's titles the app sets, in order."""
    titles: list[str] = []
    real = streamlit.set_page_config

    def recording(*args, **kwargs):
        if kwargs.get("page_title") is not None:
            titles.append(kwargs["page_title"])
        return real(*args, **kwargs)

    monkeypatch.setattr(streamlit, "set_page_config", recording)
    return titles


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


def run_page(page: str, speakout: dict, organisers: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["speakout"] = speakout
    if organisers:
        at.secrets["organisers"] = organisers
    at.run()  # st.navigation registers the pages' url paths on the first run
    if page != MAP:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def another_campaign(files: dict[str, str], **more: str) -> dict[str, str]:
    return {**files, "campaign_name": NAME, "campaign_tagline": TAGLINE,
            "campaign_partners": "A | https://a.example; B", **more}


def assert_no_seed_campaign(at: AppTest) -> None:
    text = page_text(at)
    for words in SEED_WORDS:
        assert words not in text, f"{words!r} is still on the page"


# --- the map ---------------------------------------------------------------------------------------


def test_the_map_names_the_campaign_of_the_settings(campaign_files, tab_titles):
    at = run_page(MAP, another_campaign(campaign_files))
    assert at.title[0].value == f"{NAME} — events worldwide"
    assert [c.value for c in at.caption][0] == TAGLINE
    assert tab_titles[-1] == f"Event map · {NAME}"
    assert_no_seed_campaign(at)


def test_the_defaults_are_the_seed_campaign(tab_titles):
    at = run_page(MAP, {})
    assert at.title[0].value == "Speak Out For Russia — events worldwide"
    assert [c.value for c in at.caption][0] == DEFAULT_TAGLINE.source
    assert tab_titles[-1] == "Event map · Speak Out For Russia"


def test_the_default_tagline_is_shown_in_the_visitors_language(tab_titles):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "es"
    at.run()
    assert not at.exception
    spanish = translator_for("es")(DEFAULT_TAGLINE.source)
    assert spanish != DEFAULT_TAGLINE.source, "the default tagline has no Spanish translation"
    assert at.caption[0].value == spanish


def test_an_operator_tagline_is_shown_as_written_in_every_language(campaign_files):
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["speakout"] = another_campaign(campaign_files)
    at.query_params["lang"] = "es"
    at.run()
    assert not at.exception
    assert at.caption[0].value == TAGLINE


@pytest.mark.parametrize(
    ("name", "heading"),
    [("**Bold** [x](javascript:alert(1))", r"\*\*Bold\*\* \[x\]\(javascript\:alert\(1\)\) — events worldwide"),
     ("<b>Day</b> #1", r"\<b\>Day\</b\> \#1 — events worldwide")],
)
def test_a_campaign_name_is_text_not_markdown(campaign_files, name, heading):
    at = run_page(MAP, another_campaign(campaign_files, campaign_name=name, campaign_tagline="_it_ <i>x</i>"))
    assert at.title[0].value == heading
    assert at.caption[0].value == r"\_it\_ \<i\>x\</i\>"


def test_no_tagline_no_line(campaign_files):
    at = run_page(MAP, another_campaign(campaign_files, campaign_tagline=""))
    assert at.title[0].value == f"{NAME} — events worldwide"
    assert TAGLINE not in page_text(at) and not [c for c in at.caption if c.value == ""]


def test_the_calendar_download_is_named_after_the_campaign(campaign_files, monkeypatch):
    made: list[bytes] = []
    real = DeltaGenerator.download_button

    def recording(self, label, data=None, *args, **kwargs):
        if callable(data):
            made.append(data())
        return real(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    run_page(MAP, another_campaign(campaign_files))
    (ics,) = made
    calendar = icalendar.Calendar.from_ical(ics)
    assert calendar["X-WR-CALNAME"].to_ical().decode() == NAME
    assert b"SpeakOut Map events" not in ics


# --- the other pages -------------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "tab"), [(GUIDE, "Host an event"), (PROPOSE, "Propose an event"),
                                           (ORGANISER, "Organisers")])
def test_every_page_names_the_campaign_in_the_tab_and_nothing_of_the_seed(campaign_files, tab_titles, page, tab):
    at = run_page(page, another_campaign(campaign_files))
    assert tab_titles[-1] == f"{tab} · {NAME}"
    assert_no_seed_campaign(at)


def test_the_signed_in_organisers_page_names_nothing_of_the_seed(campaign_files, tab_titles, alice_hash):
    at = run_page(ORGANISER, another_campaign(campaign_files), organisers={"alice": alice_hash})
    at.text_input(key="sign-in-name").input("alice")
    at.text_input(key="sign-in-password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.get("file_uploader"), "signed in"
    assert tab_titles[-1] == f"Organisers · {NAME}"
    assert_no_seed_campaign(at)


def test_the_guide_says_who_is_behind_the_campaign(campaign_files):
    at = run_page(GUIDE, another_campaign(campaign_files))
    text = "\n".join(m.value for m in at.markdown)
    assert f"{NAME} is organised by [A](https://a.example) and B." in text


# --- bad campaign settings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "logged"),
    [("campaign_name", " ", "campaign_name must not be empty"),
     ("campaign_dates", "someday", "campaign_dates has 'someday'"),
     ("campaign_partners", "A | javascript:alert(1)", "a link must be a web address")],
)
def test_bad_campaign_settings_are_a_short_failure_and_a_log_line(campaign_files, tab_titles, caplog, setting,
                                                                  value, logged):
    at = run_page(MAP, {**another_campaign(campaign_files), setting: value})
    errors = [e.value for e in at.error]
    assert errors and all("right now" in e for e in errors), errors
    text = page_text(at)
    assert setting not in text and (not value.strip() or value not in text), "the page names no setting"
    assert logged in caplog.text
    assert not at.title, "the page stops"
    assert tab_titles[-1] == "Event map", "the tab names the page alone"
    assert re.search(r"SettingsError", caplog.text)

