"""The world map of events, as a Folium map.

Every event's text is hostile: it comes from spreadsheets and, later, from
the public. Folium writes ``Popup``/``Tooltip`` text into the page raw (and
inside JavaScript template literals), and branca renders every script it
is given a *second* time as a Jinja template, so ``{{ ... }}`` in event text
passed through ordinary Folium elements runs Python on the server. This
module therefore never hands event text to Folium. Instead:

* the events become ONE JSON array of rows (:data:`DATA_FIELDS` names the
  columns), serialised by :func:`script_json` so that nothing in it can end
  the ``<script>``, start an HTML comment, break a JS string or look like a
  Jinja tag;
* the browser makes the markers from that array, clustered, and builds each
  popup and tooltip with ``document.createElement`` and ``textContent``;
  a link's ``href`` is set only when it starts with http:// or https://
  (checked here and again in the browser);
* the layer's script and style are added to the page as finished text, never
  re-rendered as a template.

``contact_email`` is private and is never put in the data.

Every script and stylesheet the map loads comes from :mod:`speakout_map.maps.assets`:
served by the app itself by default (``assets="self"``), from jsDelivr with
``assets="cdn"``. Folium's own CDN defaults (the map's and the marker-cluster
plugin's) are replaced, never left in the page. Under the tiles, an offline
basemap (:class:`OfflineBasemap`) draws Natural Earth's country outlines, fetched
by URL from the same place, so the map is readable when no tile server is.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster
from folium.template import Template

from speakout_map.maps import assets as asset_files
from speakout_map.places.countries import country_name
from speakout_map.errors import SettingsError
from speakout_map.places.place import PlacedEvent
from speakout_map.events.model import Status
from speakout_map.events.formatting import format_date, format_time_range
from speakout_map.settings import DEFAULT_TILES_ATTRIBUTION, DEFAULT_TILES_URL, TILES_OFF, Settings

#: Map height: most of a phone's screen, leaving room to scroll the page.
MAP_HEIGHT = "70vh"
#: Zoom limits of the map itself (the cluster layer reads maxZoom from the map).
MAP_MIN_ZOOM = 1
MAP_MAX_ZOOM = 18
#: Fitting the view to the events never zooms in closer than a city.
FIT_MAX_ZOOM = 10
#: Pixels kept free around the events when the view is fitted to them.
FIT_PADDING = (30, 30)
#: The view when there is nothing to show.
WORLD_CENTER = (20.0, 0.0)
WORLD_ZOOM = 2
#: Longest description shown in a popup, in characters.
DESCRIPTION_LIMIT = 280
#: Decimal places kept of a coordinate (5 is about a metre).
COORDINATE_DECIMALS = 5

#: The columns of each data row, in order. The browser looks fields up by name.
DATA_FIELDS: tuple[str, ...] = (
    "lat",
    "lon",
    "confirmed",
    "title",
    "city",
    "country",
    "date",
    "time",
    "venue",
    "address",
    "organiser",
    "description",
    "url",
)

#: Names of folium's default page assets that the map needs (their URLs are replaced by ours).
USED_ASSETS = frozenset(asset_files.MAP_ASSETS)

#: The offline basemap: its own pane under the tiles (Leaflet's tilePane is 200), and its colours.
BASEMAP_PANE = "speakoutBasemap"
BASEMAP_PANE_Z_INDEX = 150
BASEMAP_WATER_COLOUR = "#aad3df"
BASEMAP_LAND_COLOUR = "#f2efe9"
BASEMAP_BORDER_COLOUR = "#a89f95"
BASEMAP_BORDER_WEIGHT = 0.8
BASEMAP_ATTRIBUTION = '<a href="https://www.naturalearthdata.com/">Natural Earth</a>'

#: Marker colours; the legend and the markers share them.
CONFIRMED_COLOUR = "#1b7f3b"
DETAILS_TO_COME_COLOUR = "#c2410c"
LEGEND_CONFIRMED = "Confirmed event"
LEGEND_DETAILS_TO_COME = "Details to come"



def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """The text, or its first ``limit`` characters or so cut at a space, with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-\u2013\u2014") + "\u2026"


def safe_link(url: str) -> str:
    """The URL if it is a plain http(s) web address, else ``""``."""
    url = url.strip()
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    if not url.lower().startswith(("http://", "https://")):
        return ""
    return url


