"""The live feeds: a published version and a query in, an HTTP answer out (pure; no server, no store).

``/feeds/events.geojson``, ``/feeds/events.csv`` and ``/feeds/events.ics``
serve the published events to partner sites, calendars and spreadsheets. Each
takes the map's query (``country``, ``from``, ``to``, ``near``, ``radius``),
parsed by the map page's own
:func:`speakout_map.maps.filters.filter_from_query`, plus ``lang`` for the
texts of the calendar. With ``near`` a feed holds only the events within the
radius (none of the page's "nearest anyway"), nearest first. Where the
page ignores a bad value with a notice, a feed refuses the request
(:class:`~speakout_map.errors.FeedQueryError`, answered 400 with a one-line
English reason: it is read by developers). A real country without events is
not an error: a subscription to ``?country=FR`` starts empty and fills up.
Parameters the feeds do not know (a cache buster such as ``_=123``) are
ignored.

Only public columns leave through here: the CSV and GeoJSON come from
:mod:`speakout_map.events.export` with ``include_private=False`` (the CSV
formula-safe), the calendar from :mod:`speakout_map.events.calendar`. The
CSV and the GeoJSON also say how many people are going to each event (the
``going`` column and property; "I'll be there" counts, by the event's UID
within the whole version); the calendar does not.

Caching: the answer depends only on the published version, the feed, the
normalised query (and the language, for the calendar) and, for the feeds
with counts, a stamp of the "I'll be there" marks (their number and the
latest one's time, which changes with any count), so those make a strong
:func:`feed_etag`; ``If-None-Match`` with it gets a 304 without a
body, and ``Cache-Control: public, max-age=300`` lets browsers, reverse
proxies and CDNs keep an answer five minutes (a new version is visible
after at most that long). :data:`FEED_REVISION` is part of every ETag: change
it whenever a feed's output changes for the same data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from geopy.geocoders.base import Geocoder

from speakout_map.errors import FeedQueryError, PlaceNotFoundError
from speakout_map.events.calendar import MEDIA_TYPE as CALENDAR_MEDIA_TYPE
from speakout_map.events.calendar import calendar_ics
from speakout_map.events.identity import UID_PATTERN, event_uids, uids_within
from speakout_map.events.export import events_to_csv, geojson_text
from speakout_map.languages.catalogues import SOURCE_LANGUAGE, available_languages
from speakout_map.languages.choosing import LANG_PARAMETER, choose_language, normalise_tag
from speakout_map.languages.translator import Translator, english, translator_for
from speakout_map.maps.filters import EventFilter, apply_filter, filter_from_query, filter_to_query
from speakout_map.places.nearby import events_near, resolve_place
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.store.store import Version

#: Part of every ETag: bump it when a feed's bytes change for the same version and query (a new column, a fix).
FEED_REVISION = "2"
#: How long browsers, proxies and CDNs may keep an answer without asking again (seconds).
MAX_AGE_SECONDS = 300
#: How long a client should wait before asking again after a 503 (seconds).
RETRY_AFTER_SECONDS = 30
#: Longest ``If-None-Match`` header looked at (a longer one matches nothing).
MAX_IF_NONE_MATCH = 4000
#: Longest reason a refusal gives (one line).
MAX_REASON_CHARS = 300


@dataclass(frozen=True)
class FeedFormat:
    """One feed: its name (the file extension), what it is served as, and whether ``lang`` changes it."""

    name: str
    content_type: str
    uses_language: bool = False
    #: Whether the feed has each event's "I'll be there" count (``going``).
    has_going: bool = False

    @property
    def filename(self) -> str:
        """The file name a download of the feed gets (``Content-Disposition``)."""
        return f"speakout-events.{self.name}"


GEOJSON = FeedFormat("geojson", "application/geo+json", has_going=True)
CSV = FeedFormat("csv", "text/csv; charset=utf-8", has_going=True)
ICS = FeedFormat("ics", CALENDAR_MEDIA_TYPE, uses_language=True)
#: The parameter of one event's calendar (its value: an event's UID, events.identity).
EVENT_PARAMETER = "event"

#: The feeds by name; each is served at ``/feeds/events.<name>``.
FORMATS: Mapping[str, FeedFormat] = {feed.name: feed for feed in (GEOJSON, CSV, ICS)}


@dataclass(frozen=True)
class FeedQuery:
    """A feed request's query, checked: the events it keeps and the language of its texts."""

    event_filter: EventFilter
    #: One of the app's languages (English when ``lang`` is absent or names a language the app lacks).
    language: str = SOURCE_LANGUAGE
    #: ``?event=``: one event only, by its calendar UID (an event's "Add to calendar" link); "" for all.
    event: str = ""

    def normalised(self, feed: FeedFormat) -> str:
        """The query in one canonical form (same filter, same text), as the ETag and a link use it."""
        query = dict(filter_to_query(self.event_filter))
        if feed.uses_language:
            query[LANG_PARAMETER] = self.language
        if self.event:
            query[EVENT_PARAMETER] = self.event
        return urlencode(sorted(query.items()))

    @property
    def translator(self) -> Translator:
        return translator_for(self.language)


