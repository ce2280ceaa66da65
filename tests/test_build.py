"""Tests of the built map: every event on it, the view, the tiles, where its scripts and styles come from, settings."""

from __future__ import annotations

import base64
import json
import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
from folium.map import FitBounds

from speakout_map.errors import SettingsError
from speakout_map.escaping import script_json
from speakout_map.events.formatting import format_date, format_time_range
from speakout_map.events.model import Status
from speakout_map.maps import assets as asset_files
from speakout_map.maps.build import (
    FIT_MAX_ZOOM,
    MAP_MAX_ZOOM,
    VIEWPORT_META,
    WORLD_CENTER,
    WORLD_ZOOM,
    app_map,
    build_map,
    map_html,
    map_options,
    missing_assets_message,
)
from speakout_map.languages.translator import english
from speakout_map.maps.layer import layer_labels
from speakout_map.maps.rows import event_rows
from speakout_map.places.countries import country_name
from speakout_map.settings import DEFAULT_TILES_ATTRIBUTION, DEFAULT_TILES_URL, load_settings
from tests.map_support import (
    FIELD,
    PRIVATE_EMAIL,
    WORLD,
    extract_rows,
    make_event,
    member_text,
    options_of,
    options_text,
    place,
    render,
    st_folium_links,
)
from tests.i18n_support import fake_translator


# --- every event's data is on the page -------------------------------------------


@pytest.mark.parametrize("count", [1, 2, len(WORLD)])
def test_page_holds_every_event(count):
    placed = WORLD[:count]
    html = render(placed)
    rows = extract_rows(html)
    assert len(rows) == count
    for pe, row in zip(placed, rows):
        e = pe.event
        assert row[FIELD["lat"]] == pytest.approx(pe.place.latitude, abs=1e-5)
        assert row[FIELD["lon"]] == pytest.approx(pe.place.longitude, abs=1e-5)
        assert row[FIELD["title"]] == e.display_title
        assert row[FIELD["city"]] == e.city
        assert row[FIELD["country"]] == country_name(e.country_code)
        assert row[FIELD["date"]] == format_date(e.date)
        assert row[FIELD["time"]] == format_time_range(e.start_time, e.end_time)
        assert row[FIELD["venue"]] == e.venue
        assert row[FIELD["address"]] == e.address
        assert row[FIELD["organiser"]] == e.organiser
        assert row[FIELD["description"]] == e.description
        assert row[FIELD["url"]] == e.url
        assert row[FIELD["confirmed"]] == (1 if e.status is Status.CONFIRMED else 0)
        # and the text is in the page itself, in its escaped form
        assert script_json(e.display_title) in html


def test_english_map_is_the_map_without_a_translator():
    # element ids differ from map to map; what the events layer carries does not
    assert options_of(render(WORLD)) == options_of(map_html(build_map(WORLD, translator=english())))


def test_map_in_the_readers_language():
    """The translator reaches the rows (countries, dates, times, made-up titles) and the script's labels."""
    spanish = fake_translator({"Speak out in {city}": "Alza la voz en {city}", "Host one": "Organiza uno"})
    placed = WORLD[:2] + [place(make_event(title="", city="Tokyo", country_code="JP"), 35.68, 139.65)]
    options = options_of(map_html(build_map(placed, translator=spanish)))
    assert options["rows"] == event_rows(placed, spanish)
    assert options["labels"] == layer_labels(spanish) and options["labels"]["hostOne"] == "Organiza uno"
    assert [(r[FIELD["country"]], r[FIELD["date"]]) for r in options["rows"]] == [
        ("España", "mar, 3 sept 2013"), ("Argentina", "mar, 3 sept 2013"), ("Japón", "mar, 3 sept 2013")]
    assert options["rows"][2][FIELD["title"]] == "Alza la voz en Tokyo"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/x"])
def test_unsafe_link_is_dropped_from_the_data(url):
    html = render([place(make_event(url=url))])
    assert extract_rows(html)[0][FIELD["url"]] == ""
    assert url not in html


