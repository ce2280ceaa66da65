"""The "Share and embed" page, run headless with Streamlit's AppTest: the code reproduces the chosen filters and
display, the page starts from its address, both kinds of frame, the link, the QR code, the feeds, the languages."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from speakout_map.maps.display import Display
from speakout_map.maps.filters import EventFilter
from speakout_map.web.embed import parse_embed_query
from speakout_map.web.feeds import parse_feed_query

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SHARE = "app_pages/share.py"

EVENTS_CSV = """city,country,date,title,status,url
Madrid,Spain,2013-09-03,Madrid rally,confirmed,https://example.org/madrid
Valencia,España,2013-09-10,Valencia rally,confirmed,
London,UK,2013-09-03,London rally,details_to_come,
Dublin,Ireland,2013-09-20,Dublin rally,confirmed,
"""
SPAN = (dt.date(2013, 9, 3), dt.date(2013, 9, 20))

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS_CSV, encoding="utf-8")
    return path


def share_page(events_file: Path, query: dict[str, str] | None = None, **speakout: str) -> AppTest:
    """The share page, opened at an address with ``query`` (the map page runs first: it registers the pages)."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["speakout"] = {"events_file": str(events_file), **speakout}
    if query and "lang" in query:  # the visitor's language from the first page on
        at.query_params["lang"] = query["lang"]
    at.run()
    at.switch_page(SHARE)
    at.query_params.clear()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


class _Tag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def iframe(at: AppTest) -> dict[str, str]:
    """The attributes of the ``<iframe>`` in the page's HTML code block."""
    (code,) = [c.value for c in at.code if c.language == "html"]
    parser = _Tag()
    parser.feed(code)
    (tag, attrs), = parser.tags
    assert tag == "iframe"
    return attrs


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def plain_codes(at: AppTest) -> list[str]:
    return [c.value for c in at.code if c.language != "html"]


def preview_src(at: AppTest) -> str:
    (element,) = at.get("iframe")
    return element.proto.src


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    parts += [w.value for w in at.warning] + [t.value for t in at.title]
    for kind in ("multiselect", "date_input", "text_input", "selectbox", "radio", "slider", "checkbox"):
        parts += [widget.label for widget in at.get(kind)]
    return "\n".join(parts)


# --- what the page starts from ------------------------------------------------------------------------


def test_the_page_starts_with_every_event_in_a_light_embed(events_file):
    at = share_page(events_file)
    assert not at.warning, [w.value for w in at.warning]
    attrs = iframe(at)
    assert urlsplit(attrs["src"]).path == "/embed"
    query = parse_embed_query(query_of(attrs["src"]))
    assert query.event_filter == EventFilter()
    assert query.display == Display(height=480)
    assert query.language == "en"
    assert "allow" not in attrs and attrs["loading"] == "lazy"
    assert attrs["title"] == "Speak Out For Russia — events worldwide"
    assert preview_src(at) == attrs["src"]
    assert plain_codes(at)[0] == "/map?lang=en"


QUERY = {"country": "ES,IE", "from": "2013-09-05", "to": "2013-09-15", "near": "Cork, Ireland", "radius": "500",
         "height": "600", "zoom": "6", "center": "40.4,-3.7", "legend": "0", "list": "1", "scroll": "0"}


def test_the_page_starts_from_its_address_like_the_map_page(events_file):
    at = share_page(events_file, QUERY)
    assert not at.warning, [w.value for w in at.warning]
    assert sorted(at.multiselect(key="share-countries").value) == ["ES", "IE"]
    assert at.date_input(key="share-dates").value == (dt.date(2013, 9, 5), dt.date(2013, 9, 15))
    assert at.text_input(key="share-near").value == "Cork, Ireland"
    assert at.slider(key="share-height").value == 600
    assert at.radio(key="share-view").value == "chosen"
    query = parse_embed_query(query_of(iframe(at)["src"]))
    assert query.event_filter == EventFilter(dt.date(2013, 9, 5), dt.date(2013, 9, 15), frozenset({"ES", "IE"}),
                                             "Cork, Ireland", 500.0)
    assert query.display == Display(height=600, zoom=6, center=(40.4, -3.7), legend=False, list=True, scroll=False)
    # the page keeps the choice in its own address
    assert {key: at.query_params[key] for key in QUERY} == QUERY
    # it says which place the map measures from
    assert any("within 500 km of Cork, Ireland" in c.value for c in at.caption), [c.value for c in at.caption]