@dataclass(frozen=True)
class FeedResponse:
    """What to answer: a status, the body's bytes and the headers (names as sent)."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        """The value of one header (any case), None without it."""
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_REASON_CHARS else line[: MAX_REASON_CHARS - 1] + "…"


def _language(params: Mapping[str, Sequence[str]]) -> str:
    values = params.get(LANG_PARAMETER) or []
    if not values:
        return SOURCE_LANGUAGE
    requested = values[-1]
    if not normalise_tag(requested[:40]):
        raise FeedQueryError(_one_line(f"Bad query: lang={requested[:40]!r} is not a language tag (e.g. es or en)."))
    return choose_language(requested, None, None, available_languages()).language


def _event(params: Mapping[str, Sequence[str]]) -> str:
    values = params.get(EVENT_PARAMETER) or []
    if not values:
        return ""
    if not UID_PATTERN.fullmatch(values[-1]):
        raise FeedQueryError(_one_line(f"Bad query: event={values[-1][:80]!r} is not an event's calendar UID."))
    return values[-1]


def parse_feed_query(params: Mapping[str, Sequence[str]]) -> FeedQuery:
    """The checked query of a feed request; :class:`FeedQueryError` (a one-line reason) for any bad value.

    ``params`` maps each parameter to its values, in order (a repeated
    ``country`` adds countries; the last ``from``, ``to`` or ``lang`` wins).
    The filter is read by the map page's own
    :func:`~speakout_map.maps.filters.filter_from_query`; every notice it
    would show on the page is a refusal here. A ``lang`` the app has no
    catalogue for gets the nearest it has, or English, as on the page.
    """
    event_filter, notices = filter_from_query({key: list(values) for key, values in params.items()})
    if notices:
        more = f" (and {len(notices) - 1} more)" if len(notices) > 1 else ""
        raise FeedQueryError(_one_line(f"Bad query: {notices[0]}{more}"))
    return FeedQuery(event_filter, _language(params), _event(params))


def going_stamp_text(stamp: tuple[int, dt.datetime | None] | None) -> str:
    """The "I'll be there" marks' stamp (:meth:`~speakout_map.store.going_marks.GoingStore.stamp`) as ETag text."""
    if stamp is None:
        return ""
    count, latest = stamp
    return f"{int(count)}@{latest.isoformat() if latest is not None else ''}"


def feed_etag(feed: FeedFormat, query: FeedQuery, version: int | None, going_stamp: str = "",
              calendar_name: str | None = None) -> str:
    """The strong ETag of a feed's answer: the version's number and a digest of the feed and its normalised query.

    ``version`` None (an empty store) is version 0. For a feed with counts
    (:attr:`FeedFormat.has_going`), ``going_stamp`` (:func:`going_stamp_text`)
    is in the digest too, so a new "I'll be there" gives a new ETag; for the
    calendar, its ``calendar_name`` (the campaign's, from the settings), so a
    renamed campaign is fetched again. Same version, feed, query (stamp and
    name): same ETag, in any process.
    """
    key = f"{FEED_REVISION}|{feed.name}|{query.normalised(feed)}"
    if feed.has_going:
        key += f"|going={going_stamp}"
    if feed is ICS and calendar_name is not None:
        key += f"|name={calendar_name}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    return f'"v{version or 0}-{digest}"'


