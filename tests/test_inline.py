"""Tests of how our own code gets into the map page: the static files, and the elements that inline them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import folium
import pytest

from speakout_map.maps.basemap import OfflineBasemap
from speakout_map.maps.inline import STATIC_FILES, InlineScriptElement, static_text
from speakout_map.maps.layer import EventClusterLayer
from speakout_map.maps.rows import event_row
from tests.map_support import WORLD, calls_in, leaflet_script

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STATIC_DIR = PROJECT_ROOT / "speakout_map" / "maps" / "static"

ELEMENTS = [
    pytest.param(lambda: EventClusterLayer([event_row(p) for p in WORLD]), "speakoutEventLayer", id="layer"),
    pytest.param(lambda: OfflineBasemap(), "speakoutOfflineBasemap", id="basemap"),
]


def test_static_files_are_the_folder():
    assert sorted(path.name for path in STATIC_DIR.iterdir()) == sorted(STATIC_FILES)


@pytest.mark.parametrize("name", STATIC_FILES)
def test_static_text_is_the_file_read_once(name):
    text = static_text(name)
    assert text == (STATIC_DIR / name).read_text(encoding="utf-8")
    assert text.endswith("\n") and len(text) > 100
    assert static_text(name) is text


@pytest.mark.parametrize("name", ["", "nope.js", "EVENT_LAYER.JS", "../build.py", "static/map.css", "/etc/passwd"])
def test_static_text_refuses_other_names(name):
    with pytest.raises(ValueError):
        static_text(name)


def test_static_files_are_found_from_any_folder(tmp_path):
    """The app runs from the source tree (pythonpath "."), started from anywhere."""
    code = ("from speakout_map.maps.inline import STATIC_FILES, static_text; "
            "print(sum(len(static_text(name)) > 0 for name in STATIC_FILES))")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(len(STATIC_FILES))


@pytest.mark.parametrize("make, function", ELEMENTS)
def test_script_is_the_file_and_one_call_on_the_parent_map(make, function):
    m = folium.Map()
    element = make().add_to(m)
    script = leaflet_script(element)
    assert script.startswith(static_text(element.script_file))
    ((map_name, options),) = calls_in(script, function)
    assert map_name == m.get_name()
    assert options == element.options_json
    assert isinstance(json.loads(options), dict)
    assert script.endswith(f"var {element.get_name()} = {function}({m.get_name()}, {options});\n")


@pytest.mark.parametrize("make, function", ELEMENTS)
def test_element_outside_a_figure_is_refused(make, function):
    with pytest.raises(TypeError, match="inside a Figure"):
        make().render()


@pytest.mark.parametrize("make, function", ELEMENTS)
def test_render_puts_the_script_in_the_page_once(make, function):
    m = folium.Map()
    element = make().add_to(m)
    for _ in range(2):
        html = m.get_root().render()
        assert html.count(f"= {function}(") == 1
        assert html.count(static_text(element.script_file)) == 1


def test_elements_share_one_render():
    assert EventClusterLayer.render is OfflineBasemap.render is InlineScriptElement.render
    assert EventClusterLayer._template is OfflineBasemap._template