@pytest.mark.parametrize("lat, lon", [(math.nan, 0.0), (0.0, math.inf), (91.0, 0.0), (0.0, -181.0)])
def test_events_without_a_valid_point_are_left_out(lat, lon):
    good = place(make_event(city="Lima", country_code="PE"), -12.05, -77.04)
    bad = place(make_event(city="Nowhere"), lat, lon)
    rows = extract_rows(render([bad, good]))
    assert [r[FIELD["city"]] for r in rows] == ["Lima"]


@pytest.mark.parametrize("count", [0, 1, len(WORLD)])
def test_contact_email_never_reaches_the_page(count):
    html = render(WORLD[:count])
    assert PRIVATE_EMAIL not in html
    assert "contact_email" not in html
    assert "private.organiser" not in html


@pytest.mark.parametrize("placed", [WORLD[:1], WORLD[:2], WORLD, WORLD[3:]])
def test_view_is_fitted_around_the_events(placed):
    m = build_map(placed)
    fits = [c for c in m._children.values() if isinstance(c, FitBounds)]
    assert len(fits) == 1
    (south, west), (north, east) = fits[0].bounds
    for pe in placed:
        assert south <= pe.place.latitude + 1e-5 and pe.place.latitude - 1e-5 <= north
        assert west <= pe.place.longitude + 1e-5 and pe.place.longitude - 1e-5 <= east
    lats = [p.place.latitude for p in placed]
    lons = [p.place.longitude for p in placed]
    assert south == pytest.approx(min(lats)) and north == pytest.approx(max(lats))
    assert west == pytest.approx(min(lons)) and east == pytest.approx(max(lons))
    assert fits[0].options["maxZoom"] == FIT_MAX_ZOOM
    assert fits[0].options["padding"]
    html = map_html(m)
    assert ".fitBounds(" in html
    assert json.dumps(fits[0].bounds) in html
    # the layer reports the same bounds to folium (and to st_folium)
    assert m.get_bounds() == [[south, west], [north, east]]


def test_single_event_does_not_zoom_to_street_level():
    m = build_map(WORLD[:1])
    fit = next(c for c in m._children.values() if isinstance(c, FitBounds))
    assert fit.options["maxZoom"] <= 12


def test_empty_map_is_a_world_view():
    m = build_map([])
    assert not any(isinstance(c, FitBounds) for c in m._children.values())
    assert m.location == list(WORLD_CENTER)
    assert m.options["zoom"] == WORLD_ZOOM
    html = map_html(m)
    assert extract_rows(html) == []
    assert "No events on the map yet." in html
    assert options_of(html)["guideUrl"] == "/guide"
    assert '"guideUrl":"/guide"' in html


def test_empty_map_leaves_out_an_unsafe_guide_link():
    html = map_html(build_map([], guide_url="javascript:alert(1)"))
    assert options_of(html)["guideUrl"] == ""
    assert '"guideUrl":""' in html
    assert "javascript:alert" not in html


@pytest.mark.parametrize("placed", [[], WORLD])
def test_max_zoom_is_set_on_the_map(placed):
    m = build_map(placed)
    assert m.options["max_zoom"] == MAP_MAX_ZOOM
    html = map_html(m)
    map_options = html[html.index("L.map("): html.index("L.tileLayer(")]
    assert f'"maxZoom": {MAP_MAX_ZOOM}' in map_options


def test_map_fills_the_width_and_a_phone_screen():
    m = build_map(WORLD)
    assert m.width == (100.0, "%")
    assert m.height[1] in ("vh", "px")
    if m.height[1] == "vh":
        assert 40 <= m.height[0] <= 90


def test_custom_tiles_and_attribution():
    m = build_map(WORLD, tiles="https://tiles.example.org/{z}/{x}/{y}.png", attribution="© Example")
    html = map_html(m)
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in html


@pytest.mark.parametrize("kwargs", [{"attribution": "{{ 7*7 }}", "tiles": "https://t.example/{z}/{x}/{y}.png"},
                                    {"tiles": "https://t.example/{% raw %}/{z}/{x}/{y}.png", "attribution": "x"}])
