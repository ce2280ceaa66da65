"""Events near a place: resolving what a visitor types, a browser's position, the events by distance."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from speakout_map.errors import GeocodingError, PlaceNotFoundError, RadiusError
from speakout_map.events.model import Event
from speakout_map.languages.message import Message
from speakout_map.places.distance import DEFAULT_RADIUS_KM
from speakout_map.places.nearby import (
    MAX_CANDIDATES,
    MAX_PLACE_TEXT,
    POSITION_SOURCE,
    Nearby,
    NearbyEvent,
    clean_place_text,
    coordinates_of,
    events_near,
    place_at,
    resolve_place,
)
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.places.placing import locate
from tests.i18n_support import fake_translator


def placed_in(city: str, code: str, gazetteer, day: int = 3) -> PlacedEvent:
    """An event placed where the offline gazetteer puts its city."""
    return PlacedEvent(Event(city=city, country_code=code, date=dt.date(2013, 9, day)), locate(city, code, gazetteer))


def at(city: str, latitude: float, longitude: float, day: int = 3) -> PlacedEvent:
    return PlacedEvent(Event(city=city, country_code="XX", date=dt.date(2013, 9, day)),
                       Place(city, "XX", latitude, longitude))


# --- resolving what a visitor types -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        ("Cork", "Cork", "IE"),
        ("cork", "Cork", "IE"),
        ("Cork, Ireland", "Cork", "IE"),
        ("Cork, IE", "Cork", "IE"),
        ("Cork, Irlanda", "Cork", "IE"),
        ("Nueva York", "New York City", "US"),  # a Spanish name, through the gazetteer's alternate names
        ("Göteborg", "Gothenburg", "SE"),  # the Swedish name
        ("Goteborg", "Gothenburg", "SE"),
        ("München", "Munich", "DE"),
        ("Valencia, Spain", "Valencia", "ES"),
        ("Valencia, Venezuela", "Valencia", "VE"),
        ("  Galway\n", "Galway", "IE"),
        ("Cork, Munster", "Cork", "IE"),  # a last part that is no country: the town before it
    ],
)
def test_resolve_typed_places(gazetteer, text, name, code):
    matches = resolve_place(text, gazetteer)
    assert (matches.best.name, matches.best.country_code) == (name, code)
    assert matches.best.source == "gazetteer" and matches.best.timezone


def test_an_ambiguous_name_offers_the_likely_places_biggest_first(gazetteer):
    matches = resolve_place("Valencia", gazetteer)
    codes = [p.country_code for p in matches.places]
    assert codes[:2] == ["VE", "ES"], "Valencia, Venezuela is the bigger city"
    assert matches.ambiguous and 2 <= len(codes) <= MAX_CANDIDATES
    assert len(set(codes)) == len(codes), "one place per name and country, so each choice reads differently"
    assert "FR" not in codes, "Valence, France is only called Valencia in other languages"


@pytest.mark.parametrize(("text", "limit"), [("Valencia", 1), ("Dublin", 2), ("Springfield", 5)])
def test_resolve_limit(gazetteer, text, limit):
    assert len(resolve_place(text, gazetteer, limit=limit).places) <= limit


@pytest.mark.parametrize("text", ["Cork", "Nueva York", "Göteborg", "Valencia, Spain"])
def test_a_clear_name_is_not_ambiguous(gazetteer, text):
    matches = resolve_place(text, gazetteer)
    assert not matches.ambiguous and len(matches.places) == 1


def test_london_does_not_offer_hamlets_called_london(gazetteer):
    places = resolve_place("London", gazetteer).places
    assert places[0].country_code == "GB"
    assert len(places) <= 2  # London, Ontario is big enough to offer; the many small Londons are not


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Plughville", "'Plughville' could not be found; check the spelling, or add the country"),
        ("Plughville, Spain", "'Plughville' could not be found in Spain; check the spelling, or try a bigger town"),
        ("Cork, Spain", "'Cork' could not be found in Spain"),
        ("", "write a town or city to search near"),
        ("  \x00\n ", "write a town or city to search near"),
        (", Spain", "write a town or city to search near"),
    ],
)
def test_a_place_not_found_says_what_to_do(gazetteer, text, needle):
    with pytest.raises(PlaceNotFoundError) as caught:
        resolve_place(text, gazetteer)
    assert isinstance(caught.value.text, Message)
    assert needle in str(caught.value)


def test_not_found_is_named_in_the_readers_language(gazetteer):
    spanish = fake_translator({}, language="es")
    with pytest.raises(PlaceNotFoundError) as caught:
        resolve_place("Plughville, Spain", gazetteer)
    assert "España" in spanish.text(caught.value.text)


def test_the_online_geocoder_answers_what_the_gazetteer_does_not(chain, nominatim):
    matches = resolve_place("Xyzzyville, Spain", chain)
    assert (matches.best.latitude, matches.best.longitude, matches.best.country_code) == (40.2, -3.6, "ES")
    assert matches.best.source == "nominatim" and matches.best.timezone == "Europe/Madrid"
    resolve_place("Cork", chain)
    assert len(nominatim.requests) == 1, "the gazetteer knew Cork: no request for it"


def test_an_online_failure_is_a_geocoding_error(chain, nominatim):
    nominatim.statuses.extend([503] * 10)
    with pytest.raises(GeocodingError):
        resolve_place("Xyzzyville, Spain", chain)


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("  Cork,   Ireland ", "Cork, Ireland"),
        ("Cork\x00\u200b\n", "Cork"),
        ("x" * 1000, "x" * MAX_PLACE_TEXT),
        ("Nueva York", "Nueva York"),
    ],
)
def test_clean_place_text(text, cleaned):
    assert clean_place_text(text) == cleaned


# --- a browser's position ------------------------------------------------------------------


def test_a_position_is_named_after_the_nearest_town(gazetteer):
    place = place_at(51.90, -8.47, gazetteer)
    assert (place.name, place.country_code, place.timezone, place.source) == ("Cork", "IE", "Europe/Dublin",
                                                                             POSITION_SOURCE)
    assert (place.latitude, place.longitude) == (51.90, -8.47), "the position itself, not the town's"


@pytest.mark.parametrize("geocoder", ["gazetteer", None])
def test_a_position_far_from_any_town_has_no_name(request, geocoder):
    place = place_at(0.0, -30.0, request.getfixturevalue(geocoder) if geocoder else None)
    assert (place.name, place.country_code) == ("", "")


@pytest.mark.parametrize("position", [(91.0, 0.0), (0.0, 181.0), (float("nan"), 0.0), (0.0, float("inf"))])
def test_a_position_out_of_range_is_refused(position):
    with pytest.raises(ValueError):
        place_at(*position)


# --- events near a place ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def irish_and_more(gazetteer):
    return (
        placed_in("Dublin", "IE", gazetteer),
        placed_in("Madrid", "ES", gazetteer),
        placed_in("Galway", "IE", gazetteer),
        placed_in("London", "GB", gazetteer),
        placed_in("Limerick", "IE", gazetteer),
    )


def test_cork_finds_galway_nearer_than_dublin(gazetteer, irish_and_more):
    cork = resolve_place("Cork", gazetteer).best
    nearby = events_near(irish_and_more, cork)
    assert [placed.event.city for placed in nearby.events] == ["Limerick", "Galway", "Dublin"]
    distances = list(nearby.distances_km)
    assert distances == sorted(distances)
    assert 140 < distances[1] < 175 and 200 < distances[2] < 240  # Galway about 158 km, Dublin about 219 km
    assert nearby.radius_km == DEFAULT_RADIUS_KM == 250.0
    assert not nearby.none_within and nearby.count_within == 3
    assert all(item.within_radius for item in nearby.items())
    assert [item.distance_km for item in nearby.items()] == distances


def test_the_radius_is_the_visitors(gazetteer, irish_and_more):
    cork = resolve_place("Cork", gazetteer).best
    assert [p.event.city for p in events_near(irish_and_more, cork, 180).events] == ["Limerick", "Galway"]
    wide = events_near(irish_and_more, cork, 2000)
    assert [p.event.city for p in wide.events] == ["Limerick", "Galway", "Dublin", "London", "Madrid"]


def test_none_within_gives_the_three_nearest_flagged_outside(gazetteer, irish_and_more):
    new_york = resolve_place("Nueva York", gazetteer).best
    nearby = events_near(irish_and_more, new_york, 100)
    assert nearby.none_within and nearby.count_within == 0
    assert [p.event.city for p in nearby.events] == ["Galway", "Limerick", "Dublin"]
    assert not any(i.within_radius for i in nearby.items())
    assert all(d > 100 for d in nearby.distances_km) and len(nearby.distances_km) == 3


@pytest.mark.parametrize("events", [(), (at("Nowhere", float("nan"), 0.0),)])
def test_no_events_at_all(events):
    nearby = events_near(events, (51.9, -8.47))
    assert nearby.events == () and nearby.none_within


def test_an_event_without_coordinates_is_left_out(irish_and_more):
    broken = at("Broken", float("nan"), float("nan"))
    nearby = events_near((broken, *irish_and_more), (53.35, -6.26), 20000)
    assert "Broken" not in [p.event.city for p in nearby.events]
    assert len(nearby.events) == len(irish_and_more)


def test_equal_distances_keep_the_given_order():
    events = (at("First", 1.0, 0.0, day=3), at("Second", -1.0, 0.0, day=4), at("Here", 0.0, 0.0, day=5))
    nearby = events_near(events, (0.0, 0.0), 500)
    assert [p.event.city for p in nearby.events] == ["Here", "First", "Second"]
    assert nearby.distances_km[0] == 0.0


@pytest.mark.parametrize(("limit", "fallback", "radius", "count"), [(2, 3, 500, 2), (None, 1, 1, 1), (0, 3, 500, 0)])
def test_limit_and_fallback(limit, fallback, radius, count):
    events = tuple(at(f"E{i}", 0.0, i * 0.5) for i in range(10))
    assert len(events_near(events, (0.0, 30.0), radius, fallback=fallback, limit=limit).events) == count


def test_a_tuple_origin_is_a_position():
    nearby = events_near((at("Here", 10.0, 10.0),), (10.0, 10.0))
    assert nearby.origin.source == POSITION_SOURCE and nearby.origin.latitude == 10.0


@pytest.mark.parametrize("radius", [0, 0.5, 20001, float("nan"), -10])
def test_a_radius_out_of_bounds_is_refused(radius):
    with pytest.raises(RadiusError):
        events_near((), (0.0, 0.0), radius)


def test_results_are_frozen(irish_and_more):
    nearby = events_near(irish_and_more, (53.35, -6.26))
    first = next(nearby.items())
    assert isinstance(nearby, Nearby) and isinstance(first, NearbyEvent)
    assert isinstance(nearby.events, tuple) and isinstance(nearby.distances_km, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        nearby.radius_km = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.distance_km = 0.0  # type: ignore[misc]


def test_many_events_in_one_call():
    """Many events measured in one call (the speed for 100,000 is measured in bench/bench_nearby.py)."""
    import numpy as np

    rng = np.random.default_rng(7)
    lats, lons = rng.uniform(-60, 70, 20_000), rng.uniform(-180, 180, 20_000)
    events = [at("E", float(a), float(b)) for a, b in zip(lats, lons)]
    nearby = events_near(events, (51.9, -8.47), 500)
    distances = list(nearby.distances_km)
    assert distances == sorted(distances) and all(d <= 500 for d in distances)
    coordinates = coordinates_of(events)
    assert events_near(events, (51.9, -8.47), 500, coordinates=coordinates) == nearby
    expected = int(np.count_nonzero(
        2 * 6371.0088 * np.arcsin(np.sqrt(np.sin(np.radians(lats - 51.9) / 2) ** 2 + np.cos(np.radians(51.9))
                                          * np.cos(np.radians(lats)) * np.sin(np.radians(lons + 8.47) / 2) ** 2))
        <= 500))
    assert len(distances) == expected > 0


def test_kept_coordinates_must_be_the_events():
    events = (at("A", 1.0, 1.0), at("B", 2.0, 2.0))
    with pytest.raises(ValueError):
        events_near(events, (0.0, 0.0), coordinates=coordinates_of(events[:1]))
