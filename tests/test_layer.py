"""Tests of the events layer: its options and style in the page and, above all, that hostile text stays inert.

What its script does in a browser is tested in test_map_scripts.py and test_going_script.py.
"""

from __future__ import annotations

import itertools
import json
import re

import branca.element
import folium
import pytest

from speakout_map.escaping import script_json
from speakout_map.maps.build import app_map, build_map, map_html
from speakout_map.maps.display import Display
from speakout_map.maps.inline import static_text
from speakout_map.maps.layer import (
    CLUSTER_OPTIONS,
    CONFIRMED_COLOUR,
    DETAILS_TO_COME_COLOUR,
    LABEL_FIELDS,
    EventClusterLayer,
    going_labels,
    going_options,
    language_tag,
    layer_labels,
)
from speakout_map.maps.rows import DATA_FIELDS, event_row
from speakout_map.maps.standalone import standalone_html
from speakout_map.languages.translator import english
from tests.i18n_support import fake_translator
from tests.map_support import (
    FIELD,
    PAYLOADS,
    PRIVATE_EMAIL,
    SPANISH_LABELS,
    TEXT_FIELDS,
    UNSAFE_CHARS,
    WORLD,
    calls_in,
    extract_rows,
    hostile_event,
    layer_of,
    leaflet_script,
    make_event,
    options_of,
    place,
    render,
    rows_text,
    scripts_of,
    st_folium_links,
    start_tags_of,
)


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
    tbc_css = re.search(r"\.speakout-pin--tbc::before \{([^}]*)\}", html).group(1)
    assert CONFIRMED_COLOUR in confirmed_css
    assert DETAILS_TO_COME_COLOUR in tbc_css
    assert CONFIRMED_COLOUR != DETAILS_TO_COME_COLOUR
    # not by colour alone (WCAG 1.4.1): a circle, and a square turned into a diamond
    assert "border-radius: 50%" in confirmed_css and "border-radius" not in tbc_css
    assert "rotate(45deg)" in tbc_css


def test_pins_are_targets_of_24_px_with_the_popup_at_their_top():
    html = render(WORLD)
    assert "var PIN = 24;" in html
    assert html.count("iconSize: [PIN, PIN], popupAnchor: [0, -PIN / 2]") == 2


@pytest.mark.parametrize("placed", [[], WORLD[:1], WORLD])
def test_legend_explains_the_colours(placed):
    html = render(placed)
    assert 'L.control({position: "bottomleft"})' in html
    assert '"speakout-legend"' in html
    labels = options_of(html)["labels"]
    assert (labels["legendConfirmed"], labels["legendDetailsToCome"]) == ("Confirmed event", "Details to come")
    assert "legend.addTo(map);" in html


#: Every label in English: the words the map showed before it spoke other languages.
ENGLISH_LABELS = {
    "organisedBy": "Organised by {organiser}",
    "detailsToCome": "Details to come",
    "linkToCome": "Event page: link to come",
    "eventPage": "Event page (opens in a new tab)",
    "noEvents": "No events on the map yet.",
    "hostOne": "Host one",
    "legendConfirmed": "Confirmed event",
    "legendDetailsToCome": "Details to come",
    "markerConfirmed": "{title}, {place} (confirmed)",
    "markerDetailsToCome": "{title}, {place} (details to come)",
    "searchedPlace": "Searched place: {place}",
    "addToCalendar": "Add to calendar:",
    "googleCalendar": "Google Calendar",
    "icsFile": ".ics file",
    "showOnMap": "Show on the map",
    "zoomIn": "Zoom in",
    "zoomOut": "Zoom out",
    "loadFailed": "The events could not be loaded. Reload the page to try again.",
    "closePopup": "Close the event's details",
}



def test_labels_in_english():
    assert layer_labels() == layer_labels(english()) == ENGLISH_LABELS


def test_labels_in_the_readers_language():
    labels = layer_labels(fake_translator(SPANISH_LABELS, language="es"))
    assert labels == {key: SPANISH_LABELS.get(text, "Detalles por confirmar") for key, text in ENGLISH_LABELS.items()}
    assert labels["organisedBy"] == "Organizado por {organiser}"


