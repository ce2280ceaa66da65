"""Tests of the events' data rows: what the browser gets of each event, and the checks that keep it safe."""

from __future__ import annotations

import math

import pytest

from speakout_map.maps.rows import (
    DATA_FIELDS,
    counts_of,
    DESCRIPTION_LIMIT,
    event_row,
    event_rows,
    events_bounds,
    going_of,
    has_valid_point,
    safe_guide_link,
    safe_link,
    shorten,
)
from speakout_map.languages.translator import english
from tests.i18n_support import fake_translator
from tests.map_support import FIELD, PRIVATE_EMAIL, WORLD, make_event, place

# --- the text the popups show ---------------------------------------------------


@pytest.mark.parametrize(
    "text, limit",
    [("short", 280), ("word " * 100, 280), ("x" * 1000, 280), ("a b c d e f g h", 5), ("exact", 5)],
)
def test_shorten(text, limit):
    short = shorten(text, limit)
    assert len(short) <= limit + 1
    if len(text.strip()) <= limit:
        assert short == text.strip()
    else:
        assert short.endswith("\u2026")
        assert text.startswith(short[:-1])


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://example.org/event", True),
        ("http://example.org/", True),
        ("HTTPS://EXAMPLE.ORG/x", True),
        ('https://example.org/"><svg/onload=alert(1)>', True),  # quotes are harmless in a DOM href
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("//evil.example/x", False),
        ("https:/no-host", False),
        ("https://exa mple.org", False),
        ("https://example.org/\nx", False),
        ("\x01https://example.org", False),
        ("", False),
    ],
)
def test_safe_link(url, kept):
    assert safe_link(url) == (url.strip() if kept else "")


@pytest.mark.parametrize(
    "url, kept",
    [("/guide", True), ("/guide?x=1", True), ("https://example.org/guide", True), ("//evil.example", False),
     ("/\\evil.example", False), ("javascript:alert(1)", False), ("guide", False), ("", False)],
)
def test_safe_guide_link(url, kept):
    assert safe_guide_link(url) == (url if kept else "")


def test_row_of_a_full_event():
    row = event_row(WORLD[0])
    assert dict(zip(DATA_FIELDS, row)) == {
        "lat": 40.4168,
        "lon": -3.7038,
        "confirmed": 1,
        "title": "Speak out in Madrid",
        "city": "Madrid",
        "region": "",
        "country": "Spain",
        "date": "Tue 3 Sep 2013",
        "time": "18:30\u201320:00 local time",
        "venue": "Puerta del Sol",
        "address": "Plaza de la Puerta del Sol, 28013",
        "organiser": "All Out Madrid",
        "description": "Bring a friend.",
        "url": "https://example.org/madrid",
        "googleCalendar": "",
        "icsFile": "",
        "event": "",
        "going": 0,
        "goingText": "",
        "goingMine": 0,
    }


@pytest.mark.parametrize(
    ("google", "ics", "kept"),
    [
        ("https://calendar.google.com/calendar/render?action=TEMPLATE&text=x", "/feeds/events.ics?event=a%40b",
         ("https://calendar.google.com/calendar/render?action=TEMPLATE&text=x", "/feeds/events.ics?event=a%40b")),
        ("javascript:alert(1)", "//evil.example/x.ics", ("", "")),
        ("https://calendar.google.com/x y", "https://map.example.org/feeds/events.ics", ("", "https://map.example.org/feeds/events.ics")),
    ],
)
def test_calendar_links_are_kept_only_when_safe(google, ics, kept):
    row = dict(zip(DATA_FIELDS, event_row(WORLD[0], calendar=lambda placed: (google, ics))))
    assert (row["googleCalendar"], row["icsFile"]) == kept


def test_row_with_the_english_translator_is_the_same():
    assert event_row(WORLD[0], english()) == event_row(WORLD[0])
    assert event_rows(WORLD, english()) == event_rows(WORLD)


SPANISH_POPUP = {
    "{start}\u2013{end} local time": "{start}\u2013{end} hora local",
    "until {end} local time": "hasta las {end} hora local",
    "Speak out in {city}": "Alza la voz en {city}",
}


@pytest.mark.parametrize(
    ("entries", "fields", "expected"),
    [
        # no translations: Babel's Spanish still names the country and the date
        ({}, {}, {"country": "España", "date": "mar, 3 sept 2013", "time": "18:30\u201320:00 local time",
                  "title": "Speak out in Madrid"}),
        (SPANISH_POPUP, {}, {"country": "España", "date": "mar, 3 sept 2013", "time": "18:30\u201320:00 hora local",
                             "title": "Speak out in Madrid"}),
        (SPANISH_POPUP, {"title": "", "city": "London", "country_code": "GB", "start_time": None},
         {"country": "Reino Unido", "date": "mar, 3 sept 2013", "time": "hasta las 20:00 hora local",
          "title": "Alza la voz en London", "city": "London"}),
    ],
)
def test_row_in_the_readers_language(entries, fields, expected):
    row = dict(zip(DATA_FIELDS, event_row(place(make_event(**fields)), fake_translator(entries, language="es"))))
    assert {k: row[k] for k in expected} == expected
    # the event's own words are never translated
    assert (row["venue"], row["organiser"], row["description"]) == (
        "Puerta del Sol", "All Out Madrid", "Bring a friend.")


