"""The proposal form's small map of one point (speakout_map/maps/pin.py)."""

from __future__ import annotations

import math

import pytest

from speakout_map.errors import SettingsError
from speakout_map.maps.build import map_html
from speakout_map.maps.pin import (
    OUTLINE_ZOOM,
    PIN_ZOOM,
    Point,
    clicked_point,
    format_degrees,
    pin_map,
    point_of,
    wrap_longitude,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [(40.4168, "40.4168"), (-3.703790123, "-3.70379"), (4.85, "4.85"), (10.0, "10"), (-0.000001, "0"), (0.0, "0"),
     (-180.0, "-180")],
)
def test_format_degrees(value, text):
    assert format_degrees(value) == text


@pytest.mark.parametrize(
    ("longitude", "wrapped"),
    [(0.0, 0.0), (179.5, 179.5), (180.0, 180.0), (-180.0, -180.0), (190.0, -170.0), (-190.0, 170.0), (540.0, 180.0),
     (725.25, 5.25)],
)
def test_wrap_longitude(longitude, wrapped):
    assert wrap_longitude(longitude) == pytest.approx(wrapped)


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        (45.75, 4.85, Point(45.75, 4.85)),
        ("45.75", "4.85", Point(45.75, 4.85)),
        (10, 370, Point(10.0, 10.0)),
        (90, 0, Point(90.0, 0.0)),
        (None, 4.85, None),
        (45.75, None, None),
        (91, 0, None),
        (-90.5, 0, None),
        ("north", 0, None),
        (math.nan, 0, None),
        (0, math.inf, None),
    ],
)
def test_point_of(latitude, longitude, expected):
    assert point_of(latitude, longitude) == expected


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        ({"last_clicked": {"lat": 45.75, "lng": 364.85}}, Point(45.75, 4.85)),
        ({"last_clicked": None}, None),
        ({"last_clicked": {"lat": 95, "lng": 0}}, None),
        ({"last_clicked": "45,4"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_clicked_point(returned, expected):
    assert clicked_point(returned) == expected


def test_point_cells_are_the_form_fields():
    assert Point(45.750004, -0.1234567).cells() == ("45.75", "-0.12346")


def test_a_pin_map_centres_on_the_point_with_one_pin_and_no_text():
    html = map_html(pin_map(Point(45.75, 4.85), tiles="https://tiles.example/{z}/{x}/{y}.png", attribution="x"))
    assert html.count("L.circleMarker(") == 1
    assert "[45.75, 4.85]" in html
    assert f'"zoom": {PIN_ZOOM}' in html or f"zoom: {PIN_ZOOM}" in html
    assert "bindPopup" not in html and "bindTooltip" not in html


def test_without_tiles_the_pin_map_shows_the_country_around_it():
    html = map_html(pin_map(Point(45.75, 4.85), tiles=None))
    assert f"zoom: {OUTLINE_ZOOM}" in html or f'"zoom": {OUTLINE_ZOOM}' in html
    assert "speakoutOfflineBasemap" in html


def test_without_a_point_the_whole_world_and_no_pin():
    html = map_html(pin_map(None, tiles="none", basemap=False))
    assert "L.circleMarker(" not in html
    assert "speakoutOfflineBasemap" not in html


def test_the_map_loads_our_own_leaflet_and_nothing_from_a_cdn():
    html = map_html(pin_map(Point(0, 0), tiles=None, asset_base_url="/base/app/static/vendor"))
    assert '<script src="/base/app/static/vendor/leaflet/leaflet.js"' in html
    assert "cdn.jsdelivr.net" not in html and "code.jquery.com" not in html and "bootstrap" not in html


def test_cdn_mode_pins_the_files():
    html = map_html(pin_map(Point(0, 0), tiles=None, assets="cdn"))
    assert 'integrity="sha384-' in html


@pytest.mark.parametrize("name", ["tiles", "attribution"])
def test_template_syntax_in_the_settings_is_refused(name):
    with pytest.raises(SettingsError, match=name):
        pin_map(None, **{name: "https://x.example/{{ config }}/{z}/{x}/{y}.png"})
