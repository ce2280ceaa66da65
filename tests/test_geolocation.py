"""Tests of the "Near me" button (app_pages/geolocation.py and static/geolocation.js) without a browser: the
Position type, reading the browser's answer, the texts the page must pass, the script file itself, and what
the script does when run in node against a fake DOM and a fake Geolocation API. A real Chromium drives it in
tests/e2e/test_geolocation.py."""

from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.geolocation import (
    MAXIMUM_AGE_MS,
    SCRIPT_FILE,
    STATE_KEY,
    STYLE_FILE,
    TEXT_KEYS,
    TIMEOUT_MS,
    WATCHDOG_MS,
    Outcome,
    Position,
    component_data,
    position_from_state,
)
from tests.map_support import FORBIDDEN_JS, NODE, needs_node

TEXTS = {name: f"status: {name}" for name in TEXT_KEYS}
CORK = {"latitude": 51.8985, "longitude": -8.4756, "accuracy": 1200.0}


# --- Position -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "position",
    [
        Position(Outcome.LOCATED, latitude=51.8985, longitude=-8.4756, accuracy_m=1200.0),
        Position(Outcome.LOCATED, latitude=-90, longitude=180),
        Position(Outcome.LOCATED, latitude=0.0, longitude=0.0, accuracy_m=0.0),
        *(Position(outcome) for outcome in Outcome if outcome is not Outcome.LOCATED),
        Position("denied"),  # type: ignore[arg-type] - a plain value is made an Outcome
    ],
)
def test_good_positions(position):
    assert isinstance(position.outcome, Outcome)
    assert position.located == (position.latitude is not None)


@pytest.mark.parametrize(
    ("outcome", "numbers"),
    [
        (Outcome.LOCATED, {}),
        (Outcome.LOCATED, {"latitude": 51.9}),
        (Outcome.LOCATED, {"latitude": 90.5, "longitude": 0}),
        (Outcome.LOCATED, {"latitude": 0, "longitude": -180.1}),
        (Outcome.LOCATED, {"latitude": math.nan, "longitude": 0}),
        (Outcome.LOCATED, {"latitude": 0, "longitude": math.inf}),
        (Outcome.LOCATED, {"latitude": True, "longitude": 0}),
        (Outcome.LOCATED, {"latitude": "51.9", "longitude": 0}),
        (Outcome.LOCATED, {"latitude": 0, "longitude": 0, "accuracy_m": -1}),
        (Outcome.DENIED, {"latitude": 51.9, "longitude": -8.5}),
        (Outcome.TIMEOUT, {"accuracy_m": 10.0}),
    ],
)
def test_bad_positions(outcome, numbers):
    with pytest.raises(ValueError):
        Position(outcome, **numbers)


def test_unknown_outcome_is_refused():
    with pytest.raises(ValueError):
        Position("lost")  # type: ignore[arg-type]


def test_the_repr_leaves_out_where_the_visitor_is():
    text = repr(Position(Outcome.LOCATED, latitude=51.8985, longitude=-8.4756, accuracy_m=1200.0))
    assert "51.8" not in text and "8.47" not in text and "1200" not in text
    assert "located" in text


def test_positions_are_frozen():
    position = Position(Outcome.LOCATED, latitude=1.0, longitude=2.0)
    with pytest.raises(AttributeError):
        position.latitude = 3.0  # type: ignore[misc]


# --- the browser's answer -----------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (None, None),
        ({}, None),
        ({"outcome": "located", "latitude": 51.8985, "longitude": -8.4756, "accuracy_m": 1200},
         Position(Outcome.LOCATED, latitude=51.8985, longitude=-8.4756, accuracy_m=1200.0)),
        ({"outcome": "located", "latitude": 51, "longitude": -8, "accuracy_m": None},
         Position(Outcome.LOCATED, latitude=51.0, longitude=-8.0)),
        # a missing or nonsensical accuracy is dropped, the position kept
        ({"outcome": "located", "latitude": 51.0, "longitude": -8.0, "accuracy_m": -5},
         Position(Outcome.LOCATED, latitude=51.0, longitude=-8.0)),
        ({"outcome": "located", "latitude": 51.0, "longitude": -8.0, "accuracy_m": "far"},
         Position(Outcome.LOCATED, latitude=51.0, longitude=-8.0)),
        ({"outcome": "denied"}, Position(Outcome.DENIED)),
        # an outcome without a position ignores whatever numbers came with it
        ({"outcome": "timeout", "latitude": 51.0, "longitude": -8.0}, Position(Outcome.TIMEOUT)),
        ({"outcome": "unavailable"}, Position(Outcome.UNAVAILABLE)),
        ({"outcome": "insecure"}, Position(Outcome.INSECURE)),
    ],
)
def test_answers_are_read(state, expected):
    assert position_from_state(state) == expected


