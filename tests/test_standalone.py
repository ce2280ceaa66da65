"""The map on a page of its own: the light embed's page and the static export's (maps/standalone.py)."""

from __future__ import annotations

import re

import pytest

from speakout_map.maps.display import Display
from speakout_map.maps.standalone import LIST_ID, PageLink, bar_html, standalone_html, standalone_map
from tests.i18n_support import fake_translator
from tests.map_support import (
    PAYLOADS,
    PRIVATE_EMAIL,
    TEXT_FIELDS,
    WORLD,
    extract_rows,
    hostile_event,
    options_of,
    scripts_of,
    start_tags_of,
)

FULL_MAP = PageLink("Open the full map", "/map?country=ES&lang=en")


def page(shown=WORLD, display=Display(), **options) -> str:
    options.setdefault("title", "Speak Out For Russia")
    options.setdefault("links", [FULL_MAP])
    return standalone_html(shown, display=display, **options)


def body_of(html: str) -> str:
    return html[html.index("<body>"):html.index("</body>")]


def test_the_same_map_as_the_app():
    html = page()
    layer = options_of(html)
    assert len(extract_rows(html)) == len(WORLD)
    assert layer["legend"] is True and layer["list"] == ""
    assert options_of(html, "speakoutStandalone")["scroll"] is True
    assert "speakoutOfflineBasemap(" in html  # the offline outlines, as in the app
    assert PRIVATE_EMAIL not in html


def test_the_bar_has_the_title_the_count_and_the_links():
    body = body_of(page())
    assert '<nav class="speakout-bar">' in body
    assert '<span class="speakout-bar-title">Speak Out For Russia</span>' in body
    assert '<span class="speakout-bar-count">6 events</span>' in body
    assert '<a href="/map?country=ES&amp;lang=en" target="_blank" rel="noopener">Open the full map</a>' in body
    assert "<title>Speak Out For Russia</title>" in page()


def test_one_event_is_said_in_the_singular():
    assert '<span class="speakout-bar-count">1 event</span>' in body_of(page(WORLD[:1]))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_titles_and_link_words_are_escaped(payload):
    html = page(title=payload, links=[PageLink(payload, "/map")])
    tags = start_tags_of(html)
    assert "svg" not in tags and "img" not in tags and tags.count("script") == len(scripts_of(html))
    assert "{{" not in body_of(html) and "{%" not in body_of(html)


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("/map?country=ES", True),
        ("https://map.example.org/map", True),
        ("./events.csv", True),
        ("javascript:alert(1)", False),
        ("//evil.example/x", False),
        ("data:text/html,<b>", False),
        ("/map\" onmouseover=\"alert(1)", False),
        ("", False),
    ],
)
def test_only_safe_links_are_kept(href, kept):
    html = bar_html("T", "1 event", [PageLink("Go", href)])
    assert ("<a " in html) is kept
    assert "onmouseover" not in html and "javascript" not in html


def test_links_may_stay_in_the_frame():
    html = bar_html("T", "1 event", [PageLink("Data", "./events.csv", new_tab=False)])
    assert '<a href="./events.csv">Data</a>' in html


@pytest.mark.parametrize(("field", "payload"), [(f, p) for f in TEXT_FIELDS for p in PAYLOADS[:7]])
def test_event_text_only_reaches_the_page_as_script_data(field, payload):
    html = page([hostile_event(field, payload)], Display(list=True))
    tags = start_tags_of(html)
    assert "svg" not in tags and "img" not in tags
    assert tags.count("script") == len(scripts_of(html))  # no script of the event's making
    assert "alert(1)" not in body_of(html)


def test_the_list_is_only_there_when_asked():
    assert LIST_ID not in body_of(page())
    html = page(display=Display(list=True))
    assert f'<ol id="{LIST_ID}"></ol>' in body_of(html)
    assert f'aria-labelledby="{LIST_ID}-heading"' in html and ">Events on this map</h2>" in html
    assert options_of(html)["list"] == LIST_ID


@pytest.mark.parametrize(
    ("display", "rule"),
    [
        (Display(), None),
        (Display(height=420), "body > .folium-map { flex: none; height: 420px !important; }"),
        (Display(list=True), "body > .folium-map { height: 480px !important; }"),
        (Display(list=True, height=300), "body > .folium-map { height: 300px !important; }"),
    ],
)
def test_the_maps_height(display, rule):
    html = page(display=display)
    style = re.search(r"<style>\n(.*)\n</style>\n", html[html.index("<title>"):]).group(1)
    assert style == "" if rule is None else rule in style


def test_legend_and_scroll_reach_the_scripts():
    html = page(display=Display(legend=False, scroll=False))
    assert options_of(html)["legend"] is False
    assert options_of(html, "speakoutStandalone")["scroll"] is False


def test_a_given_view_is_not_fitted():
    fitted = re.compile(r"\bmap_\w+\.fitBounds\(")
    assert fitted.search(page())
    html = page(display=Display(zoom=7, center=(48.85, 2.35)))
    assert not fitted.search(html)
    assert re.search(r"center: \[48\.85, 2\.35\],", html) and '"zoom": 7,' in html


def test_the_fitted_view_is_given_to_fit_again_in_a_frame_that_had_no_size():
    fit = options_of(page(), "speakoutStandalone")["fit"]
    assert fit == {"bounds": [[-34.6037, -149.9003], [64.1466, 151.2093]], "maxZoom": 10, "padding": [30, 30]}
    assert options_of(page([]), "speakoutStandalone")["fit"] is None
    assert options_of(page(display=Display(zoom=3)), "speakoutStandalone")["fit"] is None


def test_a_zoom_alone_is_centred_on_the_events():
    m = standalone_map(WORLD[:2], display=Display(zoom=4), title="T")
    (lat, lon), zoom = m.location, m.options["zoom"]
    assert zoom == 4
    assert lat == pytest.approx((40.4168 + -34.6037) / 2) and lon == pytest.approx((-3.7038 + -58.3816) / 2)


def test_in_the_readers_language():
    t = fake_translator({("{count:,} event", 0): "{count:,} evento", ("{count:,} event", 1): "{count:,} eventos",
                         "Events on this map": "Eventos de este mapa"}, language="es")
    html = page(display=Display(list=True), translator=t)
    assert "6 eventos" in html and "Eventos de este mapa" in html
    assert options_of(html)["lang"] == "es"


def test_no_events():
    html = page([], guide_url="/guide")
    assert '<span class="speakout-bar-count">0 events</span>' in html
    assert options_of(html)["guideUrl"] == "/guide"
