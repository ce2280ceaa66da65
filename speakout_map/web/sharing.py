"""The share page's snippets: the addresses, the ``<iframe>`` code, the feeds and the QR code of one choice (pure).

A partner chooses which events (an :class:`~speakout_map.maps.filters.EventFilter`),
the language, the kind of frame and how the map is shown
(a :class:`~speakout_map.maps.display.Display`): a :class:`Share`. From it
and where the app is (a :class:`Site`) come:

* :func:`embed_url`: the light embed (``/embed?`` the filter, the display,
  ``lang``), a plain page that any number of visitors can load;
* :func:`map_url`: the full app's map page with the same filter and
  language (the plain link, and, with ``framed``, the full app's frame,
  which Streamlit shows without its menu given ``embed=true``);
* :func:`iframe_code`: the ``<iframe>`` to paste, every attribute escaped;
* :func:`feed_urls`: the live feeds (GeoJSON, CSV, iCalendar) for the filter;
* :func:`qr_svg` and :func:`qr_png`: a QR code of the link, for posters.

Each query is written in one order (the filter's, the display's, then
``lang``), so the same choice always gives the same text. Addresses are
absolute when the app's public address is known (:func:`site_root`), else
paths under the app's base path.
"""

from __future__ import annotations

import io
import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import segno

from speakout_map.errors import SpeakOutError
from speakout_map.escaping import escape_html
from speakout_map.languages.catalogues import SOURCE_LANGUAGE, available_languages
from speakout_map.languages.choosing import LANG_PARAMETER
from speakout_map.languages.message import msg
from speakout_map.languages.translator import translator_for
from speakout_map.maps.display import DEFAULT_HEIGHT, Display, display_to_query
from speakout_map.maps.filters import EventFilter, filter_to_query
from speakout_map.settings import check_public_url
from speakout_map.web.embed_route import EMBED_PATH
from speakout_map.web.feeds import FORMATS
from speakout_map.web.routes import app_path, feed_path

#: The light embed: a plain page, no WebSocket (what busy partner pages should use).
EMBED = "embed"
#: The full app in a frame: a live Streamlit session per visitor.
APP = "app"
KINDS = (EMBED, APP)

#: The full app's map page (after the base path).
MAP_PATH = "/map"
#: What Streamlit needs in a framed app's address to leave its menu and toolbar out.
STREAMLIT_EMBED = ("embed", "true")

#: Room in the light embed's frame for the bar under the map (title, count, link; one line is about 42 px).
BAR_ROOM = 56
#: Room in the light embed's frame for the start of the list of events (the frame scrolls to the rest).
LIST_ROOM = 320
#: Room in the full app's frame for the heading, filters and count above its map.
APP_ROOM = 400
#: The full app asks for the visitor's position ("Near me") and may go full screen; the light embed does neither.
APP_ALLOW = "geolocation; fullscreen"
#: The partner page's origin only (never its path) reaches the app, whatever the partner's own policy says.
REFERRER_POLICY = "strict-origin-when-cross-origin"

#: Error correction tried in turn: Q (a quarter of the code may be damaged; posters get scuffed) first.
QR_ERRORS = ("q", "m", "l")
#: The quiet zone, in modules (the standard's four).
QR_BORDER = 4
#: Pixels per module of the PNG (a code of 41 modules is 784 px: 6.6 cm at 300 dpi) and its stated resolution.
QR_PNG_SCALE = 16
QR_PNG_DPI = 300
#: Units per module of the SVG (it scales without loss; print it at any size).
QR_SVG_SCALE = 10
QR_DARK = "#000000"
QR_LIGHT = "#ffffff"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
#: What a page's host and port (and user, dropped) may be written with: no backslash, quote, space or markup.
_NETLOC = re.compile(r"[A-Za-z0-9.\-:\[\]@%_~!$&()*+,;=]+")
#: Longest page URL looked at.
MAX_PAGE_URL = 8000


@dataclass(frozen=True)
class Site:
    """Where the app is: its absolute root (``https://host/base``, "" when unknown) and its base path."""

    root: str = ""
    #: Streamlit's ``server.baseUrlPath`` (``campaign``), used for paths when the root is unknown.
    base_path: str = ""

    def address(self, path: str, query: dict[str, str] | None = None) -> str:
        """``path`` (``/embed``) under the root, or under the base path without one, with ``query``."""
        where = self.root + path if self.root else app_path(path, self.base_path)
        return f"{where}?{urlencode(query, safe=',')}" if query else where


@dataclass(frozen=True)
class Share:
    """What a partner chose: which events, in which language, which kind of frame, and how the map is shown.

    ``display`` is the light embed's (its height is also the frame's); the
    full app ignores all of it but the height.
    """

    event_filter: EventFilter = field(default_factory=EventFilter)
    language: str = SOURCE_LANGUAGE
    kind: str = EMBED
    display: Display = field(default_factory=Display)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.language not in available_languages():
            raise ValueError(f"language must be one of the app's {available_languages()}, not {self.language!r}")


def site_root(page_url: str | None, base_path: str, public_url: str) -> str:
    """The app's absolute address (``https://host[:port]/base``): ``public_url`` when set, else the page's origin.

    Only the scheme (http or https), host and port of ``page_url`` are
    used; its path, query and any user or password are not, the base path
    coming from ``base_path``. "" when neither tells (the snippets then use
    paths). A bad ``public_url`` is a :class:`~speakout_map.errors.SettingsError`.
    """
    if str(public_url or "").strip():
        return check_public_url(public_url)
    origin = _origin(page_url or "")
    return origin + app_path("", base_path) if origin else ""


