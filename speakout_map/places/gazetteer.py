"""The offline gazetteer geocoder: places of 500+ people, looked up in the local index.

:class:`GazetteerGeocoder` opens the SQLite index that
:mod:`speakout_map.places.gazetteer_index` builds, and follows geopy's
interface (``geocode`` / ``reverse`` returning :class:`geopy.location.Location`),
so it can stand in for, or in front of, any geopy service. It never uses the
network.

``geocode`` takes the structured place placing sends, ``{"city": "Valencia",
"country": "ES"}``, as it is; a plain "City, Country" text (a person typing)
is split at its last comma.

Matching is case-, accent- and punctuation-insensitive
(:func:`speakout_map.places.countries.fold_name`) over each place's name and all
its alternate names. Candidates are ranked by population, biggest first, so an
ambiguous name goes to the place people most likely mean ("Valencia, ES" is
the city of Valencia, "London" alone is London, England), within the
query's region (``"state"``: "Springfield", "IL", "US" is Springfield,
Illinois; see :mod:`speakout_map.places.regions`) when it has one; a match on a
place's own name beats a match on one of its alternate names unless that
place is over 100 times bigger (see ``ALTERNATE_NAME_WEIGHT``).
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from geopy.adapters import BaseSyncAdapter
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from speakout_map.errors import GazetteerError
from speakout_map.places.countries import country_name, fold_name, resolve_country
from speakout_map.places.gazetteer_batch import best_places, places_in_first_boxes
from speakout_map.places.gazetteer_index import ensure_index, header_size_ok, meta_ok, open_read_only, read_meta
from speakout_map.places.query import PlaceQuery, normalise_codes
from speakout_map.places.regions import RegionIndex

SOURCE_NAME = "gazetteer"
#: How much an alternate-name match's population counts against a primary-name
#: match's: an alternate name wins only for a place over 100 times as big.
#: GeoNames lists old and colloquial names as alternates (Richmond, Virginia is
#: also "Manchester"), so "Manchester, US" must stay Manchester, New Hampshire,
#: while "Napoli", "München" or "Mexico DF" still reach the big city.
ALTERNATE_NAME_WEIGHT = 0.01
_EARTH_RADIUS_KM = 6371.0088
_KM_PER_DEGREE = math.pi * _EARTH_RADIUS_KM / 180.0
#: Places beyond ``limit`` that reverse() re-ranks by exact distance.
_REVERSE_CANDIDATES = 64
#: Half the side, in degrees of latitude (about 2 km), of the first box nearest() looks in: most points
#: (an event's venue) have a place within it, and a small box is read quickly even in a dense country.
_FIRST_SPAN = 0.02

_CITY_COLUMNS = "c.geonameid, c.name, c.country_code, c.admin1_code, c.latitude, c.longitude, c.population, c.timezone"


@dataclass(frozen=True)
class CityRow:
    """One gazetteer place, as stored in the index."""

    geonameid: int
    name: str
    country_code: str
    admin1_code: str
    latitude: float
    longitude: float
    population: int
    timezone: str

    def as_raw(self) -> dict[str, object]:
        return {
            "geonameid": self.geonameid,
            "name": self.name,
            "country_code": self.country_code,
            "admin1_code": self.admin1_code,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "population": self.population,
            "timezone": self.timezone,
            "source": SOURCE_NAME,
        }


class OfflineAdapter(BaseSyncAdapter):
    """geopy wants an HTTP adapter; the gazetteer must never use one."""

    def get_json(self, url, *, timeout, headers):  # pragma: no cover - never called
        raise RuntimeError("the offline gazetteer does not use the network")

    def get_text(self, url, *, timeout, headers):  # pragma: no cover - never called
        raise RuntimeError("the offline gazetteer does not use the network")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))



def _longitude_ranges(lon: float, span: float) -> list[tuple[float, float]]:
    """Longitude interval(s) of half-width ``span`` around ``lon``, split at the antimeridian."""
    if span >= 180.0:
        return [(-180.0, 180.0)]
    low, high = lon - span, lon + span
    ranges = [(max(low, -180.0), min(high, 180.0))]
    if low < -180.0:
        ranges.append((low + 360.0, 180.0))
    if high > 180.0:
        ranges.append((-180.0, high - 360.0))
    return ranges


def _longitude_span(lat: float, lat_span: float) -> float:
    edge = min(89.999, abs(lat) + lat_span)
    return 180.0 if edge >= 89.0 else min(180.0, lat_span / math.cos(math.radians(edge)))


def _rank_by_distance(latitude: float, longitude: float, places: Iterable[CityRow]) -> list[tuple[float, CityRow]]:
    ranked = ((haversine_km(latitude, longitude, c.latitude, c.longitude), c) for c in places)
    return sorted(ranked, key=lambda pair: (pair[0], pair[1].geonameid))


class GazetteerGeocoder(Geocoder):
    """Offline geocoder over the local gazetteer index, with geopy's interface.

    ``raw`` of each result is a dict with geonameid, name, country_code,
    admin1_code, latitude, longitude, population, timezone and source.
    """

    source_name = SOURCE_NAME

    def __init__(self, index: Path | str, *, max_results: int = 10) -> None:
        super().__init__(adapter_factory=lambda **kwargs: OfflineAdapter(**kwargs))
        self.index_path = Path(index)
        self.max_results = max_results
        self._lock = threading.Lock()
        if not header_size_ok(self.index_path):
            raise GazetteerError(
                f"the gazetteer index {self.index_path} is missing or damaged; "
                "run `python -m speakout_map build-index` to rebuild it"
            )
        try:
            self._conn = open_read_only(self.index_path)
            self.meta = read_meta(self._conn)
        except sqlite3.Error as exc:
            raise GazetteerError(
                f"cannot open the gazetteer index {self.index_path} ({exc}); "
                "run `python -m speakout_map build-index` to rebuild it"
            ) from exc
        if not meta_ok(self.meta):
            raise GazetteerError(
                f"the gazetteer index {self.index_path} is of another version; "
                "run `python -m speakout_map build-index` to rebuild it"
            )
        self.regions = RegionIndex(self._fetch)

    @classmethod
    def from_cache_dir(cls, cache_dir: Path | str, **kwargs) -> GazetteerGeocoder:
        """Open (building first if needed) the index in ``cache_dir``."""
        return cls(ensure_index(cache_dir), **kwargs)

    def close(self) -> None:
        self._conn.close()

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()

    def __repr__(self) -> str:
        return f"GazetteerGeocoder({str(self.index_path)!r})"

    # -- queries --

    def _fetch(self, sql: str, params: Sequence[object]) -> list[tuple]:
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise GazetteerError(
                f"the gazetteer index {self.index_path} could not be read ({exc}); "
                "run `python -m speakout_map build-index` to rebuild it"
            ) from exc

    def _rows(self, sql: str, params: Sequence[object]) -> list[CityRow]:
        return [CityRow(*row) for row in self._fetch(sql, params)]

    def region_code(self, region: str, country_code: str) -> str:
        """The admin1 code of ``region`` (a name or code, as written) in the country; raises UnknownRegionError."""
        return self.regions.admin1_code(region, country_code)

    def candidates(
        self, name: str, country_codes: frozenset[str] | None = None, limit: int | None = None,
        admin1_code: str | None = None,
    ) -> list[CityRow]:
        """Places called ``name`` (any of their names), most populous first; only in that region if ``admin1_code``."""
        key = fold_name(name)
        if not key:
            return []
        sql = f"SELECT {_CITY_COLUMNS} FROM names n JOIN cities c ON c.geonameid = n.geonameid WHERE n.key = ?"
        params: list[object] = [key]
        if country_codes:
            sql += f" AND n.country_code IN ({', '.join('?' * len(country_codes))})"
            params.extend(sorted(country_codes))
        if admin1_code:
            sql += " AND c.admin1_code = ?"
            params.append(admin1_code)
        sql += (
            " ORDER BY c.population * (CASE WHEN n.is_primary THEN 1.0 ELSE ? END) DESC,"
            " n.is_primary DESC, c.population DESC, c.geonameid LIMIT ?"
        )
        params.append(ALTERNATE_NAME_WEIGHT)
        params.append(limit or self.max_results)
        return self._rows(sql, params)

    def nearest(
        self,
        latitude: float,
        longitude: float,
        country_codes: frozenset[str] | None = None,
        limit: int = 1,
    ) -> list[tuple[float, CityRow]]:
        """The ``limit`` places nearest to a point, as (distance in km, place).

        Boxes around the point (the first reaching about 2 km each way) grow
        fourfold until they hold a place; SQLite ranks the box's places by a
        flat-earth distance and the best few are ranked again by great-circle
        distance, so memory stays small even mid-ocean.
        """
        span = _FIRST_SPAN
        while True:
            found = self._in_box(latitude, longitude, span, country_codes, limit)
            if len(found) >= limit or span >= 180.0:
                break
            span = min(180.0, span * 4)
        if not found:
            return []
        ranked = _rank_by_distance(latitude, longitude, found)
        # The box may miss a closer place just beyond its edge: widen it to cover the circle.
        reach = ranked[min(limit, len(ranked)) - 1][0] / _KM_PER_DEGREE + 1e-6
        if reach > span:
            ranked = _rank_by_distance(latitude, longitude, self._in_box(latitude, longitude, reach, country_codes, limit))
        return ranked[:limit]

    def nearest_many(
        self, points: Sequence[tuple[float, float, frozenset[str] | None]]
    ) -> list[tuple[float, CityRow] | None]:
        """``nearest(latitude, longitude, country_codes)``'s place of each point, or None: most in a few queries.

        A point of one country whose first box holds a place, not too many, and
        none nearer beyond its edge, is answered from one query for many points
        (:func:`~speakout_map.places.gazetteer_batch.places_in_first_boxes`); any
        other by ``nearest`` itself.
        """
        boxes, asked = [], []
        for at, (latitude, longitude, codes) in enumerate(points):
            lon_ranges = _longitude_ranges(longitude, _longitude_span(latitude, _FIRST_SPAN))
            if codes is not None and len(codes) == 1 and len(lon_ranges) == 1:
                (code,) = codes
                boxes.append((latitude - _FIRST_SPAN, latitude + _FIRST_SPAN, *lon_ranges[0], code))
                asked.append(at)
        in_boxes = places_in_first_boxes(self._fetch, boxes, _CITY_COLUMNS)
        answers: list[tuple[float, CityRow] | None] = [None] * len(points)
        settled = set()
        for position, at in enumerate(asked):
            found = in_boxes.get(position, ())
            if not found or len(found) > 1 + _REVERSE_CANDIDATES:  # nearest() would grow the box, or cut it
                continue
            latitude, longitude, _ = points[at]
            # The first of _rank_by_distance's order (distance, then geonameid), without making every row a CityRow.
            distance, _, row = min((haversine_km(latitude, longitude, row[4], row[5]), row[0], row) for row in found)
            if distance / _KM_PER_DEGREE + 1e-6 <= _FIRST_SPAN:  # else nearest() would look beyond the box
                answers[at] = (distance, CityRow(*row))
                settled.add(at)
        for at, (latitude, longitude, codes) in enumerate(points):
            if at not in settled:
                nearest = self.nearest(latitude, longitude, codes)
                answers[at] = nearest[0] if nearest else None
        return answers

    def _in_box(
        self, latitude: float, longitude: float, span: float, country_codes: frozenset[str] | None, limit: int
    ) -> list[CityRow]:
        lon_ranges = _longitude_ranges(longitude, _longitude_span(latitude, span))
        sql = f"SELECT {_CITY_COLUMNS} FROM cities c WHERE c.latitude BETWEEN ? AND ? AND ("
        sql += " OR ".join("c.longitude BETWEEN ? AND ?" for _ in lon_ranges) + ")"
        params: list[object] = [latitude - span, latitude + span]
        for low, high in lon_ranges:
            params.extend((low, high))
        if country_codes:
            sql += f" AND c.country_code IN ({', '.join('?' * len(country_codes))})"
            params.extend(sorted(country_codes))
        # Flat-earth squared distance, longitude difference wrapped at the antimeridian.
        sql += (
            " ORDER BY (c.latitude - ?) * (c.latitude - ?)"
            " + (min(abs(c.longitude - ?), 360.0 - abs(c.longitude - ?)) * ?)"
            " * (min(abs(c.longitude - ?), 360.0 - abs(c.longitude - ?)) * ?) LIMIT ?"
        )
        shrink = max(0.01, math.cos(math.radians(latitude)))
        params.extend((latitude, latitude, longitude, longitude, shrink, longitude, longitude, shrink))
        params.append(limit + _REVERSE_CANDIDATES)
        return self._rows(sql, params)

    # -- geopy interface --

    def geocode(
        self,
        query: str | Mapping[str, object],
        *,
        exactly_one: bool = True,
        timeout=DEFAULT_SENTINEL,
        limit: int | None = None,
        country_codes: str | Iterable[str] | None = None,
    ) -> Location | list[Location] | None:
        """Find a place: {"city": ..., "state": region, "country": code or name}, or a "City" / "City, Country" text.

        ``country_codes`` (a code or a list, as in geopy's Nominatim) limits
        the countries searched; a region (of a query with one country) limits
        the search to it. Returns None when nothing matches. Raises
        UnknownCountryError for a structured query whose country is not one,
        UnknownRegionError for a region its country does not have.
        ``timeout`` is accepted for interface compatibility and ignored.
        """
        place = PlaceQuery.from_query(query)
        countries = place.countries(country_codes)
        if countries is not None and not countries:
            return None
        found = self.candidates(place.city, countries, 1 if exactly_one else limit, self._admin1_of(place))
        if not found:
            return None
        locations = [self._location(city) for city in found]
        return locations[0] if exactly_one else locations

    def _admin1_of(self, place: PlaceQuery) -> str | None:
        """The admin1 code of the place's region (None without a region, or without one country to read it in)."""
        if not place.region or not place.country_code:
            return None
        return self.region_code(place.region, place.country_code)

    def geocode_many(self, places: Sequence[PlaceQuery]) -> list[Location | None]:
        """``geocode(place.as_query())`` of each place, in a few queries (the names with a country, together).

        Raises UnknownRegionError as ``geocode`` does (placing checks the regions first).
        """
        keys = [fold_name(place.city) for place in places]
        together = [at for at, place in enumerate(places) if keys[at] and place.country_code]
        codes = {at: resolve_country(str(places[at].country_code)) for at in together}
        asked = [(keys[at], codes[at], self._admin1_of(replace(places[at], country_code=codes[at])) or "")
                 for at in together]
        best = best_places(self._fetch, asked, _CITY_COLUMNS, ALTERNATE_NAME_WEIGHT)
        found: list[Location | None] = [None] * len(places)
        for position, at in enumerate(together):
            if position in best:
                found[at] = self._location(CityRow(*best[position]))
        for at in sorted(set(range(len(places))) - set(together)):
            found[at] = self.geocode(places[at].as_query())
        return found

    def reverse(
        self,
        query,
        *,
        exactly_one: bool = True,
        timeout=DEFAULT_SENTINEL,
        limit: int | None = None,
        country_codes: str | Iterable[str] | None = None,
        max_distance_km: float | None = None,
    ) -> Location | list[Location] | None:
        """The nearest place(s) to a point (a geopy Point, (lat, lon) or "lat, lon").

        ``raw["distance_km"]`` holds the distance. Returns None if no place
        (in ``country_codes``, within ``max_distance_km``) exists.
        """
        point = Point(query)
        found = self.nearest(point.latitude, point.longitude, normalise_codes(country_codes), 1 if exactly_one else (limit or self.max_results))
        if max_distance_km is not None:
            found = [(d, c) for d, c in found if d <= max_distance_km]
        if not found:
            return None
        locations = [self._location(city, distance) for distance, city in found]
        return locations[0] if exactly_one else locations

    @staticmethod
    def _location(city: CityRow, distance_km: float | None = None) -> Location:
        raw = city.as_raw()
        if distance_km is not None:
            raw["distance_km"] = round(distance_km, 3)
        return Location(f"{city.name}, {country_name(city.country_code)}", Point(city.latitude, city.longitude), raw)
