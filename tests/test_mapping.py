"""Tests of the events map: content, view, styling and, above all, that hostile text stays inert."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
from folium.map import FitBounds

from speakout_map.maps import assets as asset_files
from speakout_map.places.countries import country_name
from speakout_map.errors import SettingsError
from speakout_map.events.model import Event, Status
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.maps.build import (
    BASEMAP_LAND_COLOUR,
    BASEMAP_PANE,
    BASEMAP_PANE_Z_INDEX,
    BASEMAP_WATER_COLOUR,
    CONFIRMED_COLOUR,
    DATA_FIELDS,
    DESCRIPTION_LIMIT,
    DETAILS_TO_COME_COLOUR,
    FIT_MAX_ZOOM,
    LEGEND_CONFIRMED,
    LEGEND_DETAILS_TO_COME,
    MAP_MAX_ZOOM,
    WORLD_CENTER,
    WORLD_ZOOM,
    EventClusterLayer,
    OfflineBasemap,
    build_map,
    event_row,
    map_html,
    map_options,
    missing_assets_message,
    safe_guide_link,
    safe_link,
    script_json,
    shorten,
)
from speakout_map.events.formatting import format_date, format_time_range
from speakout_map.settings import DEFAULT_TILES_ATTRIBUTION, DEFAULT_TILES_URL, load_settings

FIELD = {name: index for index, name in enumerate(DATA_FIELDS)}
PRIVATE_EMAIL = "private.organiser@example.org"


# --- helpers ---------------------------------------------------------------------


def make_event(**overrides) -> Event:
    values = dict(
        city="Madrid",
        country_code="ES",
        date=dt.date(2013, 9, 3),
        title="Speak out in Madrid",
        start_time=dt.time(18, 30),
        end_time=dt.time(20, 0),
        venue="Puerta del Sol",
        address="Plaza de la Puerta del Sol, 28013",
        url="https://example.org/madrid",
        status=Status.CONFIRMED,
        organiser="All Out Madrid",
        contact_email=PRIVATE_EMAIL,
        description="Bring a friend.",
    )
    values.update(overrides)
    return Event(**values)


def place(event: Event, lat: float = 40.4168, lon: float = -3.7038) -> PlacedEvent:
    return PlacedEvent(event, Place(event.city, event.country_code, lat, lon, "Europe/Madrid"))


WORLD = [
    place(make_event(city="Madrid", country_code="ES"), 40.4168, -3.7038),
    place(make_event(city="Buenos Aires", country_code="AR", status=Status.DETAILS_TO_COME, url=""), -34.6037, -58.3816),
    place(make_event(city="Tokyo", country_code="JP", title="", start_time=None, end_time=None), 35.6762, 139.6503),
    place(make_event(city="Sydney", country_code="AU", url="", venue="", address=""), -33.8688, 151.2093),
    place(make_event(city="Reykjavík", country_code="IS", description=""), 64.1466, -21.9426),
    place(make_event(city="Anchorage", country_code="US", organiser=""), 61.2181, -149.9003),
]


class ScriptCollector(HTMLParser):
    """The page's <script> elements as a browser's tokenizer sees them: attributes and body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script = False
        self._attrs: dict[str, str | None] = {}
        self._body: list[str] = []
        self.start_tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.start_tags.append(tag)
        if tag == "script":
            self._in_script, self._attrs, self._body = True, dict(attrs), []

    def handle_data(self, data):
        if self._in_script:
            self._body.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script:
            self.scripts.append((self._attrs, "".join(self._body)))
            self._in_script = False


