"""The light embed's HTTP route (Starlette), mounted next to the Streamlit pages by ``app.py``: ``GET /embed``.

It shares the feeds' :class:`~speakout_map.web.routes.FeedSource` (the store
opened once, recent versions and made bodies kept, one render per ETag even
in a burst) and answers with :func:`speakout_map.web.embed.answer_embed`.
The "I'll be there" counts it shows are a snapshot taken at most once a
minute (:class:`GoingSnapshot`), so clicks elsewhere do not make every
visitor's page new. Each page is also kept gzipped (made once per ETag,
like the page), so a browser that takes gzip costs no compression per
request; Streamlit's own gzip leaves an answer that says its encoding alone.
As with the feeds, a store that cannot be read is a
503 and anything unexpected a 500, each a short page, the details in the log.
"""

from __future__ import annotations

import gzip
import logging
import threading
import time
from collections.abc import Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from speakout_map.errors import FeedQueryError, SpeakOutError
from speakout_map.maps.build import map_options, missing_assets_message
from speakout_map.settings import Settings
from speakout_map.web.csp import FRAME_ANY, page_policy
from speakout_map.web.embed import (
    EmbedPlaces,
    EmbedQueryError,
    answer_embed,
    bad_query_page,
    parse_embed_query,
    refusal_page,
)
from speakout_map.web.feeds import FeedResponse, going_stamp_text
from speakout_map.web.routes import FeedSource, app_path

log = logging.getLogger(__name__)

EMBED_PATH = "/embed"
#: The most seconds the counts shown in the light embed lag behind the clicks.
GOING_REFRESH_SECONDS = 60.0
#: The policy of an answer made before the settings could be read (a short page of text only).
FALLBACK_POLICY = f"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors {FRAME_ANY}"

UNAVAILABLE = "The map cannot be shown right now; try again in a minute."
FAILED = "The map could not be made; the server's log says why."


class GoingSnapshot:
    """The "I'll be there" counts and their stamp, read again at most every :data:`GOING_REFRESH_SECONDS`."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 refresh_seconds: float = GOING_REFRESH_SECONDS) -> None:
        self._clock = clock
        self._refresh = refresh_seconds
        self._lock = threading.Lock()
        self._taken: tuple[float, str, Mapping[str, int]] | None = None

    def get(self, source: FeedSource) -> tuple[str, Mapping[str, int]]:
        """``(stamp text, counts by UID)``, as of at most a minute ago; raises what the store raises."""
        with self._lock:
            if self._taken is not None and self._clock() - self._taken[0] < self._refresh:
                return self._taken[1], self._taken[2]
        marks = source.store().going()
        stamp, counts = going_stamp_text(marks.stamp()), dict(marks.counts())
        with self._lock:
            self._taken = (self._clock(), stamp, counts)
        return stamp, counts


def embed_places(settings: Settings, base_path: str = "") -> EmbedPlaces:
    """The page's links, policy and map settings, from the app's settings."""
    policy = page_policy(frame_ancestors=settings.embed_frame_ancestors, tiles_url=settings.map_tiles,
                         assets=settings.assets, asset_base_url=settings.asset_base_url)
    return EmbedPlaces(map_path=app_path("/map", base_path), guide_path=app_path("/guide", base_path),
                       policy=policy, map_settings=map_options(settings))


def answer_embed_request(source: FeedSource, request: Request, *, base_path: str = "",
                         snapshot: GoingSnapshot | None = None) -> FeedResponse:
    """The answer to one light embed request: 200, 304, 400 (bad query), 503 (no store or files) or 500."""
    try:
        settings = source.settings()
        places = embed_places(settings, base_path)
        title = source.campaign().name
    except SpeakOutError as exc:  # the store cannot be opened, or the settings are bad: the operator's to fix
        log.error("the light embed cannot start [%s: %s]", type(exc).__name__, exc)
        return refusal_page(503, UNAVAILABLE, policy=FALLBACK_POLICY)
    params = {key: request.query_params.getlist(key) for key in request.query_params.keys()}
    try:
        query = parse_embed_query(params, request.headers.get("accept-language"))
    except EmbedQueryError as exc:
        return bad_query_page(exc, policy=places.policy)
    missing = missing_assets_message(settings)
    if missing:
        log.error("the light embed cannot draw the map: %s", missing)
        return refusal_page(503, UNAVAILABLE, policy=places.policy, language=query.language)
    try:
        version = source.latest_number()
        stamp, counts = (snapshot or GoingSnapshot()).get(source)
    except Exception as exc:  # noqa: BLE001 - a store that fails is a 503, its details for the log only
        log.error("the light embed cannot read the published version [%s: %s]", type(exc).__name__, exc)
        return refusal_page(503, UNAVAILABLE, policy=places.policy, language=query.language)
    try:
        return answer_embed(
            query, version=version, published=lambda: source.version(version).events, title=title,
            places=places, if_none_match=request.headers.get("if-none-match"), keep=source.keep,
            geocoder=source.geocoder() if query.event_filter.near else None, going_stamp=stamp,
            going=lambda: counts,
        )
    except FeedQueryError as exc:  # a near= place that cannot be found
        t = query.translator
        log.info("light embed: %s", exc)
        # Translators: the light embed's answer when its address names a place ("near") that cannot be found.
        return refusal_page(400, t("The place “{place}” in the address was not found. Write a town or city and "
                                   "its country, like “Cork, Ireland”.", place=query.event_filter.near[:80]),
                            policy=places.policy, language=query.language)
    except SpeakOutError as exc:
        log.error("the light embed cannot read version %s [%s: %s]", version, type(exc).__name__, exc)
        return refusal_page(503, UNAVAILABLE, policy=places.policy, language=query.language)
    except Exception:  # noqa: BLE001 - the last line of defence: never a traceback for the visitor
        log.exception("the light embed of version %s failed", version)
        return refusal_page(500, FAILED, policy=places.policy, language=query.language)


#: How hard the kept gzipped copy of a page is compressed (made once per page, so the best).
GZIP_LEVEL = 9


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header takes gzip (``gzip`` or ``*``, not with ``q=0``)."""
    for part in (accept_encoding or "")[:1000].split(","):
        name, _, parameters = part.partition(";")
        if name.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


