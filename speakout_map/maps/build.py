"""The world map of events, as a Folium map: :func:`build_map` and what the app needs around it.

On the Leaflet map, from the bottom up: the offline basemap
(:mod:`speakout_map.maps.basemap`), the tiles, and the events layer
(:mod:`speakout_map.maps.layer`), whose data rows come from
:mod:`speakout_map.maps.rows`. Event text never reaches Folium's own
elements: :mod:`speakout_map.maps.inline` says how our code and data get
into the page.

Every script and stylesheet the map loads comes from :mod:`speakout_map.maps.assets`:
served by the app itself by default (``assets="self"``), from jsDelivr with
``assets="cdn"``, each with its pinned Subresource Integrity
(:mod:`speakout_map.maps.links`). Folium's own CDN defaults (the map's and
the marker-cluster plugin's) are replaced, never left in the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import folium
from branca.element import Element

from speakout_map.errors import SettingsError
from speakout_map.languages.translator import Translator, english
from speakout_map.maps import assets as asset_files
from speakout_map.maps.basemap import OfflineBasemap
from speakout_map.maps.focus import Focus, union_bounds
from speakout_map.maps.inline import integrity_guard
from speakout_map.maps.layer import EventClusterLayer, going_options
from speakout_map.maps.links import add_links
from speakout_map.maps.rows import CalendarLinks, GoingOf, event_rows, events_bounds
from speakout_map.places.place import PlacedEvent
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

_JINJA_MARKERS = ("{{", "{%", "{#")


def _check_setting(name: str, value: str | None) -> None:
    # Folium renders tile settings into the page through a second Jinja pass.
    if value and any(marker in value for marker in _JINJA_MARKERS):
        raise SettingsError(f"the map {name} must not contain {{{{, {{% or {{#; got {value!r}")


#: The page's viewport: as wide as the device, and zoomable (folium's own forbids zooming:
#: ``maximum-scale=1.0, user-scalable=no``, which WCAG 1.4.4 and axe-core's meta-viewport rule refuse).
VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1" />'
_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')


def zoomable_viewport(header: str) -> str:
    """``header`` (the map's part of the page head) with its viewport tag, if any, one that lets people zoom."""
    return _FOLIUM_VIEWPORT.sub(VIEWPORT_META, header)


class _Map(folium.Map):
    """folium's Map, whose own script and stylesheet tags are ours (:func:`~speakout_map.maps.links.add_links`)
    and whose viewport lets people zoom (:func:`zoomable_viewport`)."""

    def render(self, **kwargs: Any) -> None:
        super().render(**kwargs)
        figure = self.get_root()
        # folium wrote plain tags under the same names; replace them in place.
        add_links(figure, self.default_js, self.default_css)
        # Its header (the viewport tag, the map's size) again, with our viewport, under the same name and place.
        header = self._template.module.__dict__["header"](self, kwargs)
        figure.header.add_child(Element(zoomable_viewport(header)), name=self.get_name())


def base_map(
    *,
    location: tuple[float, float],
    zoom_start: int,
    height: str,
    tiles: str | None,
    attribution: str | None,
    assets: str,
    asset_base_url: str,
    basemap: bool,
) -> folium.Map:
    """The map under everything we draw (the events map, the proposal form's pin): tiles, zoom limits, our own
    Leaflet files and, with ``basemap``, the offline country outlines. The settings are :func:`map_options`'."""
    if tiles is not None and tiles.strip().lower() in TILES_OFF:
        tiles = None
    _check_setting("tiles", tiles)
    _check_setting("attribution", attribution)
    _check_setting("asset_base_url", asset_base_url)
    assets = asset_files.check_mode(assets)
    asset_base_url = asset_files.check_base_url(asset_base_url)
    m = _Map(
        location=location,
        zoom_start=zoom_start,
        width="100%",
        height=height,
        tiles=tiles,
        attr=attribution if tiles is not None else None,
        min_zoom=MAP_MIN_ZOOM,
        max_zoom=MAP_MAX_ZOOM,
        world_copy_jump=True,
        # The wheel scrolls the page (a map is much of a phone's screen); +/- zoom.
        scroll_wheel_zoom=False,
    )
    # Only Leaflet itself is needed, from our own address (or the CDN): folium's
    # other defaults (jQuery, Bootstrap, Font Awesome, awesome-markers) are never
    # used here, and one blocked script stops streamlit-folium from drawing the map.
    # In cdn mode the first script pins every CDN file's integrity for streamlit-folium.
    m.default_js = integrity_guard(assets) + asset_files.asset_links(
        asset_files.MAP_ASSETS, "js", assets, asset_base_url)
    m.default_css = asset_files.asset_links(asset_files.MAP_ASSETS, "css", assets, asset_base_url)
    # Map(max_zoom=...) only reaches the tile layer; markercluster reads the map's own.
    m.options["max_zoom"] = MAP_MAX_ZOOM
    m.options["min_zoom"] = MAP_MIN_ZOOM
    if basemap:
        OfflineBasemap(assets=assets, asset_base_url=asset_base_url).add_to(m)
    return m


def build_map(
    placed: Sequence[PlacedEvent],
    *,
    translator: Translator | None = None,
    tiles: str | None = DEFAULT_TILES_URL,
    attribution: str | None = DEFAULT_TILES_ATTRIBUTION,
    guide_url: str = "/guide",
    assets: str = asset_files.SELF,
    asset_base_url: str = asset_files.DEFAULT_BASE_URL,
    basemap: bool = True,
    focus: Focus | None = None,
    calendar: CalendarLinks | None = None,
    going: GoingOf | None = None,
    going_url: str = "",
    going_pass: str = "",
    legend: bool = True,
    view: tuple[tuple[float, float], int] | None = None,
    list_id: str = "",
) -> folium.Map:
    """A world map of the events, clustered, fitted to them, with a legend.

    ``tiles`` is a tile URL template (with ``attribution``, trusted HTML from
    the operator, not event text) or a Folium/xyzservices tile name; ``None``
    or ``"none"`` draws no tiles. ``assets`` is ``"self"`` (scripts and styles
    from ``asset_base_url``, served by the app) or ``"cdn"``. ``basemap``
    draws Natural Earth country outlines under the tiles. ``guide_url`` is
    linked from the map's "no events yet" note. Events whose place is not a
    finite point are left out. Use :func:`map_options` to get these from settings.
    ``translator`` gives the popups, the legend and the map's other words in
    the visitor's language (English without one); the events' own text is
    shown as written. ``focus`` (a "near" search) draws the searched place
    and its radius, and the view takes them in with the events. ``calendar``
    gives each event's "Add to calendar" links for its popup. ``going`` (off
    by default) gives each event's "I'll be there" count for its popup, and
    with ``going_url`` (the route's same-site path, :func:`~speakout_map.web.going_route.going_path`)
    and ``going_pass`` (this session's, :func:`~speakout_map.supporters.going.going_pass`)
    the popup's button that counts the visitor in. ``legend`` False leaves
    the legend out; ``view`` (a centre and a zoom) starts there instead of
    fitting the view to the events; ``list_id`` names the page's element
    (an ``<ol>``) that the script fills with one item per event, each the
    popup's text (the light embed's accessible list).
    """
    assets = asset_files.check_mode(assets)
    translator = translator or english()
    rows = event_rows(placed, translator, calendar, going)
    center, zoom = view if view is not None else (WORLD_CENTER, WORLD_ZOOM)
    m = base_map(location=center, zoom_start=zoom, height=MAP_HEIGHT, tiles=tiles,
                 attribution=attribution, assets=assets, asset_base_url=asset_base_url, basemap=basemap)
    asset_base_url = asset_files.check_base_url(asset_base_url)
    EventClusterLayer(rows, guide_url=guide_url, translator=translator, focus=focus,
                      going=going_options(going_url, going_pass, translator) if going is not None else None,
                      legend=legend, list_id=list_id, assets=assets, asset_base_url=asset_base_url).add_to(m)
    bounds = union_bounds(events_bounds(rows), focus.bounds() if focus is not None else None)
    if bounds is not None and view is None:
        m.fit_bounds(bounds, padding=FIT_PADDING, max_zoom=FIT_MAX_ZOOM)
    return m


#: How a selection fits the view to its events (Leaflet's ``fitBounds`` options), as :func:`build_map` does.
SELECTION_FIT = MappingProxyType({"padding": list(FIT_PADDING), "maxZoom": FIT_MAX_ZOOM})


def app_map(
    rows_url: str,
    *,
    translator: Translator | None = None,
    tiles: str | None = DEFAULT_TILES_URL,
    attribution: str | None = DEFAULT_TILES_ATTRIBUTION,
    guide_url: str = "/guide",
    assets: str = asset_files.SELF,
    asset_base_url: str = asset_files.DEFAULT_BASE_URL,
    basemap: bool = True,
    going_url: str | None = None,
) -> folium.Map:
    """The full app's map of one published version in one language, the same for every filter and visitor.

    Its events are fetched from ``rows_url`` (the version's map data document,
    :mod:`speakout_map.maps.data`), and it shows what each
    :class:`~speakout_map.maps.selection.Selection` sent to it says: which
    events, the view, the searched place, the "I'll be there" counts and pass.
    So a filter change sends a selection, not a new map. ``going_url`` (the
    route's same-site path; None: no "I'll be there") is where the popups'
    button posts. The other arguments are :func:`build_map`'s.
    """
    assets = asset_files.check_mode(assets)
    translator = translator or english()
    m = base_map(location=WORLD_CENTER, zoom_start=WORLD_ZOOM, height=MAP_HEIGHT, tiles=tiles,
                 attribution=attribution, assets=assets, asset_base_url=asset_base_url, basemap=basemap)
    EventClusterLayer((), rows_url=rows_url, guide_url=guide_url, translator=translator,
                      going=going_options(going_url, "", translator) if going_url is not None else None,
                      assets=assets, asset_base_url=asset_files.check_base_url(asset_base_url)).add_to(m)
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
