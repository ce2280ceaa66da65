"""The geocoder the settings ask for: the gazetteer alone, or the gazetteer then an online service."""

from __future__ import annotations

import importlib

import pytest
from geopy.geocoders import Nominatim

from speakout_map.errors import SettingsError
from speakout_map.places.caches import SQLiteGeocodeCache
from speakout_map.places.chain import GeocoderChain, build_geocoder
from speakout_map.places.gazetteer import GazetteerGeocoder
from speakout_map.places.online import OnlineGeocoder
from speakout_map.places.placing import locate
from speakout_map.settings import PROJECT_ROOT, Settings
from tests.places_support import online_settings

#: Every module of the places package.
PLACES_MODULES = (
    "caches", "chain", "countries", "gazetteer", "gazetteer_index", "online", "place", "placing", "query", "services",
)


# --- the chain -----------------------------------------------------------------------------


def test_gazetteer_hit_makes_no_request(chain, nominatim):
    assert locate("Madrid", "ES", chain).source == "gazetteer"
    assert chain.geocode("Valencia, VE").raw["country_code"] == "VE"
    assert nominatim.requests == []


def test_chain_follows_geopy_interface(chain, nominatim):
    assert chain.geocode("Xyzzyville, Spain", country_codes="es").latitude == 40.2
    assert chain.geocode("Madrid, Spain", exactly_one=False)[0].raw["name"] == "Madrid"
    assert chain.geocode("Plughville, Spain") is None
    assert chain.reverse((40.42, -3.70)).raw["timezone"] == "Europe/Madrid"


def test_chain_passes_a_structured_query_down_the_line(chain, nominatim):
    assert chain.geocode({"city": "Madrid", "country": "ES"}).raw["name"] == "Madrid"
    assert nominatim.requests == []
    assert chain.geocode({"city": "Xyzzyville", "country": "ES"}).latitude == 40.2
    assert [(r["city"], r["country"]) for r in nominatim.requests] == [(["Xyzzyville"], ["ES"])]


# --- build_geocoder and service settings ----------------------------------------------------


def test_build_geocoder_offline_by_default(gazetteer_index):
    geocoder = build_geocoder(Settings(cache_dir=gazetteer_index.parent))
    assert isinstance(geocoder, GazetteerGeocoder)
    geocoder.close()


def test_build_geocoder_online_chain(gazetteer_index, nominatim):
    settings = online_settings(gazetteer_index.parent, nominatim.domain)
    geocoder = build_geocoder(settings)
    assert isinstance(geocoder, GeocoderChain)
    online = geocoder.online[0]
    assert isinstance(online, OnlineGeocoder) and isinstance(online.service, Nominatim)
    assert online.service.domain == nominatim.domain and online.service.scheme == "http"
    assert online.service.headers["User-Agent"] == settings.geocoder_user_agent
    assert online.rate_limiter.min_delay_seconds == 0.0
    assert isinstance(online.cache, SQLiteGeocodeCache) and online.cache.path.parent == gazetteer_index.parent
    assert locate("Toronto", "CA", geocoder).source == "gazetteer"
    assert locate("Xyzzyville", "ES", geocoder).source == "nominatim"
    assert len(nominatim.requests) == 1


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"geocoder_service": "nosuchservice"}, "not a geopy geocoding service"),
        ({"geocoder_service": "opencage"}, "geocoder_api_key"),
        ({"geocoder_service": "pelias"}, "geocoder_domain"),
        ({"geocoder_service": "nominatim", "geocoder_api_key": "k"}, "takes no API key"),
        ({"geocoder_service": "baidu", "geocoder_domain": "x.example"}, "takes no domain"),
    ],
)
def test_unusable_service_settings_raise_settings_error(tmp_path, changes, words):
    settings = Settings(cache_dir=tmp_path / "never-built", geocoder_online=True, **changes)
    with pytest.raises(SettingsError, match=words):
        build_geocoder(settings)
    assert not (tmp_path / "never-built").exists()  # checked before the index is built


def test_library_never_imports_streamlit():
    import subprocess
    import sys

    modules = ", ".join(f"speakout_map.places.{name}" for name in PLACES_MODULES)
    code = f"import sys, {modules}; assert 'streamlit' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("module", "names"),
    [
        ("chain", ("build_geocoder", "GeocoderChain", "call_geocode", "gazetteer_of", "source_of")),
        ("placing", ("locate", "place_events", "geocode_query", "Placing", "place_from_location")),
        ("gazetteer_index", ("ensure_index", "build_index", "index_path", "index_is_valid")),
        ("gazetteer", ("GazetteerGeocoder", "OfflineAdapter", "haversine_km")),
        ("online", ("OnlineGeocoder",)),
        ("caches", ("CachedAnswer", "GeocodeCache", "MemoryGeocodeCache", "SQLiteGeocodeCache", "cache_key")),
        ("services", ("make_service", "describe_failure", "takes_structured_query")),
        ("query", ("PlaceQuery", "parse_place_text", "split_query", "normalise_codes")),
    ],
)
def test_each_name_has_one_home(module, names):
    home = importlib.import_module(f"speakout_map.places.{module}")
    for name in names:
        value = getattr(home, name)
        if hasattr(value, "__module__"):
            assert value.__module__ == home.__name__, name
    package = importlib.import_module("speakout_map.places")
    assert not any(hasattr(package, name) for name in names)  # no re-exports
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("speakout_map.places.geocoding")