def test_tile_settings_that_look_like_templates_are_refused(kwargs):
    with pytest.raises(SettingsError):
        build_map(WORLD, **kwargs)


def test_library_does_not_import_streamlit():
    code = "import sys, speakout_map.maps.build; sys.exit(1 if 'streamlit' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.parametrize("unused", ["jquery", "bootstrap", "fontawesome", "awesome-markers", "glyphicons"])
def test_unused_folium_assets_are_not_loaded(unused):
    html = map_html(build_map(WORLD))
    assert unused not in html.lower()
    assert '<script src="/app/static/vendor/leaflet/leaflet.js">' in html
    assert '<script src="/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js">' in html


def test_wheel_scrolls_the_page_not_the_map():
    assert '"scrollWheelZoom": false' in map_html(build_map(WORLD))


# --- where the page's scripts and styles come from; tiles; the offline basemap ---------

ALL_MAP_KINDS = [
    pytest.param({}, id="defaults"),
    pytest.param({"basemap": False}, id="no-basemap"),
    pytest.param({"tiles": None}, id="no-tiles"),
    pytest.param({"tiles": "none", "basemap": False}, id="bare"),
    pytest.param({"tiles": "https://tiles.example.org/{z}/{x}/{y}.png", "attribution": "© Example"}, id="own-tiles"),
]


class AssetCollector(HTMLParser):
    """Every address the page loads a script or stylesheet from (and any url()/@import in its styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.other_links: list[tuple[str, str]] = []
        self.style_urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src") is not None:
            self.scripts.append(attrs["src"])
        elif tag == "link":
            rel = (attrs.get("rel") or "").lower()
            if "stylesheet" in rel:
                self.stylesheets.append(attrs.get("href") or "")
            else:
                self.other_links.append((rel, attrs.get("href") or ""))
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style_urls.extend(re.findall(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)", data))


def page_assets(html: str) -> AssetCollector:
    collector = AssetCollector()
    collector.feed(html)
    collector.close()
    return collector


def cdn_url(package: str, path: str) -> str:
    return f"https://cdn.jsdelivr.net/npm/{package}@{asset_files.VERSIONS[package]}/{path}"


SELF_JS = ["/app/static/vendor/leaflet/leaflet.js",
           "/app/static/vendor/topojson-client/topojson-client.min.js",
           "/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js"]
SELF_CSS = ["/app/static/vendor/leaflet/leaflet.css",
            "/app/static/vendor/leaflet.markercluster/MarkerCluster.css",
            "/app/static/vendor/leaflet.markercluster/MarkerCluster.Default.css"]


@pytest.mark.parametrize("placed", [[], WORLD])
@pytest.mark.parametrize("kwargs", ALL_MAP_KINDS)
def test_self_mode_loads_no_script_or_stylesheet_from_another_host(placed, kwargs):
    html = map_html(build_map(placed, **kwargs))
    found = page_assets(html)
    assert found.scripts and found.stylesheets
    for url in found.scripts + found.stylesheets:
        assert url.startswith("/app/static/vendor/"), url
        assert "://" not in url and not url.startswith("//")
    assert found.style_urls == []
    assert found.other_links == []  # no preload/prefetch/icon links either
    lowered = html.lower()
    for host in ("jsdelivr", "cdnjs", "unpkg", "cloudflare", "jquery.com", "bootstrapcdn", "googleapis"):
        assert host not in lowered, host
    expected_js = [u for u in SELF_JS if kwargs.get("basemap", True) or "topojson" not in u]
    assert found.scripts == expected_js
    assert found.stylesheets == SELF_CSS


@pytest.mark.parametrize("kwargs", ALL_MAP_KINDS)
def test_streamlit_folium_loads_only_our_files_in_self_mode(kwargs, monkeypatch):
    """st_folium loads default_js/default_css of every element itself; none may point elsewhere."""
    sent = st_folium_links(build_map(WORLD, **kwargs), monkeypatch)
    expected_js = [u for u in SELF_JS if kwargs.get("basemap", True) or "topojson" not in u]
    assert sent["js_links"] == expected_js
    assert sent["css_links"] == SELF_CSS
    assert "<script src" not in sent["header"].lower() and "<link" not in sent["header"].lower()
    assert "://" not in " ".join(page_assets(sent["header"]).style_urls)


def test_cdn_mode_uses_the_pinned_versions_on_jsdelivr(monkeypatch):
    m = build_map(WORLD, assets="cdn")
    found = page_assets(map_html(m))
    # first the integrity guard (a data: URL, tests below), then the pinned files
    assert found.scripts[0].startswith("data:text/javascript;base64,")
    assert found.scripts[1:] == [
        cdn_url("leaflet", "dist/leaflet.js"),
        cdn_url("topojson-client", "dist/topojson-client.min.js"),
        cdn_url("leaflet.markercluster", "dist/leaflet.markercluster.js"),
    ]
    assert found.stylesheets == [
        cdn_url("leaflet", "dist/leaflet.css"),
        cdn_url("leaflet.markercluster", "dist/MarkerCluster.css"),
        cdn_url("leaflet.markercluster", "dist/MarkerCluster.Default.css"),
    ]
    html = map_html(m)
    assert "/app/static" not in html
    assert script_json(cdn_url("world-atlas", "countries-110m.json")) in html
    # not folium's own older defaults
    assert "1.9.3" not in html and "1.1.0" not in html and "cdnjs" not in html
    sent = st_folium_links(build_map(WORLD, assets="cdn"), monkeypatch)
    assert sent["js_links"] == found.scripts and sent["css_links"] == found.stylesheets


class LinkTags(HTMLParser):
    """Every ``<script src>`` and ``<link>`` tag's attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (tag == "script" and "src" in attrs) or tag == "link":
            self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def link_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = LinkTags()
    parser.feed(html)
    parser.close()
    return parser.tags


