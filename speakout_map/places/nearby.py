"""Events near a place: what a visitor typed, or where their browser is, and the events around it.

* :func:`resolve_place` turns what a visitor types ("Cork", "Nueva York",
  "Göteborg", "Cork, Ireland") into the likely places, best first, with the
  geocoder the settings ask for (the offline gazetteer, then the online
  service when it is switched on). An ambiguous name ("Valencia") gives
  several (Valencia, Venezuela and Valencia, Spain), so the page can offer a
  choice; the command line takes the first.
* :func:`place_at` is the place of a browser's position (named after the
  nearest gazetteer place, when one is close).
* :func:`events_near` measures every event's distance in one numpy call
  (:func:`speakout_map.places.distance.haversine_km`) and keeps those
  within the radius, nearest first; with none within, the few nearest
  anyway, flagged as outside it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from speakout_map.errors import PlaceNotFoundError
from speakout_map.languages.message import CountryName, msg
from speakout_map.languages.translator import Translator, english
from speakout_map.places.chain import GeocoderChain, call_geocode, gazetteer_of, source_of
from speakout_map.places.countries import fold_name
from speakout_map.places.distance import DEFAULT_RADIUS_KM, check_radius, haversine_km
from speakout_map.places.gazetteer import ALTERNATE_NAME_WEIGHT, GazetteerGeocoder
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.places.placing import not_found_message, place_from_location
from speakout_map.places.query import PlaceQuery

#: At most this many places are offered for an ambiguous name.
MAX_CANDIDATES = 5
#: A gazetteer place is offered only if it has at least this share of the best match's population,
#: a match on an alternate name counting as the gazetteer counts it ("Valencia" offers Venezuela's,
#: Spain's and California's, not Valence, France; "London" offers London, Ontario, not the hamlets).
LIKELY_SHARE = 0.02
#: Longest place text looked at (an address bar can hold anything).
MAX_PLACE_TEXT = 200
#: Events shown when none is within the radius.
FALLBACK_COUNT = 3
#: Place.source of a position the visitor's browser gave.
POSITION_SOURCE = "position"
#: A browser position is named after the nearest gazetteer place within this distance.
POSITION_NAME_KM = 50.0


def clean_place_text(text: str) -> str:
    """What a visitor typed, fit to look up and show: control characters as spaces, invisible ones dropped,
    spaces collapsed, at most :data:`MAX_PLACE_TEXT` characters."""
    kept = []
    for char in str(text)[: MAX_PLACE_TEXT * 2]:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" ")
        elif not category.startswith("C"):
            kept.append(char)
    return " ".join("".join(kept).split())[:MAX_PLACE_TEXT]


# --- resolving a typed place ------------------------------------------------------------


def place_label(place: Place, translator: Translator | None = None) -> str:
    """``Cork, Ireland`` (``Cork, Irlanda`` in Spanish): the place's name and its country in the reader's language."""
    t = translator or english()
    if place.country_code:
        return f"{place.name}, {t.country(place.country_code)}" if place.name else t.country(place.country_code)
    return place.name



@dataclass(frozen=True)
class PlaceMatches:
    """The places a text may mean, most likely first (at least one)."""

    text: str
    places: tuple[Place, ...]

    @property
    def best(self) -> Place:
        return self.places[0]

    @property
    def ambiguous(self) -> bool:
        """Whether to offer a choice: more than one likely place."""
        return len(self.places) > 1


def _as_list(found: Location | list[Location] | None) -> list[Location]:
    if found is None:
        return []
    return list(found) if isinstance(found, list) else [found]


def _weight(location: Location, key: str) -> float:
    """A gazetteer place's population, counted as the gazetteer ranks it: a match on an alternate name
    (Valence, France is also "Valencia") weighs as little as :data:`ALTERNATE_NAME_WEIGHT` says."""
    raw = location.raw if isinstance(location.raw, Mapping) else {}
    population = raw.get("population")
    if not isinstance(population, int) or isinstance(population, bool):
        return 0.0
    return float(population) if fold_name(str(raw.get("name") or "")) == key else population * ALTERNATE_NAME_WEIGHT


def _likely(locations: list[Location], city: str) -> list[Location]:
    """Drop gazetteer places far smaller than the best (hamlets of the same name, other places' old names)."""
    if not locations:
        return locations
    key = fold_name(city)
    top = _weight(locations[0], key)
    if not top:
        return locations
    return [locations[0], *(loc for loc in locations[1:] if _weight(loc, key) >= top * LIKELY_SHARE)]


def _lookup(geocoder: Geocoder, place: PlaceQuery, limit: int) -> list[Place]:
    """Places for ``place`` from the first geocoder (of a chain) that knows it."""
    gazetteer = gazetteer_of(geocoder)
    geocoders = geocoder.geocoders if isinstance(geocoder, GeocoderChain) else (geocoder,)
    query = place.as_query()
    for each in geocoders:
        if isinstance(each, GazetteerGeocoder):
            # Extra rows, as same-named places of one country are merged below.
            found = _likely(_as_list(each.geocode(query, exactly_one=False, limit=limit * 4)), place.city)
        else:
            found = _as_list(call_geocode(each, query, exactly_one=False))
        if not found:
            continue
        places: list[Place] = []
        seen: set[tuple[str, str]] = set()
        for location in found:
            item = place_from_location(location, source_of(each), place.country_code, gazetteer, place.city)
            key = (item.name.casefold(), item.country_code)
            if key not in seen:
                seen.add(key)
                places.append(item)
        return places[:limit]
    return []


def resolve_place(text: str, geocoder: Geocoder, *, limit: int = MAX_CANDIDATES) -> PlaceMatches:
    """The places a visitor's "Town" or "Town, Country" may mean, most likely first.

    Names in other languages are found through the gazetteer's alternate
    names ("Nueva York", "Göteborg", "Londres"). A part after the last comma
    that is no country stays part of the name, and if that finds nothing the
    part before the comma is tried alone ("Cork, Munster"). Of one name in
    one country only the biggest place is kept. Raises PlaceNotFoundError
    (its message says what to do) when nothing is found, and
    GeocoderUnavailableError when the online service, asked after the
    gazetteer, failed; both are GeocodingErrors.
    """
    cleaned = clean_place_text(text)
    head, comma, _ = cleaned.rpartition(",")
    if not cleaned.strip(", ") or (comma and not head.strip(", ")):
        raise PlaceNotFoundError(msg("write a town or city to search near, e.g. Cork, or Valencia, Spain"))
    place = PlaceQuery.from_query(cleaned)
    found = _lookup(geocoder, place, max(1, limit))
    if not found and comma and place.country_code is None and head.strip():
        found = _lookup(geocoder, PlaceQuery(head.strip()), max(1, limit))
    if not found:
        if place.country_code:
            raise PlaceNotFoundError(
                # Translators: {place!r} is the town as the visitor typed it, in quotes; {country} its country's name.
                msg("{place!r} could not be found in {country}; check the spelling, or try a bigger town nearby",
                    place=place.city, country=CountryName(place.country_code))
            )
        raise PlaceNotFoundError(not_found_message(cleaned, None))
    return PlaceMatches(cleaned, tuple(found))


def place_at(latitude: float, longitude: float, geocoder: Geocoder | None = None) -> Place:
    """The place of a position (e.g. the browser's), named after the nearest gazetteer place within 50 km.

    Raises ValueError for coordinates that are not finite or out of range.
    """
    lat, lon = float(latitude), float(longitude)
    if not (math.isfinite(lat) and math.isfinite(lon) and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValueError(f"({latitude!r}, {longitude!r}) is not a latitude and longitude")
    gazetteer = gazetteer_of(geocoder) if geocoder is not None else None
    nearest = gazetteer.reverse((lat, lon), max_distance_km=POSITION_NAME_KM) if gazetteer else None
    raw = nearest.raw if nearest is not None else {}
    return Place(
        name=str(raw.get("name") or ""),
        country_code=str(raw.get("country_code") or ""),
        latitude=lat,
        longitude=lon,
        timezone=str(raw.get("timezone") or ""),
        source=POSITION_SOURCE,
    )


# --- events near a place -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NearbyEvent:
    """An event and how far it is from the place searched near."""

    placed: PlacedEvent
    distance_km: float
    within_radius: bool


@dataclass(frozen=True)
class Nearby:
    """The events near a place, nearest first, and their distances in km (two tuples of one length).

    ``events`` are those within ``radius_km``; when none is (``none_within``),
    the :data:`FALLBACK_COUNT` nearest, outside it. The two tuples (rather
    than an object per event) keep 100,000 results cheap; :meth:`items` pairs them.
    """

    origin: Place
    radius_km: float
    events: tuple[PlacedEvent, ...]
    distances_km: tuple[float, ...]
    none_within: bool

    @property
    def count_within(self) -> int:
        return 0 if self.none_within else len(self.events)

    def items(self) -> Iterator[NearbyEvent]:
        """Each event with its distance and whether it is within the radius, nearest first."""
        for placed, distance in zip(self.events, self.distances_km, strict=True):
            yield NearbyEvent(placed, distance, not self.none_within)


def coordinates_of(placed: Sequence[PlacedEvent]) -> tuple[np.ndarray, np.ndarray]:
    """The latitudes and longitudes where events are shown, as two float64 arrays."""
    count = len(placed)
    lats = np.fromiter((p.place.latitude for p in placed), dtype=np.float64, count=count)
    lons = np.fromiter((p.place.longitude for p in placed), dtype=np.float64, count=count)
    return lats, lons


def distances_from(
    origin: Place, placed: Sequence[PlacedEvent], coordinates: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Each event's great-circle distance in km from ``origin``, in one vectorised call.

    ``coordinates`` are the events' :func:`coordinates_of`, if already known
    (a page can keep them with the version it shows).
    """
    lats, lons = coordinates_of(placed) if coordinates is None else coordinates
    if len(lats) != len(placed) or len(lons) != len(placed):
        raise ValueError(f"{len(lats)} latitudes and {len(lons)} longitudes for {len(placed)} events")
    return haversine_km(origin.latitude, origin.longitude, lats, lons)


def events_near(
    placed: Sequence[PlacedEvent],
    origin: Place | tuple[float, float],
    radius_km: float = DEFAULT_RADIUS_KM,
    *,
    fallback: int = FALLBACK_COUNT,
    limit: int | None = None,
    coordinates: tuple[np.ndarray, np.ndarray] | None = None,
) -> Nearby:
    """Events within ``radius_km`` of ``origin``, nearest first (equal distances keep their given order).

    ``origin`` is a Place, or a (latitude, longitude) pair. None within: the
    ``fallback`` nearest anyway, flagged (``none_within``). ``limit`` caps
    how many are returned.
    ``coordinates``: the events' :func:`coordinates_of`, if kept from before.
    Raises RadiusError for a radius out of bounds (1 to 20,000 km). Events
    whose coordinates are not numbers are left out.
    """
    radius = check_radius(radius_km)
    if not isinstance(origin, Place):
        origin = place_at(*origin)
    placed = placed if isinstance(placed, Sequence) else tuple(placed)
    distances = distances_from(origin, placed, coordinates)
    inside = np.flatnonzero(distances <= radius)
    none_within = inside.size == 0
    chosen = np.flatnonzero(np.isfinite(distances)) if none_within else inside
    order = chosen[np.argsort(distances[chosen], kind="stable")]
    count = fallback if none_within else len(order)
    if limit is not None:
        count = min(count, max(0, limit))
    order = order[:count]
    events = tuple(map(placed.__getitem__, order.tolist()))
    return Nearby(origin, radius, events, tuple(distances[order].tolist()), none_within)
