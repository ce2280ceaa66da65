"""Tests of the offline basemap element: there when asked for, in the page as finished text, seen by streamlit-folium;
in a folder of files (the static export), its outlines from a script file.

What its script does in a browser is tested here too, in node with a fake Leaflet (tests/script_support.py).
"""

from __future__ import annotations

import json

import pytest

from speakout_map.maps import assets as asset_files
from speakout_map.maps.assets import RelativeBaseUrl
from speakout_map.escaping import script_json
from speakout_map.maps.basemap import (
    BASEMAP_LAND_COLOUR,
    BASEMAP_PANE,
    BASEMAP_PANE_Z_INDEX,
    BASEMAP_WATER_COLOUR,
    OUTLINES_GLOBAL,
    OUTLINES_SCRIPT,
    OfflineBasemap,
    outlines_script,
)
from speakout_map.maps.build import build_map, map_html
from tests.map_support import (
    FORBIDDEN_JS,
    WORLD,
    basemap_of,
    calls_in,
    extract_rows,
    leaflet_script,
    member_text,
    needs_node,
    st_folium_links,
)
from tests.script_support import BASEMAP_HARNESS, FAKE_TOPOLOGY, run_basemap_in_node, run_script


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


# --- a page opened from a folder of files (the static export): the outlines from a script ----------------


def _options(m) -> dict:
    ((_, options),) = calls_in(leaflet_script(basemap_of(m)), "speakoutOfflineBasemap")
    return json.loads(options)


@pytest.mark.parametrize(("base", "assets"), [(asset_files.DEFAULT_BASE_URL, "self"), ("/p/app/static/vendor", "self"),
                                              ("https://static.example.org/v", "self"),
                                              (asset_files.DEFAULT_BASE_URL, "cdn")])
def test_the_apps_basemap_fetches_its_outlines_as_before(base, assets):
    m = build_map(WORLD, asset_base_url=base, assets=assets)
    html = map_html(m)
    assert "dataGlobal" not in _options(m)
    assert f'{OUTLINES_SCRIPT}"' not in html and "world_countries_script" not in dict(basemap_of(m).default_js)
    assert [name for name, _ in basemap_of(m).default_js] == ["topojson_client"]


def test_a_folder_of_files_loads_the_outlines_from_a_script_before_the_map():
    m = build_map(WORLD, asset_base_url=RelativeBaseUrl("vendor"))
    html = map_html(m)
    options = _options(m)
    assert options["dataGlobal"] == OUTLINES_GLOBAL
    assert options["dataUrl"] == "vendor/world-atlas/countries-110m.json", "still fetched where fetch works"
    assert basemap_of(m).default_js == [("topojson_client", "vendor/topojson-client/topojson-client.min.js"),
                                        ("world_countries_script", f"vendor/{OUTLINES_SCRIPT}")]
    tag = f'<script src="vendor/{OUTLINES_SCRIPT}"></script>'
    assert html.count(tag) == 1 and html.index(tag) < html.index("speakoutOfflineBasemap(")


def test_in_cdn_mode_a_relative_address_changes_nothing():
    m = build_map(WORLD, asset_base_url=RelativeBaseUrl("vendor"), assets="cdn")
    assert "dataGlobal" not in _options(m) and _options(m)["dataUrl"].startswith("https://cdn.jsdelivr.net/")


def test_outlines_script_is_one_assignment_of_ascii_json():
    text = outlines_script('{"type": "Topology", "objects": {"x": "</script><!-- é \u2028"}}')
    assert text.startswith(f"window.{OUTLINES_GLOBAL} = {{") and text.endswith("};\n")
    assert text.isascii() and text.count("\n") == 1
    assert json.loads(text.split(" = ", 1)[1].rstrip(";\n")) == {
        "type": "Topology", "objects": {"x": "</script><!-- é \u2028"}}


@pytest.mark.parametrize("bad", ["", "not json", "[1, 2]", '"text"', "NaN", '{"a": NaN}'])
def test_outlines_script_refuses_what_is_not_a_topology(bad):
    with pytest.raises(ValueError):
        outlines_script(bad)


def run_folder_basemap(tmp_path, preamble: str, status: int = 200) -> dict:
    """The basemap's code as a folder's page has it, run in node after ``preamble`` (the outlines' script)."""
    m = build_map(WORLD, asset_base_url=RelativeBaseUrl("vendor"))
    (tmp_path / "data.json").write_text(json.dumps(FAKE_TOPOLOGY), encoding="utf-8")
    return run_script(tmp_path, BASEMAP_HARNESS, preamble + leaflet_script(basemap_of(m)), m.get_name(),
                      str(tmp_path / "data.json"), "", str(status))


@needs_node
def test_with_the_outlines_script_nothing_is_fetched(tmp_path):
    out = run_folder_basemap(tmp_path, outlines_script(json.dumps(FAKE_TOPOLOGY)))
    assert out["fetched"] == [] and out["warnings"] == []
    assert len(out["layers"]) == 3 and all(layer["features"] == 3 for layer in out["layers"])


