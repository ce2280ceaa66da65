"""Node harnesses for the map's own scripts (speakout_map/maps/static/): each runs a script against a fake Leaflet
and DOM (and a fake fetch and tab storage) and prints what it made as JSON, for the tests to read."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from speakout_map.maps.build import build_map
from speakout_map.maps.layer import EventClusterLayer
from tests.map_support import NODE, WORLD, basemap_of, leaflet_script

# --- the events layer's script, with a fake Leaflet and DOM ------------------------------------------------------

DOM_HARNESS = r"""
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

LAYER_HARNESS = DOM_HARNESS + r"""
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


def run_script(tmp_path: Path, harness: str, script: str, *args: str) -> dict:
    """``script`` run in node by ``harness`` (which reads the script's file from argv[2] and ``args`` after it);
    what the harness printed, as JSON."""
    (tmp_path / "script.js").write_text(script, encoding="utf-8")
    (tmp_path / "harness.js").write_text(harness, encoding="utf-8")
    result = subprocess.run([NODE, str(tmp_path / "harness.js"), str(tmp_path / "script.js"), *args],
                            capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def run_layer(tmp_path: Path, harness: str, layer: EventClusterLayer, *args: str) -> dict:
    """The events layer's script of ``layer`` run by ``harness`` (a :data:`DOM_HARNESS` with its own ending)."""
    return run_script(tmp_path, harness, leaflet_script(layer), layer._parent.get_name(), *args)


def run_in_node(layer: EventClusterLayer, tmp_path: Path) -> dict:
    return run_layer(tmp_path, LAYER_HARNESS, layer)


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


def going_part(popup: dict) -> dict | None:
    return next((kid for kid in popup["kids"] if kid.get("class") == "speakout-popup-going"), None)


# --- the basemap's script, with a fake Leaflet -------------------------------------------------------------------

BASEMAP_HARNESS = r"""
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
    if isinstance(data, dict):
        (tmp_path / "data.json").write_text(json.dumps(data), encoding="utf-8")
        data = tmp_path / "data.json"
    return run_script(tmp_path, BASEMAP_HARNESS, leaflet_script(basemap_of(m)), m.get_name(), str(data),
                      str(topojson or ""), str(status))


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
