"""The place part of an announcement's line (speakout_map.events.announcement_places)."""

from __future__ import annotations

import pytest

from speakout_map.events.announcement_places import PlaceKind, place_like, read_place


@pytest.mark.parametrize(("text", "kind", "city", "country", "venue"), [
    ("Valencia, España", PlaceKind.NAMED, "Valencia", "España", ""),
    ("Valencia (Spain)", PlaceKind.NAMED, "Valencia", "Spain", ""),
    ("Valencia, Spain (Plaza del Ayuntamiento)", PlaceKind.NAMED, "Valencia", "Spain", "Plaza del Ayuntamiento"),
    ("London, UK, Parliament Square", PlaceKind.NAMED, "London", "UK", "Parliament Square"),
    ("London UK", PlaceKind.NAMED, "London", "UK", ""),
    ("Mexico DF", PlaceKind.KNOWN, "Mexico City", "MX", ""),
    ("Ciudad de México", PlaceKind.KNOWN, "Mexico City", "MX", ""),
    ("Nueva York", PlaceKind.KNOWN, "New York City", "US", ""),
    ("Gothenburg", PlaceKind.KNOWN, "Gothenburg", "SE", ""),
    ("London", PlaceKind.KNOWN, "London", "GB", ""),
    ("Singapore", PlaceKind.KNOWN, "Singapore", "SG", ""),
    ("Washington, D.C.", PlaceKind.KNOWN, "Washington", "US", ""),
    ("Paris, Texas", PlaceKind.UNKNOWN_COUNTRY, "Paris", "Texas", ""),
])
def test_places_read(gazetteer, text, kind, city, country, venue):
    place = read_place(text, gazetteer)
    assert (place.kind, place.city, place.country, place.venue) == (kind, city, country, venue)
    assert place.usable


@pytest.mark.parametrize(("text", "kind", "column", "needle"), [
    ("Valencia", PlaceKind.AMBIGUOUS, "country", "'Valencia' is the name of places in Venezuela and in Spain"),
    ("Barcelona", PlaceKind.AMBIGUOUS, "country", "e.g. Barcelona, Spain"),
    ("Mexico", PlaceKind.COUNTRY_ONLY, "city", "'Mexico' is a country"),
    ("Paraguay", PlaceKind.COUNTRY_ONLY, "city", "is a country"),
    ("Speak Out For Russia", PlaceKind.UNKNOWN, "city", "was not found as a city"),
])
def test_places_that_need_more(gazetteer, text, kind, column, needle):
    place = read_place(text, gazetteer)
    assert (place.kind, place.column) == (kind, column) and not place.usable
    assert needle in str(place.problem)


def test_without_a_gazetteer_a_city_alone_asks_for_its_country():
    place = read_place("Madrid", None)
    assert place.kind is PlaceKind.UNKNOWN and "has no country" in str(place.problem)
    assert read_place("Madrid, Spain", None).kind is PlaceKind.NAMED


@pytest.mark.parametrize(("text", "looks"), [
    ("Santa Cruz de la Sierra, Bolivia", True),
    ("Stratford-upon-Avon", True),
    ("Mexico DF", True),
    ("Saint-Étienne", True),
    ("The following events are happening", False),
    ("russiaOn", False),
    ("Decide on an exact time and place to meet", False),
    ("london", False),
    ("3rd Street", False),
    ("", False),
    ("A B C D E F G H I", False),
])
def test_place_like(text, looks):
    assert place_like(text) is looks