def safe_guide_link(url: str) -> str:
    """The guide's address if it is a same-site path (``/guide``) or an http(s) URL, else ``""``."""
    url = url.strip()
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
            return ""
        return url
    return safe_link(url)


# --- the data the browser gets ---------------------------------------------


def has_valid_point(placed: PlacedEvent) -> bool:
    """Whether the event's place is a finite point on the globe."""
    lat, lon = placed.place.latitude, placed.place.longitude
    return (
        isinstance(lat, (int, float))
        and isinstance(lon, (int, float))
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    )


def event_row(placed: PlacedEvent) -> list[Any]:
    """One event as a data row in :data:`DATA_FIELDS` order (public fields only)."""
    event = placed.event
    return [
        round(float(placed.place.latitude), COORDINATE_DECIMALS),
        round(float(placed.place.longitude), COORDINATE_DECIMALS),
        1 if event.status is Status.CONFIRMED else 0,
        event.display_title,
        event.city,
        country_name(event.country_code),
        format_date(event.date),
        format_time_range(event.start_time, event.end_time),
        event.venue,
        event.address,
        event.organiser,
        shorten(event.description),
        safe_link(event.url),
    ]


def event_rows(placed: Sequence[PlacedEvent]) -> list[list[Any]]:
    """Data rows of the events that have a valid point (others cannot be drawn)."""
    return [event_row(p) for p in placed if has_valid_point(p)]


# Characters that must not appear literally inside an inline <script>:
# < > & (end of script, HTML comments, entities), quotes and backticks
# (other string syntaxes), $ { } (template literals and Jinja tags) and the
# line/paragraph separators (line ends in older JavaScript).
_SCRIPT_UNSAFE = "<>&'`${}\u2028\u2029"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _unicode_escape(char: str) -> str:
    return f"\\u{ord(char):04x}"


def _reject_objects(value: Any) -> None:
    if isinstance(value, dict):
        raise TypeError("script_json takes lists, strings, numbers, booleans and None, not objects")
    if isinstance(value, (list, tuple)):
        for item in value:
            _reject_objects(item)


def script_json(value: Any) -> str:
    """JSON for inline ``<script>`` use, in which no character can end the script or run.

    Only arrays and scalars are accepted: braces are escaped everywhere, which is
    right inside strings and would break an object's own braces.
    """
    _reject_objects(value)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char in _SCRIPT_UNSAFE:
        text = text.replace(char, _unicode_escape(char))
    return _LONE_SURROGATE.sub(lambda m: _unicode_escape(m.group()), text)


