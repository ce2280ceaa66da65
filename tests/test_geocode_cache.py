"""The online geocoder's answers kept in the event store, shared by app servers (geocode_cache.py).

Tests taking ``store`` / ``store_url`` run on an SQLite file and on a fresh
PostgreSQL database (see conftest.py).
"""

from __future__ import annotations

from pathlib import Path

from speakout_map.errors import StoreError
from speakout_map.places import chain as places_chain
from speakout_map.places.caches import CachedAnswer, SQLiteGeocodeCache
from speakout_map.settings import Settings
from speakout_map.store.schema import geocode_answers_table
from speakout_map.store.store import Store
from tests.store_support import run_together, table_rows


def test_geocode_cache_put_is_an_upsert(store):
    cache = store.geocode_cache()
    assert cache.get("nominatim|madrid|ES") is None
    found = CachedAnswer({"address": "Madrid, España", "latitude": 40.4, "longitude": -3.7, "raw": {"place_id": 1}}, 100.5)
    cache.put("nominatim|madrid|ES", found)
    assert cache.get("nominatim|madrid|ES") == found
    cache.put("nominatim|madrid|ES", CachedAnswer(None, 200.25))
    assert cache.get("nominatim|madrid|ES") == CachedAnswer(None, 200.25)
    assert table_rows(store, geocode_answers_table) == 1


def test_geocode_cache_is_shared_and_racing_puts_do_not_fail(store_url):
    stores = [Store.open(store_url) for _ in range(4)]
    try:
        answer = CachedAnswer({"address": "Oslo", "latitude": 59.9, "longitude": 10.7, "raw": {}}, 1.0)
        results = run_together(*[(lambda s=s: s.geocode_cache().put("photon|oslo|NO", answer)) for s in stores])
        assert results == [None] * 4
        assert all(s.geocode_cache().get("photon|oslo|NO") == answer for s in stores)
    finally:
        for s in stores:
            s.close()


def test_geocode_cache_failure_costs_a_lookup_not_an_error(store, monkeypatch, caplog):
    def broken(*args):
        raise StoreError("could not read the geocoder cache: boom")

    monkeypatch.setattr(store, "get_geocode_answer", broken)
    monkeypatch.setattr(store, "put_geocode_answer", broken)
    cache = store.geocode_cache()
    assert cache.get("k") is None
    cache.put("k", CachedAnswer(None, 1.0))
    assert "geocoder cache" in caplog.text


class StandInGazetteer:
    source_name = "gazetteer"

    def __init__(self, path: Path) -> None:
        self.path = path


def test_build_geocoder_keeps_online_answers_in_the_given_cache(monkeypatch, tmp_path):
    monkeypatch.setattr(places_chain, "ensure_index", lambda cache_dir: tmp_path / "index")
    monkeypatch.setattr(places_chain, "GazetteerGeocoder", StandInGazetteer)  # no index build
    settings = Settings(geocoder_online=True, cache_dir=tmp_path)
    with Store.open("sqlite://") as store:
        cache = store.geocode_cache()
        chain = places_chain.build_geocoder(settings, cache=cache)
        assert chain.online[0].cache is cache
    default = places_chain.build_geocoder(settings)
    assert isinstance(default.online[0].cache, SQLiteGeocodeCache)
