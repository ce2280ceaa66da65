"""The list that follows the map: entries as escaped Markdown, the pin a click opened, the events in view."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from speakout_map.escaping import escape_markdown, markdown_link
from speakout_map.languages.translator import english, translator_for
from speakout_map.maps.listing import clicked_event, entry_markdown, in_view
from tests.map_support import PAYLOADS, TEXT_FIELDS, WORLD, hostile_event, make_event, place

T = english()


def test_an_entry_reads_like_the_popup():
    event = place(make_event(city="Springfield", region="IL", country_code="US", title="Rally", venue="Park",
                             address="1 Main St", date=dt.date(2027, 9, 3), start_time=dt.time(18),
                             end_time=dt.time(20), url="https://example.org/e(1)"), 39.8, -89.6)
    text = entry_markdown(event, T, distance="12 km", going="3 going")
    heading, when, venue, last = text.split("\n\n")
    assert heading == "#### Rally"
    assert "Springfield, IL, United States" in when and "12 km" in when and "2027" in when
    assert venue == "Park, 1 Main St"
    assert last.startswith("Confirmed · 3 going · [Event page](https://example.org/e%281%29)")


def test_an_entry_in_spanish_has_spanish_words():
    es = translator_for("es")
    text = entry_markdown(WORLD[1], es)
    assert "Detalles por confirmar" in text or "por confirmar" in text.lower()
    assert "Argentina" in text


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "data:text/html,x", " http://x y"])
def test_no_link_but_for_a_web_address(url):
    text = entry_markdown(place(make_event(url=url)), T)
    assert "](" not in text


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_escaped_in_an_entry(field, payload):
    text = entry_markdown(hostile_event(field, payload), T)
    if field in ("title", "city", "region", "venue", "address"):
        assert escape_markdown(payload).replace("\\ ", " ")[:20].strip() in text or payload.strip() == ""
    # Nothing Markdown or HTML could act on is left bare: every such character is backslash-escaped.
    bare = re.sub(r"\\.", "", text.replace("#### ", "", 1))
    bare = re.sub(r"\[Event page\]\([^)]*\)", "", bare)
    assert not set("<>[]()*_`#|!{}") & set(bare), bare


def test_a_link_address_cannot_end_the_link():
    assert markdown_link("x](javascript:alert(1))", "https://e.org/a) [b](c") == (
        "[x\\]\\(javascript\\:alert\\(1\\)\\)](https://e.org/a%29%20%5Bb%5D%28c)")


# --- the pin a click opened -------------------------------------------------------------

SAME_PLACE = [place(make_event(city="Madrid", title=title), 40.4168, -3.7038) for title in ("March", "Vigil")]


@pytest.mark.parametrize(("clicked", "tooltip", "expected"), [
    ({"lat": 40.4168, "lng": -3.7038}, None, 0),
    ({"lat": -34.6037, "lng": -58.3816}, "Speak out in Buenos Aires", 1),
    ({"lat": 40.41680001, "lng": -3.70380002}, None, 0),  # as the rows round them
    ({"lat": 0, "lng": 0}, None, None),
    (None, None, None),
    ({"lat": "x", "lng": 1}, None, None),
    ({"lng": 1}, None, None),
    ([40.4, -3.7], None, None),
])
def test_the_event_a_pin_click_opened(clicked, tooltip, expected):
    assert clicked_event(WORLD, clicked, tooltip, T) == expected


@pytest.mark.parametrize(("tooltip", "expected"), [
    ("VigilMadrid, Spain", 1), ("March\nMadrid, Spain", 0), ("Something else", 0), (None, 0),
])
def test_events_in_one_place_are_told_apart_by_the_tooltips_title(tooltip, expected):
    shown = [WORLD[1], *SAME_PLACE]
    assert clicked_event(shown, {"lat": 40.4168, "lng": -3.7038}, tooltip, T) == expected + 1


# --- the events in view -----------------------------------------------------------------


def bounds(south, west, north, east):
    return {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}


@pytest.mark.parametrize(("view", "cities"), [
    (bounds(35, -10, 45, 5), ["Madrid"]),
    (bounds(-90, -180, 90, 180), [p.event.city for p in WORLD]),
    (bounds(-90, -540, 90, 540), [p.event.city for p in WORLD]),  # the world repeated: every event
    (bounds(30, 130, 70, 220), ["Tokyo", "Anchorage"]),  # across the antimeridian: Anchorage at -149.9 + 360
    (bounds(30, -230, 70, -140), ["Tokyo", "Anchorage"]),  # the same, a world to the west
    (bounds(0, 0, 1, 1), []),
])
def test_the_events_in_the_maps_view(view, cities):
    assert [p.event.city for p in in_view(WORLD, view)] == cities


@pytest.mark.parametrize("view", [None, {}, {"_southWest": {"lat": 1}}, bounds("a", 0, 1, 1)])
def test_an_unknown_view_is_none(view):
    assert in_view(WORLD, view) is None
