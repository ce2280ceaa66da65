"""The share page's snippets (speakout_map.web.sharing): addresses and their round trip, the iframe code, the
feeds, the QR codes, and the app's own address from a page's URL."""

from __future__ import annotations

import datetime as dt
import io
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import segno
from PIL import Image

from speakout_map.errors import SettingsError, SpeakOutError
from speakout_map.maps.display import DEFAULT_HEIGHT, Display
from speakout_map.maps.filters import EventFilter
from speakout_map.web import sharing
from speakout_map.web.embed import EmbedQueryError, parse_embed_query
from speakout_map.web.feeds import parse_feed_query
from speakout_map.web.sharing import APP, EMBED, Share, Site

SEPT = dt.date(2013, 9, 1)
HOSTILE = [
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "Pride & Joy's {{ config }} `x` {% raw %}",
    "x\u2028y\u2029z",
    "&lang=fr&country=RU#frag",
]

SHARES = [
    Share(),
    Share(EventFilter(countries=frozenset({"ES", "GB"})), "es"),
    Share(EventFilter(SEPT, dt.date(2013, 9, 30)), "en", EMBED, Display(height=600, legend=False)),
    Share(EventFilter(date_to=dt.date(2013, 9, 10), near="Cork, Ireland", radius_km=300.0)),
    Share(EventFilter(near="Göteborg", radius_km=12.5), "es", EMBED, Display(zoom=7)),
    Share(display=Display(height=200, zoom=5, center=(40.41678, -3.70379), legend=False, list=True, scroll=False)),
    Share(display=Display(center=(-33.9, 151.2))),
    Share(EventFilter(countries=frozenset({"IE"}), near=HOSTILE[0], radius_km=1.0), "en", APP,
          Display(height=2000, list=True)),
    Share(EventFilter(near=HOSTILE[4])),
]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(code: str) -> tuple[str, dict[str, str]]:
    parser = _Tags()
    parser.feed(code)
    parser.close()
    assert len(parser.tags) == 1 and not "".join(parser.text).strip(), (parser.tags, parser.text)
    return parser.tags[0]


# --- the light embed's address ---------------------------------------------------------------


@pytest.mark.parametrize("share", SHARES)
def test_the_embed_url_reads_back_as_the_same_filter_display_and_language(share):
    url = sharing.embed_url(share, Site("https://map.example.org/campaign"))
    assert url.startswith("https://map.example.org/campaign/embed?")
    query = parse_embed_query(query_of(url), accept_language="de")
    assert query.event_filter == share.event_filter
    assert query.display == share.display
    assert query.language == share.language and query.language_given


@pytest.mark.parametrize("share", SHARES)
def test_the_full_map_url_keeps_the_filter_and_language_but_no_display(share):
    for framed in (False, True):
        url = sharing.map_url(share, Site(base_path="campaign"), framed=framed)
        assert url.startswith("/campaign/map?")
        params = query_of(url)
        assert ("embed" in params) is framed
        assert not {"height", "zoom", "center", "legend", "list", "scroll"} & set(params)
        query = parse_embed_query({k: v for k, v in params.items() if k != "embed"})
        assert (query.event_filter, query.language) == (share.event_filter, share.language)


def test_parameters_come_in_one_order_the_filters_then_the_display_then_lang():
    share = Share(EventFilter(SEPT, dt.date(2013, 9, 30), frozenset({"GB", "ES"}), "Cork", 300.0), "es", EMBED,
                  Display(height=420, zoom=5, center=(40.4, -3.7), legend=False, list=True, scroll=False))
    keys = [key for key, _ in parse_qsl(urlsplit(sharing.embed_url(share)).query)]
    assert keys == ["country", "from", "to", "near", "radius", "height", "zoom", "center", "legend", "list",
                    "scroll", "lang"]
    assert sharing.embed_url(share) == sharing.embed_url(Share(**share.__dict__))  # same choice, same text
    assert "country=ES,GB&" in sharing.embed_url(share)  # readable: commas are left as they are
    framed = [key for key, _ in parse_qsl(urlsplit(sharing.map_url(share, framed=True)).query)]
    assert framed == ["country", "from", "to", "near", "radius", "lang", "embed"]


def test_a_hostile_place_cannot_add_parameters_to_the_address():
    share = Share(EventFilter(near="Cork&lang=fr&country=RU#x"), "es")
    for url in (sharing.embed_url(share), sharing.link_url(share), *sharing.feed_urls(share).values()):
        params = query_of(url)
        assert params["near"] == ["Cork&lang=fr&country=RU#x"]
        assert "country" not in params and params.get("lang", ["es"]) == ["es"]
        assert "#" not in url


