"""Putting events on the map: one road from a row to a marker.

An event's country is an ISO code from the moment its row is read, so a
place is asked for as the structured query ``{"city": ..., "country": code}``
(:class:`speakout_map.places.query.PlaceQuery`), which every geocoder of
this package takes as it is; nothing turns the code into a name to parse back.

* :func:`locate` turns a city, a country and (if given) a region into a :class:`Place`.
* :func:`place_events` places a batch of events and reports, row by row,
  what could not be placed (a :class:`Placing`); no event is ever dropped
  silently.
* :func:`geocode_query` answers a "City, Country" typed on the command line:
  the text is read once into the structured place, then takes the same road.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from speakout_map.errors import GeocoderUnavailableError, GeocodingError, PlaceNotFoundError, UnknownCountryError
from speakout_map.events.model import Event, Problem
from speakout_map.places.chain import GeocoderChain, call_geocode, gazetteer_of, source_of
from speakout_map.languages.message import CountryName, Message, Text, msg
from speakout_map.places.countries import fold_name, resolve_country
from speakout_map.places.gazetteer import GazetteerGeocoder
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.places.query import PlaceQuery, normalise_codes, parse_place_text
from speakout_map.places.regions import UnknownRegionError

#: The Place.source of events placed at the coordinates given in their row.
CSV_SOURCE = "csv"


@dataclass(frozen=True)
class Placing:
    """What placing a batch of events gave: the placed events, and a Problem per event that was not."""

    placed: tuple[PlacedEvent, ...]
    problems: tuple[Problem, ...]
    #: Why the online geocoder failed, if it did (the batch then went on with the gazetteer only);
    #: a Message (see :func:`speakout_map.places.services.describe_failure`), rendered when shown.
    online_failure: Text | None = None


def _timezone_near(gazetteer: GazetteerGeocoder | None, latitude: float, longitude: float, country_code: str) -> str:
    """Time zone of the nearest gazetteer place in the country (else anywhere), "" if none."""
    if gazetteer is None:
        return ""
    # The gazetteer's nearest places, as its reverse() finds them, without making geopy Locations of them.
    nearest = gazetteer.nearest(latitude, longitude, normalise_codes(country_code)) if country_code else []
    if not nearest:
        nearest = gazetteer.nearest(latitude, longitude)
    return nearest[0][1].timezone if nearest else ""


def _timezones_near(
    gazetteer: GazetteerGeocoder | None, points: Iterable[tuple[float, float, str]]
) -> dict[tuple[float, float, str], str]:
    """:func:`_timezone_near` of each distinct point, the gazetteer asked about many points at once."""
    points = list(dict.fromkeys(points))
    if gazetteer is None:
        return dict.fromkeys(points, "")
    # Codes read first, as _timezone_near reads them (an unknown one raises the same error), each once.
    codes_of = {code: normalise_codes(code) if code else None for code in dict.fromkeys(code for *_, code in points)}
    asked = [(latitude, longitude, codes_of[code]) for latitude, longitude, code in points]
    zones = {}
    for point, (latitude, longitude, codes), near in zip(points, asked, gazetteer.nearest_many(asked)):
        if near is None and codes is not None:  # no place in the country: the nearest anywhere
            anywhere = gazetteer.nearest(latitude, longitude)
            near = anywhere[0] if anywhere else None
        zones[point] = near[1].timezone if near is not None else ""
    return zones


def _country_near(gazetteer: GazetteerGeocoder | None, latitude: float, longitude: float) -> str:
    if gazetteer is None:
        return ""
    nearest = gazetteer.reverse((latitude, longitude))
    return "" if nearest is None else str(nearest.raw.get("country_code") or "")


def _online_name(location: Location, fallback: str) -> str:
    raw = location.raw if isinstance(location.raw, Mapping) else {}
    name = raw.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    first = (location.address or "").split(",")[0].strip()
    return first or fallback


def place_from_location(
    location: Location, source: str, country_code: str | None, gazetteer: GazetteerGeocoder | None, city: str
) -> Place:
    """A Place from a geocoder's answer; online answers get their time zone from the gazetteer."""
    raw = location.raw if isinstance(location.raw, Mapping) else {}
    if source == GazetteerGeocoder.source_name and "geonameid" in raw:
        return Place(
            name=str(raw["name"]),
            country_code=str(raw["country_code"]),
            latitude=location.latitude,
            longitude=location.longitude,
            timezone=str(raw.get("timezone") or ""),
            source=source,
        )
    code = country_code or _country_near(gazetteer, location.latitude, location.longitude)
    return Place(
        name=_online_name(location, city),
        country_code=code,
        latitude=location.latitude,
        longitude=location.longitude,
        timezone=_timezone_near(gazetteer, location.latitude, location.longitude, code),
        source=source,
    )


