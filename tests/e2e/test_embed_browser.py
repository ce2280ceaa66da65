"""End to end: the light embed (``/embed``) in Chromium and over plain HTTP.

Its own app server, with four plain events and one whose every text field is
hostile, and with the basemap tiles switched on (OpenStreetMap's address; every
request to it is answered by the test's route, so nothing leaves the machine)
to show that the tile server is the only host beyond this one the page asks.
A tiny "partner site" on another origin (``localhost`` and another port)
frames the embed; a second app server, whose ``embed_frame_ancestors``
setting names another site, must be refused there.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from e2e_support import PAGE_TIMEOUT_MS, AppServer, free_port
from test_browser import PAYLOADS, URL_PAYLOADS, html_of_every_frame, injected_anywhere, markers, shown_count

from speakout_map.escaping import escape_html
from speakout_map.languages.translator import translator_for
from speakout_map.maps.layer import layer_labels
from speakout_map.maps.rows import shorten
from speakout_map.places.countries import country_name
from speakout_map.settings import DEFAULT_TILES_URL

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

#: Every payload at once, in every text field of one event.
HOSTILE = " ".join(PAYLOADS)
HOSTILE_URL = URL_PAYLOADS[0]
PRIVATE = "private-{}@example.org"
COLUMNS = ["city", "country", "date", "title", "start_time", "end_time", "venue", "address", "url", "status",
           "organiser", "contact_email", "description", "latitude", "longitude"]  # fmt: skip
ROWS = [
    {"city": "Madrid", "country": "ES", "date": "2013-09-03", "title": "Madrid rally", "status": "confirmed",
     "url": "https://example.org/madrid", "latitude": "40.4168", "longitude": "-3.7038"},
    {"city": "Valencia", "country": "ES", "date": "2013-09-03", "title": "Valencia rally", "status": "confirmed",
     "latitude": "39.4699", "longitude": "-0.3763"},
    {"city": "Tokyo", "country": "JP", "date": "2013-09-03", "title": "Tokyo rally", "status": "confirmed",
     "latitude": "35.6895", "longitude": "139.6917"},
    {"city": "Dublin", "country": "IE", "date": "2013-09-10", "title": "Dublin rally", "status": "details_to_come",
     "latitude": "53.3498", "longitude": "-6.2603"},
    {"city": HOSTILE, "country": "AR", "date": "2013-09-03", "title": HOSTILE, "start_time": "18:00",
     "end_time": "19:30", "venue": HOSTILE, "address": HOSTILE, "url": HOSTILE_URL, "status": "confirmed",
     "organiser": HOSTILE, "description": HOSTILE, "latitude": "-34.6", "longitude": "-58.4"},
]  # fmt: skip
for _number, _row in enumerate(ROWS):
    _row["contact_email"] = PRIVATE.format(_number)
TOTAL = len(ROWS)
HOSTILE_LABEL = f"{HOSTILE}, {HOSTILE}, {country_name('AR')} (confirmed)"

#: The tile server's requests: answered here (aborted), allowed in the assertions, never sent.
TILE_HOST = urlsplit(DEFAULT_TILES_URL).hostname
TILE_REQUEST = re.compile(rf"^https://{re.escape(TILE_HOST)}/")
#: A site that is not the test's partner page.
OTHER_SITE = "https://partner.example.org"


# --- servers ---------------------------------------------------------------------------------


def events_file(folder) -> object:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(ROWS)
    path = folder / "events.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def events_csv(tmp_path_factory):
    return events_file(tmp_path_factory.mktemp("embed"))


@pytest.fixture(scope="module")
def embed_app(start_app, events_csv) -> AppServer:
    """The app with the tiles on (OpenStreetMap's address) and the default framing setting (any site)."""
    return start_app("embed", events_csv, env={"SPEAKOUT_TILES_URL": DEFAULT_TILES_URL})


class _PartnerPage(BaseHTTPRequestHandler):
    """``/?src=URL``: a page of a "partner site" that frames URL (``&hidden=1``: in a hidden box, as in a closed tab)."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        query = parse_qs(urlsplit(self.path).query)
        src = query.get("src", [""])[0]
        hidden = " hidden" if query.get("hidden") else ""
        body = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Partner site</title></head>'
                f'<body><h1>Partner site</h1><div id="box"{hidden}>'
                f'<iframe title="Event map" src="{escape_html(src)}" width="900" height="600"></iframe>'
                "</div></body></html>").encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def partner_site() -> Iterator[str]:
    """The partner site's address: http://localhost:PORT (another host name and port than the app's)."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _PartnerPage)
    thread = threading.Thread(target=server.serve_forever, name="partner-site", daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def framing(partner: str, src: str, hidden: bool = False) -> str:
    return f"{partner}/?src={quote(src, safe='')}" + ("&hidden=1" if hidden else "")


# --- the browser's record -----------------------------------------------------------------------


def watch(visit) -> list[str]:
    """Block the tile server for the visit's context; return the list the page's WebSockets go to."""
    sockets: list[str] = []
    visit.context.route(TILE_REQUEST, lambda route: route.abort())
    visit.page.on("websocket", lambda socket: sockets.append(socket.url))
    return sockets


def beyond_loopback(visit) -> list[tuple[str, str, str]]:
    """The requests that left this machine or would have, the tile server's left out."""
    return [r for r in visit.non_local_requests() if not TILE_REQUEST.match(r[2])]


def tile_requests(visit) -> list[str]:
    return [url for _, _, url in visit.requests if TILE_REQUEST.match(url)]


def assert_quiet(visit, sockets: list[str]) -> None:
    """No WebSocket, no host but this machine and the tile server, no dialog, no script error."""
    assert sockets == [], f"the light embed opened WebSockets: {sockets}"
    assert beyond_loopback(visit) == []
    assert visit.dialogs == [] and visit.page_errors == [], (visit.dialogs, visit.page_errors)


#: A script expression for the page's Leaflet map (Folium names it map_<id>).
THE_MAP = "Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k]).find(v => v instanceof L.Map)"


def hostile_pin(frame):
    """The hostile event's pin (matched by its whole label), scrolled into view."""
    handle = frame.evaluate_handle(
        """label => Array.from(document.querySelectorAll('.leaflet-marker-pane .speakout-pin'))
                          .find(el => el.getAttribute('aria-label') === label) || null""",
        HOSTILE_LABEL,
    ).as_element()
    assert handle is not None, f"no pin labelled {HOSTILE_LABEL!r}"
    handle.scroll_into_view_if_needed()
    return handle


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, cities, legend, listed, full_map_query",
    [
        ({}, [r["city"] for r in ROWS], True, False, {"lang": ["en"]}),
        ({"list": "1", "legend": "0"}, [r["city"] for r in ROWS], False, True, {"lang": ["en"]}),
        ({"country": "es", "list": "1"}, ["Madrid", "Valencia"], True, True, {"country": ["ES"], "lang": ["en"]}),
        ({"from": "2013-09-05", "list": "1", "height": "300"}, ["Dublin"], True, True,
         {"from": ["2013-09-05"], "lang": ["en"]}),
        ({"lang": "es", "list": "1"}, [r["city"] for r in ROWS], True, True, {"lang": ["es"]}),
    ],
    ids=["plain", "list-no-legend", "country", "from-date", "spanish"],
)
def test_the_embed_draws_the_queried_events(embed_app: AppServer, open_page, query, cities, legend, listed,
                                            full_map_query):
    visit = open_page()
    sockets = watch(visit)
    page = visit.page
    language = query.get("lang", "en")
    t = translator_for(language)
    answer = page.goto(embed_app.url("/embed", **query))
    assert answer.status == 200
    drawn = markers(page, len(cities))
    assert drawn["clustered"] + len(drawn["singles"]) == len(cities)

    if language != "en":  # the case must show another language than English's, or it checks nothing new
        assert layer_labels(t)["legendConfirmed"] != layer_labels(translator_for("en"))["legendConfirmed"]
        assert answer.header_value("content-language") == language
    legend_box = page.locator(".speakout-legend")
    if legend:
        expect(legend_box).to_contain_text(layer_labels(t)["legendConfirmed"])
    else:
        expect(legend_box).to_have_count(0)

    items = page.locator("#speakout-list > li")
    if listed:
        expect(items).to_have_count(len(cities))
        titles = items.locator(".speakout-popup-title").all_text_contents()
        expected = [r["title"] for r in ROWS if r["city"] in cities]
        assert sorted(titles) == sorted(expected)
        expect(page.locator("#speakout-list-heading")).to_have_text(t("Events on this map"))
    else:
        expect(page.locator("#speakout-list")).to_have_count(0)
    if "height" in query:
        box = page.locator(".folium-map").bounding_box()
        assert box and abs(box["height"] - int(query["height"])) <= 1, box

    bar = page.locator("nav.speakout-bar")
    expect(bar.locator(".speakout-bar-count")).to_have_text(
        t.plural("{count:,} event", "{count:,} events", len(cities), count=len(cities)))
    link = bar.get_by_role("link", name=t("Open the full map"))
    href = link.get_attribute("href")
    parts = urlsplit(href)
    assert parts.path == "/map" and not parts.netloc, href
    assert parse_qs(parts.query) == full_map_query
    assert link.get_attribute("target") == "_blank"
    visit.screenshot("embed")

    assert tile_requests(visit), "the tiles are on: the page asks the tile server, and the record shows it"
    assert_quiet(visit, sockets)


