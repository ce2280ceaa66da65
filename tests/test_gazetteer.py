"""The offline gazetteer geocoder: name matching, ranking, structured queries and reverse lookups."""

from __future__ import annotations

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from speakout_map.errors import UnknownCountryError
from speakout_map.places.gazetteer import GazetteerGeocoder, haversine_km
from speakout_map.places.gazetteer_index import index_path
from speakout_map.places.query import split_query

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


@pytest.mark.parametrize(
    ("query", "country_codes", "expected"),
    [
        ({"city": "Valencia", "country": "ES"}, None, "ES"),
        ({"city": "Valencia", "country": "VE"}, None, "VE"),
        ({"city": "valencia", "country": "es"}, None, "ES"),
        ({"city": "Valencia"}, None, "VE"),  # no country: the most populous worldwide
        ({"city": "Valencia", "country": ""}, None, "VE"),
        ({"city": "Valencia", "country": "ES"}, ["ES", "VE"], "ES"),
        ({"city": "Valencia", "country": "ES"}, "VE", None),  # the two constraints disagree
        ({"city": "Springfield, Narnia"}, None, None),  # a city is never split at a comma
        ({"city": "Valencia, Spain", "country": "ES"}, None, None),
        ({"city": "", "country": "ES"}, None, None),
        ({"country": "ES"}, None, None),
    ],
)
def test_structured_queries_are_taken_as_they_are(gazetteer, query, country_codes, expected):
    found = gazetteer.geocode(query, country_codes=country_codes)
    assert (None if found is None else found.raw["country_code"]) == expected


@pytest.mark.parametrize("country", ["Narnia", "XX", "Spai"])
def test_structured_query_with_an_unknown_country_raises(gazetteer, country):
    with pytest.raises(UnknownCountryError):
        gazetteer.geocode({"city": "Valencia", "country": country})


@pytest.mark.parametrize(
    "query",
    [{"city": "Pristina", "country": "XK"}, {"city": "Prishtina", "country": "Kosovo"}, "Pristina, Kosovo", "Pristina, XKX"],
)
def test_pristina_is_in_kosovo(gazetteer, query):
    location = gazetteer.geocode(query)
    assert_near(location, 42.67, 21.17)
    assert location.raw["country_code"] == "XK" and location.address == "Pristina, Kosovo"


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


@pytest.mark.parametrize(("country", "box"), [
    ("ES", (36.0, 43.5, -9.0, 3.0)),
    ("US", (25.0, 48.0, -123.0, -70.0)),
    ("NO", (58.0, 70.0, 5.0, 30.0)),  # far north: long boxes
    ("FJ", (-19.0, -16.0, 177.0, 180.0)),  # by the antimeridian
    (None, (-60.0, 70.0, -180.0, 180.0)),  # anywhere, oceans included
])
def test_nearest_is_the_exact_nearest_place(gazetteer, country, box):
    import random

    rng = random.Random(f"{country}")
    codes = frozenset({country}) if country else None
    for _ in range(25):
        lat, lon = rng.uniform(box[0], box[1]), rng.uniform(box[2], box[3])
        ((distance, found),) = gazetteer.nearest(lat, lon, codes)
        # Everything within a box around the point that holds the circle of that distance, exactly ranked.
        reach = distance / 111.0 + 0.01
        around = gazetteer._in_box(lat, lon, reach, codes, 100_000)
        best = min((haversine_km(lat, lon, c.latitude, c.longitude), c.geonameid) for c in around)
        assert (distance, found.geonameid) == pytest.approx(best), (lat, lon)