_ENTITY_TAG = re.compile(r'\s*(?:W/)?("[^"]*")\s*(?:,|$)')


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, as RFC 9110 says; ``*`` matches).

    A malformed or overlong header matches nothing, so the full answer is sent.
    """
    if not if_none_match or len(if_none_match) > MAX_IF_NONE_MATCH:
        return False
    header = if_none_match.strip()
    if header == "*":
        return True
    position, tags = 0, []
    while position < len(header):
        found = _ENTITY_TAG.match(header, position)
        if found is None or found.end() == position:
            return False
        tags.append(found.group(1))
        position = found.end()
    return etag.removeprefix("W/") in tags


def feed_events(
    feed: FeedFormat, query: FeedQuery, placed: Sequence[PlacedEvent], *, geocoder: Geocoder | None = None
) -> tuple[PlacedEvent, ...]:
    """The events a feed shows: the query's dates and countries, sorted as the map's table (country names in
    English, except in the calendar, which sorts in its language); with ``near``, only those within the
    radius of that place, nearest first (:func:`filtered_events`).
    """
    translator = query.translator if feed.uses_language else english()
    if query.event:  # one event, whatever the other filters say (its UID is its place in the whole version)
        uids = event_uids([p.event for p in placed])
        return tuple(p for p, uid in zip(placed, uids) if uid == query.event)
    return filtered_events(placed, query.event_filter, translator=translator, geocoder=geocoder)[0]


def filtered_events(
    placed: Sequence[PlacedEvent], event_filter: EventFilter, *, translator: Translator,
    geocoder: Geocoder | None = None,
) -> tuple[tuple[PlacedEvent, ...], Place | None]:
    """The events a filter keeps, as the feeds and the light embed show them, and the ``near`` place (or None).

    Sorted as the map's table (country names in the translator's language);
    with ``near``, only those within the radius of that place, nearest first
    (none of the page's "nearest anyway"). ``near`` is resolved with
    ``geocoder`` (the routes give the offline gazetteer; an ambiguous name
    means its likeliest place, as on the command line): a place it cannot
    find is a :class:`FeedQueryError`.
    """
    kept = apply_filter(placed, event_filter, translator=translator)
    near = event_filter.near
    if not near:
        return kept, None
    if geocoder is None:
        raise ValueError("a geocoder is needed to answer a query with near=")
    try:
        origin = resolve_place(near, geocoder).best
    except PlaceNotFoundError as exc:
        raise FeedQueryError(_one_line(f"Bad query: near={near[:80]!r}: {str(exc).rstrip('.')}.")) from exc
    nearby = events_near(kept, origin, event_filter.radius_or_default, fallback=0)
    return (() if nearby.none_within else tuple(nearby.events)), origin


def feed_body(
    feed: FeedFormat,
    query: FeedQuery,
    placed: Sequence[PlacedEvent],
    *,
    published_at: dt.datetime | None = None,
    geocoder: Geocoder | None = None,
    going: Mapping[str, int] | None = None,
    calendar_name: str | None = None,
) -> bytes:
    """The bytes of a feed (UTF-8): the query's events of ``placed`` (one published version's), public columns only.

    The CSV is the upload format without a BOM (the charset is in the
    ``Content-Type``), formula-safe; the GeoJSON is
    :func:`~speakout_map.events.export.geojson_text`; the calendar is
    :func:`~speakout_map.events.calendar.calendar_ics`, its UIDs counted
    among all of ``placed`` (as the map's own downloads count them) and
    ``published_at`` as every entry's ``DTSTAMP``, so one version and query
    always give the same bytes. A lone surrogate
    (not text, cannot be UTF-8) becomes ``?``. Raises FeedQueryError for a
    ``near`` place that cannot be found (see :func:`feed_events`).

    ``going`` (the "I'll be there" counts by event UID; see
    :meth:`~speakout_map.store.going_marks.GoingStore.counts`) adds the
    ``going`` column to the CSV and property to the GeoJSON: each event's
    count, its UID counted among all of ``placed`` (0 for an event nobody
    marked). Without it, neither has one.

    ``calendar_name`` is the calendar's name (the campaign's; ``None``:
    :data:`~speakout_map.events.calendar.DEFAULT_CALENDAR_NAME`).
    """
    shown = feed_events(feed, query, placed, geocoder=geocoder)
    counts = _going_counts(shown, placed, going) if going is not None and feed.has_going else None
    if feed is CSV:
        # Each event's id (its UID among the whole version), so that an edited feed can be uploaded to add and update.
        text = events_to_csv([p.event for p in shown], include_private=False, bom=False, going=counts,
                             ids=uids_within([p.event for p in shown], [p.event for p in placed]))
    elif feed is GEOJSON:
        text = geojson_text(shown, include_private=False, going=counts)
    elif feed is ICS:
        named = {"name": calendar_name} if calendar_name is not None else {}
        return calendar_ics(shown, translator=query.translator, among=placed, stamp=published_at, **named)
    else:
        raise ValueError(f"no feed called {feed.name!r}; the feeds are {', '.join(FORMATS)}")
    return text.encode("utf-8", errors="replace")


def _going_counts(shown: Sequence[PlacedEvent], placed: Sequence[PlacedEvent], going: Mapping[str, int]) -> list[int]:
    uids = uids_within([p.event for p in shown], [p.event for p in placed])
    return [int(going.get(uid, 0)) for uid in uids]


def _shared_headers(etag: str | None) -> list[tuple[str, str]]:
    headers = [("Access-Control-Allow-Origin", "*"), ("X-Content-Type-Options", "nosniff")]
    if etag is not None:
        headers += [("ETag", etag), ("Cache-Control", f"public, max-age={MAX_AGE_SECONDS}")]
    return headers


def feed_ok(feed: FeedFormat, query: FeedQuery, etag: str, body: bytes) -> FeedResponse:
    """The 200 answer: the body, its type and file name, the ETag and caching headers, open to every origin."""
    headers = [
        ("Content-Type", feed.content_type),
        ("Content-Disposition", f'inline; filename="{feed.filename}"'),
        *_shared_headers(etag),
    ]
    if feed.uses_language:
        headers.append(("Content-Language", query.language.replace("_", "-")))
    return FeedResponse(200, body, tuple(headers))


def not_modified(etag: str) -> FeedResponse:
    """The 304 answer to a matching ``If-None-Match``: no body, the same ETag and caching headers."""
    return FeedResponse(304, b"", tuple(_shared_headers(etag)))


def refusal(status: int, reason: str) -> FeedResponse:
    """A 4xx/5xx answer: one line of plain English text, never cached (503s say when to try again)."""
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store"), *_shared_headers(None)]
    if status == 503:
        headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
    return FeedResponse(status, (_one_line(reason) + "\n").encode("utf-8", errors="replace"), tuple(headers))


#: Keeps made bodies: ``keep(etag, make)`` answers ``make()``, or the bytes it kept for that ETag.
BodyKeeper = Callable[[str, Callable[[], bytes]], bytes]


def answer_feed(
    feed: FeedFormat,
    query: FeedQuery,
    *,
    version: int | None,
    published: Callable[[], Version],
    if_none_match: str | None = None,
    keep: BodyKeeper | None = None,
    geocoder: Geocoder | None = None,
    going_stamp: str = "",
    going: Callable[[], Mapping[str, int]] | None = None,
    calendar_name: str | None = None,
) -> FeedResponse:
    """The answer to a checked feed request against published ``version`` (None: nothing published yet).

    ``published()`` gives that version; it is called only when a body
    is made (not for a 304, nor when ``keep`` has the body already).
    ``geocoder`` resolves ``near`` (see :func:`feed_events`); a place it
    cannot find raises FeedQueryError. For a feed with counts, ``going()``
    gives the "I'll be there" counts by UID (called, like ``published()``,
    only when a body is made) and ``going_stamp`` (:func:`going_stamp_text`
    of the marks' stamp) goes into the ETag. ``calendar_name`` names the
    calendar (and goes into its ETag).
    """
    etag = feed_etag(feed, query, version, going_stamp, calendar_name)
    if etag_matches(if_none_match, etag):
        return not_modified(etag)

    def make() -> bytes:
        counts = going() if going is not None and feed.has_going else None
        if version is None:
            return feed_body(feed, query, (), geocoder=geocoder, going=counts, calendar_name=calendar_name)
        found = published()
        return feed_body(feed, query, found.events, published_at=found.info.created_at, geocoder=geocoder,
                         going=counts, calendar_name=calendar_name)

    body = keep(etag, make) if keep is not None else make()
    return feed_ok(feed, query, etag, body)