def events_bounds(rows: Sequence[Sequence[Any]]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the rows' points, or ``None`` if there are none."""
    if not rows:
        return None
    lats = [row[0] for row in rows]
    lons = [row[1] for row in rows]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


# --- the layer ---------------------------------------------------------------


class _FinishedText(Element):
    """Text that goes into the page as it is, never rendered again as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


_STYLE = f"""
<style>
  .speakout-pin {{ box-sizing: border-box; border-radius: 50%;
    border: 2px solid #ffffff; box-shadow: 0 0 0 1px rgba(0, 0, 0, 0.55); }}
  .speakout-pin--confirmed {{ background: {CONFIRMED_COLOUR}; }}
  .speakout-pin--tbc {{ background: #ffffff; border: 4px solid {DETAILS_TO_COME_COLOUR}; }}
  .speakout-pin:focus {{ outline: 3px solid #1d4ed8; outline-offset: 2px; }}
  .speakout-legend, .speakout-empty {{ background: rgba(255, 255, 255, 0.94); color: #111;
    padding: 6px 9px; border-radius: 5px; box-shadow: 0 1px 5px rgba(0, 0, 0, 0.35);
    font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }}
  .speakout-legend-row {{ display: flex; align-items: center; gap: 7px; }}
  .speakout-legend .speakout-pin {{ display: inline-block; width: 14px; height: 14px; }}
  .speakout-legend .speakout-pin--tbc {{ border-width: 3px; }}
  .speakout-popup {{ font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    max-width: 260px; overflow-wrap: anywhere; }}
  .speakout-popup p {{ margin: 3px 0; }}
  .speakout-popup-title {{ font-weight: 700; font-size: 15px; margin: 0 0 4px; }}
  .speakout-popup-when {{ font-weight: 600; }}
  .speakout-popup-description {{ white-space: pre-line; color: #333; }}
  .speakout-popup-tbc {{ font-style: italic; color: #9a3412; }}
  .speakout-popup a {{ display: inline-block; padding: 4px 0; font-weight: 600; }}
  .speakout-tooltip-place {{ color: #444; }}
</style>
"""

_SCRIPT = Template(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var map = {{ this._parent.get_name() }};
  var FIELDS = {{ this.fields_json }};
  var rows = {{ this.rows_json }};
  var guideUrl = {{ this.guide_json }};
  var SAFE_LINK = /^https?:\\/\\//i;
  var SAFE_GUIDE = /^(https?:\\/\\/|\\/(?![\\/\\\\]))/i;
  var F = {};
  FIELDS.forEach(function (name, index) { F[name] = index; });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function addLine(parent, className, text) {
    if (typeof text === "string" && text.length > 0) {
      parent.appendChild(el("p", className, text));
    }
  }

  function placeLabel(row) {
    return row[F.city] + ", " + row[F.country];
  }

  function buildPopup(row) {
    var box = el("div", "speakout-popup");
    box.appendChild(el("p", "speakout-popup-title", row[F.title]));
    addLine(box, "speakout-popup-place", placeLabel(row));
    addLine(box, "speakout-popup-when", row[F.date]);
    addLine(box, "speakout-popup-time", row[F.time]);
    addLine(box, "speakout-popup-venue", row[F.venue]);
    addLine(box, "speakout-popup-address", row[F.address]);
    if (row[F.organiser]) {
      addLine(box, "speakout-popup-organiser", "Organised by " + row[F.organiser]);
    }
    addLine(box, "speakout-popup-description", row[F.description]);
    var url = row[F.url];
    var hasLink = typeof url === "string" && SAFE_LINK.test(url);
    if (row[F.confirmed] !== 1) {
      addLine(box, "speakout-popup-tbc", "Details to come");
    } else if (!hasLink) {
      addLine(box, "speakout-popup-tbc", "Event page: link to come");
    }
    if (hasLink) {
      var line = el("p", "speakout-popup-link");
      var link = el("a", null, "Event page (opens in a new tab)");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      line.appendChild(link);
      box.appendChild(line);
    }
    return box;
  }

  function buildTooltip(row) {
    var box = el("div", "speakout-tooltip");
    box.appendChild(el("strong", "speakout-tooltip-title", row[F.title]));
    box.appendChild(el("div", "speakout-tooltip-place", placeLabel(row)));
    return box;
  }

  function popupFor(marker) {
    if (!marker.speakoutPopup) { marker.speakoutPopup = buildPopup(marker.speakoutRow); }
    return marker.speakoutPopup;
  }

  function tooltipFor(marker) {
    if (!marker.speakoutTooltip) { marker.speakoutTooltip = buildTooltip(marker.speakoutRow); }
    return marker.speakoutTooltip;
  }

  function labelIcon() {
    var node = this.getElement();
    if (node) {
      var row = this.speakoutRow;
      var status = row[F.confirmed] === 1 ? "confirmed" : "details to come";
      node.setAttribute("aria-label", row[F.title] + ", " + placeLabel(row) + " (" + status + ")");
    }
  }

  var icons = [
    L.divIcon({className: "speakout-pin speakout-pin--tbc", iconSize: [18, 18], popupAnchor: [0, -8]}),
    L.divIcon({className: "speakout-pin speakout-pin--confirmed", iconSize: [18, 18], popupAnchor: [0, -8]})
  ];
  var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
  var markers = [];
  for (var i = 0; i < rows.length; i++) {
    var row = rows[i];
    var marker = L.marker([row[F.lat], row[F.lon]], {
      icon: icons[row[F.confirmed] === 1 ? 1 : 0],
      keyboard: true,
      riseOnHover: true
    });
    marker.speakoutRow = row;
    marker.bindPopup(popupFor, {maxWidth: 280, autoPanPadding: [20, 20]});
    marker.bindTooltip(tooltipFor, {direction: "top", offset: [0, -10]});
    marker.on("add", labelIcon);
    markers.push(marker);
  }
  cluster.addLayers(markers);
  cluster.addTo(map);

  var legend = L.control({position: "bottomleft"});
  legend.onAdd = function () {
    var box = el("div", "speakout-legend");
    var rowsSpec = [
      ["speakout-pin speakout-pin--confirmed", {{ this.legend_confirmed_json }}],
      ["speakout-pin speakout-pin--tbc", {{ this.legend_tbc_json }}]
    ];
    rowsSpec.forEach(function (spec) {
      var line = el("div", "speakout-legend-row");
      line.appendChild(el("span", spec[0]));
      line.appendChild(el("span", null, spec[1]));
      box.appendChild(line);
    });
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);

  if (rows.length === 0) {
    var empty = L.control({position: "topright"});
    empty.onAdd = function () {
      var box = el("div", "speakout-empty");
      box.appendChild(el("span", null, "No events on the map yet. "));
      if (typeof guideUrl === "string" && SAFE_GUIDE.test(guideUrl)) {
        var link = el("a", null, "Host one");
        link.href = guideUrl;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        box.appendChild(link);
      }
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    empty.addTo(map);
  }
  return cluster;
})();
{% endmacro %}
"""
)


class EventClusterLayer(MarkerCluster):
    """A marker-cluster layer whose markers, popups and tooltips the browser makes from one data array.

    ``rows`` are :func:`event_row` lists. Uses Leaflet.markercluster (loaded
    like Folium's own ``MarkerCluster``); markers are CSS ``divIcon``s, so no
    marker images are fetched.
    """

    _template = _SCRIPT

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        *,
        guide_url: str = "",
        name: str | None = None,
        assets: str = asset_files.SELF,
        asset_base_url: str = asset_files.DEFAULT_BASE_URL,
    ) -> None:
        super().__init__(
            name=name,
            show_coverage_on_hover=False,
            chunked_loading=True,
            max_cluster_radius=50,
            spiderfy_on_max_zoom=True,
        )
        self._name = "EventClusterLayer"
        # Instance lists replace MarkerCluster's class-level CDN links (never mutate those).
        self.default_js = asset_files.asset_links(asset_files.CLUSTER_ASSETS, "js", assets, asset_base_url)
        self.default_css = asset_files.asset_links(asset_files.CLUSTER_ASSETS, "css", assets, asset_base_url)
        self.rows = [list(row) for row in rows]
        self.fields_json = script_json(list(DATA_FIELDS))
        self.rows_json = script_json(self.rows)
        self.guide_json = script_json(safe_guide_link(guide_url))
        self.legend_confirmed_json = script_json(LEGEND_CONFIRMED)
        self.legend_tbc_json = script_json(LEGEND_DETAILS_TO_COME)

    def _get_self_bounds(self) -> list[list[float | None]]:
        bounds = events_bounds(self.rows)
        return bounds if bounds is not None else [[None, None], [None, None]]

    def render(self, **kwargs: Any) -> None:
        """Add the library links, the style and the script to the page, as finished text."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("EventClusterLayer must be on a map inside a Figure to render")
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        figure.header.add_child(_FinishedText(_STYLE), name="speakout_event_style")
        script = self._template.module.script(self, kwargs)
        figure.script.add_child(_FinishedText(script), name=self.get_name())


_BASEMAP_SCRIPT = Template(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var map = {{ this._parent.get_name() }};
  var DATA_URL = {{ this.data_url_json }};
  var PANE = {{ this.pane_json }};
  var STYLE = {{ this.style_json }};
  map.getContainer().style.background = STYLE[0];
  var pane = map.createPane(PANE);
  pane.style.zIndex = {{ this.z_index }};
  pane.style.pointerEvents = "none";
  if (map.attributionControl) { map.attributionControl.addAttribution({{ this.attribution_json }}); }
  var layer = L.layerGroup().addTo(map);

  // Natural Earth cuts Russia, Fiji and Antarctica at the antimeridian, so a ring can
  // jump from 180 to -180: on a flat map that is a line across the world. Unwrap each
  // ring into continuous longitudes; a ring that still ends 360 degrees away goes
  // round a pole, and is closed along it.
  function unwrapRing(ring) {
    var out = [];
    var shift = 0;
    for (var i = 0; i < ring.length; i++) {
      var lon = ring[i][0] + shift;
      if (i > 0) {
        var step = lon - out[i - 1][0];
        if (step > 180) { shift -= 360; lon -= 360; }
        else if (step < -180) { shift += 360; lon += 360; }
      }
      out.push([lon, ring[i][1]]);
    }
    if (shift !== 0 && out.length > 0) {
      var pole = out[0][1] < 0 ? -90 : 90;
      out.push([out[out.length - 1][0], pole], [out[0][0], pole], out[0]);
    }
    return out;
  }

  function unwrapGeometry(geometry) {
    if (!geometry) { return geometry; }
    if (geometry.type === "Polygon") {
      geometry.coordinates = geometry.coordinates.map(unwrapRing);
    } else if (geometry.type === "MultiPolygon") {
      geometry.coordinates = geometry.coordinates.map(function (polygon) { return polygon.map(unwrapRing); });
    }
    return geometry;
  }

  function draw(topology) {
    if (typeof topojson === "undefined") { throw new Error("topojson-client is not loaded"); }
    var countries = topology && topology.objects && topology.objects[{{ this.object_json }}];
    if (!countries) { throw new Error("no country outlines in the data"); }
    var shapes = topojson.feature(topology, countries);
    (shapes.features || []).forEach(function (feature) { unwrapGeometry(feature.geometry); });
    // One copy each side too, as the tiles repeat: the map pans round the world.
    [-360, 0, 360].forEach(function (offset) {
      L.geoJSON(shapes, {
        pane: PANE,
        interactive: false,
        coordsToLatLng: function (coords) { return L.latLng(coords[1], coords[0] + offset); },
        style: function () {
          return {fillColor: STYLE[1], fillOpacity: 1, color: STYLE[2], weight: STYLE[3], opacity: 1};
        }
      }).addTo(layer);
    });
  }
  fetch(DATA_URL, {credentials: "same-origin"})
    .then(function (answer) {
      if (!answer.ok) { throw new Error("HTTP " + answer.status); }
      return answer.json();
    })
    .then(draw)
    .catch(function (error) {
      if (window.console) { console.warn("SpeakOut Map: no offline basemap from " + DATA_URL + ": " + error); }
    });
  return layer;
})();
{% endmacro %}
"""
)


class OfflineBasemap(JSCSSMixin, MacroElement):
    """Natural Earth country outlines in a pane under the tiles, on a water-coloured map.

    The outlines (world-atlas's 1:110m TopoJSON, about 105 KB) are fetched
    by URL and turned into shapes by topojson-client in the browser, so the
    page itself stays small. Real tiles, once loaded, cover them.
    """

    _template = _BASEMAP_SCRIPT

    def __init__(self, *, assets: str = asset_files.SELF, asset_base_url: str = asset_files.DEFAULT_BASE_URL) -> None:
        super().__init__()
        self._name = "OfflineBasemap"
        self.default_js = asset_files.asset_links(asset_files.BASEMAP_ASSETS, "js", assets, asset_base_url)
        self.default_css = asset_files.asset_links(asset_files.BASEMAP_ASSETS, "css", assets, asset_base_url)
        self.data_url = asset_files.asset_url(asset_files.BASEMAP_DATA, assets, asset_base_url)
        self.data_url_json = script_json(self.data_url)
        self.pane_json = script_json(BASEMAP_PANE)
        self.z_index = int(BASEMAP_PANE_Z_INDEX)
        self.style_json = script_json(
            [BASEMAP_WATER_COLOUR, BASEMAP_LAND_COLOUR, BASEMAP_BORDER_COLOUR, BASEMAP_BORDER_WEIGHT]
        )
        self.attribution_json = script_json(BASEMAP_ATTRIBUTION)
        self.object_json = script_json(asset_files.COUNTRIES_OBJECT)

    def render(self, **kwargs: Any) -> None:
        """Add the library link and the script to the page, as finished text."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("OfflineBasemap must be on a map inside a Figure to render")
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        script = self._template.module.script(self, kwargs)
        figure.script.add_child(_FinishedText(script), name=self.get_name())


# --- the map -------------------------------------------------------------------

_JINJA_MARKERS = ("{{", "{%", "{#")


def _check_setting(name: str, value: str | None) -> None:
    # Folium renders tile settings into the page through a second Jinja pass.
    if value and any(marker in value for marker in _JINJA_MARKERS):
        raise SettingsError(f"the map {name} must not contain {{{{, {{% or {{#; got {value!r}")


def build_map(
    placed: Sequence[PlacedEvent],
    *,
    tiles: str | None = DEFAULT_TILES_URL,
    attribution: str | None = DEFAULT_TILES_ATTRIBUTION,
    guide_url: str = "/guide",
    assets: str = asset_files.SELF,
    asset_base_url: str = asset_files.DEFAULT_BASE_URL,
    basemap: bool = True,
) -> folium.Map:
    """A world map of the events, clustered, fitted to them, with a legend.

    ``tiles`` is a tile URL template (with ``attribution``, trusted HTML from
    the operator, not event text) or a Folium/xyzservices tile name; ``None``
    or ``"none"`` draws no tiles. ``assets`` is ``"self"`` (scripts and styles
    from ``asset_base_url``, served by the app) or ``"cdn"``. ``basemap``
    draws Natural Earth country outlines under the tiles. ``guide_url`` is
    linked from the map's "no events yet" note. Events whose place is not a
    finite point are left out. Use :func:`map_options` to get these from settings.
    """
    if tiles is not None and tiles.strip().lower() in TILES_OFF:
        tiles = None
    _check_setting("tiles", tiles)
    _check_setting("attribution", attribution)
    _check_setting("asset_base_url", asset_base_url)
    assets = asset_files.check_mode(assets)
    asset_base_url = asset_files.check_base_url(asset_base_url)
    rows = event_rows(placed)
    m = folium.Map(
        location=WORLD_CENTER,
        zoom_start=WORLD_ZOOM,
        width="100%",
        height=MAP_HEIGHT,
        tiles=tiles,
        attr=attribution if tiles is not None else None,
        min_zoom=MAP_MIN_ZOOM,
        max_zoom=MAP_MAX_ZOOM,
        world_copy_jump=True,
        # The wheel scrolls the page (the map is most of a phone's screen); +/- zoom.
        scroll_wheel_zoom=False,
    )
    # Only Leaflet itself is needed, from our own address (or the CDN): folium's
    # other defaults (jQuery, Bootstrap, Font Awesome, awesome-markers) are never
    # used here, and one blocked script stops streamlit-folium from drawing the map.
    m.default_js = asset_files.asset_links(asset_files.MAP_ASSETS, "js", assets, asset_base_url)
    m.default_css = asset_files.asset_links(asset_files.MAP_ASSETS, "css", assets, asset_base_url)
    # Map(max_zoom=...) only reaches the tile layer; markercluster reads the map's own.
    m.options["max_zoom"] = MAP_MAX_ZOOM
    m.options["min_zoom"] = MAP_MIN_ZOOM
    if basemap:
        OfflineBasemap(assets=assets, asset_base_url=asset_base_url).add_to(m)
    EventClusterLayer(rows, guide_url=guide_url, name="Events", assets=assets, asset_base_url=asset_base_url).add_to(m)
    bounds = events_bounds(rows)
    if bounds is not None:
        m.fit_bounds(bounds, padding=FIT_PADDING, max_zoom=FIT_MAX_ZOOM)
    return m


def map_options(settings: Settings) -> dict[str, Any]:
    """:func:`build_map`'s keyword arguments for the tiles, assets and basemap, from settings."""
    return {
        "tiles": settings.map_tiles,
        "attribution": settings.tiles_attribution,
        "assets": settings.assets,
        "asset_base_url": settings.asset_base_url,
        "basemap": settings.basemap,
    }


def missing_assets_message(settings: Settings, static_dir: Path | str = asset_files.STATIC_DIR) -> str | None:
    """What to tell the operator if this app should serve the map's files but they are not installed, else None.

    Only in ``assets="self"`` mode with a same-site ``asset_base_url`` (a path):
    a full URL points at another server, which this one cannot check.
    """
    if settings.assets != asset_files.SELF or not settings.asset_base_url.startswith("/"):
        return None
    missing = asset_files.missing_files(static_dir)
    return asset_files.missing_files_message(missing, static_dir) if missing else None


def map_html(m: folium.Map) -> str:
    """The map's whole standalone HTML page."""
    return m.get_root().render()