def test_popups_and_list_keep_hostile_text_inert(embed_app: AppServer, open_page):
    visit = open_page()
    sockets = watch(visit)
    page = visit.page
    page.goto(embed_app.url("/embed", list="1"))
    markers(page, TOTAL)

    hostile_pin(page).click()
    popup = page.locator(".leaflet-popup-content .speakout-popup")
    expect(popup).to_be_visible()
    lines = popup.locator("p").all_text_contents()
    assert lines[:8] == [
        HOSTILE,
        f"{HOSTILE}, {country_name('AR')}",
        "Tue 3 Sep 2013",
        "18:00–19:30 local time",
        HOSTILE,
        HOSTILE,
        f"Organised by {HOSTILE}",
        shorten(HOSTILE),  # the popup's description is cut, as in the app
    ], lines
    assert popup.get_by_role("link", name="Event page (opens in a new tab)").get_attribute("href") == HOSTILE_URL
    assert set(popup.locator("*").evaluate_all("els => els.map(e => e.tagName)")) <= {"P", "A", "SPAN", "DIV"}
    assert popup.get_by_role("button").count() == 0, "no 'I'll be there' button: no session to count a click by"
    visit.screenshot("hostile-popup")

    page.evaluate(f"() => {{ ({THE_MAP}).closePopup(); }}")  # returning nothing: a map is slow to serialise
    hostile_pin(page).hover()
    tooltip = page.locator(".leaflet-tooltip .speakout-tooltip")
    expect(tooltip).to_be_visible()
    assert tooltip.locator("*").all_text_contents() == [HOSTILE, f"{HOSTILE}, {country_name('AR')}"]

    hostile_item = page.locator("#speakout-list > li").nth(
        page.locator("#speakout-list .speakout-popup-title").all_text_contents().index(HOSTILE))
    assert hostile_item.locator(".speakout-popup-title").text_content() == HOSTILE
    hostile_item.get_by_role("button", name="Show on the map").click()
    expect(page.locator(".leaflet-popup-content .speakout-popup-title")).to_have_text(HOSTILE)

    assert injected_anywhere(page) == {}
    whole = html_of_every_frame(page)
    assert [r["contact_email"] for r in ROWS if r["contact_email"] in whole] == [], "contact emails are private"
    # An <img src=x> that had been parsed would have asked for /x.
    assert [r for r in visit.requests if r[2].split("?")[0].endswith("/x")] == []
    assert_quiet(visit, sockets)


