"""The feeds' HTTP routes (Starlette), mounted next to the Streamlit pages by ``app.py``.

``app.py`` passes ``st.App(..., routes=feed_routes(settings, base_path=...))``;
``settings`` is a function giving the app's settings (``app.py`` reads them
from the environment and ``st.secrets``: the library never imports
Streamlit). The routes run outside any Streamlit session, in Starlette's
thread pool (the store is read synchronously).

One :class:`FeedSource` per process opens the store once (publishing the
seed events into an empty one, as the pages do), keeps the events of the
latest versions (versions never change) and the bodies made last (by
ETag), so a request costs one small query for the published version's
number (and, for the feeds with "I'll be there" counts, one for the marks'
stamp, which is in their ETag). A store that cannot be opened or read is answered 503 with a short
reason; what went wrong goes to the log (never a traceback or a setting to
the client), and opening is tried again after :data:`REOPEN_AFTER_SECONDS`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from geopy.geocoders.base import Geocoder
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from speakout_map.campaign import Campaign, campaign_from_settings
from speakout_map.errors import FeedQueryError, SpeakOutError, StoreError
from speakout_map.places.gazetteer import GazetteerGeocoder
from speakout_map.settings import Settings
from speakout_map.store.publishing import open_published_store
from speakout_map.store.store import Store, Version
from speakout_map.web.feeds import (
    FORMATS,
    ICS,
    FeedFormat,
    FeedResponse,
    answer_feed,
    going_stamp_text,
    parse_feed_query,
    refusal,
)

log = logging.getLogger(__name__)

#: Where the feeds are served (after the app's base path): ``/feeds/events.csv`` and so on.
FEEDS_PATH = "/feeds"
#: After a failed opening of the store, requests are answered 503 for this long before it is tried again.
REOPEN_AFTER_SECONDS = 10.0
#: Published versions whose events are kept in memory.
VERSIONS_KEPT = 2
#: Bytes of made feed bodies kept in memory (the least recently used go first).
BODY_BYTES_KEPT = 32 * 1024 * 1024
#: How long a request waits for another that is making the same body before making its own.
WAIT_FOR_BODY_SECONDS = 30.0

UNAVAILABLE = "The events cannot be read right now; try again in a minute."
FAILED = "The feed could not be made; the server's log says why."


def _open_gazetteer(settings: Settings) -> Geocoder:
    return GazetteerGeocoder.from_cache_dir(settings.cache_dir)


class FeedSource:
    """The published events for the feeds: the store opened once per process, recent versions and bodies kept.

    Thread-safe. ``settings`` is called when the store is first opened (and
    again after a failure); ``open_store`` is
    :func:`~speakout_map.store.publishing.open_published_store` unless a
    test gives another.
    """

    def __init__(
        self,
        settings: Callable[[], Settings],
        *,
        open_store: Callable[[Settings], Store] = open_published_store,
        open_geocoder: Callable[[Settings], Geocoder] = _open_gazetteer,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._open_store = open_store
        self._open_geocoder = open_geocoder
        self._clock = clock
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._opened_with: Settings | None = None
        self._geocoder: Geocoder | None = None
        self._failed_at: float | None = None
        self._versions: OrderedDict[int, Version] = OrderedDict()
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._body_bytes = 0
        self._making: dict[str, threading.Event] = {}

    def store(self) -> Store:
        """The store, opened on first use; raises what opening raised (and, shortly after, StoreError)."""
        with self._lock:
            if self._store is not None:
                return self._store
            if self._failed_at is not None and self._clock() - self._failed_at < REOPEN_AFTER_SECONDS:
                raise StoreError("the event store failed to open a moment ago; trying again in a few seconds")
            try:
                settings = self._settings()
                self._store = self._open_store(settings)
            except BaseException:
                self._failed_at = self._clock()
                raise
            self._opened_with, self._failed_at = settings, None
            return self._store

    def settings(self) -> Settings:
        """The settings the store was opened with (opening it first if it is not open yet)."""
        self.store()
        with self._lock:
            if self._opened_with is None:  # closed meanwhile
                raise StoreError("the event store was closed")
            return self._opened_with

    def campaign(self) -> Campaign:
        """The campaign of the settings the store was opened with (its name names the calendar feed).

        SettingsError for bad campaign settings. Built on each call: cheap.
        """
        return campaign_from_settings(self.settings())

    def geocoder(self) -> Geocoder:
        """The offline gazetteer, for ``near`` (opened on first use, once the store is open).

        Never the online service: anyone can send any ``near``, and each
        unknown name would wait for the service's rate limit.
        """
        self.store()
        with self._lock:
            if self._geocoder is None:
                self._geocoder = self._open_geocoder(self._opened_with)
            return self._geocoder

    def latest_number(self) -> int | None:
        """The published version's number (one small query), None while nothing is published."""
        return self.store().latest_number()

    def version(self, number: int) -> Version:
        """Version ``number`` with its events, read once and kept (a version never changes)."""
        with self._lock:
            if number in self._versions:
                self._versions.move_to_end(number)
                return self._versions[number]
        found = self.store().get(number)
        with self._lock:
            self._versions[number] = found
            while len(self._versions) > VERSIONS_KEPT:
                self._versions.popitem(last=False)
        return found

    def keep(self, etag: str, make: Callable[[], bytes]) -> bytes:
        """The body made for ``etag`` (an ETag names the bytes exactly), made now if it is not kept.

        One body is made at a time per ETag: a burst of requests for a new one
        waits for the first to make it (up to :data:`WAIT_FOR_BODY_SECONDS`),
        so it costs one render, not one per request.
        """
        with self._lock:
            if etag in self._bodies:
                self._bodies.move_to_end(etag)
                return self._bodies[etag]
            making = self._making.get(etag)
            if making is None:
                self._making[etag] = making = threading.Event()
                owner = True
            else:
                owner = False
        if not owner:
            making.wait(WAIT_FOR_BODY_SECONDS)
            with self._lock:
                if etag in self._bodies:
                    self._bodies.move_to_end(etag)
                    return self._bodies[etag]
            return make()  # the first one failed (or was too slow, or the body too big to keep): make our own
        try:
            body = make()
            if len(body) <= BODY_BYTES_KEPT:
                with self._lock:
                    if etag not in self._bodies:
                        self._bodies[etag] = body
                        self._body_bytes += len(body)
                    while self._body_bytes > BODY_BYTES_KEPT:
                        _, dropped = self._bodies.popitem(last=False)
                        self._body_bytes -= len(dropped)
            return body
        finally:
            with self._lock:
                self._making.pop(etag, None)
            making.set()

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
            if self._geocoder is not None and hasattr(self._geocoder, "close"):
                self._geocoder.close()
            self._store = self._geocoder = self._opened_with = None
            self._versions.clear()
            self._bodies.clear()
            self._body_bytes = 0