@needs_node
def test_without_the_outlines_script_the_folder_fetches_them(tmp_path):
    out = run_folder_basemap(tmp_path, "")
    assert out["fetched"] == ["vendor/world-atlas/countries-110m.json"]
    assert len(out["layers"]) == 3


@needs_node
def test_a_broken_outlines_script_only_warns(tmp_path):
    out = run_folder_basemap(tmp_path, f"window.{OUTLINES_GLOBAL} = {{\"objects\": {{}}}};\n")
    assert out["fetched"] == [] and out["layers"] == []
    assert len(out["warnings"]) == 1 and "no country outlines" in out["warnings"][0]


# --- the basemap's script, run in node with a fake Leaflet ------------------------------

def test_basemap_is_drawn_under_the_tiles_and_the_markers():
    m = build_map(WORLD)
    script = leaflet_script(basemap_of(m))
    ((_, options),) = calls_in(script, "speakoutOfflineBasemap")
    # Leaflet's panes: tiles 200, overlays 400, markers 600. The basemap's own pane is below the tiles.
    assert BASEMAP_PANE_Z_INDEX < 200
    assert "pane.style.zIndex = options.zIndex;" in script and json.loads(options)["zIndex"] == BASEMAP_PANE_Z_INDEX
    assert "var PANE = options.pane;" in script and member_text(options, "pane") == json.dumps(BASEMAP_PANE)
    assert "pane: PANE" in script and "interactive: false" in script
    assert 'pane.style.pointerEvents = "none";' in script
    assert BASEMAP_WATER_COLOUR in script and BASEMAP_LAND_COLOUR in script
    assert "map.getContainer().style.background = STYLE[0];" in script
    # fetched by URL, not inlined: the page stays small
    assert "var DATA_URL = options.dataUrl;" in script
    assert member_text(options, "dataUrl") == script_json("/app/static/vendor/world-atlas/countries-110m.json")
    assert "fetch(DATA_URL" in script
    assert not FORBIDDEN_JS.search(script)


@needs_node
def test_basemap_draws_outlines_in_its_pane_without_lines_across_the_world(tmp_path):
    out = run_basemap_in_node(tmp_path, FAKE_TOPOLOGY)
    assert out["fetched"] == ["/app/static/vendor/world-atlas/countries-110m.json"]
    assert out["warnings"] == []
    assert out["panes"] == {BASEMAP_PANE: {"style": {"zIndex": BASEMAP_PANE_Z_INDEX, "pointerEvents": "none"}}}
    assert out["background"] == BASEMAP_WATER_COLOUR
    assert any("Natural Earth" in a for a in out["attributions"])
    layers = out["layers"]
    assert len(layers) == 3  # the world, and a copy on each side
    for layer in layers:
        assert layer["pane"] == BASEMAP_PANE and layer["interactive"] is False and layer["inGroup"]
        assert layer["style"]["fillColor"] == BASEMAP_LAND_COLOUR
        assert layer["features"] == 3
        assert layer["maxStep"] <= 180  # no edge jumps from one side of the world to the other
    assert sorted(round((l["minLng"] + l["maxLng"]) / 2) for l in layers) == [-360, 0, 360]


@needs_node
@pytest.mark.parametrize("status", [404, 500])
def test_basemap_that_cannot_be_fetched_only_warns(status, tmp_path):
    out = run_basemap_in_node(tmp_path, FAKE_TOPOLOGY, status=status)
    assert out["layers"] == []
    assert len(out["warnings"]) == 1 and f"HTTP {status}" in out["warnings"][0]


INSTALLED_VENDOR = asset_files.STATIC_DIR / "vendor"
needs_installed_assets = pytest.mark.skipif(
    bool(asset_files.missing_files()), reason="the map's npm files are not installed; run `make install` (make test does)"
)


@needs_node
@needs_installed_assets
def test_basemap_with_the_real_natural_earth_data(tmp_path):
    out = run_basemap_in_node(
        tmp_path, INSTALLED_VENDOR / "world-atlas" / "countries-110m.json",
        topojson=INSTALLED_VENDOR / "topojson-client" / "topojson-client.min.js",
    )
    assert out["warnings"] == []
    assert len(out["layers"]) == 3
    for layer in out["layers"]:
        assert layer["features"] == 177
        # Russia, Fiji and Antarctica cross the antimeridian; unwrapped, no edge spans the world
        assert layer["maxStep"] <= 180, layer


@needs_node
@pytest.mark.parametrize("assets", ["self", "cdn"])
def test_basemap_fetch_checks_the_pinned_integrity_in_cdn_mode_only(assets, tmp_path):
    out = run_basemap_in_node(tmp_path, FAKE_TOPOLOGY, assets=assets)
    data = asset_files.ASSETS_BY_NAME[asset_files.BASEMAP_DATA]
    assert out["fetched"] == [data.url(assets)]
    assert out["integrity"] == (data.integrity if assets == "cdn" else None)
