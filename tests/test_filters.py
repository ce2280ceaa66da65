"""Date and country filters, and the URL query that shares them."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events.model import Event
from speakout_map.languages.message import Message
from speakout_map.languages.translator import english
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.maps.filters import (
    EventFilter,
    apply_filter,
    countries_present,
    date_span,
    filter_from_query,
    filter_to_query,
)
from tests.i18n_support import fake_translator

SPANISH = fake_translator({}, language="es")  # no translations: Babel's Spanish country names only


def make(city: str, code: str, day: int, time: dt.time | None = None) -> PlacedEvent:
    event = Event(city=city, country_code=code, date=dt.date(2013, 9, day), start_time=time)
    return PlacedEvent(event, Place(city, code, 0.0, 0.0))


EVENTS = (
    make("Madrid", "ES", 3),
    make("Valencia", "ES", 10),
    make("London", "GB", 3, dt.time(18)),
    make("Dublin", "IE", 3, dt.time(17)),
    make("Toronto", "CA", 20),
)


@pytest.mark.parametrize(
    ("event_filter", "cities"),
    [
        (EventFilter(), ["Dublin", "Madrid", "London", "Valencia", "Toronto"]),
        (EventFilter(countries=frozenset({"ES"})), ["Madrid", "Valencia"]),
        (EventFilter(countries=frozenset({"ES", "GB"})), ["Madrid", "London", "Valencia"]),
        (EventFilter(date_from=dt.date(2013, 9, 4)), ["Valencia", "Toronto"]),
        (EventFilter(date_to=dt.date(2013, 9, 3)), ["Dublin", "Madrid", "London"]),
        (EventFilter(dt.date(2013, 9, 10), dt.date(2013, 9, 10)), ["Valencia"]),
        (EventFilter(dt.date(2013, 9, 4), dt.date(2013, 9, 9)), []),
        (EventFilter(countries=frozenset({"FR"})), []),
    ],
)
def test_apply_filter(event_filter, cities):
    assert [p.event.city for p in apply_filter(EVENTS, event_filter)] == cities


def test_countries_present_sorted_by_name():
    assert countries_present(EVENTS) == ["CA", "IE", "ES", "GB"]
    assert countries_present(EVENTS, english()) == ["CA", "IE", "ES", "GB"]


WIDER = EVENTS + (make("Berlin", "DE", 3), make("Tórshavn", "FO", 3), make("Oslo", "NO", 3))


@pytest.mark.parametrize(
    ("translator", "codes"),
    [
        # Canada, Faroe Islands, Germany, Ireland, Norway, Spain, United Kingdom
        (None, ["CA", "FO", "DE", "IE", "NO", "ES", "GB"]),
        # Alemania, Canadá, España, Irlanda, Islas Feroe, Noruega, Reino Unido
        (SPANISH, ["DE", "CA", "ES", "IE", "FO", "NO", "GB"]),
    ],
)
def test_countries_present_sorted_by_name_in_the_readers_language(translator, codes):
    assert countries_present(WIDER, translator) == codes


@pytest.mark.parametrize(
    ("translator", "cities"),
    [
        (None, ["Dublin", "Madrid", "London", "Valencia", "Toronto"]),  # Ireland, Spain, United Kingdom
        (SPANISH, ["Madrid", "Dublin", "London", "Valencia", "Toronto"]),  # España, Irlanda, Reino Unido
    ],
)
def test_apply_filter_sorts_countries_in_the_readers_language(translator, cities):
    assert [p.event.city for p in apply_filter(EVENTS, EventFilter(), translator=translator)] == cities


def test_query_is_the_same_in_every_language():
    """A shared link works in any language: codes and ISO dates, never names."""
    event_filter = EventFilter(dt.date(2013, 9, 1), dt.date(2013, 9, 30), frozenset(countries_present(EVENTS, SPANISH)))
    assert filter_to_query(event_filter) == {"country": "CA,ES,GB,IE", "from": "2013-09-01", "to": "2013-09-30"}


def test_date_span():
    assert date_span(EVENTS) == (dt.date(2013, 9, 3), dt.date(2013, 9, 20))
    assert date_span(()) is None


KNOWN = ["CA", "ES", "GB", "IE"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, EventFilter()),
        ({"country": "ES,GB"}, EventFilter(countries=frozenset({"ES", "GB"}))),
        ({"country": ["ES", "gb"]}, EventFilter(countries=frozenset({"ES", "GB"}))),
        ({"country": "España, United Kingdom"}, EventFilter(countries=frozenset({"ES", "GB"}))),
        ({"from": "2013-09-01", "to": "2013-09-30"}, EventFilter(dt.date(2013, 9, 1), dt.date(2013, 9, 30))),
        ({"from": ["2013-08-01", "2013-09-05"]}, EventFilter(date_from=dt.date(2013, 9, 5))),
    ],
)
def test_good_query(params, expected):
    assert filter_from_query(params, KNOWN) == (expected, ())


@pytest.mark.parametrize(
    ("params", "expected", "needle"),
    [
        ({"country": "ES,Narnia"}, EventFilter(countries=frozenset({"ES"})), "not a country we know"),
        ({"country": "FR"}, EventFilter(), "no events there yet"),
        ({"country": "x" * 5000}, EventFilter(), "overlong"),
        ({"from": "03/09/2013"}, EventFilter(), "dates are written YYYY-MM-DD"),
        ({"to": "<script>"}, EventFilter(), "dates are written YYYY-MM-DD"),
        ({"from": "2013-09-30", "to": "2013-09-01"}, EventFilter(), "is after"),
        ({"from": "2013-02-30"}, EventFilter(), "dates are written YYYY-MM-DD"),
    ],
)
def test_bad_query_values_are_ignored_with_a_notice(params, expected, needle):
    event_filter, notices = filter_from_query(params, KNOWN)
    assert event_filter == expected
    assert len(notices) == 1 and isinstance(notices[0], Message) and needle in str(notices[0])


@pytest.mark.parametrize(
    ("params", "english_text", "entries", "spanish_text"),
    [
        ({"country": "ES,Narnia"}, "Ignored country 'Narnia' in the address: not a country we know.",
         {"Ignored country {country!r} in the address: not a country we know.":
          "Se ha ignorado el país {country!r} de la dirección: no lo conocemos."},
         "Se ha ignorado el país 'Narnia' de la dirección: no lo conocemos."),
        ({"country": "FR"}, "Ignored country 'FR' in the address: no events there yet.",
         {"Ignored country {country!r} in the address: no events there yet.":
          "Se ha ignorado el país {country!r} de la dirección: aún no hay eventos allí."},
         "Se ha ignorado el país 'FR' de la dirección: aún no hay eventos allí."),
        ({"country": "x" * 5000}, "Ignored an overlong country value in the address.",
         {"Ignored an overlong country value in the address.":
          "Se ha ignorado un país demasiado largo de la dirección."},
         "Se ha ignorado un país demasiado largo de la dirección."),
        ({"from": "03/09/2013"}, "Ignored from='03/09/2013' in the address: dates are written YYYY-MM-DD.",
         {"Ignored {key}={value!r} in the address: dates are written YYYY-MM-DD.":
          "Se ha ignorado {key}={value!r} de la dirección: las fechas se escriben AAAA-MM-DD."},
         "Se ha ignorado from='03/09/2013' de la dirección: las fechas se escriben AAAA-MM-DD."),
        ({"from": "2013-09-30", "to": "2013-09-01"},
         "Ignored the dates in the address: from (2013-09-30) is after to (2013-09-01).",
         {"Ignored the dates in the address: from ({date_from}) is after to ({date_to}).":
          "Se han ignorado las fechas de la dirección: from ({date_from}) es posterior a to ({date_to})."},
         "Se han ignorado las fechas de la dirección: from (2013-09-30) es posterior a to (2013-09-01)."),
    ],
)
def test_notices_are_messages_in_the_readers_language(params, english_text, entries, spanish_text):
    _, (notice,) = filter_from_query(params, KNOWN)
    assert str(notice) == english().text(notice) == english_text
    assert fake_translator(entries, language="es").text(notice) == spanish_text


@pytest.mark.parametrize(
    "event_filter",
    [
        EventFilter(),
        EventFilter(countries=frozenset({"GB", "ES"})),
        EventFilter(dt.date(2013, 9, 1), dt.date(2013, 9, 30), frozenset({"IE"})),
        EventFilter(date_to=dt.date(2013, 9, 3)),
    ],
)
def test_query_round_trip(event_filter):
    query = filter_to_query(event_filter)
    assert filter_from_query(query, KNOWN) == (event_filter, ())


def test_query_format():
    query = filter_to_query(EventFilter(dt.date(2013, 9, 1), dt.date(2013, 9, 30), frozenset({"GB", "ES"})))
    assert query == {"country": "ES,GB", "from": "2013-09-01", "to": "2013-09-30"}


# --- near and radius: the place as typed, the radius in km ------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"near": "Cork, Ireland", "radius": "300"}, EventFilter(near="Cork, Ireland", radius_km=300.0)),
        ({"near": "Cork"}, EventFilter(near="Cork")),
        ({"near": "Nueva York"}, EventFilter(near="Nueva York")),
        ({"near": "  Göteborg \n"}, EventFilter(near="Göteborg")),
        ({"near": ["Dublin", "Cork"]}, EventFilter(near="Cork")),
        ({"near": ""}, EventFilter()),
        ({"radius": "12.5"}, EventFilter(radius_km=12.5)),
        ({"radius": "300 km"}, EventFilter(radius_km=300.0)),
        ({"radius": ["10", "20000"]}, EventFilter(radius_km=20000.0)),
        ({"country": "IE", "near": "Cork", "radius": "1"},
         EventFilter(countries=frozenset({"IE"}), near="Cork", radius_km=1.0)),
    ],
)
def test_good_near_and_radius(params, expected):
    assert filter_from_query(params, KNOWN) == (expected, ())


@pytest.mark.parametrize(
    ("params", "expected", "english_text"),
    [
        ({"near": "Cork", "radius": "abc"}, EventFilter(near="Cork"),
         "Ignored radius='abc' in the address: the radius is a number of kilometres from 1 to 20,000."),
        ({"radius": "0"}, EventFilter(),
         "Ignored radius='0' in the address: the radius is a number of kilometres from 1 to 20,000."),
        ({"radius": "-5"}, EventFilter(),
         "Ignored radius='-5' in the address: the radius is a number of kilometres from 1 to 20,000."),
        ({"radius": "50000"}, EventFilter(),
         "Ignored radius='50000' in the address: the radius is a number of kilometres from 1 to 20,000."),
        ({"radius": "nan"}, EventFilter(),
         "Ignored radius='nan' in the address: the radius is a number of kilometres from 1 to 20,000."),
        ({"radius": "<script>"}, EventFilter(),
         "Ignored radius='<script>' in the address: the radius is a number of kilometres from 1 to 20,000."),
        ({"near": "x" * 5000, "radius": "10"}, EventFilter(radius_km=10.0),
         "Ignored an overlong place in the address."),
    ],
)
def test_bad_radius_or_place_is_ignored_with_a_notice(params, expected, english_text):
    event_filter, notices = filter_from_query(params, KNOWN)
    assert event_filter == expected
    assert [str(n) for n in notices] == [english_text] and isinstance(notices[0], Message)


def test_radius_notice_in_the_readers_language():
    source = "Ignored radius={value!r} in the address: the radius is a number of kilometres from {low:,} to {high:,}."
    entries = {source:
               "Se ha ignorado radius={value!r} de la dirección: el radio es un número de kilómetros de {low:,} a "
               "{high:,}."}
    _, (notice,) = filter_from_query({"radius": "x"}, KNOWN)
    assert fake_translator(entries, language="es").text(notice) == (
        "Se ha ignorado radius='x' de la dirección: el radio es un número de kilómetros de 1 a 20.000.")


@pytest.mark.parametrize(
    "event_filter",
    [
        EventFilter(near="Cork, Ireland"),
        EventFilter(near="Cork, Ireland", radius_km=300.0),
        EventFilter(near="Nueva York", radius_km=12.5),
        EventFilter(radius_km=20000.0),
        EventFilter(dt.date(2013, 9, 1), None, frozenset({"IE"}), "Göteborg", 1.0),
    ],
)
def test_near_query_round_trip(event_filter):
    query = filter_to_query(event_filter)
    assert filter_from_query(query, KNOWN) == (event_filter, ())


def test_near_query_format():
    query = filter_to_query(EventFilter(near="Cork, Ireland", radius_km=300.0))
    assert query == {"near": "Cork, Ireland", "radius": "300"}
    assert filter_to_query(EventFilter(radius_km=12.5)) == {"radius": "12.5"}


def test_radius_defaults_to_250_km():
    assert EventFilter().radius_or_default == 250.0
    assert EventFilter(radius_km=30.0).radius_or_default == 30.0


def test_apply_filter_leaves_near_to_events_near():
    """The filter stays pure: the place is resolved and measured outside (places.nearby)."""
    near_cork = EventFilter(countries=frozenset({"ES"}), near="Cork", radius_km=1.0)
    assert [p.event.city for p in apply_filter(EVENTS, near_cork)] == ["Madrid", "Valencia"]
