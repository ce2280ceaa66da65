"""The map data document: every drawable event of a version as one JSON document per language (maps/data.py)."""

from __future__ import annotations

import json
import math
from urllib.parse import parse_qs, urlsplit

import pytest

from speakout_map.events.identity import event_uids
from speakout_map.maps.data import MEDIA_TYPE, calendar_links_of, drawable, map_document, row_index
from speakout_map.maps.rows import DATA_FIELDS, counts_of, event_row, event_rows
from tests.i18n_support import fake_translator
from tests.map_support import FIELD, PAYLOADS, PRIVATE_EMAIL, WORLD, hostile_event, make_event, place

UNDRAWABLE = place(make_event(city="Nowhere", country_code="ES"), math.nan, 0.0)
SPANISH = fake_translator({}, language="es")


def test_rows_are_the_drawable_events_in_the_versions_order():
    version = [WORLD[0], UNDRAWABLE, *WORLD[1:]]
    assert drawable(version) == WORLD
    index = row_index(version)
    assert dict(index) == {p: i for i, p in enumerate(WORLD)} and UNDRAWABLE not in index
    with pytest.raises(TypeError):
        index[WORLD[0]] = 3  # shared by every run: read-only


@pytest.mark.parametrize("translator", [None, SPANISH])
def test_the_document_holds_each_events_row_with_its_uid_and_nobody_going(translator):
    version = [*WORLD, UNDRAWABLE]
    links = calendar_links_of(version, translator, ics_path="/feeds/events.ics", google_path="/feeds/google-calendar")
    document = json.loads(map_document(version, translator, calendar=links))
    assert document["fields"] == list(DATA_FIELDS) and MEDIA_TYPE == "application/json"
    assert document["rows"] == event_rows(version, translator, links.__getitem__, counts_of(version, {}))
    uids = event_uids([p.event for p in version])
    assert [row[FIELD["event"]] for row in document["rows"]] == uids[: len(WORLD)]
    assert {(row[FIELD["going"]], row[FIELD["goingMine"]]) for row in document["rows"]} == {(0, 0)}
    assert all(row[FIELD["icsFile"]].startswith("/feeds/events.ics?event=") for row in document["rows"])
    assert all(row[FIELD["googleCalendar"]].startswith("/feeds/google-calendar?event=") for row in document["rows"])


def test_the_document_is_in_the_translators_language():
    spanish = fake_translator({"Spain": "España"}, language="es")
    (row,) = json.loads(map_document(WORLD[:1], spanish))["rows"]
    assert row[FIELD["country"]] == "España"
    assert row[FIELD["googleCalendar"]] == row[FIELD["icsFile"]] == ""  # no calendar links given: none


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_data_that_reads_back_exactly(payload):
    hostile = hostile_event("title", payload)
    body = map_document([hostile])
    (row,) = json.loads(body)["rows"]
    assert row[FIELD["title"]] == event_row(hostile)[FIELD["title"]]
    assert PRIVATE_EMAIL.encode() not in body


def test_contact_details_never_reach_the_document():
    body = map_document([place(make_event(contact_email=PRIVATE_EMAIL))])
    assert PRIVATE_EMAIL.encode() not in body


def test_calendar_links_name_each_event_by_its_uid_in_the_language():
    links = calendar_links_of(WORLD, SPANISH, ics_path="/campaign/feeds/events.ics",
                              google_path="/campaign/feeds/google-calendar")
    uids = event_uids([p.event for p in WORLD])
    for placed, uid in zip(WORLD, uids):
        for link, path in zip(links[placed], ("/campaign/feeds/google-calendar", "/campaign/feeds/events.ics")):
            parts = urlsplit(link)
            assert parts.path == path and parse_qs(parts.query) == {"event": [uid], "lang": ["es"]}
    assert max(len(link) for pair in links.values() for link in pair) < 120  # paths, not whole Google links


def test_calendar_links_take_the_versions_uids_in_order():
    uids = event_uids([p.event for p in WORLD])
    assert calendar_links_of(WORLD, ics_path="/i", google_path="/g", uids=uids) == calendar_links_of(
        WORLD, ics_path="/i", google_path="/g")
    with pytest.raises(ValueError):
        calendar_links_of(WORLD, ics_path="/i", google_path="/g", uids=uids[:-1])