def installed_integrity(url: str) -> str:
    """The sha384 SRI of the node_modules file a cdn URL names (the CDN serves the npm tarball's bytes)."""
    package, _, path = url.removeprefix(asset_files.CDN_BASE_URL + "/").partition("/")
    name, _, version = package.rpartition("@")
    file = asset_files.NODE_MODULES / name / path
    if not file.is_file():
        pytest.skip(f"{file} is not installed; run `make install` (make test does it first)")
    assert asset_files.VERSIONS[name] == version
    return asset_files.file_integrity(file)


@pytest.mark.parametrize("kwargs", ALL_MAP_KINDS)
def test_every_cdn_mode_link_carries_the_integrity_of_its_file(kwargs):
    tags = link_tags(map_html(build_map(WORLD, assets="cdn", **kwargs)))
    urls = [attrs.get("src") or attrs.get("href") for _, attrs in tags]
    assert len([u for u in urls if u.startswith(asset_files.CDN_BASE_URL)]) == (6 if kwargs.get("basemap", True) else 5)
    for tag, attrs in tags:
        url = attrs.get("src") or attrs.get("href")
        if url.startswith("data:"):
            assert tag == "script" and url == build_map([], assets="cdn").default_js[0][1]
            continue
        assert url.startswith(asset_files.CDN_BASE_URL + "/"), url
        assert attrs.get("integrity") == installed_integrity(url), url
        assert attrs.get("crossorigin") == "anonymous", url
    html = map_html(build_map(WORLD, assets="cdn", **kwargs))
    if kwargs.get("basemap", True):  # the outlines are fetched with their hash too
        data = asset_files.asset_url(asset_files.BASEMAP_DATA, "cdn")
        assert member_text(options_text(html, "speakoutOfflineBasemap"), "integrity") == script_json(
            installed_integrity(data))


@pytest.mark.parametrize("kwargs", ALL_MAP_KINDS)
def test_self_mode_links_are_unchanged_by_integrity(kwargs):
    html = map_html(build_map(WORLD, **kwargs))
    tags = link_tags(html)
    assert [tag for tag, _ in tags] == ["script", "link"] + (["script"] if kwargs.get("basemap", True) else []) + [
        "script", "link", "link"]
    for tag, attrs in tags:
        assert set(attrs) == ({"src"} if tag == "script" else {"rel", "href"})
        assert (attrs.get("src") or attrs["href"]).startswith("/app/static/vendor/")
    assert " integrity=" not in html and "crossorigin" not in html and "data:text/javascript" not in html
    assert "\"integrity\":" not in html  # nor in the basemap's options