def _origin(page_url: str) -> str:
    """``scheme://host[:port]`` of a page's URL, "" for anything that is not a plain http(s) address."""
    if len(page_url) > MAX_PAGE_URL:
        return ""
    try:
        parts = urlsplit(page_url)
        port = parts.port
    except ValueError:
        return ""
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not _NETLOC.fullmatch(parts.netloc or "-"):
        return ""
    if ":" in host:
        try:
            address = ipaddress.IPv6Address(host)
        except ValueError:
            return ""
        if address.scope_id:  # a zone (fe80::1%eth0) names one machine's network card: no use to a partner
            return ""
        host = f"[{address.compressed}]"
    elif not _HOST_NAME.fullmatch(host) or len(host) > 253:
        return ""
    return f"{parts.scheme.lower()}://{host.lower()}" + (f":{port}" if port is not None else "")


def embed_query(share: Share) -> dict[str, str]:
    """The light embed's query: the filter's parameters, the display's, then ``lang``."""
    return {**filter_to_query(share.event_filter), **display_to_query(share.display), LANG_PARAMETER: share.language}


def map_query(share: Share, *, framed: bool = False) -> dict[str, str]:
    """The full map's query: the filter's parameters, ``lang``, and Streamlit's ``embed=true`` when ``framed``."""
    query = {**filter_to_query(share.event_filter), LANG_PARAMETER: share.language}
    if framed:
        query[STREAMLIT_EMBED[0]] = STREAMLIT_EMBED[1]
    return query


def embed_url(share: Share, site: Site = Site()) -> str:
    """The light embed's address for ``share``."""
    return site.address(EMBED_PATH, embed_query(share))


def map_url(share: Share, site: Site = Site(), *, framed: bool = False) -> str:
    """The full map page's address with the same filter and language (the plain link; ``framed``: the frame's)."""
    return site.address(MAP_PATH, map_query(share, framed=framed))


def link_url(share: Share, site: Site = Site()) -> str:
    """The plain link to share (and the QR code's): the full map with the same filter and language."""
    return map_url(share, site)


def frame_url(share: Share, site: Site = Site()) -> str:
    """The frame's ``src``: the light embed, or the full app in Streamlit's embed mode."""
    return embed_url(share, site) if share.kind == EMBED else map_url(share, site, framed=True)


def frame_height(share: Share) -> int:
    """The frame's height in pixels: the map's (or the default), plus the bar and list, or the app's top part."""
    height = share.display.height or DEFAULT_HEIGHT
    if share.kind == APP:
        return height + APP_ROOM
    return height + BAR_ROOM + (LIST_ROOM if share.display.list else 0)


def frame_title(share: Share, campaign_name: str) -> str:
    """The frame's title (read by screen readers), in the share's language."""
    t = translator_for(share.language)
    # Translators: also the title of the frame that partner sites put the map in; {campaign} is the campaign's name.
    return t.text(msg("{campaign} — events worldwide", campaign=campaign_name))


def iframe_code(share: Share, site: Site = Site(), *, campaign_name: str) -> str:
    """The ``<iframe>`` element to paste into a partner's page; every attribute value is escaped."""
    attributes = [
        ("title", frame_title(share, campaign_name)),
        ("src", frame_url(share, site)),
        ("width", "100%"),
        ("height", str(frame_height(share))),
        ("style", "border:0"),
        ("loading", "lazy"),
    ]
    if share.kind == APP:
        attributes.append(("allow", APP_ALLOW))
    attributes.append(("referrerpolicy", REFERRER_POLICY))
    written = " ".join(f'{name}="{escape_html(value)}"' for name, value in attributes)
    return f"<iframe {written}></iframe>"


def feed_urls(share: Share, site: Site = Site()) -> dict[str, str]:
    """Each live feed's address for the same filter, by name (geojson, csv, ics); ``lang`` where it changes the feed."""
    urls = {}
    for name, feed in FORMATS.items():
        query = dict(filter_to_query(share.event_filter))
        if feed.uses_language:
            query[LANG_PARAMETER] = share.language
        urls[name] = site.address(feed_path(feed), query)
    return urls


def qr_code(link: str) -> segno.QRCode:
    """The QR code of ``link``: the strongest error correction that fits (Q or better, else M, else L).

    A link too long for any QR code is a :class:`~speakout_map.errors.SpeakOutError` saying what to shorten.
    """
    for error in QR_ERRORS:
        try:
            return segno.make_qr(link, error=error, boost_error=True)
        except segno.DataOverflowError:
            continue
    # Translators: {length:,} is a number of characters.
    raise SpeakOutError(msg("The link is too long for a QR code ({length:,} characters): choose fewer countries "
                            "or a shorter place name.", length=len(link)))


def qr_svg(link: str) -> bytes:
    """The QR code of ``link`` as an SVG document (UTF-8): black on white, with its quiet zone; titled with the link."""
    out = io.BytesIO()
    qr_code(link).save(out, kind="svg", scale=QR_SVG_SCALE, border=QR_BORDER, dark=QR_DARK, light=QR_LIGHT,
                       title=link)
    return out.getvalue()


def qr_png(link: str) -> bytes:
    """The QR code of ``link`` as a PNG: black on white, with its quiet zone, big enough to print."""
    out = io.BytesIO()
    qr_code(link).save(out, kind="png", scale=QR_PNG_SCALE, border=QR_BORDER, dark=QR_DARK, light=QR_LIGHT,
                       dpi=QR_PNG_DPI)
    return out.getvalue()
