"""Tests of the map's own JavaScript and CSS (speakout_map/maps/static/): the files themselves, their text in
the page, and what the scripts do when run in node against a fake Leaflet and DOM."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import folium
import pytest

from speakout_map.escaping import script_json, script_object
from speakout_map.events.formatting import format_date, format_time_range, time_range
from speakout_map.events.model import Status
from speakout_map.maps.focus import Focus
from speakout_map.maps import assets as asset_files
from speakout_map.maps.basemap import (
    BASEMAP_LAND_COLOUR,
    BASEMAP_PANE,
    BASEMAP_PANE_Z_INDEX,
    BASEMAP_WATER_COLOUR,
)
from speakout_map.maps.build import build_map, map_html
from speakout_map.maps.inline import STATIC_FILES, static_text
from speakout_map.maps.layer import EventClusterLayer, going_labels, layer_labels
from speakout_map.maps.rows import event_row
from speakout_map.places.countries import country_name
from tests.i18n_support import fake_translator
from tests.map_support import (
    FIELD,
    FORBIDDEN_JS,
    NODE,
    PAYLOADS,
    SPANISH_LABELS,
    TEXT_FIELDS,
    WORLD,
    basemap_of,
    calls_in,
    layer_of,
    leaflet_script,
    make_event,
    member_text,
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

_HARNESS_SETUP = r"""
const fs = require("fs");
const vm = require("vm");
const code = fs.readFileSync(process.argv[2], "utf8");
const mapName = process.argv[3];