def scripts_of(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = ScriptCollector()
    parser.feed(html)
    parser.close()
    return parser.scripts


def start_tags_of(html: str) -> list[str]:
    parser = ScriptCollector()
    parser.feed(html)
    parser.close()
    return parser.start_tags


_ROWS_LINE = re.compile(r"^\s*var rows = (.*);$", re.M)


def extract_rows(html: str) -> list[list]:
    """The data array, read from inside the one inline script that holds it, JSON-decoded."""
    found = []
    for attrs, body in scripts_of(html):
        if "src" in attrs:
            continue
        found.extend(_ROWS_LINE.findall(body))
    assert len(found) == 1, f"expected one data array in one script, found {len(found)}"
    return json.loads(found[0])


def render(placed) -> str:
    return map_html(build_map(placed))


def leaflet_script(layer: EventClusterLayer) -> str:
    """The layer's script the way streamlit-folium gets it (the macro alone, no page)."""
    return layer._template.module.script(layer, {})


def layer_of(m: folium.Map) -> EventClusterLayer:
    layers = [c for c in m._children.values() if isinstance(c, EventClusterLayer)]
    assert len(layers) == 1
    return layers[0]


# --- the text the popups show ---------------------------------------------------


@pytest.mark.parametrize(
    "day, text",
    [
        (dt.date(2013, 9, 3), "Tue 3 Sep 2013"),
        (dt.date(2024, 2, 29), "Thu 29 Feb 2024"),
        (dt.date(2000, 1, 1), "Sat 1 Jan 2000"),
        (dt.date(2025, 12, 31), "Wed 31 Dec 2025"),
    ],
)
def test_format_date(day, text):
    assert format_date(day) == text


@pytest.mark.parametrize(
    "start, end, text",
    [
        (dt.time(18, 30), dt.time(20, 0), "18:30\u201320:00 local time"),
        (dt.time(9, 5), None, "09:05 local time"),
        (None, dt.time(21, 0), "until 21:00 local time"),
        (None, None, ""),
    ],
)
def test_format_time_range(start, end, text):
    assert format_time_range(start, end) == text


@pytest.mark.parametrize(
    "text, limit",
    [("short", 280), ("word " * 100, 280), ("x" * 1000, 280), ("a b c d e f g h", 5), ("exact", 5)],
)
def test_shorten(text, limit):
    short = shorten(text, limit)
    assert len(short) <= limit + 1
    if len(text.strip()) <= limit:
        assert short == text.strip()
    else:
        assert short.endswith("\u2026")
        assert text.startswith(short[:-1])


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://example.org/event", True),
        ("http://example.org/", True),
        ("HTTPS://EXAMPLE.ORG/x", True),
        ('https://example.org/"><svg/onload=alert(1)>', True),  # quotes are harmless in a DOM href
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("//evil.example/x", False),
        ("https:/no-host", False),
        ("https://exa mple.org", False),
        ("https://example.org/\nx", False),
        ("\x01https://example.org", False),
        ("", False),
    ],
)
def test_safe_link(url, kept):
    assert safe_link(url) == (url.strip() if kept else "")


@pytest.mark.parametrize(
    "url, kept",
    [("/guide", True), ("/guide?x=1", True), ("https://example.org/guide", True), ("//evil.example", False),
     ("/\\evil.example", False), ("javascript:alert(1)", False), ("guide", False), ("", False)],
)
def test_safe_guide_link(url, kept):
    assert safe_guide_link(url) == (url if kept else "")


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


def test_row_of_a_full_event():
    row = event_row(WORLD[0])
    assert dict(zip(DATA_FIELDS, row)) == {
        "lat": 40.4168,
        "lon": -3.7038,
        "confirmed": 1,
        "title": "Speak out in Madrid",
        "city": "Madrid",
        "country": "Spain",
        "date": "Tue 3 Sep 2013",
        "time": "18:30\u201320:00 local time",
        "venue": "Puerta del Sol",
        "address": "Plaza de la Puerta del Sol, 28013",
        "organiser": "All Out Madrid",
        "description": "Bring a friend.",
        "url": "https://example.org/madrid",
    }


def test_untitled_event_gets_its_display_title():
    row = event_row(place(make_event(title="", city="Tokyo", country_code="JP")))
    assert row[FIELD["title"]] == "Speak out in Tokyo"


def test_long_description_is_shortened():
    long = "Word " * 400
    row = event_row(place(make_event(description=long)))
    assert len(row[FIELD["description"]]) <= DESCRIPTION_LIMIT + 1
    assert row[FIELD["description"]].endswith("\u2026")


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


# --- styling, legend, view -------------------------------------------------------


def test_confirmed_and_details_to_come_look_different():
    html = render(WORLD)
    rows = extract_rows(html)
    assert {r[FIELD["confirmed"]] for r in rows} == {0, 1}
    # two icons with different classes, picked by the confirmed flag
    assert 'className: "speakout-pin speakout-pin--confirmed"' in html
    assert 'className: "speakout-pin speakout-pin--tbc"' in html
    assert re.search(r"icon: icons\[row\[F\.confirmed\] === 1 \? 1 : 0\]", html)
    confirmed_css = re.search(r"\.speakout-pin--confirmed \{([^}]*)\}", html).group(1)
    tbc_css = re.search(r"\.speakout-pin--tbc \{([^}]*)\}", html).group(1)
    assert CONFIRMED_COLOUR in confirmed_css
    assert DETAILS_TO_COME_COLOUR in tbc_css
    assert CONFIRMED_COLOUR != DETAILS_TO_COME_COLOUR
    assert confirmed_css != tbc_css


