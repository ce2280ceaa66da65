"""The online answer caches: keys, and the interchangeable memory and SQLite backends."""

from __future__ import annotations

from geopy.location import Location
from geopy.point import Point

from speakout_map.places.caches import (
    CachedAnswer,
    MemoryGeocodeCache,
    SQLiteGeocodeCache,
    cache_key,
    location_from_dict,
    location_to_dict,
)


def test_cache_keys_separate_services_and_countries():
    assert cache_key("Nominatim", "Valencia,  Spain", None) == cache_key("nominatim", "valencia spain", None)
    assert cache_key("nominatim", "Valencia", frozenset({"ES"})) != cache_key("nominatim", "Valencia", frozenset({"VE"}))
    assert cache_key("nominatim", "Valencia", None) != cache_key("photon", "Valencia", None)


def test_cache_backends_are_interchangeable(tmp_path):
    for cache in (MemoryGeocodeCache(), SQLiteGeocodeCache(tmp_path / "c.sqlite3")):
        assert cache.get("k") is None
        cache.put("k", CachedAnswer({"address": "A", "latitude": 1.0, "longitude": 2.0, "raw": {"x": 1}}, 5.0))
        cache.put("n", CachedAnswer(None, 6.0))
        assert cache.get("k") == CachedAnswer({"address": "A", "latitude": 1.0, "longitude": 2.0, "raw": {"x": 1}}, 5.0)
        assert cache.get("n") == CachedAnswer(None, 6.0) and not cache.get("n").found


def test_a_location_survives_the_round_trip():
    location = Location("Xyzzyville, España", Point(40.2, -3.6), {"name": "Xyzzyville", "place_id": 7})
    again = location_from_dict(location_to_dict(location))
    assert (again.address, again.latitude, again.longitude, again.raw) == (
        "Xyzzyville, España", 40.2, -3.6, {"name": "Xyzzyville", "place_id": 7}
    )
