"""Shared helpers of the map's tests (tests/test_rows.py, test_layer.py, test_basemap.py, test_build.py, ...).

Events to draw, hostile payloads, and readers of the map page: its
``<script>`` elements as a browser tokenizes them, and the JSON options
each of our elements passes to its function
(``var <name> = speakoutEventLayer(<map>, {...});``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser

import folium
import pytest

from speakout_map.events.model import Event, Status
from speakout_map.maps.basemap import OfflineBasemap
from speakout_map.maps.build import build_map, map_html
from speakout_map.maps.layer import EventClusterLayer
from speakout_map.maps.rows import DATA_FIELDS
from speakout_map.places.place import Place, PlacedEvent

FIELD = {name: index for index, name in enumerate(DATA_FIELDS)}
PRIVATE_EMAIL = "private.organiser@example.org"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")

#: What our scripts never use: markup parsers, code from strings, inline handlers, template literals.
FORBIDDEN_JS = re.compile(
    r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\s*\(|new Function|setAttribute\(\s*[\"']on|`"
)


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
    # what streamlit-folium's own string processing of the script would change
    "alert(coords);",
    "a alert(coords); b alert(coords);c",
    "drawnItems_draw_control_div_42",
    "map_div _div_0 feature_group_0 {{'map_div'}}",
]
TEXT_FIELDS = ["title", "city", "region", "venue", "address", "organiser", "description"]
UNSAFE_CHARS = "<>&'`${}()_\u2028\u2029"


def hostile_event(field: str, payload: str) -> PlacedEvent:
    return place(make_event(**{field: payload}))


# --- reading the page ------------------------------------------------------------


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


#: The one generated line of each of our elements: ``var NAME = FUNCTION(MAP, OPTIONS);``.
_CALL_LINE = re.compile(r"^var (\w+) = (speakout\w+)\((\w+), (\{.*\})\);$", re.M)


def calls_in(script: str, function: str) -> list[tuple[str, str]]:
    """``(map name, options JSON text)`` of every call of ``function`` in a script's text."""
    return [(m.group(3), m.group(4)) for m in _CALL_LINE.finditer(script) if m.group(2) == function]


def options_text(html: str, function: str = "speakoutEventLayer") -> str:
    """The JSON text of the options of the one call of ``function``, read from the page's inline scripts."""
    found = []
    for attrs, body in scripts_of(html):
        if "src" not in attrs:
            found.extend(text for _, text in calls_in(body, function))
    assert len(found) == 1, f"expected one call of {function} in one script, found {len(found)}"
    return found[0]


def options_of(html: str, function: str = "speakoutEventLayer") -> dict:
    return json.loads(options_text(html, function))


def member_text(object_text: str, key: str) -> str:
    """The exact text of one top-level member's value in a JSON object's text (as it is in the page)."""
    decoder = json.JSONDecoder()
    assert object_text.startswith("{")
    position = 1
    while object_text[position] != "}":
        name, position = decoder.raw_decode(object_text, position)
        assert object_text[position] == ":"
        value_start = position + 1
        _, position = decoder.raw_decode(object_text, value_start)
        if name == key:
            return object_text[value_start:position]
        if object_text[position] == ",":
            position += 1
    raise KeyError(key)


def rows_text(script_or_html: str) -> str:
    """The text of the data array in the one events-layer call of a page or a script."""
    calls = calls_in(script_or_html, "speakoutEventLayer")
    assert len(calls) == 1, f"expected one events layer, found {len(calls)}"
    return member_text(calls[0][1], "rows")


def extract_rows(html: str) -> list[list]:
    """The data array, read from inside the one inline script that holds it, JSON-decoded."""
    return json.loads(member_text(options_text(html), "rows"))


def render(placed) -> str:
    return map_html(build_map(placed))


def leaflet_script(layer: EventClusterLayer | OfflineBasemap) -> str:
    """An element's script the way streamlit-folium gets it (the macro alone, no page)."""
    return layer._template.module.script(layer, {})


def layer_of(m: folium.Map) -> EventClusterLayer:
    layers = [c for c in m._children.values() if isinstance(c, EventClusterLayer)]
    assert len(layers) == 1
    return layers[0]


def basemap_of(m: folium.Map) -> OfflineBasemap:
    return next(c for c in m._children.values() if isinstance(c, OfflineBasemap))


def st_folium_links(m: folium.Map, monkeypatch) -> dict:
    """What streamlit-folium hands its component: the js/css links it loads, the header and the script."""
    streamlit_folium = pytest.importorskip("streamlit_folium")
    captured: dict = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: captured.update(kwargs))
    streamlit_folium.st_folium(m, returned_objects=[], key="test")
    return captured


#: The events layer's labels in a made-up Spanish catalogue (the real one is tested in test_extraction).
SPANISH_LABELS = {
    "Organised by {organiser}": "Organizado por {organiser}",
    "Details to come": "Detalles por confirmar",
    "Event page: link to come": "Página del evento: enlace pendiente",
    "Event page (opens in a new tab)": "Página del evento (se abre en otra pestaña)",
    "No events on the map yet.": "Aún no hay eventos en el mapa.",
    "Host one": "Organiza uno",
    "Confirmed event": "Evento confirmado",
    "{title}, {place} (confirmed)": "{title}, {place} (confirmado)",
    "{title}, {place} (details to come)": "{title}, {place} (detalles por confirmar)",
    "Searched place: {place}": "Lugar buscado: {place}",
    "Add to calendar:": "Añadir al calendario:",
    "Google Calendar": "Google Calendar",
    ".ics file": "archivo .ics",
    "Show on the map": "Ver en el mapa",
    "Zoom in": "Acercar",
    "Zoom out": "Alejar",
    "The events could not be loaded. Reload the page to try again.":
        "No se han podido cargar los eventos. Vuelve a cargar la página para intentarlo de nuevo.",
    "Close the event's details": "Cerrar los detalles del evento",
}
