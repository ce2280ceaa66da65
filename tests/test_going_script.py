"""Tests of "I'll be there" in a popup (the going part of speakout_map/maps/static/event_layer.js), run in node with
a fake Leaflet, DOM, fetch and tab storage: the count and the button, what a click sends, failures, and what the
tab remembers across a reload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from speakout_map.escaping import script_object
from speakout_map.maps.build import build_map
from speakout_map.maps.inline import static_text
from speakout_map.maps.layer import going_labels
from tests.i18n_support import fake_translator
from tests.map_support import (
    FIELD,
    PAYLOADS,
    TEXT_FIELDS,
    WORLD,
    layer_of,
    make_event,
    needs_node,
    place,
)
from tests.script_support import DOM_HARNESS, going_part, run_in_node, run_layer, texts

_GOING_HARNESS = DOM_HARNESS + r"""
const find = (node, tag) => {
  if (node.tag === tag) { return node; }
  for (const kid of node.kids) { const found = find(kid, tag); if (found) { return found; } }
  return null;
};
const copy = (node) => JSON.parse(JSON.stringify(node));
const settle = async () => { for (let i = 0; i < 5; i++) { await new Promise((r) => setTimeout(r, 0)); } };
(async () => {
  const marker = made.markers[0];
  const popup = resolve(marker.popup, marker);
  const before = copy(popup);
  const button = find(popup, "button");
  const after = [];
  for (let i = 0; button && i < how.clicks; i++) {
    for (let j = 0; j < (how.together || 1); j++) {
      (button.listeners.click || []).forEach((fn) => fn.call(button, {}));
    }
    await settle();
    after.push(copy(popup));
  }
  process.stdout.write(JSON.stringify({
    before, after, row: marker.speakoutRow, cached: resolve(marker.popup, marker) === popup, storage: tabStorage.data,
    fetches: made.fetches.map((f) => ({ url: f.url, method: f.init.method, headers: f.init.headers,
                                        credentials: f.init.credentials, body: JSON.parse(f.init.body) })),
  }));
})();
"""

GOING_UID = "0123456789abcdef0123456789abcdef@speakout-map"
GOING_PASS = "AbC-d_e0123456789abcdefghijklmnopqrstuvwx.0123456789abcdef0123456789abcdef"
GOING_WORDS = going_labels()


def run_going_in_node(tmp_path: Path, plan: dict | list, *, count: int = 23, mine: bool = False, clicks: int = 1,
                      together: int = 1, url: str = "/api/going", going_pass: str = GOING_PASS, translator=None,
                      placed=None, storage: dict | str | None = None) -> dict:
    m = build_map([placed or WORLD[0]], translator=translator, going=lambda p: (GOING_UID, count, mine),
                  going_url=url, going_pass=going_pass)
    return run_layer(tmp_path, _GOING_HARNESS, layer_of(m), json.dumps(plan),
                     json.dumps({"clicks": clicks, "together": together, "storage": storage}))


def button_of(part: dict) -> dict:
    (button,) = [kid for kid in part["kids"] if kid["tag"] == "button"]
    return {key: button[key] for key in ("text", "type", "disabled")}


OK_ANSWER = {"status": 200, "answer": {"count": 24, "counted": True, "label": "24 going"}}


@needs_node
def test_a_popup_shows_the_count_and_the_button(tmp_path):
    out = run_going_in_node(tmp_path, OK_ANSWER, clicks=0)
    part = going_part(out["before"])
    assert texts(part) == [("speakout-popup-going-count", "23 going"), ("speakout-popup-going-button", "I'll be there")]
    assert part["kids"][0]["attrs"] == {"aria-live": "polite"}
    assert button_of(part) == {"text": "I'll be there", "type": "button", "disabled": False}
    assert out["fetches"] == []
    # the rest of the popup is as it was, the going part last
    assert out["before"]["kids"][-1] is not None and out["before"]["kids"][-1]["class"] == "speakout-popup-going"


@needs_node
def test_a_click_posts_the_event_and_pass_then_shows_the_new_count(tmp_path):
    out = run_going_in_node(tmp_path, OK_ANSWER, clicks=2)
    (sent,) = out["fetches"]  # the second click found the button disabled
    assert sent == {"url": "/api/going", "method": "POST", "headers": {"Content-Type": "application/json"},
                    "credentials": "same-origin", "body": {"event": GOING_UID, "pass": GOING_PASS, "lang": "en"}}
    for popup in out["after"]:
        part = going_part(popup)
        assert texts(part) == [("speakout-popup-going-count", "24 going"),
                               ("speakout-popup-going-button", "You're going")]
        assert button_of(part)["disabled"] is True
    row = out["row"]
    assert (row[FIELD["going"]], row[FIELD["goingText"]], row[FIELD["goingMine"]]) == (24, "24 going", 1)
    assert out["cached"] is True  # the popup keeps its new state when it is opened again


@needs_node
def test_clicks_in_a_row_send_once(tmp_path):
    out = run_going_in_node(tmp_path, OK_ANSWER, together=3)
    assert len(out["fetches"]) == 1


@needs_node
def test_the_route_under_a_base_path_is_where_the_click_goes(tmp_path):
    out = run_going_in_node(tmp_path, OK_ANSWER, url="/campaign/api/going")
    assert [f["url"] for f in out["fetches"]] == ["/campaign/api/going"]


@needs_node
@pytest.mark.parametrize(
    ("plan", "note"),
    [
        ({"status": 429, "answer": {"error": "x"}}, "tooOften"),
        ({"status": 404, "answer": {"error": "x"}}, "reload"),
        ({"status": 400, "answer": {"error": "x"}}, "reload"),
        ({"status": 503, "answer": {"error": "x"}}, "failed"),
        ({"status": 500, "answer": None}, "failed"),
        ({"throws": True}, "failed"),
        ({"rejects": True}, "failed"),
        ({"status": 200, "badJson": True}, "failed"),
        ({"status": 200, "answer": {"count": "24", "label": "24 going"}}, "failed"),
        ({"status": 200, "answer": {"count": 24, "label": {"toString": "x"}}}, "failed"),
        ({"status": 200, "answer": None}, "failed"),
    ],
    ids=["429", "404", "400", "503", "500", "throws", "rejects", "bad-json", "count-text", "label-object", "null"],
)
def test_a_failure_shows_a_short_note_and_the_button_can_be_tried_again(tmp_path, plan, note):
    out = run_going_in_node(tmp_path, plan, clicks=2)
    assert len(out["fetches"]) == 2  # tried again
    for popup in out["after"]:
        part = going_part(popup)
        assert texts(part) == [("speakout-popup-going-count", "23 going"),
                               ("speakout-popup-going-button", "I'll be there"),
                               ("speakout-popup-going-note", GOING_WORDS[note])]
        assert part["kids"][-1]["attrs"] == {"role": "alert"}
        assert button_of(part)["disabled"] is False
    assert out["row"][FIELD["goingMine"]] == 0


@needs_node
def test_success_after_a_failure_clears_the_note(tmp_path):
    out = run_going_in_node(tmp_path, [{"status": 503, "answer": None}, OK_ANSWER], clicks=2)
    failed, counted = (going_part(popup) for popup in out["after"])
    assert texts(failed)[-1] == ("speakout-popup-going-note", GOING_WORDS["failed"])
    assert texts(counted) == [("speakout-popup-going-count", "24 going"),
                              ("speakout-popup-going-button", "You're going")]


@needs_node
@pytest.mark.parametrize("label", [PAYLOADS[0], "</script><script>alert(1)</script>", "{title} $& 25 going"])
def test_the_routes_words_are_shown_as_text_only(tmp_path, label):
    out = run_going_in_node(tmp_path, {"status": 200, "answer": {"count": 25, "counted": True, "label": label}})
    assert texts(going_part(out["after"][0]))[0] == ("speakout-popup-going-count", label)


@needs_node
def test_a_visitor_already_going_sees_it_and_cannot_send_again(tmp_path):
    out = run_going_in_node(tmp_path, OK_ANSWER, mine=True, count=5)
    part = going_part(out["before"])
    assert texts(part) == [("speakout-popup-going-count", "5 going"), ("speakout-popup-going-button", "You're going")]
    assert button_of(part)["disabled"] is True
    assert out["fetches"] == []


@needs_node
@pytest.mark.parametrize(("url", "going_pass"), [("", GOING_PASS), ("/api/going", ""),
                                                 ("https://evil.example/api/going", GOING_PASS)])
def test_without_a_route_or_pass_the_count_is_shown_without_a_button(tmp_path, url, going_pass):
    out = run_going_in_node(tmp_path, OK_ANSWER, url=url, going_pass=going_pass)
    assert texts(going_part(out["before"])) == [("speakout-popup-going-count", "23 going")]
    assert out["fetches"] == []


@needs_node
@pytest.mark.parametrize("url", ["//evil.example/x", "https://evil.example/x", "javascript:alert(1)", "/api/ going"])
def test_the_script_rechecks_the_route(tmp_path, url):
    """Options that somehow carry another address (bypassing the Python check) send nothing."""
    layer = layer_of(build_map([WORLD[0]], going=lambda p: (GOING_UID, 1, False), going_url="/api/going",
                               going_pass=GOING_PASS))
    options = json.loads(layer.options_json)
    options["going"]["url"] = url
    layer.options_json = script_object(options)
    out = run_layer(tmp_path, _GOING_HARNESS, layer, json.dumps(OK_ANSWER), json.dumps({"clicks": 1}))
    assert out["fetches"] == [] and not any(kid["tag"] == "button" for kid in going_part(out["before"])["kids"])


@needs_node
def test_without_going_a_popup_has_no_going_part(tmp_path):
    out = run_in_node(layer_of(build_map(WORLD[:2])), tmp_path)
    assert all(going_part(marker["popup"]) is None for marker in out["markers"])


@needs_node
def test_the_going_part_speaks_the_readers_language(tmp_path):
    spanish = fake_translator({"I'll be there": "Allí estaré", "You're going": "Vas a ir",
                               ("{count:,} going", 1): "{count:,} van"}, language="es")
    out = run_going_in_node(tmp_path, {"status": 200, "answer": {"count": 24, "counted": True, "label": "24 van"}},
                            translator=spanish)
    assert texts(going_part(out["before"])) == [("speakout-popup-going-count", "23 van"),
                                                ("speakout-popup-going-button", "Allí estaré")]
    assert texts(going_part(out["after"][0]))[1] == ("speakout-popup-going-button", "Vas a ir")
    assert out["fetches"][0]["body"]["lang"] == "es"


@needs_node
@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_hostile_event_text_beside_the_going_part_stays_text(tmp_path, payload):
    hostile = place(make_event(**{f: payload for f in TEXT_FIELDS}))
    out = run_going_in_node(tmp_path, OK_ANSWER, placed=hostile)
    assert ("speakout-popup-title", payload) in texts(out["before"])
    assert texts(going_part(out["after"][0]))[0] == ("speakout-popup-going-count", "24 going")


def test_the_going_words_are_not_in_the_script():
    script = static_text("event_layer.js")
    for key, text in going_labels().items():
        assert f"going.labels.{key}" in script or f'"{key}"' in script, key
        assert text not in script, text
    for words in ("be there", "You're", "Not counted", "Reload", "Try again"):
        assert words not in script, words


# --- the tab remembers: a reload is the same visitor ---------------------------------------------

TAB_KEY = "speakout-going"
OLD_PASS = "OldTabToken_0123456789abcdefghijklmnopq.fedcba9876543210fedcba9876543210"


@needs_node
def test_a_counted_click_is_kept_for_the_tab(tmp_path):
    out = run_going_in_node(tmp_path, OK_ANSWER)
    assert json.loads(out["storage"][TAB_KEY]) == {"pass": GOING_PASS, "uids": [GOING_UID]}


@needs_node
def test_after_a_reload_the_tab_is_still_going_and_sends_its_own_pass(tmp_path):
    kept = {TAB_KEY: json.dumps({"pass": OLD_PASS, "uids": [GOING_UID]})}
    out = run_going_in_node(tmp_path, OK_ANSWER, storage=kept)
    part = going_part(out["before"])
    assert texts(part)[1] == ("speakout-popup-going-button", "You're going") and button_of(part)["disabled"] is True
    assert out["fetches"] == []
    other = "f" * 32 + "@speakout-map"
    kept = {TAB_KEY: json.dumps({"pass": OLD_PASS, "uids": [other]})}
    out = run_going_in_node(tmp_path, OK_ANSWER, storage=kept)
    assert [f["body"]["pass"] for f in out["fetches"]] == [OLD_PASS]  # one tab, one visitor
    assert json.loads(out["storage"][TAB_KEY]) == {"pass": OLD_PASS, "uids": [other, GOING_UID]}


@needs_node
def test_a_kept_pass_the_route_refuses_is_forgotten(tmp_path):
    kept = {TAB_KEY: json.dumps({"pass": OLD_PASS, "uids": []})}
    out = run_going_in_node(tmp_path, [{"status": 400, "answer": {"error": "x"}}, OK_ANSWER], storage=kept, clicks=2)
    assert [f["body"]["pass"] for f in out["fetches"]] == [OLD_PASS, GOING_PASS]
    assert json.loads(out["storage"][TAB_KEY]) == {"pass": GOING_PASS, "uids": [GOING_UID]}


@needs_node
@pytest.mark.parametrize("saved", [
    "not json", json.dumps({"pass": "x", "uids": [GOING_UID]}), json.dumps({"pass": OLD_PASS, "uids": "all"}),
    json.dumps({"pass": OLD_PASS + "<img src=x>", "uids": [GOING_UID]}), json.dumps(["a"]), "null",
])
def test_a_tampered_tab_state_is_ignored(tmp_path, saved):
    out = run_going_in_node(tmp_path, OK_ANSWER, storage={TAB_KEY: saved})
    assert texts(going_part(out["before"]))[1] == ("speakout-popup-going-button", "I'll be there")
    assert [f["body"]["pass"] for f in out["fetches"]] == [GOING_PASS]


@needs_node
def test_kept_events_that_are_not_uids_are_left_out(tmp_path):
    kept = {TAB_KEY: json.dumps({"pass": OLD_PASS, "uids": [GOING_UID.upper(), {"x": 1}, "<b>"]})}
    out = run_going_in_node(tmp_path, OK_ANSWER, storage=kept)
    assert texts(going_part(out["before"]))[1] == ("speakout-popup-going-button", "I'll be there")
    assert json.loads(out["storage"][TAB_KEY]) == {"pass": OLD_PASS, "uids": [GOING_UID]}


@needs_node
def test_without_storage_the_button_still_works(tmp_path):
    out = run_going_in_node(tmp_path, OK_ANSWER, storage="broken")
    assert texts(going_part(out["after"][0]))[1] == ("speakout-popup-going-button", "You're going")
