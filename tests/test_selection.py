"""Selections: which of the app map's events to show, sent to a map that already has them (maps/selection.py)."""

from __future__ import annotations

import json
import re

import pytest
from streamlit_folium import _get_feature_group_string, _get_map_string, generate_js_hash

from speakout_map.maps.build import SELECTION_FIT, app_map
from speakout_map.maps.data import row_index
from speakout_map.maps.focus import Focus, union_bounds
from speakout_map.maps.selection import SELECT_FUNCTION, Selection, points_bounds, select, selection_group
from tests.i18n_support import fake_translator
from speakout_map.supporters.going import going_label
from tests.map_support import PAYLOADS, WORLD, calls_in, make_event, place

INDEX = row_index(WORLD)
UIDS = {p: f"{i:032x}@speakout-map" for i, p in enumerate(WORLD)}
CORK = Focus(51.8985, -8.4756, 250.0, "Cork, Ireland")


def test_every_event_is_no_list_at_all():
    assert select(WORLD, INDEX).indices is None
    assert select(list(reversed(WORLD)), INDEX).indices is None  # the map draws them in any order


@pytest.mark.parametrize("picked", [[0], [3, 1], [5, 0, 2], []])
def test_some_events_are_their_indices_in_the_shown_order(picked):
    chosen = select([WORLD[i] for i in picked], INDEX)
    assert chosen.indices == tuple(picked)
    assert chosen.bounds == (tuple(map(tuple, points_bounds([WORLD[i] for i in picked])))
                             if picked else None)


def test_an_event_not_in_the_maps_version_is_left_out():
    stranger = place(make_event(city="Cork", country_code="IE"), 51.9, -8.5)
    assert select([stranger, WORLD[2]], INDEX).indices == (2,)


def test_the_view_takes_in_the_searched_place():
    chosen = select([WORLD[0]], INDEX, focus=CORK, fit=SELECTION_FIT)
    expected = union_bounds(points_bounds([WORLD[0]]), CORK.bounds())
    assert chosen.bounds == tuple(tuple(corner) for corner in expected)
    option = chosen.as_option()
    assert option["focus"] == CORK.as_option() and option["fit"] == {"padding": [30, 30], "maxZoom": 10}


def test_going_names_only_the_events_someone_goes_to_in_the_visitors_words():
    spanish = fake_translator({}, language="es")
    counts = {UIDS[WORLD[1]]: 3, UIDS[WORLD[4]]: 0, UIDS[WORLD[5]]: 7}
    chosen = select(WORLD[:5], INDEX, uids=UIDS, counts=counts, mine={UIDS[WORLD[4]]}, going_pass="p.1f",
                    translator=spanish)
    three, none = spanish.text(going_label(3)), spanish.text(going_label(0))
    assert chosen.going == ((1, 3, three, False), (4, 0, none, True))  # Anchorage is not shown
    assert chosen.as_option()["going"] == {"pass": "p.1f", "counts": [[1, 3, three, 0], [4, 0, none, 1]]}


def test_without_counts_the_popups_show_none():
    chosen = select(WORLD, INDEX, uids=UIDS, counts=None, going_pass="p.1f")
    assert chosen.going is None and chosen.as_option()["going"] is None


def test_a_selection_is_frozen():
    with pytest.raises(AttributeError):
        select(WORLD, INDEX).indices = (1,)


def group_script(selection: Selection) -> str:
    """The selection's script as streamlit-folium makes it for ``feature_group_to_add``."""
    return _get_feature_group_string(selection_group(selection), app_map("/api/map-data?version=1&lang=en"))


def test_the_group_calls_the_layer_on_the_map():
    script = group_script(select([WORLD[2]], INDEX, fit=SELECTION_FIT))
    (call,) = re.findall(rf"{SELECT_FUNCTION}\((\w+), (\{{.*\}})\);", script)
    assert call[0] == "map_div"
    assert json.loads(call[1])["show"] == [2]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_place_name_stays_text_in_the_groups_script(payload):
    focus = Focus(51.9, -8.5, 100.0, payload)
    script = group_script(select([WORLD[0]], INDEX, focus=focus))
    assert "</script" not in script.lower() and "<!--" not in script and "{{" not in script
    assert "\u2028" not in script and "\u2029" not in script
    (options,) = re.findall(rf"{SELECT_FUNCTION}\(map_div, (\{{.*\}})\);", script)
    assert json.loads(options)["focus"]["label"] == payload


def leaflet_key(m) -> str:
    return generate_js_hash(_get_map_string(m), "map")


def test_the_app_map_is_the_same_for_every_filter_and_visitor():
    """streamlit-folium keeps its frame while the map's script is the same: only the selection changes."""
    one = app_map("/api/map-data?version=3&lang=en", going_url="/api/going")
    two = app_map("/api/map-data?version=3&lang=en", going_url="/api/going")
    assert leaflet_key(one) == leaflet_key(two)
    assert leaflet_key(app_map("/api/map-data?version=4&lang=en", going_url="/api/going")) != leaflet_key(one)
    (_, options), = calls_in(_get_map_string(app_map("/api/map-data?version=3&lang=en")), "speakoutEventLayer")
    options = json.loads(options)
    assert options["rowsUrl"] == "/api/map-data?version=3&lang=en" and options["rows"] == []
    assert options["going"] is None


@pytest.mark.parametrize(("shown", "open_event", "expected"), [
    (WORLD, WORLD[2], {"index": 2, "request": 7}),
    (WORLD[:2], WORLD[2], None),  # not shown: nothing to open
    (WORLD, None, None),
    (WORLD, place(make_event(city="Nowhere")), None),  # not in the map's version
])
def test_the_lists_show_on_the_map_is_a_numbered_request(shown, open_event, expected):
    option = select(shown, INDEX, open_event=open_event, open_request=7).as_option()
    assert option["open"] == expected
