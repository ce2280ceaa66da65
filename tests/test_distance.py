"""Great-circle distances over arrays, the search radius, and kilometres or miles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from speakout_map.errors import RadiusError
from speakout_map.languages.message import Message
from speakout_map.places.distance import (
    EARTH_RADIUS_KM,
    KM,
    MILES,
    check_radius,
    distance_unit,
    format_distance,
    haversine_km,
    km_to_unit,
    parse_radius,
    radius_text,
    region_of,
    unit_to_km,
)
from speakout_map.places.gazetteer import haversine_km as scalar_haversine_km
from tests.i18n_support import fake_translator

MADRID = (40.4168, -3.7038)
BARCELONA = (41.3874, 2.1686)
HALF_WAY_ROUND = math.pi * EARTH_RADIUS_KM


@pytest.mark.parametrize(
    ("a", "b", "expected", "tolerance"),
    [
        (MADRID, BARCELONA, 505.0, 3.0),
        (BARCELONA, MADRID, 505.0, 3.0),
        (MADRID, MADRID, 0.0, 1e-9),
        ((0.0, 0.0), (0.0, 180.0), HALF_WAY_ROUND, 1e-6),  # antipodes on the equator
        ((45.0, 10.0), (-45.0, -170.0), HALF_WAY_ROUND, 1e-6),  # antipodes anywhere
        ((90.0, 0.0), (-90.0, 0.0), HALF_WAY_ROUND, 1e-6),  # pole to pole
        ((0.0, 179.5), (0.0, -179.5), 111.2, 0.1),  # across the antimeridian: one degree, not 359
        ((51.5074, -0.1278), (40.7128, -74.0060), 5570.0, 10.0),  # London to New York
    ],
)
def test_known_distances(a, b, expected, tolerance):
    assert float(haversine_km(*a, *b)) == pytest.approx(expected, abs=tolerance)


def test_one_call_over_arrays_equals_the_per_pair_reference():
    rng = np.random.default_rng(20130903)
    lat1, lat2 = rng.uniform(-90, 90, 5000), rng.uniform(-90, 90, 5000)
    lon1, lon2 = rng.uniform(-180, 180, 5000), rng.uniform(-180, 180, 5000)
    vectorised = haversine_km(lat1, lon1, lat2, lon2)
    reference = [scalar_haversine_km(*args) for args in zip(lat1, lon1, lat2, lon2)]
    assert vectorised.shape == (5000,)
    np.testing.assert_allclose(vectorised, reference, rtol=1e-9, atol=1e-6)
    assert vectorised.max() <= HALF_WAY_ROUND + 1e-6


def test_one_origin_broadcasts_against_many_points():
    lats, lons = np.array([MADRID[0], BARCELONA[0], np.nan]), np.array([MADRID[1], BARCELONA[1], 0.0])
    distances = haversine_km(*MADRID, lats, lons)
    assert distances.shape == (3,)
    assert distances[0] == 0.0 and distances[1] == pytest.approx(505.0, abs=3.0)
    assert math.isnan(distances[2]), "a missing coordinate gives no distance, not a wrong one"


@pytest.mark.parametrize(
    ("text", "km"),
    [("250", 250.0), ("1", 1.0), ("20000", 20000.0), ("12.5", 12.5), (" 300 ", 300.0), ("300km", 300.0),
     ("300 KM", 300.0), ("7.", 7.0)],
)
def test_good_radius(text, km):
    assert parse_radius(text) == km


@pytest.mark.parametrize(
    "text",
    ["", "0", "0.5", "20001", "-5", "abc", "nan", "inf", "1e3", "300 mi", "3,5", "٣٠٠", "1" * 40, "<script>"],
)
def test_bad_radius_is_a_radius_error_with_a_message(text):
    with pytest.raises(RadiusError) as caught:
        parse_radius(text)
    assert isinstance(caught.value.text, Message)
    assert str(caught.value) == "the radius must be a number of kilometres from 1 to 20,000"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("value", [0, 0.99, 20000.5, float("nan"), float("inf"), -1, None, "x"])
def test_check_radius_refuses_out_of_bounds(value):
    with pytest.raises(RadiusError):
        check_radius(value)


@pytest.mark.parametrize(("km", "text"), [(250.0, "250"), (12.5, "12.5"), (1.0, "1"), (0.1 + 299.2, "299.3")])
def test_radius_text_reads_back_the_same(km, text):
    assert radius_text(km) == text
    assert parse_radius(radius_text(km)) == km


@pytest.mark.parametrize(
    ("locale", "region", "unit"),
    [
        ("en-US", "US", MILES),
        ("en_US.UTF-8", "US", MILES),
        ("en-GB", "GB", MILES),
        ("en-gb", "GB", MILES),
        ("cy-Latn-GB", "GB", MILES),
        ("es-US", "US", MILES),
        ("es-ES", "ES", KM),
        ("en-IE", "IE", KM),
        ("es-419", "419", KM),
        ("en", None, KM),
        ("", None, KM),
        (None, None, KM),
        ("zh-Hant", None, KM),
    ],
)
def test_unit_by_locale(locale, region, unit):
    assert region_of(locale) == region
    assert distance_unit(locale) == unit


def test_miles_convert_both_ways():
    assert km_to_unit(1.609344, MILES) == pytest.approx(1.0)
    assert unit_to_km(100, MILES) == pytest.approx(160.9344)
    assert km_to_unit(5.0, KM) == unit_to_km(5.0, KM) == 5.0


@pytest.mark.parametrize(
    ("km", "unit", "english", "spanish"),
    [
        (8.44, KM, "8.4 km", "8,4 km"),
        (0.0, KM, "0 km", "0 km"),
        (157.8, KM, "158 km", "158 km"),
        (12345.6, KM, "12,346 km", "12.346 km"),
        (160.9344, MILES, "100 mi", "100 mi"),
        (8.0467, MILES, "5 mi", "5 mi"),
        (13.0, MILES, "8.1 mi", "8,1 mi"),
    ],
)
def test_format_distance_in_the_readers_language(km, unit, english, spanish):
    assert format_distance(km, unit) == english
    assert format_distance(km, unit, fake_translator({}, language="es")) == spanish


def test_format_distance_takes_the_translation():
    spanish = fake_translator({"{distance} mi": "{distance} millas"}, language="es")
    assert format_distance(160.9344, MILES, spanish) == "100 millas"