def test_templates_keep_their_tokens_where_the_translation_puts_them():
    """Each template is translated with its fields as their own tokens, for the script to fill in."""
    labels = layer_labels(fake_translator({"Organised by {organiser}": "{organiser} lo organiza",
                                           "{title}, {place} (confirmed)": "({place}) {title}: confirmado"}))
    assert labels["organisedBy"] == "{organiser} lo organiza"
    assert labels["markerConfirmed"] == "({place}) {title}: confirmado"
    assert set(LABEL_FIELDS) == {"organiser", "title", "place"}


def test_labels_reach_the_page_in_the_readers_language():
    spanish = fake_translator(SPANISH_LABELS, language="es")
    for placed in ([], WORLD):
        options = options_of(map_html(build_map(placed, translator=spanish)))
        assert options["labels"] == layer_labels(spanish)
    # and the rows with them
    rows = options["rows"]
    assert rows[0][FIELD["country"]] == "España" and rows[0][FIELD["date"]] == "mar, 3 sept 2013"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_translation_stays_inert(payload):
    """A catalogue is not trusted either: its words go through the same escaping as event text."""
    hostile = fake_translator({"Host one": payload, "Organised by {organiser}": payload + " {organiser}"})
    html = map_html(build_map(WORLD, translator=hostile))
    labels = options_of(html)["labels"]
    assert labels == layer_labels(hostile)
    if "{" not in payload and "}" not in payload:  # braces are the catalogue's format syntax
        assert labels["hostOne"] == payload and labels["organisedBy"] == payload + " {organiser}"
    for shown in (labels["hostOne"], labels["organisedBy"]):
        if any(ch in shown for ch in UNSAFE_CHARS) or any(ord(ch) < 32 for ch in shown):
            assert shown not in html
    assert start_tags_of(html) == start_tags_of(render(WORLD))


def test_one_data_array_no_per_event_elements():
    m = build_map(WORLD)
    assert not any(isinstance(c, (folium.Marker, folium.Popup, folium.Tooltip)) for c in _walk(m))
    html = map_html(m)
    assert html.count("var rows = ") == 1
    assert "L.markerClusterGroup(" in html and "cluster.addLayers(chosen);" in html


def _walk(element):
    for child in element._children.values():
        yield child
        yield from _walk(child)


# --- hostile text ------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_hostile_text_arrives_intact_and_inert(field, payload):
    html = render([hostile_event(field, payload)])
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
    m = build_map([hostile_event("title", payload)])
    script = leaflet_script(layer_of(m))
    line = rows_text(script)
    assert json.loads(line)[0][FIELD["title"]] == payload
    for ch in UNSAFE_CHARS:
        assert ch not in line
    assert line in map_html(m)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_streamlit_folium_pipeline_keeps_the_data(payload):
    """Run st_folium's own string processing (no Streamlit runtime) and read the data back."""
    streamlit_folium = pytest.importorskip("streamlit_folium")
    m = build_map([hostile_event("title", payload), WORLD[1]])
    m.get_root().render()
    m.render()
    script = streamlit_folium._get_map_string(m)
    header = streamlit_folium._get_header(m)
    line = rows_text(script)
    rows = json.loads(line)
    assert rows[0][FIELD["title"]] == payload
    assert rows[1][FIELD["city"]] == "Buenos Aires"
    assert [map_name for map_name, _ in calls_in(script, "speakoutEventLayer")] == ["map_div"]
    assert ".speakout-pin--confirmed" in header
    lowered = script.lower()
    assert "<script" not in lowered and "</script" not in lowered and "<!--" not in lowered
    assert header.lower().count("<script") == 1  # folium's own L_NO_TOUCH switch, nothing of ours


def _counting_ids(monkeypatch) -> list[str]:
    """Make branca's element ids predictable (0...01, 0...02, ...) and return the first few, as text."""
    counter = itertools.count(1)
    monkeypatch.setattr(branca.element.Element, "_generate_id", classmethod(lambda cls: f"{next(counter):032x}"))
    return [f"{n:032x}" for n in range(1, 13)]


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(
    "payload",
    ["alert(coords);", "Bring signs; alert(coords); and water", "alert(coords);alert(coords);",
     "drawnItems_draw_control_div_7 drawnItems_draw_control_div_123", "{{'map_div'}} {{ 'x' }}",
     "map_div map_div2 feature_group_0 layer_control", "lines\n\tindented\n    by tabs\n\tand spaces",
     "Plain words (with brackets) and snake_case_names"],
)
def test_st_folium_delivers_event_text_byte_for_byte(field, payload, monkeypatch):
    """streamlit-folium rewrites the whole script (drops ``alert(coords);``, renames ``_<id>`` and
    ``drawnItems_...``, resolves ``{{'name'}}``, dedents); none of it may touch event text."""
    m = build_map([hostile_event(field, payload), WORLD[1]])
    sent = st_folium_links(m, monkeypatch)
    rows = json.loads(rows_text(sent["script"]))
    assert rows[0][FIELD[field]] == payload
    assert rows[1][FIELD["city"]] == "Buenos Aires"


