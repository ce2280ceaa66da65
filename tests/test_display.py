"""How an embedded map is shown, read from and written to a URL query (maps/display.py)."""

from __future__ import annotations

import pytest

from speakout_map.maps.display import (
    CENTER_ZOOM,
    Display,
    display_from_query,
    display_to_query,
    view_of,
)

WORLD_VIEW = ((20.0, 0.0), 2)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, Display()),
        ({"height": "420"}, Display(height=420)),
        ({"height": ["300", " 640 "]}, Display(height=640)),  # the last one counts
        ({"zoom": "5"}, Display(zoom=5)),
        ({"center": "40.4168,-3.7038"}, Display(center=(40.4168, -3.7038))),
        ({"center": "-90,180", "zoom": "18"}, Display(zoom=18, center=(-90.0, 180.0))),
        ({"legend": "0", "list": "1", "scroll": "0"}, Display(legend=False, list=True, scroll=False)),
        ({"legend": "false", "list": "yes", "scroll": "OFF"}, Display(legend=False, list=True, scroll=False)),
        ({"legend": "1", "list": "0", "scroll": "on"}, Display()),
        ({"country": "ES", "lang": "es", "from": "2013-09-03"}, Display()),  # not display parameters
    ],
)
def test_good_queries(params, expected):
    display, notices = display_from_query(params)
    assert (display, notices) == (expected, ())


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"height": "tall"}, "height='tall'"),
        ({"height": "199"}, "from 200 to 2000"),
        ({"height": "2001"}, "from 200 to 2000"),
        ({"height": "4e2"}, "whole number"),
        ({"zoom": "0"}, "from 1 to 18"),
        ({"zoom": "19"}, "from 1 to 18"),
        ({"zoom": "5.5"}, "whole number"),
        ({"center": "40.4"}, "latitude,longitude"),
        ({"center": "91,0"}, "latitude,longitude"),
        ({"center": "0,181"}, "latitude,longitude"),
        ({"center": "nan,0"}, "latitude,longitude"),
        ({"center": "inf,-inf"}, "latitude,longitude"),
        ({"center": "1,2,3"}, "latitude,longitude"),
        ({"legend": "maybe"}, "1 (on) or 0 (off)"),
        ({"list": "2"}, "1 (on) or 0 (off)"),
        ({"scroll": ""}, "1 (on) or 0 (off)"),
        ({"height": "9" * 200}, "overlong height"),
    ],
)
def test_bad_values_are_dropped_with_a_notice_naming_them(params, words):
    display, notices = display_from_query(params)
    assert display == Display()
    assert len(notices) == 1 and words in str(notices[0])


def test_one_bad_value_keeps_the_good_ones():
    display, notices = display_from_query({"height": "x", "zoom": "4", "list": "1"})
    assert display == Display(zoom=4, list=True) and len(notices) == 1


@pytest.mark.parametrize(
    "display",
    [
        Display(),
        Display(height=200),
        Display(height=2000, zoom=1, center=(-33.86882, 151.20929)),
        Display(center=(0.0, -0.0)),
        Display(center=(-89.99999, 179.99999), legend=False, list=True, scroll=False),
    ],
)
def test_round_trip(display):
    query = display_to_query(display)
    assert display_from_query(query) == (display, ())


def test_defaults_are_left_out_of_the_query():
    assert display_to_query(Display()) == {}
    assert display_to_query(Display(legend=False, list=True, scroll=False)) == {"legend": "0", "list": "1",
                                                                                "scroll": "0"}
    assert display_to_query(Display(center=(40.41678, -3.70379))) == {"center": "40.41678,-3.70379"}


@pytest.mark.parametrize(
    ("display", "events_center", "expected"),
    [
        (Display(), (10.0, 10.0), None),  # fitted to the events
        (Display(zoom=6), (10.0, 10.0), ((10.0, 10.0), 6)),
        (Display(zoom=6), None, ((20.0, 0.0), 6)),
        (Display(center=(1.0, 2.0)), (10.0, 10.0), ((1.0, 2.0), CENTER_ZOOM)),
        (Display(zoom=3, center=(1.0, 2.0)), (10.0, 10.0), ((1.0, 2.0), 3)),
    ],
)
def test_the_starting_view(display, events_center, expected):
    assert view_of(display, events_center, WORLD_VIEW) == expected
    assert display.fitted is (expected is None)