def test_streamlit_folium_loads_the_integrity_guard_before_every_cdn_file(monkeypatch):
    """st_folium drops the head's tags and adds js_links/css_links itself, without integrity: the guard,
    loaded first, holds the pinned hash of every other link it loads."""
    sent = st_folium_links(build_map(WORLD, assets="cdn"), monkeypatch)
    guard, *files = sent["js_links"]
    assert guard.startswith("data:text/javascript;base64,")
    code = base64.b64decode(guard.split(",", 1)[1]).decode("utf-8")
    call = re.search(r"^speakoutRequireIntegrity\((\{.*\})\);$", code, re.M)
    hashes = json.loads(call.group(1))
    assert files and sent["css_links"]
    for url in files + sent["css_links"]:
        assert hashes[url] == installed_integrity(url)
    assert "<link" not in sent["header"].lower() and "<script src" not in sent["header"].lower()


@pytest.mark.parametrize(
    "base, expected",
    [
        ("/map/app/static/vendor", "/map/app/static/vendor"),
        ("/map/app/static/vendor/", "/map/app/static/vendor"),
        ("https://static.example.org/speakout/vendor/", "https://static.example.org/speakout/vendor"),
    ],
)
def test_asset_base_url_is_used_for_every_file(base, expected, monkeypatch):
    m = build_map(WORLD, asset_base_url=base)
    html = map_html(m)
    found = page_assets(html)
    relative = lambda urls, prefix: [u.removeprefix(prefix) for u in urls]  # noqa: E731
    for url in found.scripts + found.stylesheets:
        assert url.startswith(expected + "/") and "//" not in url.removeprefix(expected)
    assert relative(found.scripts, expected) == relative(SELF_JS, "/app/static/vendor")
    assert relative(found.stylesheets, expected) == relative(SELF_CSS, "/app/static/vendor")
    assert script_json(f"{expected}/world-atlas/countries-110m.json") in html
    sent = st_folium_links(build_map(WORLD, asset_base_url=base), monkeypatch)
    assert all(link.startswith(expected + "/") for link in sent["js_links"] + sent["css_links"])


@pytest.mark.parametrize(
    "base",
    ["", "javascript:alert(1)", "//evil.example/vendor", "vendor", '/x"><script>alert(1)</script>', "/x'y",
     "/{{7*7}}", "/a b", "/a\\b", "ftp://example.org/vendor", "https://", "/x\ny", "/x\ty"],
)
def test_bad_asset_base_url_is_refused(base):
    with pytest.raises(SettingsError):
        build_map(WORLD, asset_base_url=base)


@pytest.mark.parametrize("mode", ["", "local", "CDNs", "selfish"])
def test_unknown_asset_mode_is_refused(mode):
    with pytest.raises(SettingsError):
        build_map(WORLD, assets=mode)


def test_marker_cluster_class_defaults_are_left_alone():
    """Our links are per instance: folium's MarkerCluster class keeps its own (used by other code)."""
    before = (list(folium.plugins.MarkerCluster.default_js), list(folium.plugins.MarkerCluster.default_css))
    before_map = (list(folium.Map.default_js), list(folium.Map.default_css))
    build_map(WORLD, assets="cdn")
    build_map(WORLD)
    assert (folium.plugins.MarkerCluster.default_js, folium.plugins.MarkerCluster.default_css) == before
    assert (folium.Map.default_js, folium.Map.default_css) == before_map


def test_default_tiles_are_openstreetmap_with_its_attribution():
    html = map_html(build_map(WORLD))
    assert html.count("L.tileLayer(") == 1
    assert json.dumps(DEFAULT_TILES_URL) in html
    assert DEFAULT_TILES_URL == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "openstreetmap.org/copyright" in DEFAULT_TILES_ATTRIBUTION
    assert "OpenStreetMap" in html and "openstreetmap.org/copyright" in html