def test_a_hostile_address_gets_a_plain_refusal(embed_app: AppServer, open_page):
    visit = open_page()
    sockets = watch(visit)
    page = visit.page
    bad = '<img src=x onerror="window.__pwned=21">'
    answer = page.goto(embed_app.url("/embed", country=bad, height="{{7*7}}</script>"))
    assert answer.status == 400
    expect(page.locator("body")).to_contain_text(bad)
    assert page.locator(".leaflet-container").count() == 0
    assert injected_anywhere(page) == {}
    assert [r for r in visit.requests if r[2].split("?")[0].endswith("/x")] == []
    assert_quiet(visit, sockets)


def test_the_full_map_link_keeps_the_filters_and_the_full_app_does_open_a_websocket(embed_app: AppServer,
                                                                                     open_page):
    """The bar's link opens the app on the same events; the app (unlike the embed) holds a WebSocket."""
    visit = open_page()
    sockets = watch(visit)
    page = visit.page
    page.goto(embed_app.url("/embed", country="ES", list="1"))
    markers(page, 2)
    assert sockets == []
    visit.context.on("page", lambda opened: opened.on("websocket", lambda socket: sockets.append(socket.url)))
    with visit.context.expect_page() as opened:
        page.get_by_role("link", name="Open the full map").click()
    app = opened.value
    expect(app).to_have_url(embed_app.url("/map", country="ES", lang="en"), timeout=PAGE_TIMEOUT_MS)
    assert shown_count(app) == (2, TOTAL)
    visit.screenshot("full-map", page=app)
    assert any(urlsplit(url).path.endswith("/_stcore/stream") for url in sockets), sockets