@pytest.mark.parametrize(
    "state",
    [
        "located",
        ["located", 51.0, -8.0],
        {"outcome": "LOCATED", "latitude": 51.0, "longitude": -8.0},
        {"outcome": "here"},
        {"outcome": None},
        {"outcome": ["located"]},
        {"outcome": "located"},
        {"outcome": "located", "latitude": 51.0},
        {"outcome": "located", "latitude": "51.0", "longitude": "-8.0"},
        {"outcome": "located", "latitude": 91.0, "longitude": -8.0},
        {"outcome": "located", "latitude": 51.0, "longitude": 1e308 * 10},
        {"outcome": "located", "latitude": True, "longitude": False},
    ],
)
def test_nonsense_from_the_browser_is_no_answer(state):
    assert position_from_state(state) is None


# --- what the script gets -----------------------------------------------------------


def test_component_data_carries_the_label_texts_and_options():
    data = component_data("Near me", {**TEXTS, "extra": "ignored"})
    assert data == {
        "label": "Near me",
        "texts": TEXTS,
        "options": {"timeout_ms": TIMEOUT_MS, "maximum_age_ms": MAXIMUM_AGE_MS, "watchdog_ms": WATCHDOG_MS},
    }
    json.dumps(data)  # the component's data is JSON
    assert TIMEOUT_MS == 10_000 and 60_000 <= MAXIMUM_AGE_MS <= 15 * 60_000 and WATCHDOG_MS > TIMEOUT_MS


def test_every_outcome_has_a_text():
    assert set(TEXT_KEYS) == {"locating"} | {outcome.value for outcome in Outcome}


@pytest.mark.parametrize("missing", TEXT_KEYS)
def test_a_missing_text_is_a_mistake_of_the_page(missing):
    texts = {name: text for name, text in TEXTS.items() if name != missing}
    with pytest.raises(ValueError, match=missing):
        component_data("Near me", texts)


@pytest.mark.parametrize(("label", "texts"), [(None, TEXTS), ("Near me", {**TEXTS, "denied": None}),
                                              ("Near me", {**TEXTS, "located": 3})])
def test_texts_are_strings(label, texts):
    with pytest.raises(ValueError):
        component_data(label, texts)


# --- the files ----------------------------------------------------------------------


def _code(script: str) -> str:
    """The script without its comments."""
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", script, flags=re.S))


def test_the_script_writes_no_html_and_has_no_words_of_its_own():
    code = _code(SCRIPT_FILE.read_text(encoding="utf-8"))
    assert not FORBIDDEN_JS.search(code)
    literals = re.findall(r'"([^"\\]*)"', code)
    assert literals, "no string literals found: the check below would prove nothing"
    assert [text for text in literals if not re.fullmatch(r"[a-z_.-]*", text)] == []
    assert "textContent" in code
    for outcome in Outcome:
        assert f'"{outcome.value}"' in code
    assert f'"{STATE_KEY}"' in code


def test_the_script_asks_only_the_browser():
    code = _code(SCRIPT_FILE.read_text(encoding="utf-8"))
    for call in ("fetch", "XMLHttpRequest", "sendBeacon", "WebSocket", "localStorage", "sessionStorage",
                 "document.cookie", "console", "watchPosition", "postMessage", "import("):
        assert call not in code
    assert "enableHighAccuracy: false" in code