def test_markers_use_no_images():
    m = build_map(WORLD)
    html = map_html(m)
    assert "L.divIcon" in html
    assert "marker-icon.png" not in html
    assert "L.Icon.Default" not in html
    style = html[html.index("<style>\n  .speakout-pin"):]
    style = style[: style.index("</style>")]
    for own in (style, leaflet_script(layer_of(m))):
        assert not re.search(r"\.(png|jpe?g|gif|svg|webp)\b|url\(", own)


@pytest.mark.parametrize("placed", [[], WORLD[:1], WORLD])
def test_legend_explains_the_colours(placed):
    html = render(placed)
    assert 'L.control({position: "bottomleft"})' in html
    assert '"speakout-legend"' in html
    assert json.dumps(LEGEND_CONFIRMED) in html
    assert json.dumps(LEGEND_DETAILS_TO_COME) in html
    assert "legend.addTo(map);" in html


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
    assert 'var guideUrl = "/guide";' in html


def test_empty_map_leaves_out_an_unsafe_guide_link():
    html = map_html(build_map([], guide_url="javascript:alert(1)"))
    assert 'var guideUrl = "";' in html
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


def test_one_data_array_no_per_event_elements():
    m = build_map(WORLD)
    assert not any(isinstance(c, (folium.Marker, folium.Popup, folium.Tooltip)) for c in _walk(m))
    html = map_html(m)
    assert html.count("var rows = ") == 1
    assert "L.markerClusterGroup(" in html and "cluster.addLayers(markers);" in html


def _walk(element):
    for child in element._children.values():
        yield child
        yield from _walk(child)


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


# --- hostile text ------------------------------------------------------------------

PAYLOADS = [
    "</script><script>alert(1)</script>",
    "</SCRIPT ><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`+alert(1)+`",
    '"><svg onload=alert(1)>',
    "'><svg onload=alert(1)>",
    "line\u2028separator\u2029paragraph",
    "{{7*7}}",
    "{{ cycler.__init__.__globals__.os.getpid() }}",
    "{% raw %}x{% endraw %}{# comment #}",
    "';alert(1);//",
    '";alert(1);//',
    "<!--<script>",
    "]]>--><!-- -->",
    "&lt;b&gt; &amp; &#60;",
    "\\u003cscript\\u003e \\\" \\",
    "nul\x00 and \x1f controls\r\n\ttab",
    "lone \ud800 surrogate",
    "🏳️\u200d🌈 Ελλάδα 日本 العربية",
]
TEXT_FIELDS = ["title", "city", "venue", "address", "organiser", "description"]
UNSAFE_CHARS = "<>&'`${}\u2028\u2029"


def _hostile_event(field: str, payload: str) -> PlacedEvent:
    return place(make_event(**{field: payload}))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_hostile_text_arrives_intact_and_inert(field, payload):
    html = render([_hostile_event(field, payload)])
    row = extract_rows(html)[0]
    # the exact text comes back out of the page's JSON...
    assert row[FIELD[field]] == payload
    # ...and never appears raw
    if any(ch in payload for ch in UNSAFE_CHARS) or any(ord(ch) < 32 for ch in payload):
        assert payload not in html
    for fragment in ("<img src=x", "</script><script>alert", "</SCRIPT", "${alert", "`+alert", "<svg",
                     "{{7*7}}", "{{ cycler", "{%", "{#", "';alert", "<!--<script>", "\u2028", "\u2029"):
        assert fragment not in html
    assert PRIVATE_EMAIL not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_city_in_the_default_title(payload):
    html = render([place(make_event(title="", city=payload))])
    row = extract_rows(html)[0]
    assert row[FIELD["title"]] == f"Speak out in {payload}"
    assert row[FIELD["city"]] == payload


@pytest.mark.parametrize(
    "url",
    [
        'https://example.org/"><svg/onload=alert(1)>',
        "https://example.org/?q='};alert(1);//",
        "https://example.org/${alert(1)}",
        "https://example.org/`+alert(1)+`",
        "https://example.org/</script><script>alert(1)</script>",
        "https://example.org/{{7*7}}",
    ],
)
def test_hostile_link_arrives_intact_and_inert(url):
    html = render([place(make_event(url=url))])
    assert extract_rows(html)[0][FIELD["url"]] == url
    assert url not in html
    assert "<svg" not in html and "</script><script>" not in html and "${alert" not in html