def test_st_folium_renaming_of_element_ids_cannot_reach_event_text(monkeypatch):
    """st_folium replaces ``_<element id>`` and ``map_<id>`` anywhere in the script and header."""
    ids = _counting_ids(monkeypatch)
    payload = " ".join([f"_{i}" for i in ids] + [f"map_{i}" for i in ids] + [f"x_{i}_" for i in ids])
    m = build_map([hostile_event("address", payload), WORLD[1]])
    assert any(element._id in ids for element in [m, *m._children.values()])  # the ids really are these
    sent = st_folium_links(m, monkeypatch)
    assert json.loads(rows_text(sent["script"]))[0][FIELD["address"]] == payload


def test_rendering_again_changes_nothing_of_ours():
    """A second render (st_folium renders twice) must not re-template our text."""
    m = build_map([hostile_event("title", "{{7*7}}")])
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
    assert type(ours).__name__ == "FinishedText"
    assert type(ours)("{{ 7*7 }}{% if true %}x{% endif %}").render() == "{{ 7*7 }}{% if true %}x{% endif %}"


@pytest.mark.parametrize(
    "guide, shown",
    [("/guide", "/guide"), ("https://example.org/guide", "https://example.org/guide"), (" /guide ", "/guide"),
     ("javascript:alert(1)", ""), ("//evil.example", ""), ("", "")],
)
def test_layer_passes_its_options_to_the_script(guide, shown):
    m = folium.Map()
    EventClusterLayer([event_row(p) for p in WORLD[:2]], guide_url=guide).add_to(m)
    options = options_of(map_html(m))
    assert options == {
        "fields": list(DATA_FIELDS),
        "rows": [event_row(p) for p in WORLD[:2]],
        "rowsUrl": "",
        "guideUrl": shown,
        "labels": ENGLISH_LABELS,
        "lang": "en",
        "focus": None,
        "going": None,
        "cluster": CLUSTER_OPTIONS,
        "legend": True,
        "list": "",
    }


@pytest.mark.parametrize(
    "page",
    [lambda: map_html(build_map(WORLD)),
     lambda: map_html(app_map("/api/map-data")),
     lambda: standalone_html(WORLD, display=Display(list=True), title="SpeakOut")],
    ids=("map", "app-map", "standalone"),
)
def test_spiderfied_pins_get_longer_legs_on_every_map(page):
    """Every map the app draws (the map of its events, the full app's, the light embed and the static export's page)
    hands the cluster plugin legs half as long again, so that events at one place spread out as 24 px pins that do
    not overlap; tests/e2e/test_spider_browser.py measures the pins in Chromium."""
    assert CLUSTER_OPTIONS["spiderfyDistanceMultiplier"] == 1.5
    assert options_of(page())["cluster"] == CLUSTER_OPTIONS


def test_layer_style_is_the_stylesheet_once():
    m = build_map(WORLD)
    for html in (map_html(m), map_html(m)):  # rendering again adds nothing
        styles = re.findall(r"<style>\n(.*?)</style>", html, re.S)
        assert styles.count(static_text("map.css")) == 1
        assert sum(".speakout-pin" in style for style in styles) == 1


@pytest.mark.parametrize(("language", "tag"), [("en", "en"), ("es", "es"), ("pt_BR", "pt-BR")])
def test_the_maps_document_gets_the_readers_language(language, tag):
    assert language_tag(fake_translator({}, language=language)) == tag
    assert options_of(map_html(build_map([], translator=fake_translator({}, language=language))))["lang"] == tag