def _geocode_tagged(geocoder: Geocoder, place: PlaceQuery) -> tuple[Location, str] | None:
    query = place.as_query()
    if isinstance(geocoder, GeocoderChain):
        return geocoder.geocode_tagged(query)
    found = call_geocode(geocoder, query)
    if isinstance(found, list):
        found = found[0] if found else None
    return None if found is None else (found, source_of(geocoder))


def not_found_message(city: str, country_code: str | None, region: str = "") -> Message:
    """What to tell someone whose place no geocoder found (the country named in the reader's language)."""
    if country_code and region:
        # Translators: {city!r} and {region!r} are the city and the region (state, province) as the organiser
        # wrote them, in quotes; {country} is the country's name.
        return msg(
            "{city!r} could not be found in {region!r} ({country}); "
            "check the spelling of the city and region, or add latitude and longitude",
            city=city, region=region, country=CountryName(country_code),
        )
    if country_code:
        # Translators: {city!r} is the city as the organiser wrote it, in quotes; {country} is its country's name.
        return msg(
            "{city!r} could not be found in {country}; "
            "check the spelling of the city and country, or add latitude and longitude",
            city=city, country=CountryName(country_code),
        )
    # Translators: {city!r} is the place as it was written, in quotes.
    return msg(
        "{city!r} could not be found; check the spelling, or add the country after a comma (e.g. Valencia, Spain)",
        city=city,
    )


def _locate(city: str, country_code: str | None, geocoder: Geocoder, region: str = "") -> Place:
    name, region = city.strip(), region.strip()
    if not name:
        raise PlaceNotFoundError(msg("no city given; write the city's name"))
    found = _geocode_tagged(geocoder, PlaceQuery(name, country_code, region))
    if found is None:
        raise PlaceNotFoundError(not_found_message(name, country_code, region))
    location, source = found
    return place_from_location(location, source, country_code, gazetteer_of(geocoder), name)


def locate(city: str, country: str, geocoder: Geocoder, region: str = "") -> Place:
    """Where ``city`` in ``country`` (an ISO code, or a country's name), in ``region`` if given, is.

    The geocoder is asked for {"city": city, "state": region, "country": ISO
    code}. Raises PlaceNotFoundError if no geocoder knows it,
    UnknownCountryError for an unknown country, UnknownRegionError for a
    region the country does not have (when the geocoder has the gazetteer),
    GeocoderUnavailableError if an online service failed.
    """
    return _locate(city, resolve_country(country), geocoder, region)


CityKey = tuple[str, str, str]


def _city_keys(events: Sequence[Event]) -> list[CityKey | None]:
    """Each event's (folded city, country code, folded region), as place_events memoises it; None for an event
    with coordinates."""
    folded: dict[str, str] = {}  # a campaign's file names the same cities (and regions) again and again
    keys: list[CityKey | None] = []
    for event in events:
        if event.has_coordinates:
            keys.append(None)
            continue
        for text in (event.city, event.region):
            if text not in folded:
                folded[text] = fold_name(text)
        keys.append((folded[event.city], event.country_code, folded[event.region]))
    return keys