@pytest.mark.parametrize("email", [PRIVATE_EMAIL, "\"</script><script>alert(1)</script>\"@evil.example"])
def test_contact_email_is_never_in_the_page_even_if_hostile(email):
    html = render([place(make_event(contact_email=email))])
    assert email not in html
    assert script_json(email) not in html
    assert "evil.example" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_cannot_add_elements_to_the_page(payload):
    benign = render([place(make_event())])
    hostile = render([place(make_event(**{f: payload for f in TEXT_FIELDS}))])
    benign_scripts, hostile_scripts = scripts_of(benign), scripts_of(hostile)
    assert len(hostile_scripts) == len(benign_scripts)
    assert hostile.lower().count("<script") == benign.lower().count("<script")
    assert start_tags_of(hostile) == start_tags_of(benign)
    # every inline script is free of sequences that change how a browser tokenizes it
    for attrs, body in hostile_scripts:
        lowered = body.lower()
        assert "<!--" not in lowered and "<script" not in lowered and "</script" not in lowered
        assert "\u2028" not in body and "\u2029" not in body
    # and the data still decodes to what went in
    row = extract_rows(hostile)[0]
    assert [row[FIELD[f]] for f in TEXT_FIELDS[:1]] == [payload]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_streamlit_folium_sees_the_same_safe_script(payload):
    """st_folium takes each element's script macro directly; it must be just as safe."""
    m = build_map([_hostile_event("title", payload)])
    script = leaflet_script(layer_of(m))
    line = _ROWS_LINE.search(script).group(1)
    assert json.loads(line)[0][FIELD["title"]] == payload
    for ch in UNSAFE_CHARS:
        assert ch not in line
    assert line in map_html(m)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_streamlit_folium_pipeline_keeps_the_data(payload):
    """Run st_folium's own string processing (no Streamlit runtime) and read the data back."""
    streamlit_folium = pytest.importorskip("streamlit_folium")
    m = build_map([_hostile_event("title", payload), WORLD[1]])
    m.get_root().render()
    m.render()
    script = streamlit_folium._get_map_string(m)
    header = streamlit_folium._get_header(m)
    line = _ROWS_LINE.search(script).group(1)
    rows = json.loads(line)
    assert rows[0][FIELD["title"]] == payload
    assert rows[1][FIELD["city"]] == "Buenos Aires"
    assert "var map = map_div;" in script
    assert ".speakout-pin--confirmed" in header
    lowered = script.lower()
    assert "<script" not in lowered and "</script" not in lowered and "<!--" not in lowered
    assert header.lower().count("<script") == 1  # folium's own L_NO_TOUCH switch, nothing of ours


def test_rendering_again_changes_nothing_of_ours():
    """A second render (st_folium renders twice) must not re-template our text."""
    m = build_map([_hostile_event("title", "{{7*7}}")])
    first, second = map_html(m), map_html(m)
    script = leaflet_script(layer_of(m))
    assert script in first and script in second
    assert extract_rows(first) == extract_rows(second)
    assert extract_rows(second)[0][FIELD["title"]] == "{{7*7}}"


def test_layer_output_is_not_templated_a_second_time():
    """Branca renders a plain Element's text as a Jinja template again; the layer's output must not be."""
    m = build_map(WORLD[:1])
    map_html(m)
    figure = m.get_root()
    layer = layer_of(m)
    ours = figure.script._children[layer.get_name()]
    assert ours.render() == leaflet_script(layer)
    assert type(ours).__name__ == "_FinishedText"
    assert type(ours)("{{ 7*7 }}{% if true %}x{% endif %}").render() == "{{ 7*7 }}{% if true %}x{% endif %}"


@pytest.mark.parametrize(
    "value",
    [
        [],
        ["plain"],
        [PAYLOADS],
        [[1.5, -2, 0, None, True, "x"]],
        ["\ud800", "\udc00", "x\udfffy"],
        ["{}[]", "$`'\"\\"],
    ],
)
def test_script_json_is_inert_and_lossless(value):
    text = script_json(value)
    for ch in UNSAFE_CHARS:
        assert ch not in text
    assert not re.search("[\ud800-\udfff]", text)
    assert json.loads(text) == value


@pytest.mark.parametrize("value", [{"a": 1}, [{"a": 1}], [math.nan], [math.inf]])
def test_script_json_refuses_objects_and_non_numbers(value):
    with pytest.raises((TypeError, ValueError)):
        script_json(value)


# --- the browser side ------------------------------------------------------------