class FakeNode {
  constructor(tag) {
    this.tag = tag; this.kids = []; this.className = ""; this.attrs = {}; this.text = ""; this.listeners = {};
  }
  appendChild(child) { this.kids.push(child); return child; }
  addEventListener(name, fn) { (this.listeners[name] = this.listeners[name] || []).push(fn); }
  set textContent(value) { this.text = String(value); this.kids = []; }
  get textContent() { return this.text + this.kids.map((k) => k.textContent).join(""); }
  setAttribute(name, value) {
    if (/^on/i.test(name)) throw new Error("event handler attribute " + name);
    this.attrs[name] = String(value);
  }
  toJSON() {
    const out = { tag: this.tag };
    if (this.className) out.class = this.className;
    if (this.text) out.text = this.text;
    for (const key of ["href", "target", "rel", "type", "disabled"]) if (this[key] !== undefined) out[key] = this[key];
    if (Object.keys(this.attrs).length) out.attrs = this.attrs;
    if (this.kids.length) out.kids = this.kids;
    return out;
  }
}
for (const name of ["innerHTML", "outerHTML", "insertAdjacentHTML", "innerText"]) {
  Object.defineProperty(FakeNode.prototype, name, {
    get() { throw new Error(name + " read"); },
    set() { throw new Error(name + " written"); },
  });
}
const document = {
  documentElement: new FakeNode("html"),
  createElement: (tag) => new FakeNode(tag),
  write() { throw new Error("document.write"); },
};
const made = { markers: [], controls: [], cluster: null, zoom: null, removed: [], opened: [] };
const L = {
  divIcon: (options) => ({ className: options.className }),
  marker(latlng, options) {
    const marker = {
      latlng, options, handlers: {}, element: new FakeNode("div"),
      bindPopup(content) { this.popup = content; return this; },
      bindTooltip(content) { this.tooltip = content; return this; },
      on(name, fn) { this.handlers[name] = fn; return this; },
      getElement() { return this.element; },
      openPopup() { made.opened.push(this); return this; },
    };
    made.markers.push(marker);
    return marker;
  },
  markerClusterGroup(options) {
    // a marker added is drawn on its own here (Leaflet fires its "add" then, as when a cluster spreads out)
    made.cluster = { options, layers: [], addLayers(list) {
                       this.layers.push(...list);
                       list.forEach((m) => m.handlers.add && m.handlers.add.call(m));
                       return this; },
                     clearLayers() { this.layers = []; return this; }, addTo() { return this; },
                     hasLayer(m) { return this.layers.includes(m); },
                     zoomToShowLayer(m, done) { made.zoomedTo = m; done(); } };
    return made.cluster;
  },
  control(options) {
    return { options, addTo(map) { this.node = this.onAdd(map); made.controls.push(this); return this; } };
  },
  DomEvent: { disableClickPropagation() {}, disableScrollPropagation() {}, on() {} },
};
L.control.zoom = (options) => ({ options, addTo() { made.zoom = options; return this; } });
L.circle = (latlng, options) => ({ addTo() { made.circle = { latlng, options }; return this; } });
L.circleMarker = (latlng, options) => ({
  latlng, options, element: new FakeNode("path"),
  addTo() { made.origin = this; return this; },
  bindTooltip(content) { this.tooltip = content; return this; },
  getElement() { return this.element; },
});
// fetch, as the going route would answer: process.argv[4] says how ({status, answer}, {throws}, {rejects}...),
// or a list of such answers, one per request (the last one repeated)
const plans = process.argv[4] ? JSON.parse(process.argv[4]) : { status: 500, answer: null };
made.fetches = [];
const fetch = (url, init) => {
  made.fetches.push({ url, init });
  const plan = Array.isArray(plans) ? plans[Math.min(made.fetches.length, plans.length) - 1] : plans;
  if (plan.throws) { throw new TypeError("network down"); }
  if (plan.rejects) { return Promise.reject(new TypeError("network down")); }
  return Promise.resolve({
    ok: plan.status >= 200 && plan.status < 300, status: plan.status,
    json: () => (plan.badJson ? Promise.reject(new SyntaxError("not JSON")) : Promise.resolve(plan.answer)),
  });
};
// sessionStorage, as a tab keeps it: process.argv[5]'s "storage" is its text ({} if absent; "broken": it throws)
const how = process.argv[5] ? JSON.parse(process.argv[5]) : {};
const tabStorage = {
  data: how.storage && how.storage !== "broken" ? { ...how.storage } : {},
  check() { if (how.storage === "broken") { throw new Error("denied"); } },
  getItem(key) { this.check(); return key in this.data ? this.data[key] : null; },
  setItem(key, value) { this.check(); this.data[key] = String(value); },
  removeItem(key) { delete this.data[key]; },
};
const context = { L, document, console, fetch, window: { sessionStorage: tabStorage } };
// the map as folium makes it: with Leaflet's own zoom control (English titles)
context[mapName] = {
  zoomControl: { getPosition: () => "topleft" },
  removeControl(control) { made.removed.push(control === this.zoomControl ? "zoomControl" : "other"); return this; },
  removeLayer(layer) { made.removed.push("layer"); return this; },
  fitBounds(bounds, options) { made.fitted = { bounds, options }; return this; },
  getMaxZoom() { return 18; },
  getContainer() {
    if (!made.container) {
      made.container = new FakeNode("div");
      made.container.scrollIntoView = (options) => { made.scrolled = (made.scrolled || []).concat([options]); };
    }
    return made.container;
  },
};
vm.createContext(context);
vm.runInContext(code, context);
const resolve = (content, marker) => (typeof content === "function" ? content(marker) : content);
"""

_HARNESS = _HARNESS_SETUP + r"""
const out = {
  clustered: made.cluster.layers.length,
  markers: made.markers.map((m) => {
    m.handlers.add.call(m);
    const popup = resolve(m.popup, m);
    return {
      latlng: m.latlng,
      icon: m.options.icon.className,
      popup,
      popupCached: resolve(m.popup, m) === popup,
      tooltip: resolve(m.tooltip, m),
      label: m.element.attrs["aria-label"],
    };
  }),
  controls: made.controls.map((c) => ({ position: c.options.position, node: c.node })),
  zoom: made.zoom,
  removed: made.removed,
  lang: document.documentElement.attrs.lang,
  circle: made.circle || null,
  origin: made.origin ? { latlng: made.origin.latlng, tooltip: made.origin.tooltip,
                          label: made.origin.element.attrs["aria-label"],
                          role: made.origin.element.attrs.role } : null,
};
process.stdout.write(JSON.stringify(out));
"""


def run_in_node(layer: EventClusterLayer, tmp_path: Path) -> dict:
    (tmp_path / "layer.js").write_text(leaflet_script(layer), encoding="utf-8")
    (tmp_path / "harness.js").write_text(_HARNESS, encoding="utf-8")
    result = subprocess.run(
        [NODE, str(tmp_path / "harness.js"), str(tmp_path / "layer.js"), layer._parent.get_name()],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def texts(node: dict) -> list[tuple[str, str]]:
    """(class, own text) of every node with text, in document order."""
    found = [(node.get("class", node["tag"]), node["text"])] if node.get("text") else []
    for kid in node.get("kids", []):
        found.extend(texts(kid))
    return found


def links(node: dict) -> list[dict]:
    found = [node] if node["tag"] == "a" else []
    for kid in node.get("kids", []):
        found.extend(links(kid))
    return found


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


# --- the basemap's script, run in node with a fake Leaflet ------------------------------

_BASEMAP_HARNESS = r"""
const fs = require("fs");
const vm = require("vm");
const [codePath, mapName, dataPath, topojsonPath, status] = process.argv.slice(2);
const made = { panes: {}, layers: [], attributions: [], warnings: [], fetched: [] };
const container = { style: {} };
const map = {
  getContainer: () => container,
  createPane(name) { const pane = { style: {} }; made.panes[name] = pane; return pane; },
  attributionControl: { addAttribution(text) { made.attributions.push(text); } },
};
const L = {
  layerGroup() { return { layers: [], addTo() { made.group = this; return this; } }; },
  latLng(lat, lng) { return { lat, lng }; },
  geoJSON(data, options) {
    const layer = { data, options, addTo(group) { group.layers.push(this); return this; } };
    made.layers.push(layer);
    return layer;
  },
};
function fetch(url, init) {
  made.fetched.push(url);
  made.integrity = (init && init.integrity) || null;
  const code = Number(status);
  return Promise.resolve({ ok: code === 200, status: code,
    json: () => Promise.resolve(JSON.parse(fs.readFileSync(dataPath, "utf8"))) });
}
const quiet = { warn: (m) => made.warnings.push(String(m)), log() {}, error() {} };
const context = { L, fetch, console: quiet, window: { console: quiet } };
context[mapName] = map;
vm.createContext(context);
if (topojsonPath) {
  vm.runInContext(fs.readFileSync(topojsonPath, "utf8"), context);
} else {
  context.topojson = { feature: (topology, object) => object.geojson };
}
vm.runInContext(fs.readFileSync(codePath, "utf8"), context);
setTimeout(() => {
  const layers = made.layers.map((layer) => {
    let maxStep = 0, minLng = Infinity, maxLng = -Infinity, rings = 0;
    const toLatLng = layer.options.coordsToLatLng;
    for (const feature of layer.data.features) {
      const g = feature.geometry;
      const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
      for (const polygon of polygons) for (const ring of polygon) {
        rings++;
        const pts = ring.map(toLatLng);
        for (let i = 0; i < pts.length; i++) {
          minLng = Math.min(minLng, pts[i].lng); maxLng = Math.max(maxLng, pts[i].lng);
          if (i && !(Math.abs(pts[i].lat) === 90 && Math.abs(pts[i - 1].lat) === 90)) {
            maxStep = Math.max(maxStep, Math.abs(pts[i].lng - pts[i - 1].lng));
          }
        }
      }
    }
    return { pane: layer.options.pane, interactive: layer.options.interactive, style: layer.options.style(),
             features: layer.data.features.length, rings, maxStep, minLng, maxLng,
             inGroup: made.group.layers.includes(layer) };
  });
  process.stdout.write(JSON.stringify({
    panes: made.panes, background: container.style.background, attributions: made.attributions,
    fetched: made.fetched, integrity: made.integrity, warnings: made.warnings, layers }));
}, 200);
"""


def run_basemap_in_node(tmp_path: Path, data: dict | Path, *, topojson: Path | None = None, status: int = 200,
                        **kwargs) -> dict:
    m = build_map(WORLD, **kwargs)
    (tmp_path / "basemap.js").write_text(leaflet_script(basemap_of(m)), encoding="utf-8")
    (tmp_path / "harness.js").write_text(_BASEMAP_HARNESS, encoding="utf-8")
    if isinstance(data, dict):
        (tmp_path / "data.json").write_text(json.dumps(data), encoding="utf-8")
        data = tmp_path / "data.json"
    result = subprocess.run(
        [NODE, str(tmp_path / "harness.js"), str(tmp_path / "basemap.js"), m.get_name(), str(data),
         str(topojson or ""), str(status)],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _polygon(*rings):
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": list(rings)}}


#: A fake topology whose "countries" object is plain GeoJSON (the fake topojson.feature returns it):
#: an ordinary country, one cut at the antimeridian (like Fiji), and one round the south pole (like Antarctica).
FAKE_TOPOLOGY = {"type": "Topology", "objects": {"countries": {"geojson": {"type": "FeatureCollection", "features": [
    _polygon([[10, 40], [12, 40], [12, 42], [10, 40]]),
    _polygon([[179, -16], [180, -16], [-180, -16], [-179, -16], [-179, -18], [-180, -18], [180, -18], [179, -18],
              [179, -16]]),
    _polygon([[-180, -70], [-90, -72], [0, -70], [90, -72], [180, -70], [-180, -70]]),
]}}}}


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


# --- "I'll be there" in the popup, run in node with a fake fetch ----------------------------------

_GOING_HARNESS = _HARNESS_SETUP + r"""
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
    layer = layer_of(m)
    (tmp_path / "layer.js").write_text(leaflet_script(layer), encoding="utf-8")
    (tmp_path / "harness.js").write_text(_GOING_HARNESS, encoding="utf-8")
    result = subprocess.run(
        [NODE, str(tmp_path / "harness.js"), str(tmp_path / "layer.js"), layer._parent.get_name(), json.dumps(plan),
         json.dumps({"clicks": clicks, "together": together, "storage": storage})],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def going_part(popup: dict) -> dict | None:
    return next((kid for kid in popup["kids"] if kid.get("class") == "speakout-popup-going"), None)


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
    (tmp_path / "layer.js").write_text(leaflet_script(layer), encoding="utf-8")
    (tmp_path / "harness.js").write_text(_GOING_HARNESS, encoding="utf-8")
    result = subprocess.run(
        [NODE, str(tmp_path / "harness.js"), str(tmp_path / "layer.js"), layer._parent.get_name(),
         json.dumps(OK_ANSWER), json.dumps({"clicks": 1})],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
    )
    out = json.loads(result.stdout)
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