def test_event_rows_pass_the_translator_on():
    rows = event_rows(WORLD, fake_translator({}, language="es"))
    assert [row[FIELD["country"]] for row in rows] == [
        "España", "Argentina", "Japón", "Australia", "Islandia", "Estados Unidos"]


def test_untitled_event_gets_its_display_title():
    row = event_row(place(make_event(title="", city="Tokyo", country_code="JP")))
    assert row[FIELD["title"]] == "Speak out in Tokyo"


def test_long_description_is_shortened():
    long = "Word " * 400
    row = event_row(place(make_event(description=long)))
    assert len(row[FIELD["description"]]) <= DESCRIPTION_LIMIT + 1
    assert row[FIELD["description"]].endswith("\u2026")


def test_row_holds_no_private_field():
    row = event_row(WORLD[0])
    assert len(row) == len(DATA_FIELDS)
    assert PRIVATE_EMAIL not in row and "contact_email" not in DATA_FIELDS


@pytest.mark.parametrize(
    "lat, lon, valid",
    [
        (40.4168, -3.7038, True),
        (90.0, 180.0, True),
        (-90.0, -180.0, True),
        (0, 0, True),
        (math.nan, 0.0, False),
        (0.0, math.inf, False),
        (-math.inf, 0.0, False),
        (90.001, 0.0, False),
        (0.0, -180.5, False),
        ("40.4", "-3.7", False),
        (None, 0.0, False),
    ],
)
def test_has_valid_point(lat, lon, valid):
    assert has_valid_point(place(make_event(), lat, lon)) is valid


def test_event_rows_keep_the_order_and_leave_out_invalid_points():
    placed = [WORLD[0], place(make_event(city="Nowhere"), math.nan, 0.0), WORLD[1]]
    assert [row[FIELD["city"]] for row in event_rows(placed)] == ["Madrid", "Buenos Aires"]


@pytest.mark.parametrize(
    "rows, bounds",
    [
        ([], None),
        ([[1.5, 2.5]], [[1.5, 2.5], [1.5, 2.5]]),
        ([[10, -20], [-5, 30], [0, 0]], [[-5, -20], [10, 30]]),
        ([[-33.9, 151.2], [64.1, -21.9], [35.7, 139.7]], [[-33.9, -21.9], [64.1, 151.2]]),
    ],
)
def test_events_bounds(rows, bounds):
    assert events_bounds(rows) == bounds


# --- "I'll be there" -------------------------------------------------------------

UID = "0123456789abcdef0123456789abcdef@speakout-map"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ((UID, 0, False), (UID, 0, "0 going", 0)),
        ((UID, 1, True), (UID, 1, "1 going", 1)),
        ((UID, 1234, False), (UID, 1234, "1,234 going", 0)),
        ((UID, -3, True), (UID, 0, "0 going", 1)),  # never below nobody
        (("not a uid", 5, True), ("", 0, "", 0)),  # nothing to send: no count either
        (("", 5, True), ("", 0, "", 0)),
        ((UID.upper(), 5, False), ("", 0, "", 0)),
    ],
)
def test_row_carries_the_going_count_and_whether_this_visitor_is_going(state, expected):
    row = dict(zip(DATA_FIELDS, event_row(WORLD[0], going=lambda placed: state)))
    assert (row["event"], row["going"], row["goingText"], row["goingMine"]) == expected


def test_going_text_is_in_the_readers_language():
    t = fake_translator({("{count:,} going", 0): "{count:,} va", ("{count:,} going", 1): "{count:,} van"},
                        language="es")
    rows = event_rows(WORLD[:1], t, going=lambda placed: (UID, 1, False))
    assert rows[0][FIELD["goingText"]] == "1 va"
    rows = event_rows(WORLD[:1], t, going=lambda placed: (UID, 2, False))
    assert rows[0][FIELD["goingText"]] == "2 van"


def test_going_of_looks_events_up_by_uid():
    other = "f" * 32 + "@speakout-map"
    of = going_of({WORLD[0]: UID, WORLD[1]: other}, {UID: 7}, frozenset({other}))
    assert of(WORLD[0]) == (UID, 7, False)
    assert of(WORLD[1]) == (other, 0, True)
    assert of(WORLD[2]) == ("", 0, False)  # an event without a UID: nothing, and no row fields
    rows = event_rows(WORLD[:3], going=of)
    assert [(r[FIELD["event"]], r[FIELD["going"]], r[FIELD["goingMine"]]) for r in rows] == [
        (UID, 7, 0), (other, 0, 1), ("", 0, 0)]


@pytest.mark.parametrize("marked", [False, True])
def test_counts_of_a_version_by_uid_and_no_ones_own(marked):
    from speakout_map.events.identity import event_uids

    uids = event_uids([p.event for p in WORLD])
    counts = {uids[0]: 23, uids[-1]: 2} if marked else {}
    of = counts_of(WORLD, counts)
    assert [of(p) for p in WORLD] == [(uid, counts.get(uid, 0), False) for uid in uids]
    assert sum(of(p)[1] for p in WORLD) == (25 if marked else 0)


def test_a_rows_region_is_the_organisers_text_after_the_city():
    from dataclasses import replace

    springfield = place(replace(WORLD[0].event, city="Springfield", country_code="US", region="IL"), 39.8, -89.6)
    row = dict(zip(DATA_FIELDS, event_row(springfield)))
    assert (row["city"], row["region"], row["country"]) == ("Springfield", "IL", "United States")