def _region_problems(events: Sequence[Event], gazetteer: GazetteerGeocoder | None) -> dict[int, Problem]:
    """A Problem (column region) for each event, by position, whose region its country does not have.

    Each distinct (country, region) is looked up once; events with
    coordinates are checked too. Without the gazetteer (a geocoder of
    another kind) regions are not checked, only passed on.
    """
    problems: dict[int, Problem] = {}
    if gazetteer is None:
        return problems
    for at, event in enumerate(events):
        if not event.region.strip():
            continue
        try:
            gazetteer.region_code(event.region, resolve_country(event.country_code))
        except UnknownRegionError as error:
            problems[at] = Problem(event.row, "region", _message_of(error))
        except UnknownCountryError:
            continue  # said for the country, where it is placed
    return problems


def _found_in_gazetteer(
    events: Sequence[Event], keys: Sequence[CityKey | None], geocoder: Geocoder,
    gazetteer: GazetteerGeocoder | None,
) -> dict[CityKey, Place | PlaceNotFoundError]:
    """What :func:`locate` gives the events' distinct cities (without coordinates), the gazetteer asked once.

    Keyed as :func:`place_events` memoises (``keys``, of :func:`_city_keys`). A
    city the gazetteer does not know is left out (the online geocoder, if any,
    is asked for it one by one), or, when ``geocoder`` is the gazetteer alone,
    is the error ``locate`` raises. Only the gazetteer and a chain (which asks
    the gazetteer first) are answered for: any other geocoder is asked as it is.
    """
    if gazetteer is None or not (geocoder is gazetteer or isinstance(geocoder, GeocoderChain)):
        return {}
    asked: dict[CityKey, PlaceQuery] = {}
    for event, key in zip(events, keys):
        if key is None or key in asked or not key[0]:
            continue
        try:
            asked[key] = PlaceQuery(event.city.strip(), resolve_country(event.country_code), event.region.strip())
        except UnknownCountryError:
            continue  # said by locate, in the loop
    found: dict[CityKey, Place | PlaceNotFoundError] = {}
    for (key, place), location in zip(asked.items(), gazetteer.geocode_many(list(asked.values()))):
        if location is not None:
            found[key] = place_from_location(location, source_of(gazetteer), place.country_code, gazetteer, place.city)
        elif geocoder is gazetteer:
            found[key] = PlaceNotFoundError(not_found_message(place.city, place.country_code, place.region))
    return found


def _placed_at_coordinates(event: Event, timezone: str) -> Place:
    assert event.latitude is not None and event.longitude is not None
    return Place(
        name=event.city,
        country_code=event.country_code,
        latitude=event.latitude,
        longitude=event.longitude,
        timezone=timezone,
        source=CSV_SOURCE,
    )


def _online_failure_message(event: Event, error: GeocoderUnavailableError) -> Message:
    where = CountryName(event.country_code) if event.country_code else msg("its country")
    # Translators: {city!r} is the city as written, in quotes; {country} its country's name; {failure} says
    # how the online geocoder failed and what to do (e.g. "the online geocoder nominatim did not answer in
    # time (timed out); try again later").
    return msg(
        "{city!r} ({country}) is not in the offline gazetteer, and {failure}, or add latitude and longitude",
        city=event.city, country=where, failure=error.text,
    )


def _message_of(error: GeocodingError | UnknownCountryError | UnknownRegionError) -> Message:
    """An error's message for a Problem (the library's own are Messages already)."""
    if isinstance(error.text, Message):
        return error.text
    return Message("{reason}", (("reason", error.text),))  # text from outside the app, shown as it is


