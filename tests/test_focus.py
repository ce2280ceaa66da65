"""The searched place of a "near" search: its circle's bounds, and what the script gets."""

from __future__ import annotations

import math

import pytest

from speakout_map.maps.focus import KM_PER_DEGREE, Focus, union_bounds


@pytest.mark.parametrize(
    ("lat", "lon", "radius", "expected"),
    [
        (0.0, 0.0, KM_PER_DEGREE, [[-1.0, -1 / math.cos(math.radians(1))], [1.0, 1 / math.cos(math.radians(1))]]),
        (60.0, 10.0, KM_PER_DEGREE, [[59.0, 10 - 1 / math.cos(math.radians(61))], [61.0, 10 + 1 / math.cos(math.radians(61))]]),
        (89.5, 0.0, 250.0, [[89.5 - 250 / KM_PER_DEGREE, -180.0], [90.0, 180.0]]),
        (0.0, 179.5, KM_PER_DEGREE, [[-1.0, 179.5 - 1 / math.cos(math.radians(1))], [1.0, 180.0]]),
        (10.0, 0.0, 20_000.0, [[-90.0, -180.0], [90.0, 180.0]]),
    ],
)
def test_bounds_take_in_the_whole_circle(lat, lon, radius, expected):
    bounds = Focus(lat, lon, radius).bounds()
    assert [*bounds[0], *bounds[1]] == pytest.approx([*expected[0], *expected[1]])


@pytest.mark.parametrize(
    ("lat", "lon", "radius"),
    [(91, 0, 10), (0, 181, 10), (float("nan"), 0, 10), (0, 0, 0), (0, 0, -5), (0, 0, float("inf"))],
)
def test_a_focus_is_a_point_and_a_positive_radius(lat, lon, radius):
    with pytest.raises(ValueError):
        Focus(lat, lon, radius)


def test_the_script_gets_metres_and_the_label_as_given():
    assert Focus(51.89851, -8.47561, 250, "<b>Cork</b>").as_option() == {
        "lat": 51.89851, "lon": -8.47561, "radiusM": 250_000, "label": "<b>Cork</b>"}


def test_union_bounds():
    assert union_bounds(None, None) is None
    assert union_bounds([[0, 0], [1, 1]], None, [[-1, 2], [0.5, 3]]) == [[-1, 0], [1, 3]]
