"""Tests of the proof-of-work widget (app_pages/challenge.py and static/challenge.js) without a browser: what the
script gets, reading its answer, where the widget comes from, the script and style files themselves, and the
component on a page. A real Chromium solves with it in tests/e2e/test_challenge_browser.py."""

from __future__ import annotations

import re
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.challenge import (
    SCRIPT_FILE,
    STATE_KEY,
    STYLE_FILE,
    TEXT_KEYS,
    component_data,
    payload_from_state,
    script_url,
)
from speakout_map.maps import assets
from speakout_map.supporters.challenge import MAX_PAYLOAD_CHARS, new_challenge
from tests.map_support import FORBIDDEN_JS, NODE, needs_node

TEXTS = {name: f"text: {name}" for name in TEXT_KEYS}
CHALLENGE = new_challenge("widget tests", max_number=10, cost=1)
PAYLOAD = "eyJjaGFsbGVuZ2UiOiB7fX0="


# --- what the script gets ------------------------------------------------------------------


def test_component_data_carries_the_challenge_texts_and_the_widgets_address():
    data = component_data(CHALLENGE, TEXTS, widget_url="/app/static/vendor/altcha/altcha.min.js", auto=True)
    assert data == {"challenge": CHALLENGE, "texts": TEXTS, "script_url": "/app/static/vendor/altcha/altcha.min.js",
                    "auto": True}
    assert component_data(CHALLENGE, {**TEXTS, "extra": "x"}, widget_url="/w.js", auto=False)["texts"] == TEXTS


@pytest.mark.parametrize("missing", TEXT_KEYS)
def test_a_missing_text_is_a_mistake_of_the_page(missing):
    texts = {name: text for name, text in TEXTS.items() if name != missing}
    with pytest.raises(ValueError, match=missing):
        component_data(CHALLENGE, texts, widget_url="/w.js", auto=True)


@pytest.mark.parametrize(
    ("challenge", "texts", "url"),
    [
        (None, TEXTS, "/w.js"),
        ({}, TEXTS, "/w.js"),
        ({"parameters": CHALLENGE["parameters"]}, TEXTS, "/w.js"),
        ({"parameters": CHALLENGE["parameters"], "signature": ""}, TEXTS, "/w.js"),
        ({"parameters": "x", "signature": CHALLENGE["signature"]}, TEXTS, "/w.js"),
        (CHALLENGE, {**TEXTS, "label": None}, "/w.js"),
        (CHALLENGE, {**TEXTS, "verified": 3}, "/w.js"),
        (CHALLENGE, TEXTS, ""),
    ],
)
def test_bad_arguments_are_mistakes_of_the_page(challenge, texts, url):
    with pytest.raises(ValueError):
        component_data(challenge, texts, widget_url=url, auto=True)


@pytest.mark.parametrize(
    ("base", "url"),
    [
        (assets.DEFAULT_BASE_URL, "/app/static/vendor/altcha/altcha.min.js"),
        ("/map/app/static/vendor", "/map/app/static/vendor/altcha/altcha.min.js"),
    ],
)
def test_the_widget_comes_from_the_apps_own_vendor_folder(base, url):
    assert script_url(base) == url
    assert script_url() == "/app/static/vendor/altcha/altcha.min.js"


def test_the_widget_is_a_pinned_asset_of_the_npm_lock():
    asset = assets.ASSETS_BY_NAME[assets.CHALLENGE_ASSET]
    assert (asset.package, asset.version, asset.kind) == ("altcha", "3.2.2", "js")
    assert f"vendor/{asset.target}" in [f"vendor/{name}" for name in assets.vendor_files()]
    assert "altcha/LICENSE.txt" in assets.vendor_files()


# --- reading the answer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"payload": PAYLOAD, "signature": CHALLENGE["signature"]}, PAYLOAD),
        ({"payload": PAYLOAD, "signature": CHALLENGE["signature"], "extra": 1}, PAYLOAD),
        (None, None),
        ({}, None),
        ("a string", None),
        ({"payload": PAYLOAD}, None),
        ({"payload": PAYLOAD, "signature": "an older challenge's"}, None),
        ({"payload": None, "signature": CHALLENGE["signature"], "expired": True}, None),
        ({"payload": "", "signature": CHALLENGE["signature"]}, None),
        ({"payload": 42, "signature": CHALLENGE["signature"]}, None),
        ({"payload": "x" * (MAX_PAYLOAD_CHARS + 1), "signature": CHALLENGE["signature"]}, None),
    ],
)
def test_only_a_payload_for_this_challenge_is_an_answer(state, expected):
    assert payload_from_state(state, CHALLENGE) == expected


def test_no_challenge_no_answer():
    assert payload_from_state({"payload": PAYLOAD, "signature": None}, {"signature": None}) is None
    assert payload_from_state({"payload": PAYLOAD, "signature": "s"}, None) is None


# --- the script and the style sheet ----------------------------------------------------------------


def _code(script: str) -> str:
    """The script without its comments."""
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", script, flags=re.S))


def test_the_script_writes_no_html_and_has_no_words_of_its_own():
    code = _code(SCRIPT_FILE.read_text(encoding="utf-8"))
    assert not FORBIDDEN_JS.search(code)
    literals = re.findall(r'"([^"\\]*)"', code)
    assert literals, "no string literals found: the check below would prove nothing"
    assert [text for text in literals if not re.fullmatch(r"[a-z_.\[\]-]*", text)] == []
    assert "textContent" in code
    for name in TEXT_KEYS:
        assert f'"{name}"' in code, name
    assert f'"{STATE_KEY}"' in code


def test_the_script_loads_only_the_widget_it_is_given_and_asks_nobody():
    code = _code(SCRIPT_FILE.read_text(encoding="utf-8"))
    assert code.count("import(") == 1 and "import(new URL(url, document.baseURI).href)" in code
    assert "http" not in code and "cdn" not in code.lower()
    for call in ("fetch", "XMLHttpRequest", "sendBeacon", "WebSocket", "localStorage", "sessionStorage",
                 "document.cookie", "console", "postMessage"):
        assert call not in code
    # the widget's own English: its logo, its footer and its human-interaction collector stay off
    assert "hideLogo: true" in code and "hideFooter: true" in code and "humanInteractionSignature: false" in code


@needs_node
def test_the_script_is_a_module_node_can_parse(tmp_path):
    module = tmp_path / "challenge.mjs"
    module.write_text(SCRIPT_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run([NODE, "--check", str(module)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_the_style_sheet_is_plain_css_under_the_components_class():
    css = STYLE_FILE.read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "<" not in css
    assert css.count("{") == css.count("}")
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = [s.strip() for block in re.findall(r"([^{}]+)\{", rules) for s in block.split(",")]
    assert selectors and all(s.startswith(".speakout-challenge") for s in selectors), selectors


# --- on a page ------------------------------------------------------------------------------------


def _page() -> None:
    import streamlit as st

    from app_pages.challenge import TEXT_KEYS, proof_of_work
    from speakout_map.supporters.challenge import new_challenge

    challenge = new_challenge("page tests", max_number=10, cost=1)
    payload = proof_of_work(challenge, key="proof", texts={name: name for name in TEXT_KEYS})
    st.write(f"answer: {payload}")


def test_on_a_page_there_is_no_answer_before_the_browser_solves():
    app = AppTest.from_function(_page).run(timeout=30)
    assert not app.exception
    assert [m.value for m in app.markdown] == ["answer: None"]