def place_events(
    events: Iterable[Event],
    geocoder: Geocoder,
    *,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 50,
) -> Placing:
    """Place every event; each one that cannot be placed gives a Problem for its row.

    Events with latitude and longitude are placed there (source "csv"),
    with the time zone of the nearest gazetteer place (once per distinct
    point). An event's region (any event's, with coordinates too) must be
    one of its country's, else it gives a Problem for column region and is
    not placed; a known region narrows the search for its city to that
    region. Identical city/country/region queries are looked up once; the gazetteer
    is asked about every distinct city and point first, in a few queries
    (:mod:`speakout_map.places.gazetteer_batch`). After the first
    online failure the rest of the batch uses the gazetteer only, so a dead
    service costs one timeout rather than one per row; the failure's message
    is the result's ``online_failure``. ``progress`` is called with
    (done, total) at the start, every ``progress_every`` events and at the end.
    """
    events = tuple(events)
    gazetteer = gazetteer_of(geocoder)
    active = geocoder
    online_failure: GeocoderUnavailableError | None = None
    if progress:
        progress(0, len(events))
    # The gazetteer is asked about every distinct city and point first, in a few queries.
    region_problems = _region_problems(events, gazetteer)
    keys = [None if at in region_problems else key for at, key in enumerate(_city_keys(events))]
    memo: dict[CityKey, Place | GeocodingError | UnknownCountryError | UnknownRegionError] = dict(
        _found_in_gazetteer(events, keys, geocoder, gazetteer))
    zones = _timezones_near(gazetteer, ((e.latitude, e.longitude, e.country_code) for e in events if e.has_coordinates))
    placed: list[PlacedEvent] = []
    problems: list[Problem] = []
    for done, (event, key) in enumerate(zip(events, keys), start=1):
        if progress and done > 1 and (done - 1) % max(1, progress_every) == 0:
            progress(done - 1, len(events))
        if done - 1 in region_problems:
            problems.append(region_problems[done - 1])
            continue
        if key is None:  # placed at its coordinates
            point = (event.latitude, event.longitude, event.country_code)
            zone = zones.get(point)
            if zone is None:  # a point no dict finds again (not a number)
                zone = _timezone_near(gazetteer, *point)
            placed.append(PlacedEvent(event, _placed_at_coordinates(event, zone)))
            continue
        if key not in memo:
            try:
                memo[key] = locate(event.city, event.country_code, active, event.region)
            except GeocoderUnavailableError as error:
                memo[key] = error
                if isinstance(active, GeocoderChain):
                    online_failure, active = error, active.without_online()
            except PlaceNotFoundError as error:
                memo[key] = online_failure if online_failure is not None else error
            except (UnknownCountryError, UnknownRegionError) as error:
                memo[key] = error
        result = memo[key]
        if isinstance(result, Place):
            placed.append(PlacedEvent(event, result))
        elif isinstance(result, GeocoderUnavailableError):
            problems.append(Problem(event.row, "city", _online_failure_message(event, result)))
        elif isinstance(result, UnknownCountryError):
            problems.append(Problem(event.row, "country", _message_of(result)))
        elif isinstance(result, UnknownRegionError):
            problems.append(Problem(event.row, "region", _message_of(result)))
        else:
            problems.append(Problem(event.row, "city", _message_of(result)))
    if progress and events:
        progress(len(events), len(events))
    return Placing(tuple(placed), tuple(problems), None if online_failure is None else online_failure.text)


def _split_region(city: str, country_code: str | None, gazetteer: GazetteerGeocoder | None) -> tuple[str, str]:
    """("Springfield", "IL") of "Springfield, IL" when IL is a region of the country; else (city, "")."""
    head, comma, tail = city.rpartition(",")
    if not comma or not head.strip() or not tail.strip() or not country_code or gazetteer is None:
        return city, ""
    try:
        gazetteer.region_code(tail, country_code)
    except UnknownRegionError:
        return city, ""
    return head.strip(), tail.strip()


def geocode_query(text: str, geocoder: Geocoder) -> dict[str, object]:
    """Answer "City, Country" (country after the last comma), "City, Region, Country" or "City", for the CLI.

    The text is read once into the structured place, which is then located
    like an event's; a part before the country that is one of its regions
    ("Springfield, IL, US") is read as the region. Returns query, name,
    country_code, latitude, longitude, timezone and source; or query and error.
    """
    query = text.strip()
    try:
        if not query:
            raise PlaceNotFoundError("nothing to look up; write a city, or City, Country")
        city, code = parse_place_text(query)
        city, region = _split_region(city, code, gazetteer_of(geocoder))
        place = _locate(city, code, geocoder, region)
    except (GeocodingError, UnknownCountryError) as error:
        return {"query": text, "error": str(error)}
    return {
        "query": text,
        "name": place.name,
        "country_code": place.country_code,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "timezone": place.timezone,
        "source": place.source,
    }
