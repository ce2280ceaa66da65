"""Tests of the map's own JavaScript and CSS (speakout_map/maps/static/): the files themselves, their text in
the page, and what the events layer's script and the integrity guard do when run in node against a fake Leaflet
and DOM (tests/script_support.py). The basemap's script is tested in test_basemap.py, "I'll be there" in
test_going_script.py, selections in test_selection_script.py."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import folium
import pytest

from speakout_map.escaping import script_object
from speakout_map.events.formatting import format_date, format_time_range, time_range
from speakout_map.events.model import Status
from speakout_map.maps.focus import Focus
from speakout_map.maps import assets as asset_files
from speakout_map.maps.build import build_map, map_html
from speakout_map.maps.inline import STATIC_FILES, static_text
from speakout_map.maps.layer import EventClusterLayer, layer_labels
from speakout_map.maps.rows import event_row
from speakout_map.places.countries import country_name
from tests.i18n_support import fake_translator
from tests.script_support import links, run_in_node, texts
from tests.map_support import (
    FIELD,
    FORBIDDEN_JS,
    NODE,
    PAYLOADS,
    SPANISH_LABELS,
    TEXT_FIELDS,
    WORLD,
    layer_of,
    leaflet_script,
    make_event,
    needs_node,
    place,
)

STATIC_DIR = Path(__file__).resolve().parents[1] / "speakout_map" / "maps" / "static"
SCRIPT_FILES = [name for name in STATIC_FILES if name.endswith(".js")]
#: Each script file and the one function it defines.
FUNCTIONS = {"event_layer.js": ("speakoutEventLayer", "speakoutSelectEvents"), "basemap.js": ("speakoutOfflineBasemap",),
             "integrity.js": ("speakoutRequireIntegrity",), "standalone.js": ("speakoutStandalone",)}


# --- the files ----------------------------------------------------------------------


def test_every_script_file_is_known():
    assert sorted(path.name for path in STATIC_DIR.glob("*.js")) == sorted(SCRIPT_FILES) == sorted(FUNCTIONS)


@needs_node
@pytest.mark.parametrize("name", SCRIPT_FILES)
def test_script_file_parses(name):
    result = subprocess.run([NODE, "--check", str(STATIC_DIR / name)], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr


@needs_node
@pytest.mark.parametrize("name", SCRIPT_FILES)
def test_script_file_only_defines_its_function(name, tmp_path):
    """Run alone, a file touches nothing (no map, no L, no document): it defines its functions."""
    runner = tmp_path / "define.js"
    runner.write_text(
        'const vm = require("vm"); const fs = require("fs");\n'
        "const context = vm.createContext({});\n"
        'vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context);\n'
        "process.stdout.write(JSON.stringify(Object.keys(context).map((k) => [k, typeof context[k]])));\n",
        encoding="utf-8",
    )
    result = subprocess.run([NODE, str(runner), str(STATIC_DIR / name)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[function, "function"] for function in FUNCTIONS[name]]


@pytest.mark.parametrize("name", STATIC_FILES)
@pytest.mark.parametrize("marker", ["{{", "}}", "{%", "%}", "{#", "#}", "{0}", "%s", "%(", "$("])
def test_static_file_has_no_template_or_format_markers(name, marker):
    assert marker not in static_text(name)


@pytest.mark.parametrize("name", SCRIPT_FILES)
def test_script_file_uses_no_markup_or_code_from_strings(name):
    assert not FORBIDDEN_JS.search(static_text(name))
    assert "<!--" not in static_text(name) and "</script" not in static_text(name).lower()


# --- the page's text ----------------------------------------------------------------


def test_markers_use_no_images():
    m = build_map(WORLD)
    html = map_html(m)
    assert "L.divIcon" in html
    assert "marker-icon.png" not in html
    assert "L.Icon.Default" not in html
    style = next(s for s in re.findall(r"<style>(.*?)</style>", html, re.S) if ".speakout-pin" in s)
    for own in (style, leaflet_script(layer_of(m))):
        assert not re.search(r"\.(png|jpe?g|gif|svg|webp)\b|url\(", own)


@pytest.mark.parametrize("placed", [[], WORLD])
def test_script_builds_the_dom_with_text_only(placed):
    m = build_map(placed)
    script = leaflet_script(layer_of(m))
    assert not FORBIDDEN_JS.search(script)
    assert "textContent = text" in script
    # event text reaches the page only through el(..., text) / setAttribute("aria-label", ...)
    assert re.search(r"node\.textContent = text;", script)
    assert "bindPopup(popupFor" in script and "bindTooltip(tooltipFor" in script
    # links: re-checked, new tab, no opener, no referrer
    assert "SAFE_LINK.test(url)" in script
    assert 'link.rel = "noopener noreferrer";' in script
    assert 'link.target = "_blank";' in script


# --- the events layer's script, run in node with a fake Leaflet and DOM ------------------

#: What the map says of its own, in English (as it always has) and in a made-up Spanish catalogue.
WORDS = {
    "en": {"organised": "Organised by {}", "tbc": "Details to come", "no_link": "Event page: link to come",
           "page": "Event page (opens in a new tab)", "legend": ["Confirmed event", "Details to come"],
           "marker": ["{}, {} (details to come)", "{}, {} (confirmed)"], "empty": "No events on the map yet. ",
           "host": "Host one", "zoom": ["Zoom in", "Zoom out"]},
    "es": {"organised": "Organizado por {}", "tbc": "Detalles por confirmar",
           "no_link": "Página del evento: enlace pendiente", "page": "Página del evento (se abre en otra pestaña)",
           "legend": ["Evento confirmado", "Detalles por confirmar"],
           "marker": ["{}, {} (detalles por confirmar)", "{}, {} (confirmado)"],
           "empty": "Aún no hay eventos en el mapa. ", "host": "Organiza uno", "zoom": ["Acercar", "Alejar"]},
}
SPANISH = fake_translator({
    **SPANISH_LABELS,
    "{start}\u2013{end} local time": "{start}\u2013{end} hora local",
    "{start} local time": "{start} hora local",
    "until {end} local time": "hasta las {end} hora local",
    "Speak out in {city}": "Alza la voz en {city}",
}, language="es")
TRANSLATORS = {"en": None, "es": SPANISH}


def expected_popup(e, language: str) -> list[tuple[str, str]]:
    """What a popup shows of an event, worked out from the event alone (English) or the Spanish words above."""
    words = WORDS[language]
    if language == "en":
        title, country, day, time = (e.display_title, country_name(e.country_code), format_date(e.date),
                                     format_time_range(e.start_time, e.end_time))
    else:
        t = TRANSLATORS[language]
        title, country, day = t.text(e.title_text), t.country(e.country_code), t.date(e.date)
        time = t.text(time_range(e.start_time, e.end_time))
    where = ", ".join(part for part in (e.city, e.region, country) if part)
    expected = [("speakout-popup-title", title), ("speakout-popup-place", where),
                ("speakout-popup-when", day)]
    if time:
        expected.append(("speakout-popup-time", time))
    if e.venue:
        expected.append(("speakout-popup-venue", e.venue))
    if e.address:
        expected.append(("speakout-popup-address", e.address))
    if e.organiser:
        expected.append(("speakout-popup-organiser", words["organised"].format(e.organiser)))
    if e.description:
        expected.append(("speakout-popup-description", e.description))
    if e.status is not Status.CONFIRMED:
        expected.append(("speakout-popup-tbc", words["tbc"]))
    elif not e.url:
        expected.append(("speakout-popup-tbc", words["no_link"]))
    if e.url:
        expected.append(("a", words["page"]))
    return expected


@needs_node
@pytest.mark.parametrize("language", ["en", "es"])
def test_browser_builds_popups_and_tooltips_from_text(language, tmp_path):
    words = WORDS[language]
    placed = WORLD + [place(make_event(**{f: p for f in TEXT_FIELDS})) for p in PAYLOADS[:8]]
    m = build_map(placed, translator=TRANSLATORS[language])
    out = run_in_node(layer_of(m), tmp_path)
    assert out["clustered"] == len(placed)
    for pe, marker in zip(placed, out["markers"]):
        e = pe.event
        confirmed = e.status is Status.CONFIRMED
        assert marker["icon"].endswith("--confirmed" if confirmed else "--tbc")
        assert marker["popupCached"] is True
        expected = expected_popup(e, language)
        assert texts(marker["popup"]) == expected
        found_links = links(marker["popup"])
        if e.url:
            assert found_links == [{"tag": "a", "text": words["page"], "href": e.url,
                                    "target": "_blank", "rel": "noopener noreferrer"}]
        else:
            assert found_links == []
        title, place_label = expected[0][1], expected[1][1]
        assert texts(marker["tooltip"]) == [("speakout-tooltip-title", title),
                                            ("speakout-tooltip-place", place_label)]
        assert marker["label"] == words["marker"][confirmed].format(title, place_label)
    legend = next(c for c in out["controls"] if c["position"] == "bottomleft")
    assert [t for _, t in texts(legend["node"])] == words["legend"]
    assert not any(c["position"] == "topright" for c in out["controls"])
    # Leaflet's zoom buttons, replaced in their corner by ones with our titles
    assert out["removed"] == ["zoomControl"]
    assert out["zoom"] == {"position": "topleft", "zoomInTitle": words["zoom"][0], "zoomOutTitle": words["zoom"][1]}


@needs_node
def test_browser_shows_the_spanish_words_of_a_spanish_map(tmp_path):
    """Spelled out once: Babel's Spanish for the country and the date, the catalogue's for the rest."""
    out = run_in_node(layer_of(build_map(WORLD[:2], translator=SPANISH)), tmp_path)
    madrid, buenos_aires = (texts(marker["popup"]) for marker in out["markers"])
    assert madrid == [
        ("speakout-popup-title", "Speak out in Madrid"),  # the organisers' own title, as written
        ("speakout-popup-place", "Madrid, España"),
        ("speakout-popup-when", "mar, 3 sept 2013"),
        ("speakout-popup-time", "18:30\u201320:00 hora local"),
        ("speakout-popup-venue", "Puerta del Sol"),
        ("speakout-popup-address", "Plaza de la Puerta del Sol, 28013"),
        ("speakout-popup-organiser", "Organizado por All Out Madrid"),
        ("speakout-popup-description", "Bring a friend."),
        ("a", "Página del evento (se abre en otra pestaña)"),
    ]
    assert ("speakout-popup-tbc", "Detalles por confirmar") in buenos_aires
    assert out["markers"][1]["label"] == "Speak out in Madrid, Buenos Aires, Argentina (detalles por confirmar)"
    assert out["lang"] == "es"  # the map's document says so, for screen readers


@needs_node
@pytest.mark.parametrize("language", ["en", "es"])
def test_browser_fills_templates_with_text_only(language, tmp_path):
    """Event text in a template is never read as a token or a replacement pattern ($&, $1, {title})."""
    organiser = "$& $' $` $1 $$ {organiser} {title} {place}"
    title = "{place} {organiser} $&"
    m = build_map([place(make_event(organiser=organiser, title=title, city="{title}"))],
                  translator=TRANSLATORS[language])
    (marker,) = run_in_node(layer_of(m), tmp_path)["markers"]
    country = "Spain" if language == "en" else "España"
    assert ("speakout-popup-organiser", WORDS[language]["organised"].format(organiser)) in texts(marker["popup"])
    assert marker["label"] == WORDS[language]["marker"][1].format(title, "{title}, " + country)


@needs_node
def test_browser_keeps_unknown_tokens_and_stray_braces_of_a_translation(tmp_path):
    t = fake_translator({"Organised by {organiser}": "{{x}} {organiser} lo organiza {{ }} {{"})
    (marker,) = run_in_node(layer_of(build_map([WORLD[0]], translator=t)), tmp_path)["markers"]
    assert ("speakout-popup-organiser", "{x} All Out Madrid lo organiza { } {") in texts(marker["popup"])


def test_script_has_no_words_of_its_own():
    """Every word comes from the labels: the script would show English in every language otherwise."""
    script = static_text("event_layer.js")
    for key, text in layer_labels().items():
        assert f"labels.{key}" in script, key
        for words in text.replace("{organiser}", "|").replace("{title}", "|").replace("{place}", "|").split("|"):
            words = words.strip(" ,")
            if words:
                assert words not in script, words
    for words in ("Organised", "Details", "Event page", "No events", "Host", "confirmed)", '"confirmed"',
                  "details to come", "Zoom"):  # as words, not inside names such as labels.legendDetailsToCome
        assert not re.search(r"(?<![A-Za-z])" + re.escape(words), script), words


@needs_node
@pytest.mark.parametrize("url", ["javascript:alert(1)", " https://example.org", "data:text/html,x", "//evil.example",
                                 "JAVASCRIPT:alert(1)//https://"])
def test_browser_rechecks_links(url, tmp_path):
    """Rows that somehow carry a bad link (bypassing the Python check) still get no href."""
    m = folium.Map()
    row = event_row(WORLD[0])
    row[FIELD["url"]] = url
    layer = EventClusterLayer([row])
    layer.add_to(m)
    out = run_in_node(layer, tmp_path)
    popup = out["markers"][0]["popup"]
    assert links(popup) == []
    assert ("speakout-popup-tbc", "Event page: link to come") in texts(popup)


@needs_node
@pytest.mark.parametrize("guide, linked", [("/guide", True), ("https://example.org/guide", True),
                                           ("javascript:alert(1)", False)])
@pytest.mark.parametrize("language", ["en", "es"])
def test_browser_empty_state(guide, linked, language, tmp_path):
    words = WORDS[language]
    m = build_map([], guide_url=guide, translator=TRANSLATORS[language])
    out = run_in_node(layer_of(m), tmp_path)
    assert out["markers"] == []
    empty = next(c for c in out["controls"] if c["position"] == "topright")
    found = links(empty["node"])
    if linked:
        assert found == [{"tag": "a", "text": words["host"], "href": guide, "target": "_blank",
                          "rel": "noopener noreferrer"}]
        assert texts(empty["node"]) == [("span", words["empty"]), ("a", words["host"])]
    else:
        assert found == []
        assert texts(empty["node"]) == [("span", words["empty"])]
    legend = next(c for c in out["controls"] if c["position"] == "bottomleft")
    assert [t for _, t in texts(legend["node"])] == words["legend"]


@needs_node
@pytest.mark.parametrize(("lang", "set_to"), [("en", "en"), ("pt-BR", "pt-BR"), ('en" onload="x', None), ("", None)])
def test_the_script_sets_the_documents_language_only_from_a_plain_tag(tmp_path, lang, set_to):
    layer = layer_of(build_map(WORLD[:1]))
    layer.options_json = script_object({**json.loads(layer.options_json), "lang": lang})
    assert run_in_node(layer, tmp_path).get("lang") == set_to


@needs_node
def test_a_near_search_draws_its_place_and_radius_with_the_place_as_plain_text(tmp_path):
    hostile = '<img src=x onerror="alert(1)">, Cork {title}'
    out = run_in_node(layer_of(build_map(WORLD[:1], focus=Focus(51.89851, -8.47561, 250, hostile))), tmp_path)
    assert out["circle"]["latlng"] == [51.89851, -8.47561]
    assert out["circle"]["options"]["radius"] == 250_000 and out["circle"]["options"]["interactive"] is False
    assert out["origin"]["latlng"] == [51.89851, -8.47561]
    assert out["origin"]["tooltip"] == {"tag": "span", "class": "speakout-origin-label", "text": hostile}
    assert out["origin"]["label"] == f"Searched place: {hostile}"
    assert out["origin"]["role"] == "img"  # a path named with no role is refused (axe's aria-prohibited-attr)


@needs_node
def test_without_a_near_search_no_circle_is_drawn(tmp_path):
    out = run_in_node(layer_of(build_map(WORLD[:2])), tmp_path)
    assert out["circle"] is None and out["origin"] is None


@needs_node
def test_a_popup_offers_the_events_calendar_links_and_only_safe_ones(tmp_path):
    links = {WORLD[0].event.city: ("https://calendar.google.com/calendar/render?action=TEMPLATE&text=Madrid",
                                   "/feeds/events.ics?event=abc%40speakout-map"),
             WORLD[1].event.city: ("javascript:alert(1)", "//evil.example/x.ics")}
    out = run_in_node(layer_of(build_map(WORLD[:2], calendar=lambda p: links[p.event.city])), tmp_path)
    madrid, other = (marker["popup"] for marker in out["markers"])
    (line,) = [kid for kid in madrid["kids"] if kid.get("class") == "speakout-popup-calendar"]
    assert line["text"] == "Add to calendar: "
    anchors = [kid for kid in line["kids"] if kid["tag"] == "a"]
    assert [(a["text"], a["href"]) for a in anchors] == [
        ("Google Calendar", links["Madrid"][0]), (".ics file", links["Madrid"][1])]
    assert all(a["target"] == "_blank" and a["rel"] == "noopener noreferrer" for a in anchors)
    assert not any(kid.get("class") == "speakout-popup-calendar" for kid in other["kids"])


# --- the integrity guard (cdn mode), run in node with a fake DOM -----------------------

_GUARD_HARNESS = r"""
const vm = require("vm"); const fs = require("fs");
// A fake DOM whose src/href are accessors on the prototypes, as in browsers.
function element(attribute) {
  function Element() { this.values = {}; this.integrity = ""; this.crossOrigin = null; }
  Object.defineProperty(Element.prototype, attribute, {
    configurable: true, enumerable: true,
    get: function () { return this.values[attribute] || ""; },
    set: function (value) { this.values[attribute] = String(value); }
  });
  return Element;
}
const context = { HTMLScriptElement: element("src"), HTMLLinkElement: element("href") };
vm.createContext(context);
// the guard exactly as the page loads it: the code inside its data: URL
vm.runInContext(Buffer.from(process.argv[2].split(",")[1], "base64").toString("utf8"), context);
const out = [];
for (const [kind, url] of JSON.parse(process.argv[3])) {
  const made = new context[kind === "js" ? "HTMLScriptElement" : "HTMLLinkElement"]();
  made[kind === "js" ? "src" : "href"] = url;
  out.push([made[kind === "js" ? "src" : "href"], made.integrity, made.crossOrigin]);
}
process.stdout.write(JSON.stringify(out));
"""


@needs_node
def test_integrity_guard_gives_each_cdn_file_its_pinned_hash(tmp_path):
    """streamlit-folium sets src/href on elements it made; the guard adds the file's hash first."""
    m = build_map(WORLD, assets="cdn")
    guard = m.default_js[0][1]
    assert guard.startswith("data:text/javascript;base64,")
    pinned = [a for a in asset_files.ASSETS if a.kind in ("js", "css")]
    urls = [[a.kind, a.url("cdn")] for a in pinned]
    others = [["js", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"],
              ["css", "/app/static/vendor/leaflet/leaflet.css"]]
    (tmp_path / "harness.js").write_text(_GUARD_HARNESS, encoding="utf-8")
    result = subprocess.run([NODE, str(tmp_path / "harness.js"), guard, json.dumps(urls + others)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out[:len(pinned)] == [[a.url("cdn"), a.integrity, "anonymous"] for a in pinned]
    assert out[len(pinned):] == [[url, "", None] for _, url in others]  # unknown addresses are left alone