_FORBIDDEN_JS = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\s*\(|new Function|setAttribute\(\s*[\"']on|`")


@pytest.mark.parametrize("placed", [[], WORLD])
def test_script_builds_the_dom_with_text_only(placed):
    m = build_map(placed)
    script = leaflet_script(layer_of(m))
    assert not _FORBIDDEN_JS.search(script)
    assert "textContent = text" in script
    # event text reaches the page only through el(..., text) / setAttribute("aria-label", ...)
    assert re.search(r"node\.textContent = text;", script)
    assert "bindPopup(popupFor" in script and "bindTooltip(tooltipFor" in script
    # links: re-checked, new tab, no opener, no referrer
    assert "SAFE_LINK.test(url)" in script
    assert 'link.rel = "noopener noreferrer";' in script
    assert 'link.target = "_blank";' in script


NODE = shutil.which("node")

_HARNESS = r"""
const fs = require("fs");
const vm = require("vm");
const code = fs.readFileSync(process.argv[2], "utf8");
const mapName = process.argv[3];

class FakeNode {
  constructor(tag) { this.tag = tag; this.kids = []; this.className = ""; this.attrs = {}; this.text = ""; }
  appendChild(child) { this.kids.push(child); return child; }
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
    for (const key of ["href", "target", "rel"]) if (this[key] !== undefined) out[key] = this[key];
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
  createElement: (tag) => new FakeNode(tag),
  write() { throw new Error("document.write"); },
};
const made = { markers: [], controls: [], cluster: null };
const L = {
  divIcon: (options) => ({ className: options.className }),
  marker(latlng, options) {
    const marker = {
      latlng, options, handlers: {}, element: new FakeNode("div"),
      bindPopup(content) { this.popup = content; return this; },
      bindTooltip(content) { this.tooltip = content; return this; },
      on(name, fn) { this.handlers[name] = fn; return this; },
      getElement() { return this.element; },
    };
    made.markers.push(marker);
    return marker;
  },
  markerClusterGroup(options) {
    made.cluster = { options, layers: [], addLayers(list) { this.layers.push(...list); return this; }, addTo() { return this; } };
    return made.cluster;
  },
  control(options) {
    return { options, addTo(map) { this.node = this.onAdd(map); made.controls.push(this); return this; } };
  },
  DomEvent: { disableClickPropagation() {}, disableScrollPropagation() {} },
};
const context = { L, document, console };
context[mapName] = {};
vm.createContext(context);
vm.runInContext(code, context);
const resolve = (content, marker) => (typeof content === "function" ? content(marker) : content);
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


needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


@needs_node
def test_browser_builds_popups_and_tooltips_from_text(tmp_path):
    placed = WORLD + [place(make_event(**{f: p for f in TEXT_FIELDS})) for p in PAYLOADS[:8]]
    m = build_map(placed)
    out = run_in_node(layer_of(m), tmp_path)
    assert out["clustered"] == len(placed)
    for pe, marker in zip(placed, out["markers"]):
        e = pe.event
        confirmed = e.status is Status.CONFIRMED
        assert marker["icon"].endswith("--confirmed" if confirmed else "--tbc")
        assert marker["popupCached"] is True
        shown = texts(marker["popup"])
        expected = [("speakout-popup-title", e.display_title),
                    ("speakout-popup-place", f"{e.city}, {country_name(e.country_code)}"),
                    ("speakout-popup-when", format_date(e.date))]
        if e.start_time or e.end_time:
            expected.append(("speakout-popup-time", format_time_range(e.start_time, e.end_time)))
        if e.venue:
            expected.append(("speakout-popup-venue", e.venue))
        if e.address:
            expected.append(("speakout-popup-address", e.address))
        if e.organiser:
            expected.append(("speakout-popup-organiser", f"Organised by {e.organiser}"))
        if e.description:
            expected.append(("speakout-popup-description", e.description))
        if not confirmed:
            expected.append(("speakout-popup-tbc", "Details to come"))
        elif not e.url:
            expected.append(("speakout-popup-tbc", "Event page: link to come"))
        if e.url:
            expected.append(("a", "Event page (opens in a new tab)"))
        assert shown == expected
        found_links = links(marker["popup"])
        if e.url:
            assert found_links == [{"tag": "a", "text": "Event page (opens in a new tab)", "href": e.url,
                                    "target": "_blank", "rel": "noopener noreferrer"}]
        else:
            assert found_links == []
        assert texts(marker["tooltip"]) == [("speakout-tooltip-title", e.display_title),
                                            ("speakout-tooltip-place", f"{e.city}, {country_name(e.country_code)}")]
        assert marker["label"].startswith(e.display_title + ", ")
    legend = next(c for c in out["controls"] if c["position"] == "bottomleft")
    assert [t for _, t in texts(legend["node"])] == [LEGEND_CONFIRMED, LEGEND_DETAILS_TO_COME]
    assert not any(c["position"] == "topright" for c in out["controls"])


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
def test_browser_empty_state(guide, linked, tmp_path):
    m = build_map([], guide_url=guide)
    out = run_in_node(layer_of(m), tmp_path)
    assert out["markers"] == []
    empty = next(c for c in out["controls"] if c["position"] == "topright")
    found = links(empty["node"])
    if linked:
        assert found == [{"tag": "a", "text": "Host one", "href": guide, "target": "_blank", "rel": "noopener noreferrer"}]
    else:
        assert found == []


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


def st_folium_links(m: folium.Map, monkeypatch) -> dict:
    """What streamlit-folium hands its component: the js/css links it loads, the header and the script."""
    streamlit_folium = pytest.importorskip("streamlit_folium")
    captured: dict = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: captured.update(kwargs))
    streamlit_folium.st_folium(m, returned_objects=[], key="test")
    return captured


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
    assert found.scripts == [
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


@pytest.mark.parametrize("basemap", [True, False])
def test_basemap_is_there_only_when_asked_for(basemap):
    m = build_map(WORLD, basemap=basemap)
    html = map_html(m)
    layers = [c for c in m._children.values() if isinstance(c, OfflineBasemap)]
    assert len(layers) == (1 if basemap else 0)
    for needle in ("topojson-client.min.js", "countries-110m.json", BASEMAP_PANE, "createPane(", "L.geoJSON("):
        assert (needle in html) is basemap, needle
    # the events are there either way
    assert len(extract_rows(html)) == len(WORLD)


def test_basemap_is_drawn_under_the_tiles_and_the_markers():
    m = build_map(WORLD)
    layer = next(c for c in m._children.values() if isinstance(c, OfflineBasemap))
    script = layer._template.module.script(layer, {})
    # Leaflet's panes: tiles 200, overlays 400, markers 600. The basemap's own pane is below the tiles.
    assert BASEMAP_PANE_Z_INDEX < 200
    assert f"pane.style.zIndex = {BASEMAP_PANE_Z_INDEX};" in script
    assert f"var PANE = {json.dumps(BASEMAP_PANE)};" in script
    assert "pane: PANE" in script and "interactive: false" in script
    assert 'pane.style.pointerEvents = "none";' in script
    assert BASEMAP_WATER_COLOUR in script and BASEMAP_LAND_COLOUR in script
    assert "map.getContainer().style.background = STYLE[0];" in script
    # fetched by URL, not inlined: the page stays small
    assert f"var DATA_URL = {script_json('/app/static/vendor/world-atlas/countries-110m.json')};" in script
    assert "fetch(DATA_URL" in script
    assert not _FORBIDDEN_JS.search(script)


@pytest.mark.parametrize("basemap", [True, False])
def test_map_page_stays_small(basemap):
    html = map_html(build_map([], basemap=basemap))
    assert len(html.encode("utf-8")) < 20_000
    assert '"arcs"' not in html and "Topology" not in html


def test_basemap_script_is_not_templated_a_second_time():
    m = build_map(WORLD)
    map_html(m)
    layer = next(c for c in m._children.values() if isinstance(c, OfflineBasemap))
    ours = m.get_root().script._children[layer.get_name()]
    assert type(ours).__name__ == "_FinishedText"
    assert ours.render() == layer._template.module.script(layer, {})


def test_streamlit_folium_gets_the_basemap_script(monkeypatch):
    sent = st_folium_links(build_map(WORLD), monkeypatch)
    assert "var map = map_div;" in sent["script"]
    assert sent["script"].count("map.createPane(PANE)") == 1
    assert "countries-110m.json" in sent["script"]


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
    fetched: made.fetched, warnings: made.warnings, layers }));
}, 200);
"""


def run_basemap_in_node(tmp_path: Path, data: dict | Path, *, topojson: Path | None = None, status: int = 200,
                        **kwargs) -> dict:
    m = build_map(WORLD, **kwargs)
    layer = next(c for c in m._children.values() if isinstance(c, OfflineBasemap))
    (tmp_path / "basemap.js").write_text(layer._template.module.script(layer, {}), encoding="utf-8")
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