def test_an_english_map_says_it_is_english():
    assert language_tag() == "en" and options_of(map_html(build_map([])))["lang"] == "en"


# --- "I'll be there" ---------------------------------------------------------------------

UID = "0123456789abcdef0123456789abcdef@speakout-map"
PASS = "AbC-d_e0123456789abcdefghijklmnopqrstuvwx.0123456789abcdef0123456789abcdef"
ENGLISH_GOING = {
    "button": "I'll be there",
    "mine": "You're going",
    "failed": "Not counted: something went wrong on our side. Try again in a minute.",
    "tooOften": "Not counted: too many clicks from here in a short time. Try again later.",
    "reload": "Not counted: the map is out of date. Reload the page and try again.",
}


def test_going_labels_in_english_and_in_the_readers_language():
    assert going_labels() == going_labels(english()) == ENGLISH_GOING
    spanish = going_labels(fake_translator({"I'll be there": "Allí estaré", "You're going": "Vas a ir"}))
    assert (spanish["button"], spanish["mine"]) == ("Allí estaré", "Vas a ir")


@pytest.mark.parametrize(
    ("url", "kept"),
    [("/api/going", True), ("/campaign/api/going", True), (" /api/going ", True),
     ("https://example.org/api/going", False), ("//evil.example/api/going", False), ("/\\evil.example", False),
     ("javascript:alert(1)", False), ("api/going", False), ("/api/go ing", False), ("/api/going\n", True),
     ("/api/\x00going", False), ("", False)],
)
def test_going_is_sent_only_to_a_same_site_path(url, kept):
    assert going_options(url, PASS)["url"] == (url.strip() if kept else "")


@pytest.mark.parametrize(
    ("given", "kept"),
    [(PASS, True), ("", False), ("no-signature", False), ("a.b.c", False), ('x".0123abc', False),
     ("</script><script>alert(1)</script>.00ff", False), ("token." + "0" * 65, False)],
)
def test_only_a_pass_as_the_site_makes_them_is_handed_over(given, kept):
    assert going_options("/api/going", given)["pass"] == (given if kept else "")


def test_going_is_off_unless_the_map_asks_for_it():
    options = options_of(map_html(build_map(WORLD)))
    assert options["going"] is None
    assert all(row[FIELD["event"]] == "" and row[FIELD["goingText"]] == "" for row in options["rows"])


def test_going_reaches_the_script_with_the_rows_counts():
    counts = {WORLD[0].event.city: (UID, 23, True)}
    m = build_map(WORLD[:2], going=lambda p: counts.get(p.event.city, ("", 0, False)),
                  going_url="/campaign/api/going", going_pass=PASS)
    options = options_of(map_html(m))
    assert options["going"] == {"url": "/campaign/api/going", "pass": PASS, "labels": ENGLISH_GOING}
    madrid, other = options["rows"]
    assert (madrid[FIELD["event"]], madrid[FIELD["going"]], madrid[FIELD["goingText"]],
            madrid[FIELD["goingMine"]]) == (UID, 23, "23 going", 1)
    assert (other[FIELD["event"]], other[FIELD["goingText"]]) == ("", "")


def test_counts_without_a_route_or_pass_have_no_button_to_send():
    options = options_of(map_html(build_map(WORLD[:1], going=lambda p: (UID, 2, False))))
    assert options["going"] == {"url": "", "pass": "", "labels": ENGLISH_GOING}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_going_words_stay_inert(payload):
    """The going words come from a catalogue, the count's words too: both go through the page's escaping."""
    hostile = fake_translator({"I'll be there": payload, ("{count:,} going", 1): payload})
    m = build_map(WORLD[:1], translator=hostile, going=lambda p: (UID, 3, False), going_url="/api/going",
                  going_pass=PASS)
    html = map_html(m)
    options = options_of(html)
    if "{" not in payload and "}" not in payload:  # braces are the catalogue's format syntax
        assert options["going"]["labels"]["button"] == payload
        assert options["rows"][0][FIELD["goingText"]] == payload
    if any(ch in payload for ch in UNSAFE_CHARS) or any(ord(ch) < 32 for ch in payload):
        assert payload not in html
    assert start_tags_of(html) == start_tags_of(map_html(build_map(WORLD[:1], going=lambda p: (UID, 3, False),
                                                                   going_url="/api/going", going_pass=PASS)))