# --- framed on another site ----------------------------------------------------------------------


def embed_frame(page):
    iframe = page.locator('iframe[title="Event map"]')
    expect(iframe).to_be_attached(timeout=PAGE_TIMEOUT_MS)
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    return frame


def test_framed_by_another_site_it_renders(embed_app: AppServer, partner_site: str, open_page):
    visit = open_page()
    sockets = watch(visit)
    page = visit.page
    page.goto(framing(partner_site, embed_app.url("/embed", list="1")))
    expect(page.get_by_role("heading", name="Partner site")).to_be_visible()
    frame = embed_frame(page)
    assert urlsplit(frame.url).netloc != urlsplit(page.url).netloc
    markers(frame, TOTAL)
    expect(frame.locator("#speakout-list > li")).to_have_count(TOTAL)
    visit.screenshot("framed")
    assert injected_anywhere(page) == {}
    assert_quiet(visit, sockets)


MAP_VIEW = """() => {
    const name = Object.keys(window).find((key) => /^map_[0-9a-f]+$/.test(key) && window[key].getZoom);
    const map = window[name];
    return [map.getZoom(), map.getSize().x];
}"""


def test_a_frame_hidden_at_load_fits_the_events_once_shown(embed_app: AppServer, partner_site: str, open_page):
    visit = open_page()
    watch(visit)
    page = visit.page
    page.goto(framing(partner_site, embed_app.url("/embed")))
    markers(embed_frame(page), TOTAL)
    fitted_zoom, width = embed_frame(page).evaluate(MAP_VIEW)
    assert width == 900 and fitted_zoom > 1

    page.goto(framing(partner_site, embed_app.url("/embed"), hidden=True))
    frame = embed_frame(page)
    frame.wait_for_function("() => Object.keys(window).some((key) => /^map_[0-9a-f]+$/.test(key))")
    assert frame.evaluate(MAP_VIEW)[1] == 0  # no size while hidden: the view fitted then is of nothing
    page.evaluate("document.getElementById('box').hidden = false")
    frame.wait_for_function(f"() => ({MAP_VIEW})()[1] === 900")
    frame.wait_for_function(f"() => ({MAP_VIEW})()[0] === {fitted_zoom}")
    markers(frame, TOTAL)


@pytest.fixture(scope="module")
def guarded_app(start_app, events_csv) -> AppServer:
    """The app whose embed only ``OTHER_SITE`` may frame (tiles off, as in the other end-to-end tests)."""
    return start_app("embed-guarded", events_csv, env={"SPEAKOUT_EMBED_FRAME_ANCESTORS": OTHER_SITE})


