"""What geocoders are asked: the structured place, and "City, Country" typed by a person."""

from __future__ import annotations

import pytest

from speakout_map.errors import UnknownCountryError
from speakout_map.places.query import PlaceQuery, normalise_codes, parse_place_text, split_query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Valencia, Spain", ("Valencia", "ES")),
        ("  Buenos   Aires , AR ", ("Buenos   Aires", "AR")),
        ("Washington, D.C., USA", ("Washington, D.C.", "US")),  # the country is after the last comma
        ("Pristina, Kosovo", ("Pristina", "XK")),
        ("London", ("London", None)),
        (", Spain", ("", "ES")),
    ],
)
def test_parse_place_text(text, expected):
    assert parse_place_text(text) == expected


@pytest.mark.parametrize("text", ["Springfield, Illinois", "Madrid, Narnia", "Madrid,", "Madrid,  "])
def test_parse_place_text_refuses_what_is_no_country(text):
    with pytest.raises(UnknownCountryError):
        parse_place_text(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Valencia, Spain", ("Valencia", "ES")),
        ("Springfield, Narnia", ("Springfield, Narnia", None)),
        ("Madrid,", ("Madrid,", None)),
        (", Spain", (", Spain", None)),
        (",", (",", None)),
        ("  Zzyzx  ", ("Zzyzx", None)),
    ],
)
def test_split_query_keeps_what_is_no_country_in_the_name(text, expected):
    assert split_query(text) == expected


@pytest.mark.parametrize(
    ("codes", "expected"),
    [(None, None), ("es", frozenset({"ES"})), (["ES", "Venezuela"], frozenset({"ES", "VE"})), ([], None), (["", " "], None)],
)
def test_normalise_codes(codes, expected):
    assert normalise_codes(codes) == expected


def test_normalise_codes_refuses_an_unknown_country():
    with pytest.raises(UnknownCountryError):
        normalise_codes(["ES", "Narnia"])


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ({"city": "Valencia", "country": "ES"}, PlaceQuery("Valencia", "ES")),
        ({"city": " Valencia ", "country": "Spain"}, PlaceQuery("Valencia", "ES")),
        ({"city": "Pristina", "country": "XKX"}, PlaceQuery("Pristina", "XK")),
        ({"city": "London"}, PlaceQuery("London")),
        ({"city": "London", "country": None}, PlaceQuery("London")),
        ({"city": "Springfield, Narnia"}, PlaceQuery("Springfield, Narnia")),  # a structured city is never split
        ("Valencia, VE", PlaceQuery("Valencia", "VE")),
        ("Springfield, Narnia", PlaceQuery("Springfield, Narnia")),
    ],
)
def test_place_query_from_query(query, place):
    assert PlaceQuery.from_query(query) == place


@pytest.mark.parametrize("country", ["Narnia", "XX", "Korea"])
def test_place_query_refuses_an_unknown_structured_country(country):
    with pytest.raises(UnknownCountryError):
        PlaceQuery.from_query({"city": "Valencia", "country": country})


@pytest.mark.parametrize(
    ("place", "query", "text"),
    [
        (PlaceQuery("Valencia", "ES"), {"city": "Valencia", "country": "ES"}, "Valencia, Spain"),
        (PlaceQuery("Pristina", "XK"), {"city": "Pristina", "country": "XK"}, "Pristina, Kosovo"),
        (PlaceQuery("London"), {"city": "London"}, "London"),
    ],
)
def test_place_query_forms(place, query, text):
    assert place.as_query() == query
    assert place.as_text() == text
    assert PlaceQuery.from_query(place.as_query()) == place


@pytest.mark.parametrize(
    ("place", "country_codes", "expected"),
    [
        (PlaceQuery("Valencia", "ES"), None, frozenset({"ES"})),
        (PlaceQuery("Valencia", "ES"), ["es", "VE"], frozenset({"ES"})),
        (PlaceQuery("Valencia", "ES"), "VE", frozenset()),  # they disagree: nowhere
        (PlaceQuery("Valencia"), "VE", frozenset({"VE"})),
        (PlaceQuery("Valencia"), None, None),  # anywhere
    ],
)
def test_place_query_countries(place, country_codes, expected):
    assert place.countries(country_codes) == expected