@pytest.mark.parametrize(("height", "expected"), [("425", 425), ("200", 200), ("2000", 2000)])
def test_a_height_from_the_address_is_kept_even_off_the_sliders_steps(events_file, height, expected):
    at = share_page(events_file, {"height": height})
    assert not at.warning
    assert parse_embed_query(query_of(iframe(at)["src"])).display.height == expected


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ({"country": "Narnia"}, "not a country we know"),
        ({"height": "5"}, "height"),
        ({"center": "<script>alert(1)</script>"}, "center"),
        ({"legend": "maybe"}, "legend"),
    ],
)
def test_bad_values_in_the_address_are_dropped_with_a_notice(events_file, query, needle):
    at = share_page(events_file, query)
    assert any(needle in w.value for w in at.warning), [w.value for w in at.warning]
    assert "<script>" not in "".join(w.value for w in at.warning)
    parse_embed_query(query_of(iframe(at)["src"]))  # what the page writes is always accepted


# --- the chosen filters and display, in the code ------------------------------------------------------


def test_the_code_reproduces_the_filters_chosen_on_the_page(events_file):
    at = share_page(events_file)
    at.multiselect(key="share-countries").set_value(["ES", "GB"]).run()
    at.date_input(key="share-dates").set_value((dt.date(2013, 9, 3), dt.date(2013, 9, 10))).run()
    at.text_input(key="share-near").input("Madrid").run()
    at.selectbox(key="share-radius").set_value(1000.0).run()
    assert not at.exception
    src = iframe(at)["src"]
    query = parse_embed_query(query_of(src))
    # the first day is the events' first anyway: left open, so later events still show
    assert query.event_filter == EventFilter(None, dt.date(2013, 9, 10), frozenset({"ES", "GB"}), "Madrid", 1000.0)
    assert preview_src(at) == src
    link, *feeds = plain_codes(at)
    assert parse_embed_query(query_of(link)).event_filter == query.event_filter
    assert [urlsplit(url).path for url in feeds] == ["/feeds/events.geojson", "/feeds/events.csv",
                                                    "/feeds/events.ics"]
    for url in feeds:
        assert parse_feed_query(query_of(url)).event_filter == query.event_filter
    assert "lang" in query_of(feeds[2]) and "lang" not in query_of(feeds[0])


def test_the_code_reproduces_the_display_chosen_on_the_page(events_file):
    at = share_page(events_file)
    at.slider(key="share-height").set_value(720).run()
    at.checkbox(key="share-legend").uncheck().run()
    at.checkbox(key="share-list").check().run()
    at.checkbox(key="share-scroll").uncheck().run()
    at.radio(key="share-view").set_value("chosen").run()
    at.slider(key="share-zoom").set_value(8).run()
    at.number_input(key="share-latitude").set_value(53.35).run()
    assert parse_embed_query(query_of(iframe(at)["src"])).display == Display(
        height=720, zoom=8, legend=False, list=True, scroll=False)  # a centre needs both numbers
    at.number_input(key="share-longitude").set_value(-6.26).run()
    attrs = iframe(at)
    assert parse_embed_query(query_of(attrs["src"])).display == Display(
        height=720, zoom=8, center=(53.35, -6.26), legend=False, list=True, scroll=False)
    assert int(attrs["height"]) > 720  # room for the bar and the list
    at.radio(key="share-view").set_value("fit").run()
    assert parse_embed_query(query_of(iframe(at)["src"])).display.fitted