def test_framing_is_refused_when_the_setting_names_another_site(guarded_app: AppServer, partner_site: str,
                                                                open_page):
    status, headers, _ = fetch(guarded_app.url("/embed"))
    assert status == 200
    policy = headers["content-security-policy"]
    assert f"frame-ancestors {OTHER_SITE};" in policy
    assert "img-src 'self' data:;" in policy, "with the tiles off, no image host beyond this app"

    visit = open_page()
    sockets = watch(visit)
    page = visit.page
    refusals: list[str] = []
    page.on("console", lambda message: refusals.append(message.text) if "frame-ancestors" in message.text else None)
    page.goto(framing(partner_site, guarded_app.url("/embed")))
    expect(page.get_by_role("heading", name="Partner site")).to_be_visible()
    embed_frame(page)
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while not refusals and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    # Chromium says why, in the partner page's console, and shows its error page in the frame instead.
    assert refusals and f'"frame-ancestors {OTHER_SITE}"' in refusals[0], refusals
    assert urlsplit(embed_frame(page).url).scheme == "chrome-error"
    assert embed_frame(page).locator(".leaflet-container").count() == 0
    visit.screenshot("refused")

    # Opened on its own (not framed), the same page draws its map; and nothing is asked of a tile server.
    page.goto(guarded_app.url("/embed"))
    markers(page, TOTAL)
    assert tile_requests(visit) == [] and visit.non_local_requests() == []
    assert_quiet(visit, sockets)


# --- caching over HTTP -----------------------------------------------------------------------------


def fetch(url: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    """One request; (status, headers with lower-case names, body) whatever the status."""
    request = urllib.request.Request(url, method=method, headers={k.replace("_", "-"): v for k, v in headers.items()})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_etag_304_and_head(embed_app: AppServer):
    url = embed_app.url("/embed", country="ES", list="1")
    status, headers, body = fetch(url)
    assert status == 200 and body.startswith(b"<!DOCTYPE html>")
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "public, max-age=60"
    etag = headers["etag"]
    assert re.fullmatch(r'"e\d+-[0-9a-f]{20}"', etag), etag
    policy = headers["content-security-policy"]
    assert "frame-ancestors *;" in policy and f"img-src 'self' data: https://{TILE_HOST};" in policy

    status, again, body304 = fetch(url, If_None_Match=etag)
    assert (status, body304) == (304, b"")
    assert again["etag"] == etag and again["cache-control"] == "public, max-age=60"
    assert fetch(url, If_None_Match=f'"e0-other", {etag}')[0] == 304
    assert fetch(url, If_None_Match='"e0-other"')[0] == 200

    # Another query, another page and ETag; the same query in another order, the same.
    other_status, other, _ = fetch(embed_app.url("/embed", country="JP"), If_None_Match=etag)
    assert other_status == 200 and other["etag"] != etag
    assert fetch(embed_app.url("/embed", list="1", country="es"))[1]["etag"] == etag

    # The browser's language, when the address names none.
    status, spanish, _ = fetch(embed_app.url("/embed", country="ES", list="1"), Accept_Language="es-ES,es;q=0.9")
    assert status == 200 and spanish["content-language"] == "es" and spanish["etag"] != etag
    assert "Accept-Language" in spanish["vary"]

    status, head, head_body = fetch(url, method="HEAD")
    assert (status, head_body) == (200, b"")
    assert head["etag"] == etag and int(head["content-length"]) == len(body)
    assert fetch(url, method="HEAD", If_None_Match=etag)[0] == 304
    assert fetch(url, method="POST")[0] == 405


def test_a_bad_query_is_a_400_never_cached(embed_app: AppServer):
    status, headers, body = fetch(embed_app.url("/embed", height="tall"))
    assert status == 400
    assert headers["cache-control"] == "no-store" and "etag" not in headers
    assert b"height" in body and b"Traceback" not in body
