"""Online geocoders' answers, kept so each place is asked for once.

An answer (including "not found") is a :class:`CachedAnswer` under a key made
by :func:`cache_key` from the service, the normalised query text and the
countries searched. Caches follow the two-method :class:`GeocodeCache`
interface, so they can live in memory (:class:`MemoryGeocodeCache`), in a
small SQLite file (:class:`SQLiteGeocodeCache`) or in the event store.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from geopy.location import Location
from geopy.point import Point

from speakout_map.places.countries import fold_name

log = logging.getLogger(__name__)

#: The file name of the default SQLite cache, in the cache folder.
ONLINE_CACHE_FILE = "online-geocoder-cache-v1.sqlite3"


@dataclass(frozen=True)
class CachedAnswer:
    """What an online service answered for one query; ``location`` None means "not found"."""

    location: Mapping[str, object] | None
    stored_at: float

    @property
    def found(self) -> bool:
        return self.location is not None


class GeocodeCache(Protocol):
    """Where online answers are kept, by normalised query key."""

    def get(self, key: str) -> CachedAnswer | None: ...

    def put(self, key: str, answer: CachedAnswer) -> None: ...


class MemoryGeocodeCache:
    """A GeocodeCache in a dict (for tests and one-off runs)."""

    def __init__(self) -> None:
        self._answers: dict[str, CachedAnswer] = {}

    def get(self, key: str) -> CachedAnswer | None:
        return self._answers.get(key)

    def put(self, key: str, answer: CachedAnswer) -> None:
        self._answers[key] = answer

    def __len__(self) -> int:
        return len(self._answers)


class SQLiteGeocodeCache:
    """A GeocodeCache in a small SQLite file; shared by threads and processes.

    A cache that cannot be read or written is logged and behaves as empty:
    losing it costs a lookup, never a failure.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10.0)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, location TEXT, stored_at REAL NOT NULL)"
        )
        return conn

    def get(self, key: str) -> CachedAnswer | None:
        try:
            conn = self._connect()
            try:
                row = conn.execute("SELECT location, stored_at FROM answers WHERE key = ?", (key,)).fetchone()
            finally:
                conn.close()
            if row is None:
                return None
            return CachedAnswer(None if row[0] is None else json.loads(row[0]), float(row[1]))
        except (OSError, sqlite3.Error, ValueError) as exc:
            log.warning("online geocoder cache %s unreadable (%s); asking the service", self.path, exc)
            return None

    def put(self, key: str, answer: CachedAnswer) -> None:
        location = None if answer.location is None else json.dumps(answer.location, default=str)
        try:
            conn = self._connect()
            try:
                with conn:
                    conn.execute(
                        "INSERT OR REPLACE INTO answers (key, location, stored_at) VALUES (?, ?, ?)",
                        (key, location, answer.stored_at),
                    )
            finally:
                conn.close()
        except (OSError, sqlite3.Error) as exc:
            log.warning("online geocoder cache %s not writable (%s); the answer is not kept", self.path, exc)


def cache_key(service: str, query: str, country_codes: frozenset[str] | None) -> str:
    """The cache key of one online query: service, normalised text, countries."""
    return f"{service.lower()}|{fold_name(query)}|{','.join(sorted(country_codes or ()))}"


def location_to_dict(location: Location) -> dict[str, object]:
    """A geopy Location as JSON-ready data (address, latitude, longitude, raw)."""
    return {
        "address": location.address,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "raw": location.raw if isinstance(location.raw, Mapping) else {},
    }


def location_from_dict(data: Mapping[str, object]) -> Location:
    """The geopy Location that :func:`location_to_dict` gave ``data`` for."""
    point = Point(float(data["latitude"]), float(data["longitude"]))  # type: ignore[arg-type]
    return Location(str(data.get("address") or ""), point, dict(data.get("raw") or {}))  # type: ignore[arg-type]
