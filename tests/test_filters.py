"""Date and country filters, and the URL query that shares them."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events.model import Event
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.maps.filters import (
    EventFilter,
    apply_filter,
    countries_present,
    date_span,
    filter_from_query,
    filter_to_query,
)


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
    assert len(notices) == 1 and needle in notices[0]


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
