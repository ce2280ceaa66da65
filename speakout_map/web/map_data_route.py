"""The map data route (Starlette): ``GET <base>/api/map-data?version=N&lang=xx``, what the full app's map fetches.

The answer is the version's map data document in one language
(:func:`~speakout_map.maps.data.map_document`): every drawable event's public
row, with its calendar links and its UID. A version never changes, so each
document is made once (the feeds' :class:`~speakout_map.web.routes.FeedSource`
keeps it gzipped, by ETag) and a browser may keep it for an hour
and revalidate it (``ETag``, 304). It is public data, the same as the
feeds; no going counts, no contact details.

Refusals are short JSON, ``{"error": "..."}``: 400 for a version that is not a
number or a language the app does not speak, 404 for a version that is not
in the store, 503 when the store cannot be read (Retry-After; details in the
log only), 500 for anything unexpected.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from speakout_map.errors import SpeakOutError, VersionNotFoundError
from speakout_map.events.identity import event_uids
from speakout_map.languages.catalogues import available_languages
from speakout_map.languages.translator import translator_for
from speakout_map.maps.data import MEDIA_TYPE, calendar_links_of, map_document
from speakout_map.settings import Settings
from speakout_map.web.calendar_route import google_calendar_path
from speakout_map.web.embed_route import GZIP_LEVEL, accepts_gzip, http_response
from speakout_map.web.feeds import FeedResponse, etag_matches
from speakout_map.web.routes import FORMATS, FeedSource, app_path, feed_path

log = logging.getLogger(__name__)

MAP_DATA_PATH = "/api/map-data"
#: How long a browser may use a document before asking again (a version's document never changes; a new
#: deployment may word it differently).
MAX_AGE_SECONDS = 3600
RETRY_AFTER_SECONDS = 30
#: Longest version number taken, in digits.
MAX_VERSION_DIGITS = 12


def map_data_path(version: int, language: str, base_path: str = "") -> str:
    """The document's address under the app's base path (``/api/map-data?version=3&lang=es``)."""
    return f"{app_path(MAP_DATA_PATH, base_path)}?version={int(version)}&lang={language}"


def _refusal(status: int, text: str) -> FeedResponse:
    headers = [("Content-Type", MEDIA_TYPE), ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
    if status == 503:
        headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
    return FeedResponse(status, json.dumps({"error": text}).encode("utf-8"), tuple(headers))


def parse_map_data_query(params: Mapping[str, Sequence[str]],
                         languages: Sequence[str] | None = None) -> tuple[int, str] | FeedResponse:
    """``(version, language)`` from the query, or the 400 answer saying what is wrong."""
    versions, langs = params.get("version", []), params.get("lang", [])
    if len(versions) != 1 or not versions[0].isascii() or not versions[0].isdigit() \
            or len(versions[0]) > MAX_VERSION_DIGITS:
        return _refusal(400, "version must be one published version number, as the map page gives it")
    known = tuple(languages) if languages is not None else available_languages()
    if len(langs) != 1 or langs[0] not in known:
        return _refusal(400, f"lang must be one of {', '.join(known)}")
    return int(versions[0]), langs[0]


def map_data_etag(version: int, language: str, base_path: str = "") -> str:
    """The document's ETag: it names the version, the language and where its calendar links point."""
    where = hashlib.sha256(base_path.encode("utf-8")).hexdigest()[:8]
    return f'"map-data-{version}-{language}-{where}"'


def answer_map_data(source: FeedSource, params: Mapping[str, Sequence[str]], *, if_none_match: str | None = None,
                    base_path: str = "", languages: Sequence[str] | None = None,
                    gzip_ok: bool = False) -> FeedResponse:
    """The answer to one request: 200, 304, 400, 404, 503 or 500 (never a traceback, never a setting).

    A document is kept gzipped only (a tenth of its size: thousands of events make megabytes of JSON); with
    ``gzip_ok`` (the browser takes gzip, as every browser does) the answer is those bytes, else they are unpacked.
    """
    parsed = parse_map_data_query(params, languages)
    if isinstance(parsed, FeedResponse):
        return parsed
    number, language = parsed
    etag = map_data_etag(number, language, base_path)
    headers = (("Content-Type", MEDIA_TYPE), ("ETag", etag), ("Cache-Control", f"public, max-age={MAX_AGE_SECONDS}"),
               ("X-Content-Type-Options", "nosniff"), ("Vary", "Accept-Encoding"))
    if etag_matches(if_none_match, etag):
        return FeedResponse(304, b"", tuple(h for h in headers if h[0] != "Content-Type"))
    try:
        placed = source.version(number).events
    except VersionNotFoundError:
        return _refusal(404, "no such published version; reload the map page")
    except SpeakOutError as exc:
        log.error("the map data of version %s cannot be read [%s: %s]", number, type(exc).__name__, exc)
        return _refusal(503, "the events cannot be read right now; try again in a minute")

    def make() -> bytes:
        t = translator_for(language)
        uids = event_uids([p.event for p in placed])
        links = calendar_links_of(placed, t, ics_path=feed_path(FORMATS["ics"], base_path),
                                  google_path=google_calendar_path(base_path), uids=uids)
        return map_document(placed, t, calendar=links, uids=uids)

    try:
        packed = source.keep(f"{etag};gzip", lambda: gzip.compress(make(), compresslevel=GZIP_LEVEL, mtime=0))
    except Exception:  # noqa: BLE001 - the last line of defence: never a traceback for the visitor
        log.exception("the map data of version %s in %s could not be made", number, language)
        return _refusal(500, "the map's data could not be made; the server's log says why")
    if gzip_ok:
        return FeedResponse(200, packed, (*headers, ("Content-Encoding", "gzip")))
    return FeedResponse(200, gzip.decompress(packed), headers)


def map_data_routes(settings: Callable[[], Settings], *, base_path: str = "",
                    source: FeedSource | None = None) -> list[BaseRoute]:
    """The map data route (GET and HEAD) for ``st.App(routes=...)``, on the feeds' :class:`FeedSource`."""
    source = source or FeedSource(settings)

    # A plain function: Starlette runs it in its thread pool, so reads and renders never block the event loop.
    def map_data(request: Request) -> Response:
        params = {key: request.query_params.getlist(key) for key in request.query_params.keys()}
        answer = answer_map_data(source, params, if_none_match=request.headers.get("if-none-match"),
                                 base_path=base_path, gzip_ok=accepts_gzip(request.headers.get("accept-encoding")))
        return http_response(answer, request.method == "HEAD")

    return [Route(app_path(MAP_DATA_PATH, base_path), map_data, methods=["GET", "HEAD"], name="map_data")]