@needs_node
def test_the_script_is_a_module_node_can_parse(tmp_path):
    module = tmp_path / "geolocation.mjs"
    module.write_text(SCRIPT_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run([NODE, "--check", str(module)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_the_style_sheet_is_plain_css():
    css = STYLE_FILE.read_text(encoding="utf-8")
    assert ".speakout-locate__button" in css and ".speakout-locate__status" in css
    assert "url(" not in css and "@import" not in css and "<" not in css
    assert css.count("{") == css.count("}")


# --- the script in node -------------------------------------------------------------

_HARNESS = r"""
// A fake DOM and Geolocation API for static/geolocation.js; runs a scenario's steps, prints what happened.
import { pathToFileURL } from "node:url";
const [modulePath, scenarioText] = process.argv.slice(2);
const scenario = JSON.parse(scenarioText);

class Element {
  constructor(tag) {
    this.tag = tag; this.kids = []; this.attrs = {}; this.dataset = {};
    this.className = ""; this.textContent = ""; this.hidden = false; this.disabled = false; this.type = "";
  }
  appendChild(kid) { this.kids.push(kid); return kid; }
  setAttribute(name, value) { this.attrs[name] = String(value); }
  removeAttribute(name) { delete this.attrs[name]; }
  querySelector(selector) {
    const name = selector.replace(/^\./, "");
    for (const kid of this.kids) {
      if (kid.className.split(" ").includes(name)) { return kid; }
      const found = kid.querySelector(selector);
      if (found) { return found; }
    }
    return null;
  }
}
Object.defineProperty(Element.prototype, "innerHTML", { set() { throw new Error("innerHTML was set"); } });

const requests = [];
const timers = [];
const geolocation = {
  getCurrentPosition(success, error, options) {
    if (scenario.api === "throws") { throw new Error("no"); }
    requests.push({ success, error, options });
  },
};
const document = { createElement: (tag) => new Element(tag) };
if (scenario.allowed !== undefined) {
  document.permissionsPolicy = { allowsFeature: (f) => f === "geolocation" && scenario.allowed };
}
const navigator = scenario.api === "missing" ? {} : { geolocation };
globalThis.document = document;
globalThis.window = {
  isSecureContext: scenario.secure !== false, navigator, document,
  setTimeout(callback, ms) { timers.push({ callback, ms, cleared: false }); return timers.length; },
  clearTimeout(id) { if (timers[id - 1]) { timers[id - 1].cleared = true; } },
};

const locate = (await import(pathToFileURL(modulePath).href)).default;
const host = new Element("shadow-root");
const states = [];
const setStateValue = (key, value) => states.push([key, value]);
const component = { data: scenario.data, parentElement: host, setStateValue };
locate(component);
const root = () => host.kids[0];
const seen = [];
for (const [step, ...args] of scenario.steps) {
  if (step === "click") { root().kids[0].onclick(); }
  else if (step === "succeed") { requests[args[0]].success({ coords: args[1] }); }
  else if (step === "fail") { requests[args[0]].error({ code: args[1], message: "whatever" }); }
  else if (step === "watchdog") { const t = timers[args[0]]; if (!t.cleared) { t.callback(); } }
  else if (step === "render") { locate({ ...component, data: args[0] }); }
  seen.push({ status: root().kids[1].textContent, hidden: root().kids[1].hidden, busy: root().kids[0].disabled });
}
const [button, status] = root().kids;
process.stdout.write(JSON.stringify({
  states, seen, roots: host.kids.length,
  options: requests.map((r) => r.options), timers: timers.map((t) => ({ ms: t.ms, cleared: t.cleared })),
  button: { text: button.textContent, type: button.type, disabled: button.disabled, attrs: button.attrs },
  status: { text: status.textContent, hidden: status.hidden, attrs: status.attrs, tag: status.tag },
}));
"""


def run_script(tmp_path: Path, steps: list, *, data: dict | None = None, **scenario) -> dict:
    (tmp_path / "geolocation.mjs").write_text(SCRIPT_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "harness.mjs").write_text(_HARNESS, encoding="utf-8")
    scenario = {"data": data or component_data("Near me", TEXTS), "steps": steps, **scenario}
    result = subprocess.run(
        [NODE, str(tmp_path / "harness.mjs"), str(tmp_path / "geolocation.mjs"), json.dumps(scenario)],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@needs_node
def test_script_renders_the_button_and_a_quiet_status(tmp_path):
    out = run_script(tmp_path, [])
    assert out["button"] == {"text": "Near me", "type": "button", "disabled": False, "attrs": {}}
    assert out["status"]["text"] == "" and out["status"]["attrs"] == {"role": "status", "aria-live": "polite"}
    assert out["states"] == [] and out["options"] == []


@needs_node
def test_script_hands_back_a_position(tmp_path):
    out = run_script(tmp_path, [["click"], ["succeed", 0, CORK]])
    assert out["options"] == [{"enableHighAccuracy": False, "timeout": TIMEOUT_MS, "maximumAge": MAXIMUM_AGE_MS}]
    assert out["seen"][0] == {"status": "status: locating", "hidden": False, "busy": True}
    assert out["states"] == [[STATE_KEY, {"outcome": "located", "latitude": 51.8985, "longitude": -8.4756,
                                           "accuracy_m": 1200.0}]]
    assert position_from_state(out["states"][0][1]) == Position(
        Outcome.LOCATED, latitude=51.8985, longitude=-8.4756, accuracy_m=1200.0)
    assert out["seen"][1] == {"status": "status: located", "hidden": False, "busy": False}
    assert out["timers"] == [{"ms": WATCHDOG_MS, "cleared": True}]
    assert "aria-busy" not in out["button"]["attrs"]


@needs_node
@pytest.mark.parametrize(("code", "outcome"), [(1, "denied"), (2, "unavailable"), (3, "timeout"), (99, "unavailable")])
def test_script_turns_errors_into_calm_outcomes(tmp_path, code, outcome):
    out = run_script(tmp_path, [["click"], ["fail", 0, code]])
    assert out["states"] == [[STATE_KEY, {"outcome": outcome}]]
    assert out["status"]["text"] == f"status: {outcome}" and not out["button"]["disabled"]


@needs_node
@pytest.mark.parametrize("coords", [{}, {"latitude": None, "longitude": 1}, {"latitude": 95, "longitude": 1},
                                    {"latitude": "51", "longitude": "-8"}])
def test_script_calls_a_position_without_coordinates_unavailable(tmp_path, coords):
    out = run_script(tmp_path, [["click"], ["succeed", 0, coords]])
    assert out["states"] == [[STATE_KEY, {"outcome": "unavailable"}]]


@needs_node
def test_script_leaves_out_an_unknown_accuracy(tmp_path):
    out = run_script(tmp_path, [["click"], ["succeed", 0, {"latitude": 1.5, "longitude": 2.5, "accuracy": None}]])
    assert out["states"] == [[STATE_KEY, {"outcome": "located", "latitude": 1.5, "longitude": 2.5, "accuracy_m": None}]]


@needs_node
@pytest.mark.parametrize("scenario", [{"secure": False}, {"api": "missing"}, {"allowed": False}],
                         ids=["http-page", "no-api", "iframe-not-allowed"])
def test_script_does_not_ask_where_the_page_may_not(tmp_path, scenario):
    out = run_script(tmp_path, [["click"]], **scenario)
    assert out["states"] == [[STATE_KEY, {"outcome": "insecure"}]]
    assert out["options"] == [] and out["timers"] == []
    assert out["status"]["text"] == "status: insecure" and not out["button"]["disabled"]


@needs_node
def test_script_asks_in_an_iframe_that_allows_it(tmp_path):
    out = run_script(tmp_path, [["click"], ["succeed", 0, CORK]], allowed=True)
    assert out["states"][0][1]["outcome"] == "located"


@needs_node
def test_script_survives_an_api_that_throws(tmp_path):
    out = run_script(tmp_path, [["click"]], api="throws")
    assert out["states"] == [[STATE_KEY, {"outcome": "unavailable"}]] and not out["button"]["disabled"]


@needs_node
def test_script_gives_up_on_an_unanswered_question_but_takes_a_late_answer(tmp_path):
    out = run_script(tmp_path, [["click"], ["click"], ["watchdog", 0], ["succeed", 0, CORK]])
    assert len(out["options"]) == 1, "a second click while asking asks again"
    assert [state["outcome"] for _, state in out["states"]] == ["timeout", "located"]
    assert [seen["status"] for seen in out["seen"]] == ["status: locating"] * 2 + ["status: timeout", "status: located"]


@needs_node
def test_script_ignores_the_answer_to_an_older_click(tmp_path):
    steps = [["click"], ["watchdog", 0], ["click"], ["succeed", 0, CORK], ["fail", 1, 1]]
    out = run_script(tmp_path, steps)
    assert [state["outcome"] for _, state in out["states"]] == ["timeout", "denied"]


@needs_node
def test_script_renders_again_in_place_with_new_texts(tmp_path):
    spanish = component_data("Cerca de mí", {name: f"estado: {name}" for name in TEXT_KEYS})
    out = run_script(tmp_path, [["click"], ["fail", 0, 1], ["render", spanish]])
    assert out["roots"] == 1
    assert out["button"]["text"] == "Cerca de mí" and out["status"]["text"] == "estado: denied"


@needs_node
def test_script_shows_hostile_texts_as_text(tmp_path):
    hostile = '<img src=x onerror="window.__pwned=1">'
    out = run_script(tmp_path, [["click"], ["fail", 0, 1]], data=component_data(hostile, {**TEXTS, "denied": hostile}))
    assert out["button"]["text"] == hostile and out["status"]["text"] == hostile  # textContent; innerHTML throws


@needs_node
def test_script_hides_an_empty_status(tmp_path):
    quiet = component_data("Near me", {**TEXTS, "located": ""})
    out = run_script(tmp_path, [["click"], ["succeed", 0, CORK]], data=quiet)
    assert out["status"] == {"text": "", "hidden": True, "attrs": {"role": "status", "aria-live": "polite"}, "tag": "p"}


# --- on a page ----------------------------------------------------------------------


def _page() -> None:
    import streamlit as st

    from app_pages.geolocation import TEXT_KEYS, locate_me

    position = locate_me("Near me", key="near_me", texts={name: name for name in TEXT_KEYS})
    st.write(f"answer: {position}")


def test_on_a_page_there_is_no_answer_before_a_click():
    app = AppTest.from_function(_page).run(timeout=30)
    assert not app.exception
    assert [m.value for m in app.markdown] == ["answer: None"]