def gzipped(answer: FeedResponse, keep: Callable[[str, Callable[[], bytes]], bytes]) -> FeedResponse:
    """A 200 answer's body gzipped (kept by its ETag, made once), with ``Content-Encoding`` and ``Vary`` to say so."""
    etag = answer.header("ETag")
    if answer.status != 200 or etag is None:
        return answer
    body = keep(f"{etag};gzip", lambda: gzip.compress(answer.body, compresslevel=GZIP_LEVEL, mtime=0))
    headers = [(name, value) for name, value in answer.headers if name.lower() != "vary"]
    headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Language, Accept-Encoding")]
    return FeedResponse(200, body, tuple(headers))


def http_response(answer: FeedResponse, head: bool) -> Response:
    """The Starlette response of an answer (for HEAD: its headers and length, no body)."""
    response = Response(answer.body if answer.status != 304 and not head else None, status_code=answer.status)
    for name, value in answer.headers:
        response.headers[name] = value
    if head and answer.status != 304:
        response.headers["Content-Length"] = str(len(answer.body))
    return response


def embed_routes(settings: Callable[[], Settings], *, base_path: str = "",
                 source: FeedSource | None = None) -> list[BaseRoute]:
    """The light embed's route (GET and HEAD) for ``st.App(routes=...)``, on the feeds' :class:`FeedSource`."""
    source = source or FeedSource(settings)
    snapshot = GoingSnapshot()

    # A plain function: Starlette runs it in its thread pool, so reads and renders never block the event loop.
    def embed(request: Request) -> Response:
        answer = answer_embed_request(source, request, base_path=base_path, snapshot=snapshot)
        if accepts_gzip(request.headers.get("accept-encoding")):
            answer = gzipped(answer, source.keep)
        return http_response(answer, request.method == "HEAD")

    return [Route(app_path(EMBED_PATH, base_path), embed, methods=["GET", "HEAD"], name="light_embed")]


def embed_path(base_path: str = "") -> str:
    """The light embed's path under the app's base path."""
    return app_path(EMBED_PATH, base_path)

