"""The campaign from settings: parsing good and bad values, the default tagline, the guide's partners as Markdown."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from i18n_support import fake_translator
from speakout_map.campaign import (
    DEFAULT_TAGLINE,
    Campaign,
    Partner,
    campaign_from_settings,
    link_target,
    one_line,
    parse_dates,
    parse_name,
    parse_partners,
    parse_tagline,
    partners_markdown,
)
from speakout_map.errors import SettingsError
from speakout_map.languages.message import Message
from speakout_map.languages.translator import english
from speakout_map.settings import Settings, load_settings

EN = english()


def campaign(**settings) -> Campaign:
    return campaign_from_settings(Settings(**settings))


# --- the defaults --------------------------------------------------------------------------------


def test_the_defaults_are_the_seed_campaign():
    seed = campaign()
    assert seed.name == "Speak Out For Russia"
    assert seed.dates == (dt.date(2013, 9, 3),) and seed.year == 2013
    assert [p.name for p in seed.partners] == ["All Out", "Truth Wins Out", "GLAAD", "Human Rights Campaign",
                                               "Peter Tatchell Foundation"]
    assert all(p.url == "" for p in seed.partners)


def test_the_default_tagline_is_the_translatable_message():
    default = {f.name: f.default for f in dataclasses.fields(Settings)}["campaign_tagline"]
    assert DEFAULT_TAGLINE.source == default, "DEFAULT_TAGLINE must stay the setting's default"
    assert campaign().tagline_text == DEFAULT_TAGLINE
    spanish = fake_translator({DEFAULT_TAGLINE.source: "Eventos en todo el mundo"})
    assert spanish.text(campaign().tagline_text) == "Eventos en todo el mundo"


@pytest.mark.parametrize("tagline", ["Stand up, wherever you are", "Events around the world", "{name} and {0}"])
def test_an_operator_tagline_is_shown_as_written_in_every_language(tagline):
    shown = campaign(campaign_tagline=tagline).tagline_text
    assert shown == tagline and not isinstance(shown, Message)
    spanish = fake_translator({tagline: "traducido", DEFAULT_TAGLINE.source: "por defecto"})
    assert spanish.text(shown) == tagline


def test_settings_come_from_the_environment_and_secrets():
    settings = load_settings(
        environ={"SPEAKOUT_CAMPAIGN_NAME": "Stand Up For X"},
        secrets={"speakout": {"campaign_name": "ignored", "campaign_dates": "2030-05-17",
                              "campaign_partners": "A | https://a.example; B"}},
    )
    found = campaign_from_settings(settings)
    assert (found.name, found.dates, found.partners) == (
        "Stand Up For X", (dt.date(2030, 5, 17),), (Partner("A", "https://a.example"), Partner("B")))


# --- names and taglines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Stand Up For X", "Stand Up For X"),
        ("  Stand   Up\tFor\nX  ", "Stand Up For X"),
        ("Día\x00 de acción\x85", "Día de acción"),
        ("**Bold** <b>x</b>", "**Bold** <b>x</b>"),  # kept as written: pages escape it
        ("x" * 120, "x" * 120),
    ],
)
def test_good_names(raw, expected):
    assert parse_name(raw) == expected
    assert campaign(campaign_name=raw).name == expected


@pytest.mark.parametrize(("raw", "needle"), [
    ("", "campaign_name must not be empty"),
    ("   \t\n", "campaign_name must not be empty"),
    ("\x00\x01", "campaign_name must not be empty"),
    ("x" * 121, "campaign_name is 121 characters long"),
])
def test_bad_names(raw, needle):
    with pytest.raises(SettingsError) as info:
        campaign(campaign_name=raw)
    assert needle in str(info.value)


@pytest.mark.parametrize(("raw", "expected"), [("", ""), ("  one\nline ", "one line"), ("t" * 300, "t" * 300)])
def test_good_taglines(raw, expected):
    assert parse_tagline(raw) == expected


def test_a_tagline_too_long_is_refused():
    with pytest.raises(SettingsError, match="campaign_tagline is 301 characters long"):
        campaign(campaign_tagline="t" * 301)


def test_one_line_drops_controls_and_collapses_space():
    assert one_line(" a\r\n\tb\u2028 c\x7f d ") == "a b c d"


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2013-09-03", (dt.date(2013, 9, 3),)),
        ("2013-09-04, 2013-09-03", (dt.date(2013, 9, 3), dt.date(2013, 9, 4))),
        ("2013-09-03,2013-09-03,", (dt.date(2013, 9, 3),)),
        ("", ()),
        (" , ", ()),
    ],
)
def test_good_dates(raw, expected):
    assert parse_dates(raw) == expected
    assert campaign(campaign_dates=raw).year == (expected[0].year if expected else None)


@pytest.mark.parametrize("raw", ["3 September 2013", "2013-09-31", "2013-09-03; 2013-09-04", "03/09/2013", "soon"])
def test_bad_dates(raw):
    with pytest.raises(SettingsError) as info:
        campaign(campaign_dates=raw)
    assert "campaign_dates" in str(info.value) and "YYYY-MM-DD" in str(info.value)


# --- partners ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ()),
        ("All Out", (Partner("All Out"),)),
        ("All Out | https://allout.org; GLAAD", (Partner("All Out", "https://allout.org"), Partner("GLAAD"))),
        (" A|http://a.example/x?y=1 ;; B ; ", (Partner("A", "http://a.example/x?y=1"), Partner("B"))),
        ("A | HTTPS://A.EXAMPLE", (Partner("A", "HTTPS://A.EXAMPLE"),)),
        ("Wiki | https://en.wikipedia.org/wiki/X_(y)", (Partner("Wiki", "https://en.wikipedia.org/wiki/X_(y)"),)),
        ("  Two\n words ", (Partner("Two words"),)),
    ],
)
def test_good_partners(raw, expected):
    assert parse_partners(raw) == expected


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ("A | javascript:alert(1)", "link of 'A'"),
        ("A | data:text/html,x", "link of 'A'"),
        ("A | mailto:a@example.org", "link of 'A'"),
        ("A | //a.example", "link of 'A'"),
        ("A | https://", "link of 'A'"),
        ("A | https://a.example | extra", "link of 'A'"),
        ("A | https://a.example/with space", "link of 'A'"),
        ("A | www.a.example", "link of 'A'"),
        ("A | https://[::1", "link of 'A'"),
        ("A | https://:80/x", "link of 'A'"),
        ("A | https://a.example/\u2028x", "link of 'A'"),
        ("| https://a.example", "which has no name"),
        ("A; | ; B", "which has no name"),
        ("A |", "without a link"),
        ("x" * 121, "each partner's name must be at most 120"),
    ],
)
def test_bad_partners(raw, needle):
    with pytest.raises(SettingsError) as info:
        campaign(campaign_partners=raw)
    assert needle in str(info.value) and "campaign_partners" in str(info.value)


def test_a_bad_link_with_a_key_is_masked_in_the_message():
    with pytest.raises(SettingsError) as info:
        parse_partners("A | ftp://user:s3cret@files.example/?key=abc123")
    assert "s3cret" not in str(info.value) and "abc123" not in str(info.value)


# --- the guide's "who is behind it" --------------------------------------------------------------


def test_partners_as_markdown_in_english():
    text = partners_markdown(campaign(campaign_name="Stand Up For X", campaign_partners="A | https://a.example; B"),
                             EN)
    assert text == "## Who is behind it\n\nStand Up For X is organised by [A](https://a.example) and B.\n"


def test_partners_as_markdown_are_translated_around_the_names():
    spanish = fake_translator({"Who is behind it": "Quién está detrás",
                               "{campaign} is organised by {partners}.": "{campaign} lo organizan {partners}."})
    text = partners_markdown(campaign(campaign_name="Alza la voz", campaign_partners="Uno; Dos; Tres"), spanish,
                             level=3)
    assert text == "### Quién está detrás\n\nAlza la voz lo organizan Uno, Dos y Tres.\n"


def test_no_partners_no_section():
    assert partners_markdown(campaign(campaign_partners=""), EN) == ""


@pytest.mark.parametrize(
    "hostile",
    ["**bold** _it_", "[click](javascript:alert(1))", "<script>alert(1)</script>", "![img](https://x.example/a.png)",
     "# heading", "`code`", "a | b"],
)
def test_partner_names_and_the_campaign_name_stay_text(hostile):
    name = hostile.replace("|", "/")  # a bar would split a partner's name from its link
    found = Campaign(hostile, "", (), (Partner(name), Partner("Site", "https://a.example/x)](javascript:alert(1)")))
    text = partners_markdown(found, EN)
    body = text.split("\n\n", 1)[1]
    assert "<script>" not in text and "](javascript:" not in text
    assert "[Site](https://a.example/x%29%5D%28javascript:alert%281%29)" in text
    # Every Markdown-significant character of the names is escaped: none is left once the escapes are gone.
    names = re.sub(r"\\.", "", body.replace("[Site](https://a.example/x%29%5D%28javascript:alert%281%29)", ""))
    assert not set(names) & set("*_[]()<>#`!|"), names


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/path?q=1#top", "https://a.example/path?q=1#top"),
        ("https://a.example/x_(y)", "https://a.example/x_%28y%29"),
        ("https://a.example/<b>'\"`\\[]", "https://a.example/%3Cb%3E%27%22%60%5C%5B%5D"),
    ],
)
def test_link_targets_cannot_end_the_link(url, expected):
    assert link_target(url) == expected


def test_an_unsafe_link_in_a_hand_made_campaign_is_plain_text():
    found = Campaign("X", "", (), (Partner("Evil", "javascript:alert(1)"),))
    assert "X is organised by Evil." in partners_markdown(found, EN)
