"""The app map's script in node with a fake Leaflet: rows fetched from the map data document, then selections
shown without a new map (static/event_layer.js with maps/selection.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from speakout_map.maps.build import SELECTION_FIT, app_map
from speakout_map.maps.data import map_document, row_index
from speakout_map.maps.focus import Focus
from speakout_map.maps.selection import select
from tests.map_support import NODE, WORLD, layer_of
from tests.script_support import DOM_HARNESS, going_part, run_layer, texts

needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")

INDEX = row_index(WORLD)
DOCUMENT = json.loads(map_document(WORLD))
FIELD = {name: index for index, name in enumerate(DOCUMENT["fields"])}
UIDS = {p: row[FIELD["event"]] for p, row in zip(WORLD, DOCUMENT["rows"])}
PASS = "AbC-d_e0123456789abcdefghijklmnopqrstuvwx.0123456789abcdef0123456789abcdef"

_SELECTION_HARNESS = DOM_HARNESS + r"""
const steps = JSON.parse(process.argv[6]);
const settle = async () => { for (let i = 0; i < 5; i++) { await new Promise((r) => setTimeout(r, 0)); } };
const city = (marker) => marker.speakoutRow[4];
(async () => {
  await settle();
  const out = { fetches: made.fetches.map((f) => ({ url: f.url, credentials: f.init && f.init.credentials })),
                loaded: made.cluster.layers.map(city), notes: made.controls.map((c) => c.node).filter((n) => n.tag === "div" && n.className === "speakout-empty"),
                steps: [] };
  for (const step of steps) {
    made.fitted = null; made.circle = null; made.origin = null;
    vm.runInContext("speakoutSelectEvents(" + mapName + ", " + JSON.stringify(step) + ");", context);
    out.steps.push({
      shown: made.cluster.layers.map(city),
      fitted: made.fitted,
      circle: made.circle ? made.circle.latlng : null,
      origin: made.origin ? made.origin.tooltip : null,
      popups: made.cluster.layers.map((m) => JSON.parse(JSON.stringify(resolve(m.popup, m)))),
      empty: made.controls.filter((c) => c.node.className === "speakout-empty" && !c.removed).length,
      removed: made.removed.length,
      opened: made.opened.splice(0).map(city),
      scrolled: (made.scrolled || []).splice(0),
    });
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


def run_app_map(tmp_path: Path, steps: list, answer: dict | None = None, *, status: int = 200,
                rows_url: str = "/api/map-data?version=1&lang=en", going: bool = True) -> dict:
    layer = layer_of(app_map(rows_url, going_url="/api/going" if going else None))
    plan = {"status": status, "answer": DOCUMENT if answer is None else answer}
    return run_layer(tmp_path, _SELECTION_HARNESS, layer, json.dumps(plan), json.dumps({}), json.dumps(steps))


def option(placed, **kwargs) -> dict:
    return select(placed, INDEX, fit=SELECTION_FIT, **kwargs).as_option()


CITIES = [p.event.city for p in WORLD]


@needs_node
def test_the_rows_are_fetched_once_from_the_same_site(tmp_path):
    out = run_app_map(tmp_path, [])
    assert out["fetches"] == [{"url": "/api/map-data?version=1&lang=en", "credentials": "same-origin"}]
    assert out["loaded"] == CITIES  # every event until a selection says otherwise


@needs_node
@pytest.mark.parametrize("picked", [[0], [2, 4], [], list(range(len(WORLD)))])
def test_a_selection_shows_its_events_and_fits_the_view_to_them(tmp_path, picked):
    chosen = option([WORLD[i] for i in picked])
    (step,) = run_app_map(tmp_path, [chosen])["steps"]
    assert sorted(step["shown"]) == sorted(CITIES[i] for i in picked)
    if picked:
        assert step["fitted"] == {"bounds": chosen["bounds"], "options": {"padding": [30, 30], "maxZoom": 10}}
        assert step["empty"] == 0
    else:
        assert step["fitted"] is None and step["empty"] == 1  # "no events on the map yet", with the guide


@needs_node
def test_the_same_events_again_keep_the_visitors_view(tmp_path):
    first = option(WORLD[:2])
    out = run_app_map(tmp_path, [first, first, option(WORLD[2:4]), option(WORLD[:2])])
    fitted = [step["fitted"] is not None for step in out["steps"]]
    assert fitted == [True, False, True, True]


@needs_node
def test_a_near_search_draws_its_place_then_goes_with_the_next_selection(tmp_path):
    hostile = '<img src=x onerror="alert(1)">, Cork {title}'
    near = option(WORLD[:1], focus=Focus(51.89851, -8.47561, 250, hostile))
    out = run_app_map(tmp_path, [near, option(WORLD)])
    with_place, without = out["steps"]
    assert with_place["circle"] == [51.89851, -8.47561]
    assert with_place["origin"] == {"tag": "span", "class": "speakout-origin-label", "text": hostile}
    assert without["circle"] is None and without["removed"] >= with_place["removed"] + 2  # circle and point gone


@needs_node
def test_the_going_counts_and_pass_come_with_the_selection(tmp_path):
    counts = {UIDS[WORLD[0]]: 5}
    first = option(WORLD[:2], uids=UIDS, counts=counts, mine={UIDS[WORLD[1]]}, going_pass=PASS)
    later = option(WORLD[:2], uids=UIDS, counts={}, going_pass=PASS)
    off = option(WORLD[:2], uids=UIDS, counts=None)
    steps = run_app_map(tmp_path, [first, later, off])["steps"]
    shown = steps[0]["shown"]
    madrid, other = (steps[0]["popups"][shown.index(city)] for city in CITIES[:2])
    assert texts(going_part(madrid)) == [("speakout-popup-going-count", "5 going"),
                                         ("speakout-popup-going-button", "I'll be there")]
    assert texts(going_part(other))[1] == ("speakout-popup-going-button", "You're going")
    # counts back to the document's when the selection no longer names them
    assert {texts(going_part(p))[0][1] for p in steps[1]["popups"]} == {DOCUMENT["rows"][0][FIELD["goingText"]]}
    assert all(going_part(p) is None for p in steps[2]["popups"])  # no counts: no going part


@needs_node
@pytest.mark.parametrize("answer", [{"fields": ["lat"], "rows": []}, {"rows": "x"}, None])
def test_a_document_that_is_not_the_maps_is_a_note_not_a_crash(tmp_path, answer):
    out = run_app_map(tmp_path, [option(WORLD[:1])], answer=answer or [], status=200)
    assert out["loaded"] == [] and out["steps"][0]["shown"] == []
    (note,) = out["notes"]
    assert note["kids"][0]["text"].startswith("The events could not be loaded.")


@needs_node
def test_a_failed_fetch_is_a_note(tmp_path):
    out = run_app_map(tmp_path, [], status=503)
    assert out["loaded"] == [] and out["notes"][0]["kids"][0]["text"].startswith("The events could not be loaded.")


@needs_node
@pytest.mark.parametrize("rows_url", ["//evil.example/rows.json", "https://evil.example/rows.json"])
def test_rows_only_come_from_this_site(tmp_path, rows_url):
    out = run_app_map(tmp_path, [], rows_url=rows_url)
    assert out["fetches"] == [] and out["loaded"] == []


@needs_node
def test_show_on_the_map_opens_the_popup_once_per_request(tmp_path):
    first = option(WORLD, open_event=WORLD[2], open_request=1)
    again = option(WORLD, open_event=WORLD[2], open_request=1)  # a rerun for another reason: left be
    next_one = option(WORLD, open_event=WORLD[4], open_request=2)
    same_event_asked_again = option(WORLD, open_event=WORLD[4], open_request=3)
    hidden = option(WORLD[:2], open_event=WORLD[4], open_request=4)  # not shown: the selection carries none
    steps = run_app_map(tmp_path, [first, again, next_one, same_event_asked_again, hidden])["steps"]
    assert [step["opened"] for step in steps] == [[CITIES[2]], [], [CITIES[4]], [CITIES[4]], []]
    # each popup opened on request brings the map into sight (the list is under it), and only those
    assert [step["scrolled"] for step in steps] == [[{"block": "center"}], [], [{"block": "center"}],
                                                    [{"block": "center"}], []]