def test_the_parsed_embed_refuses_what_the_share_never_writes():
    """The round trip can fail: a display the embed cannot read is refused, so the comparison above means something."""
    with pytest.raises(EmbedQueryError):
        parse_embed_query(query_of("/embed?height=5&lang=en"))


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        (Site(), "/embed?lang=en"),
        (Site(base_path="campaign"), "/campaign/embed?lang=en"),
        (Site(base_path="/campaign/"), "/campaign/embed?lang=en"),
        (Site("https://map.example.org"), "https://map.example.org/embed?lang=en"),
        (Site("https://example.org/campaign", base_path="other"), "https://example.org/campaign/embed?lang=en"),
    ],
)
def test_addresses_are_absolute_with_a_root_else_paths_under_the_base_path(site, expected):
    assert sharing.embed_url(Share(), site) == expected


# --- the frame ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Speak Out", *HOSTILE])
@pytest.mark.parametrize("share", [SHARES[0], SHARES[5], SHARES[7], SHARES[8]])
def test_the_iframe_code_escapes_every_attribute(name, share):
    site = Site("https://map.example.org")
    code = sharing.iframe_code(share, site, campaign_name=name)
    assert code.startswith("<iframe ") and code.endswith("></iframe>") and code.count("<") == 2
    assert "{{" not in code and "{%" not in code and "\u2028" not in code
    tag, attrs = parsed(code)
    assert tag == "iframe"
    assert attrs["title"] == sharing.frame_title(share, name)
    assert name in attrs["title"]
    assert attrs["src"] == sharing.frame_url(share, site)
    assert attrs["width"] == "100%" and attrs["style"] == "border:0" and attrs["loading"] == "lazy"
    assert attrs["height"] == str(sharing.frame_height(share))
    assert attrs["referrerpolicy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(("kind", "allow", "path"), [(EMBED, None, "/embed"), (APP, "geolocation; fullscreen", "/map")])
def test_only_the_full_app_asks_for_geolocation_and_fullscreen_and_streamlits_embed_mode(kind, allow, path):
    share = Share(EventFilter(countries=frozenset({"ES"})), "es", kind)
    _, attrs = parsed(sharing.iframe_code(share, campaign_name="X"))
    assert attrs.get("allow") == allow
    assert urlsplit(attrs["src"]).path == path
    assert (query_of(attrs["src"]).get("embed") == ["true"]) is (kind == APP)
    assert query_of(attrs["src"])["country"] == ["ES"]


def test_the_frame_title_is_in_the_shares_language():
    assert sharing.frame_title(Share(language="en"), "Pride") == "Pride — events worldwide"
    assert sharing.frame_title(Share(language="es"), "Pride") == "Pride: eventos en todo el mundo"


@pytest.mark.parametrize(
    ("share", "height"),
    [
        (Share(), DEFAULT_HEIGHT + sharing.BAR_ROOM),
        (Share(display=Display(height=300)), 300 + sharing.BAR_ROOM),
        (Share(display=Display(height=300, list=True)), 300 + sharing.BAR_ROOM + sharing.LIST_ROOM),
        (Share(kind=APP, display=Display(height=300, list=True)), 300 + sharing.APP_ROOM),
    ],
)
def test_the_frame_has_room_for_the_map_and_what_goes_with_it(share, height):
    assert sharing.frame_height(share) == height


@pytest.mark.parametrize(
    "fields",
    [{"kind": "full"}, {"kind": ""}, {"language": "xx"}, {"language": "es-ES"}, {"language": ""}],
)
def test_a_share_of_an_unknown_kind_or_language_is_refused(fields):
    with pytest.raises(ValueError):
        Share(**fields)


# --- the feeds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("share", SHARES)
def test_the_feeds_addresses_carry_the_same_filter_and_the_calendar_the_language(share):
    urls = sharing.feed_urls(share, Site(base_path="campaign"))
    assert set(urls) == {"geojson", "csv", "ics"}
    for name, url in urls.items():
        assert urlsplit(url).path == f"/campaign/feeds/events.{name}"
        params = query_of(url)
        assert ("lang" in params) is (name == "ics")
        query = parse_feed_query(params)
        assert query.event_filter == share.event_filter
        if name == "ics":
            assert query.language == share.language


# --- the QR code ---------------------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("link", ["https://map.example.org/map?lang=en",
                                  "/map?country=ES,GB&near=G%C3%B6teborg&lang=es",
                                  "https://map.example.org/campaign/map?" + "country=" + ",".join(["ES"] * 200)])
