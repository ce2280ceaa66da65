"""The light embed: a published version and a query in, a whole HTML page out (pure; no server, no store).

``/embed`` is the map for partner sites' frames: the app's map on a page of
its own (:mod:`speakout_map.maps.standalone`), with no WebSocket and no
Streamlit in the browser, so any number of visitors cost static-file
serving. It takes the map page's query (``country``, ``from``, ``to``,
``near``, ``radius``), ``lang``, and the display options of
:mod:`speakout_map.maps.display` (``height``, ``zoom``, ``center``,
``legend``, ``list``, ``scroll``). Without ``lang`` the visitor's browser
chooses (``Accept-Language``, hence ``Vary``).

A bad value is refused (400) with a short page in the reader's language
saying which parameter and what to write: the embedder sees it while setting
the frame up. With ``near``, only the events within the radius are shown, as
in the feeds.

Caching: the page depends only on the published version, the normalised
query, the language, the campaign's name and the "I'll be there" counts'
snapshot (the route refreshes it at most once a minute), so those make a
strong :func:`embed_etag`; ``If-None-Match`` with it gets a 304, and
``Cache-Control: public, max-age=60`` lets browsers and proxies keep it.
The route renders each ETag's page once (a bounded cache; see
:meth:`~speakout_map.web.routes.FeedSource.keep`). :data:`EMBED_REVISION` is in
every ETag: change it whenever the page changes for the same data.

Every answer carries the :mod:`~speakout_map.web.csp` policy: framing as
the ``embed_frame_ancestors`` setting allows, and no host but this app and
the tile server.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from geopy.geocoders.base import Geocoder

from speakout_map.errors import FeedQueryError
from speakout_map.escaping import escape_html
from speakout_map.languages.catalogues import available_languages
from speakout_map.languages.choosing import LANG_PARAMETER, choose_language
from speakout_map.languages.message import Message
from speakout_map.languages.translator import Translator, translator_for
from speakout_map.maps.display import Display, display_from_query, display_to_query
from speakout_map.maps.filters import EventFilter, filter_from_query, filter_to_query
from speakout_map.maps.focus import Focus
from speakout_map.maps.rows import counts_of
from speakout_map.maps.standalone import PageLink, standalone_html
from speakout_map.places.nearby import place_label
from speakout_map.places.place import PlacedEvent
from speakout_map.web.feeds import FeedResponse, etag_matches, filtered_events

#: Part of every ETag: bump it when the page's bytes change for the same version and query.
EMBED_REVISION = "1"
#: How long browsers and proxies may keep a page without asking again (seconds).
MAX_AGE_SECONDS = 60
RETRY_AFTER_SECONDS = 30
CONTENT_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class EmbedQuery:
    """A light embed request's query, checked: the events it keeps, the language, how the map is shown."""

    event_filter: EventFilter
    language: str
    display: Display
    #: Whether ``lang`` was in the query (else the browser's Accept-Language chose).
    language_given: bool = False

    def normalised(self) -> str:
        """The query in one canonical form (same map, same text): the ETag's and the links' part."""
        query = {**filter_to_query(self.event_filter), **display_to_query(self.display),
                 LANG_PARAMETER: self.language}
        return urlencode(sorted(query.items()))

    def map_query(self) -> dict[str, str]:
        """The full map's query for the same filter and language (the display options are the embed's own)."""
        return {**filter_to_query(self.event_filter), LANG_PARAMETER: self.language}

    @property
    def translator(self) -> Translator:
        return translator_for(self.language)


def parse_embed_query(params: Mapping[str, Sequence[str]], accept_language: str | None = None) -> EmbedQuery:
    """The checked query of a light embed request; :class:`EmbedQueryError` with the notices for any bad value.

    The filter is read by the map page's :func:`~speakout_map.maps.filters.filter_from_query`
    and the display by :func:`~speakout_map.maps.display.display_from_query`.
    A ``lang`` the app lacks gets the nearest it has, or the browser's choice.
    """
    values = {key: list(found) for key, found in params.items()}
    event_filter, filter_notices = filter_from_query(values)
    display, display_notices = display_from_query(values)
    requested = (values.get(LANG_PARAMETER) or [None])[-1]
    language = choose_language(requested, accept_language, None, available_languages()).language
    notices = filter_notices + display_notices
    if notices:
        raise EmbedQueryError(notices, language)
    return EmbedQuery(event_filter, language, display, requested is not None)


class EmbedQueryError(FeedQueryError):
    """A light embed request with bad values: the notices (messages) and the language to say them in."""

    def __init__(self, notices: Sequence[Message], language: str) -> None:
        self.notices = tuple(notices)
        self.language = language
        super().__init__("; ".join(str(notice) for notice in self.notices))


def embed_etag(query: EmbedQuery, version: int | None, going_stamp: str = "", title: str = "") -> str:
    """The strong ETag of a light embed page: the version and a digest of everything else the page shows."""
    key = f"{EMBED_REVISION}|{query.normalised()}|going={going_stamp}|title={title}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    return f'"e{version or 0}-{digest}"'