def _response(answer: FeedResponse) -> Response:
    response = Response(answer.body if answer.status != 304 else None, status_code=answer.status)
    for name, value in answer.headers:
        response.headers[name] = value
    return response


def answer_request(feed: FeedFormat, source: FeedSource, request: Request) -> FeedResponse:
    """The answer to one HTTP request for ``feed``: 200, 304, 400 (bad query), 503 (no store) or 500."""
    params = {key: request.query_params.getlist(key) for key in request.query_params.keys()}
    try:
        query = parse_feed_query(params)
    except FeedQueryError as exc:
        return refusal(400, str(exc))
    try:
        version = source.latest_number()
        stamp = going_stamp_text(source.store().going().stamp()) if feed.has_going else ""
    except Exception as exc:  # noqa: BLE001 - a store that fails is a 503, its details for the log only
        log.error("the %s feed cannot read the published version [%s: %s]", feed.name, type(exc).__name__, exc)
        return refusal(503, UNAVAILABLE)
    try:
        calendar_name = source.campaign().name if feed is ICS else None
    except SpeakOutError as exc:  # bad campaign settings: the operator's to fix
        log.error("the %s feed has no calendar name [%s: %s]", feed.name, type(exc).__name__, exc)
        return refusal(500, FAILED)
    try:
        return answer_feed(
            feed, query, version=version, published=lambda: source.version(version),
            if_none_match=request.headers.get("if-none-match"), keep=source.keep,
            geocoder=source.geocoder() if query.event_filter.near else None,
            going_stamp=stamp, going=lambda: source.store().going().counts(), calendar_name=calendar_name,
        )  # fmt: skip
    except FeedQueryError as exc:  # a near= place that cannot be found
        return refusal(400, str(exc))
    except SpeakOutError as exc:
        log.error("the %s feed cannot read version %s [%s: %s]", feed.name, version, type(exc).__name__, exc)
        return refusal(503, UNAVAILABLE)
    except Exception:  # noqa: BLE001 - the last line of defence: never a traceback for the client
        log.exception("the %s feed of version %s failed", feed.name, version)
        return refusal(500, FAILED)


def _endpoint(feed: FeedFormat, source: FeedSource) -> Callable[[Request], Response]:
    # A plain function: Starlette runs it in its thread pool, so the store's reads never block the event loop.
    def endpoint(request: Request) -> Response:
        return _response(answer_request(feed, source, request))

    endpoint.__name__ = f"feed_{feed.name}"
    return endpoint


def app_path(path: str, base_path: str = "") -> str:
    """``path`` (``/feeds/...``) under the app's base path (Streamlit's ``server.baseUrlPath``, e.g. ``campaign``)."""
    name = base_path.strip().strip("/")
    return (f"/{name}" if name else "") + path


def feed_path(feed: FeedFormat, base_path: str = "") -> str:
    """A feed's path under the app's base path (:func:`app_path`)."""
    return app_path(f"{FEEDS_PATH}/events.{feed.name}", base_path)


def feed_paths(base_path: str = "", feeds: Sequence[FeedFormat] | None = None) -> dict[str, FeedFormat]:
    """Each feed's path (:func:`feed_path`), to the feed served there."""
    return {feed_path(feed, base_path): feed for feed in (feeds or FORMATS.values())}


def feed_routes(
    settings: Callable[[], Settings],
    *,
    base_path: str = "",
    feeds: Sequence[FeedFormat] | None = None,
    source: FeedSource | None = None,
) -> list[BaseRoute]:
    """The feeds' routes (GET and HEAD) for ``st.App(routes=...)``, sharing one :class:`FeedSource`."""
    source = source or FeedSource(settings)
    return [
        Route(path, _endpoint(feed, source), methods=["GET", "HEAD"], name=f"feed_{feed.name}")
        for path, feed in feed_paths(base_path, feeds).items()
    ]