@pytest.mark.parametrize("off", [None, "none", "NONE", " none ", "", "off"])
@pytest.mark.parametrize("placed", [[], WORLD])
def test_tiles_can_be_turned_off(off, placed):
    m = build_map(placed, tiles=off)
    html = map_html(m)
    assert "L.tileLayer(" not in html
    assert "tile.openstreetmap.org" not in html
    assert not any(isinstance(c, folium.TileLayer) for c in m._children.values())
    # the map itself still has its zoom limits (markercluster needs maxZoom) and the events
    assert m.options["max_zoom"] == MAP_MAX_ZOOM
    assert f'"maxZoom": {MAP_MAX_ZOOM}' in html[html.index("L.map("):]
    assert len(extract_rows(html)) == len(placed)
    assert "L.markerClusterGroup(" in html


@pytest.mark.parametrize("make", [lambda: build_map(WORLD), lambda: app_map("/api/map/1/en.json")])
def test_the_map_page_lets_people_zoom(make):
    """folium's viewport forbids zooming (maximum-scale=1.0, user-scalable=no): ours does not (WCAG 1.4.4)."""
    m = make()
    html = map_html(m)
    viewports = re.findall(r'<meta name="viewport"[^>]*>', html)
    assert viewports == [VIEWPORT_META]
    assert "user-scalable" not in html and "maximum-scale" not in html
    # streamlit-folium takes the head as the figure's header renders it: the same one tag
    assert re.findall(r'<meta name="viewport"[^>]*>', m.get_root().header.render()) == [VIEWPORT_META]
    # and the map's own size rule is still there, once
    assert html.count(f"#{m.get_name()} {{") == 1


@pytest.mark.parametrize("basemap", [True, False])
def test_map_page_stays_small(basemap):
    html = map_html(build_map([], basemap=basemap))
    assert len(html.encode("utf-8")) < 40_000  # the events layer's script and styles, inlined, are most of it
    assert '"arcs"' not in html and "Topology" not in html


def test_map_options_come_from_settings():
    settings = load_settings(environ={
        "SPEAKOUT_TILES_URL": "none", "SPEAKOUT_ASSETS": "cdn", "SPEAKOUT_BASEMAP": "false",
        "SPEAKOUT_ASSET_BASE_URL": "/map/app/static/vendor/",
    })
    options = map_options(settings)
    assert options == {"tiles": None, "attribution": DEFAULT_TILES_ATTRIBUTION, "assets": "cdn",
                       "asset_base_url": "/map/app/static/vendor", "basemap": False}
    html = map_html(build_map(WORLD, **options))
    assert "L.tileLayer(" not in html and "countries-110m" not in html and "cdn.jsdelivr.net" in html
    defaults = map_options(load_settings(environ={}))
    assert defaults == {"tiles": DEFAULT_TILES_URL, "attribution": DEFAULT_TILES_ATTRIBUTION, "assets": "self",
                        "asset_base_url": "/app/static/vendor", "basemap": True}


def _fill_static(static_dir: Path) -> None:
    for relative in asset_files.vendor_files():
        path = static_dir / "vendor" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")


@pytest.mark.parametrize(
    "environ, filled, problem",
    [
        ({}, False, True),
        ({}, True, False),
        ({"SPEAKOUT_ASSETS": "cdn"}, False, False),
        ({"SPEAKOUT_ASSET_BASE_URL": "/map/app/static/vendor"}, False, True),
        ({"SPEAKOUT_ASSET_BASE_URL": "https://static.example.org/vendor"}, False, False),
    ],
)
def test_missing_assets_message(environ, filled, problem, tmp_path):
    if filled:
        _fill_static(tmp_path)
    message = missing_assets_message(load_settings(environ=environ), static_dir=tmp_path)
    if problem:
        assert "make install" in message and "vendor/leaflet/leaflet.js" in message
        assert "SPEAKOUT_ASSETS=cdn" in message
    else:
        assert message is None