def test_the_png_is_the_links_code_black_on_white_with_its_quiet_zone(link):
    data = sharing.qr_png(link)
    code = sharing.qr_code(link)
    modules = code.symbol_size(scale=1, border=0)[0]
    side = (modules + 2 * sharing.QR_BORDER) * sharing.QR_PNG_SCALE
    assert png_size(data) == (side, side)
    image = Image.open(io.BytesIO(data)).convert("L")
    assert round(image.info["dpi"][0]) == sharing.QR_PNG_DPI
    scale, border = sharing.QR_PNG_SCALE, sharing.QR_BORDER
    # the quiet zone is white all round
    for i in range(0, side, scale):
        for x, y in ((i, 0), (0, i), (i, side - 1), (side - 1, i)):
            assert image.getpixel((x, y)) == 255
    # each module's centre is black where the code (made apart, the same way) has a dark module
    expected = segno.make_qr(link, error=code.error.lower(), boost_error=False)
    for row, bits in enumerate(expected.matrix):
        for column, bit in enumerate(bits):
            pixel = image.getpixel(((column + border) * scale + scale // 2, (row + border) * scale + scale // 2))
            assert pixel == (0 if bit else 255), (row, column)


def test_posters_get_strong_error_correction_and_long_links_still_fit():
    assert sharing.qr_code("https://map.example.org/map?country=ES&lang=es").error in ("Q", "H")
    long_link = "https://map.example.org/map?near=" + "x" * 2000
    assert sharing.qr_code(long_link).error in ("M", "L")
    assert png_size(sharing.qr_png(long_link))[0] > png_size(sharing.qr_png("https://a.org/"))[0]


def test_a_link_too_long_for_any_qr_code_is_a_clear_error():
    with pytest.raises(SpeakOutError) as caught:
        sharing.qr_png("https://map.example.org/map?near=" + "x" * 4000)
    assert "too long for a QR code" in str(caught.value)


def test_the_svg_is_a_titled_svg_document_black_on_white():
    link = 'https://map.example.org/map?near=<b>"Cork"</b>&lang=en'
    data = sharing.qr_svg(link)
    assert data.startswith(b"<?xml")
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == link
    assert b"<b>" not in data and b'fill="#fff"' in data and b'stroke="#000"' in data
    side = (sharing.qr_code(link).symbol_size(scale=1, border=0)[0] + 2 * sharing.QR_BORDER) * sharing.QR_SVG_SCALE
    assert root.get("width") == root.get("height") == str(side)


def test_different_links_give_different_codes_and_the_same_link_the_same():
    first, second = "https://map.example.org/map?country=ES&lang=en", "https://map.example.org/map?country=GB&lang=en"
    assert sharing.qr_png(first) == sharing.qr_png(first) and sharing.qr_svg(first) == sharing.qr_svg(first)
    assert sharing.qr_png(first) != sharing.qr_png(second)
    assert sharing.qr_svg(first) != sharing.qr_svg(second)
    assert sharing.qr_code(first).matrix != sharing.qr_code(second).matrix


# --- the app's own address --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page_url", "base_path", "public_url", "expected"),
    [
        ("http://localhost:8501/share?country=ES", "", "", "http://localhost:8501"),
        ("http://localhost:8501/campaign/share", "campaign", "", "http://localhost:8501/campaign"),
        ("https://Map.Example.ORG/share", "/campaign/", "", "https://map.example.org/campaign"),
        ("https://map.example.org:8443/x/y/z?near={a}|^`", "", "", "https://map.example.org:8443"),
        ("https://user:secret@map.example.org/share", "", "", "https://map.example.org"),
        ("http://[::1]:8501/share", "", "", "http://[::1]:8501"),
        ("http://127.0.0.1:8501/share", "", "", "http://127.0.0.1:8501"),
        # the page's path is never trusted beyond the base path
        ("https://map.example.org/evil/path/share", "campaign", "", "https://map.example.org/campaign"),
        # the public address wins
        ("http://localhost:8501/share", "campaign", "https://map.example.org/campaign/",
         "https://map.example.org/campaign"),
        (None, "", "https://map.example.org", "https://map.example.org"),
        # nothing known: paths
        (None, "campaign", "", ""),
        ("", "", "", ""),
    ],
)
def test_the_site_root(page_url, base_path, public_url, expected):
    assert sharing.site_root(page_url, base_path, public_url) == expected


@pytest.mark.parametrize(
    "page_url",
    [
        "javascript:alert(1)//http://map.example.org/",
        "data:text/html,<script>alert(1)</script>",
        "ftp://map.example.org/share",
        "//map.example.org/share",
        "/share?country=ES",
        "https://evil.example\\@map.example.org/",
        'https://map.example.org"><script>alert(1)</script>/',
        "https://map.example.org<script>/",
        "https://map example.org/",
        "https://map.example.org:99999/",
        "https://map.example.org:port/",
        "https://[not:an:address/",
        "https://[fe80::1%25eth0]/",
        "https://exa_mple.org/",
        "https://-bad-.example.org/",
        "https://" + "a" * 300 + ".org/",
        "https:///share",
        "https://map.example.org/" + "x" * 9000,
    ],
)
def test_a_hostile_or_odd_page_url_gives_no_root(page_url):
    assert sharing.site_root(page_url, "campaign", "") == ""


@pytest.mark.parametrize("public_url", ["javascript:alert(1)", "https://map.example.org/?x=1", 'https://a.org/"><b>'])
def test_a_bad_public_url_is_a_settings_error(public_url):
    with pytest.raises(SettingsError):
        sharing.site_root("http://localhost:8501/share", "", public_url)