def test_the_full_app_kind_frames_the_map_page_in_streamlits_embed_mode(events_file):
    at = share_page(events_file, {"country": "IE", "list": "1"})
    at.radio(key="share-kind").set_value("app").run()
    assert not at.exception
    attrs = iframe(at)
    assert urlsplit(attrs["src"]).path == "/map"
    params = query_of(attrs["src"])
    assert params["embed"] == ["true"] and params["country"] == ["IE"]
    assert not {"list", "height", "legend"} & set(params)
    assert attrs["allow"] == "geolocation; fullscreen"
    assert at.checkbox(key="share-list").disabled  # the display options are the light embed's
    assert urlsplit(preview_src(at)).path == "/embed"  # the preview is the light embed of the same events
    assert any("light embed of the same events" in c.value for c in at.caption)
    at.radio(key="share-kind").set_value("embed").run()
    attrs = iframe(at)
    assert "allow" not in attrs and query_of(attrs["src"])["list"] == ["1"]


def test_the_language_of_the_map_is_its_own_choice(events_file):
    at = share_page(events_file)
    at.selectbox(key="share-language").set_value("es").run()
    attrs = iframe(at)
    assert query_of(attrs["src"])["lang"] == ["es"]
    assert attrs["title"] == "Speak Out For Russia: eventos en todo el mundo"
    assert query_of(plain_codes(at)[-1])["lang"] == ["es"]  # the calendar's words
    assert at.title[0].value == "Share and embed"  # the page itself stays in the visitor's language


# --- the link, the QR code, the addresses ---------------------------------------------------------------


def test_the_qr_code_is_shown_and_offered_as_svg_and_png(events_file):
    at = share_page(events_file)
    assert [type(e).__name__ for e in at.main].count("Image") == 1
    buttons = {button.proto.label: button for button in at.get("download_button")}
    assert set(buttons) == {"Download the QR code (SVG, for print)", "Download the QR code (PNG)"}
    assert all(button.proto.ignore_rerun for button in buttons.values())


def test_with_a_public_url_every_address_is_absolute(events_file):
    at = share_page(events_file, {"country": "ES"}, public_url="https://map.example.org/campaign/")
    src = iframe(at)["src"]
    assert src.startswith("https://map.example.org/campaign/embed?")
    assert all(code.startswith("https://map.example.org/campaign/") for code in plain_codes(at))
    assert not any("start with /" in c.value for c in at.caption)


def test_without_any_address_of_its_own_the_page_says_the_paths_need_one(events_file):
    at = share_page(events_file)
    assert iframe(at)["src"].startswith("/embed?")
    assert any("start with /" in c.value for c in at.caption)


def test_a_hostile_campaign_name_and_place_stay_text(events_file):
    name = '"><script>alert(1)</script> {{ x }}'
    near = '<img src=x onerror=alert(1)>'
    at = share_page(events_file, {"near": near}, campaign_name=name)
    (code,) = [c.value for c in at.code if c.language == "html"]
    assert "<script>" not in code and "<img" not in code and "{{" not in code
    attrs = iframe(at)
    assert attrs["title"] == f"{name} — events worldwide"
    assert query_of(attrs["src"])["near"] == [near]
    text = page_text(at)
    assert "\\<script" in text and "\\<img" in text  # shown as text: every < escaped for Markdown
    assert not re.search(r"(?<!\\)[<>]", text), text
    assert any("cannot search near" in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_place_the_embed_cannot_find_is_said_before_sharing(events_file):
    at = share_page(events_file, {"near": "Qwertyville Nowhere"})
    assert any("cannot search near" in w.value for w in at.warning), [w.value for w in at.warning]


# --- languages ----------------------------------------------------------------------------------------


def test_in_spanish_the_translated_labels_are_spanish_and_the_map_too(events_file):
    at = share_page(events_file, {"lang": "es"})
    text = page_text(at)
    for spanish in ("Países", "Fechas", "Cerca de una localidad", "A menos de"):
        assert spanish in text, spanish
    assert "Dates" not in text.split("\n") and "Countries" not in text.split("\n")
    assert at.selectbox(key="share-language").value == "es"
    assert query_of(iframe(at)["src"])["lang"] == ["es"]
    assert at.query_params["lang"] == "es"


def test_in_english_the_labels_are_english(events_file):
    at = share_page(events_file, {"lang": "en"})
    text = page_text(at)
    assert "Countries" in text and "Países" not in text
