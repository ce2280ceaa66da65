"""Tests of the offline basemap element: there when asked for, in the page as finished text, seen by streamlit-folium.

What its script does in a browser is tested in test_map_scripts.py.
"""

from __future__ import annotations

import pytest

from speakout_map.maps.basemap import BASEMAP_PANE, OfflineBasemap
from speakout_map.maps.build import build_map, map_html
from tests.map_support import WORLD, basemap_of, calls_in, extract_rows, leaflet_script, st_folium_links


@pytest.mark.parametrize("basemap", [True, False])
def test_basemap_is_there_only_when_asked_for(basemap):
    m = build_map(WORLD, basemap=basemap)
    html = map_html(m)
    layers = [c for c in m._children.values() if isinstance(c, OfflineBasemap)]
    assert len(layers) == (1 if basemap else 0)
    for needle in ("topojson-client.min.js", "countries-110m.json", BASEMAP_PANE, "createPane(", "L.geoJSON("):
        assert (needle in html) is basemap, needle
    # the events are there either way
    assert len(extract_rows(html)) == len(WORLD)


def test_basemap_script_is_not_templated_a_second_time():
    m = build_map(WORLD)
    map_html(m)
    layer = basemap_of(m)
    ours = m.get_root().script._children[layer.get_name()]
    assert type(ours).__name__ == "FinishedText"
    assert ours.render() == leaflet_script(layer)


def test_streamlit_folium_gets_the_basemap_script(monkeypatch):
    sent = st_folium_links(build_map(WORLD), monkeypatch)
    assert [map_name for map_name, _ in calls_in(sent["script"], "speakoutOfflineBasemap")] == ["map_div"]
    assert sent["script"].count("map.createPane(PANE)") == 1
    assert "countries-110m.json" in sent["script"]