@dataclass(frozen=True)
class EmbedPlaces:
    """Where the page's links go and how the map gets its files: the route fills these from settings."""

    #: The full map's path (``/map`` under the app's base path).
    map_path: str
    #: The guide's path, linked from the "no events yet" note.
    guide_path: str
    #: The Content-Security-Policy value (:func:`~speakout_map.web.csp.page_policy`).
    policy: str
    #: :func:`~speakout_map.maps.build.map_options` of the settings.
    map_settings: Mapping[str, object]


def embed_page(query: EmbedQuery, placed: Sequence[PlacedEvent], *, title: str, places: EmbedPlaces,
               geocoder: Geocoder | None = None, going: Mapping[str, int] | None = None) -> bytes:
    """The page (UTF-8) of the query's events of ``placed`` (one published version's).

    ``going`` (counts by event UID, None: no counts) shows each event's
    "I'll be there" count in its popup. Raises FeedQueryError for a ``near``
    place that cannot be found.
    """
    t = query.translator
    shown, origin = filtered_events(placed, query.event_filter, translator=t, geocoder=geocoder)
    focus = None
    if origin is not None:
        focus = Focus(origin.latitude, origin.longitude, query.event_filter.radius_or_default, place_label(origin, t))
    going_rows = None
    if going is not None:
        going_rows = counts_of(placed, going)
    full_map = f"{places.map_path}?{urlencode(query.map_query())}"
    # Translators: the link under the light embed's map (on partner sites) to the whole app, in a new tab.
    links = [PageLink(t("Open the full map"), full_map)]
    guide = f"{places.guide_path}?{urlencode({LANG_PARAMETER: query.language})}"
    html = standalone_html(shown, display=query.display, title=title, links=links, translator=t, guide_url=guide,
                           focus=focus, going=going_rows, map_settings=places.map_settings)
    return html.encode("utf-8", errors="replace")


def _headers(policy: str, etag: str | None, language: str) -> list[tuple[str, str]]:
    headers = [
        ("Content-Type", CONTENT_TYPE),
        ("Content-Security-Policy", policy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Content-Language", language.replace("_", "-")),
        ("Vary", "Accept-Language, Accept-Encoding"),
    ]
    if etag is not None:
        headers += [("ETag", etag), ("Cache-Control", f"public, max-age={MAX_AGE_SECONDS}")]
    else:
        headers.append(("Cache-Control", "no-store"))
    return headers


def refusal_page(status: int, text: str, *, policy: str, language: str = "en") -> FeedResponse:
    """A 4xx/5xx answer: a short page of plain words (escaped), never cached; a 503 says when to try again."""
    body = (f'<!DOCTYPE html>\n<html lang="{escape_html(language.replace("_", "-"))}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title>SpeakOut Map</title></head>'
            '<body style="font: 15px/1.5 system-ui, sans-serif; margin: 1em">'
            f"<p>{escape_html(text)}</p></body></html>\n")
    headers = _headers(policy, None, language)
    if status == 503:
        headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
    return FeedResponse(status, body.encode("utf-8", errors="replace"), tuple(headers))


def bad_query_page(error: EmbedQueryError, *, policy: str) -> FeedResponse:
    """The 400 answer to bad values: each notice, in the request's language."""
    t = translator_for(error.language)
    return refusal_page(400, " ".join(t.text(notice) for notice in error.notices), policy=policy,
                        language=error.language)


#: Keeps made pages: ``keep(etag, make)`` answers ``make()``, or the bytes it kept for that ETag.
PageKeeper = Callable[[str, Callable[[], bytes]], bytes]


def answer_embed(
    query: EmbedQuery,
    *,
    version: int | None,
    published: Callable[[], Sequence[PlacedEvent]],
    title: str,
    places: EmbedPlaces,
    if_none_match: str | None = None,
    keep: PageKeeper | None = None,
    geocoder: Geocoder | None = None,
    going_stamp: str = "",
    going: Callable[[], Mapping[str, int]] | None = None,
) -> FeedResponse:
    """The answer to a checked light embed request against published ``version`` (None: nothing published).

    ``published()`` gives that version's events and ``going()`` the counts;
    both are called only when the page is made (not for a 304, nor when
    ``keep`` has it). ``going_stamp`` names the counts' snapshot (in the ETag).
    """
    etag = embed_etag(query, version, going_stamp, title)
    headers = _headers(places.policy, etag, query.language)
    if etag_matches(if_none_match, etag):
        return FeedResponse(304, b"", tuple(h for h in headers if h[0] not in ("Content-Type",)))

    def make() -> bytes:
        events = published() if version is not None else ()
        return embed_page(query, events, title=title, places=places, geocoder=geocoder,
                          going=going() if going is not None else None)

    body = keep(etag, make) if keep is not None else make()
    return FeedResponse(200, body, tuple(headers))
