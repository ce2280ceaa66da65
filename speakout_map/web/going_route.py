"""The "I'll be there" route (Starlette): ``POST <base>/api/going``, what the map's popups click.

The popup cannot reach the visitor's Streamlit session, so the map page hands
the browser this session's *going pass*
(:func:`~speakout_map.supporters.going.going_pass`) and the route takes the
session from it (:func:`~speakout_map.supporters.going.session_of_pass`).
The request::

    POST /api/going
    Content-Type: application/json

    {"event": "<the event's UID>", "pass": "<going pass>", "lang": "es"}

``lang`` (optional) is the language of the ``label`` in the answer. The
answer is JSON: ``{"count": 24, "counted": true, "label": "24 going"}``
(``counted`` is false when this session had already said it is going: the
count is unchanged). Refusals are JSON too, ``{"error": "<one line of
English>"}``: 400 for a bad body or pass, 404 for an event that is not on
the published map, 415 without ``Content-Type: application/json`` (so a
plain cross-site form cannot post), 403 for a request a browser marks as
sent from another site, 413 for a body too long, 429 with ``Retry-After``
when the client clicked too often (the same limits, and the same client
keys, as the map page's own button: its session and, where the
``organiser_client_address`` setting trusts one, its address), and 503
when the store fails (details in the log only). Nothing is cached
(``Cache-Control: no-store``), no other origin may read an answer, and no
answer holds a traceback or any event text.

The route shares the feeds' :class:`~speakout_map.web.routes.FeedSource`
(the store opened once per process, versions kept), and works out the UIDs
of each published version once.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from speakout_map.errors import RateLimitedError, SpeakOutError, UnknownEventError
from speakout_map.events.identity import UID_PATTERN, event_uids
from speakout_map.languages.catalogues import SOURCE_LANGUAGE, available_languages
from speakout_map.languages.choosing import choose_language, normalise_tag
from speakout_map.languages.translator import translator_for
from speakout_map.organisers.clients import client_address
from speakout_map.organisers.throttle import utc_now
from speakout_map.settings import Settings
from speakout_map.supporters.going import client_secret, going_label, say_going, session_of_pass
from speakout_map.supporters.guards import GOING_LIMITS, Limit, RateLimiter, client_keys
from speakout_map.web.routes import FeedSource, app_path

log = logging.getLogger(__name__)

#: Where the route is served (after the app's base path).
GOING_PATH = "/api/going"
#: Longest request body read (a UID, a pass and a language tag need a few hundred bytes).
MAX_BODY_BYTES = 2048
#: Published versions whose UIDs are kept in memory.
UID_VERSIONS_KEPT = 2
#: How long a client should wait after a 503 (seconds).
RETRY_AFTER_SECONDS = 30
#: ``Sec-Fetch-Site`` values of requests that did not come from this site's own pages.
FOREIGN_SITES = frozenset({"cross-site", "same-site"})
#: Longest ``lang`` looked at.
MAX_LANG_CHARS = 40

UNAVAILABLE = "The counts cannot be changed right now; try again in a minute."
FAILED = "The click could not be counted; the server's log says why."


def going_path(base_path: str = "") -> str:
    """The route's path under the app's base path (:func:`~speakout_map.web.routes.app_path`)."""
    return app_path(GOING_PATH, base_path)


@dataclass(frozen=True)
class GoingReply:
    """What to answer: a status, a JSON object, and extra headers (names as sent)."""

    status: int
    body: dict
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def _refusal(status: int, reason: str, *headers: tuple[str, str]) -> GoingReply:
    return GoingReply(status, {"error": reason}, tuple(headers))


@dataclass(frozen=True)
class GoingRequest:
    """A request's body, checked: the event's UID, the session the pass names, the label's language."""

    event: str
    session: str
    language: str


class BadGoingRequest(ValueError):
    """The body is not a going request (the message is the 400's one line of English)."""


def _language(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_LANG_CHARS or not normalise_tag(value):
        return SOURCE_LANGUAGE
    return choose_language(value, None, None, available_languages()).language


def parse_going_body(body: bytes, secret: str) -> GoingRequest:
    """The checked request of a body; :class:`BadGoingRequest` for anything else (a bad pass too)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadGoingRequest("Bad request: the body is not JSON.") from exc
    if not isinstance(data, dict):
        raise BadGoingRequest("Bad request: the body must be a JSON object with event and pass.")
    event, token = data.get("event"), data.get("pass")
    if not isinstance(event, str) or not UID_PATTERN.fullmatch(event):
        raise BadGoingRequest("Bad request: event must be an event's UID.")
    session = session_of_pass(secret, token)
    if not session:
        raise BadGoingRequest("Bad request: the pass is not valid; reload the map to get a new one.")
    return GoingRequest(event, session, _language(data.get("lang")))


class GoingService:
    """Answers "I'll be there" requests against the store of a :class:`FeedSource` (thread-safe)."""

    def __init__(self, source: FeedSource, *, limits: Sequence[Limit] = GOING_LIMITS,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._source = source
        self._limits = tuple(limits)
        self._clock = clock
        self._lock = threading.Lock()
        self._secret: str | None = None
        self._uids: OrderedDict[int, frozenset[str]] = OrderedDict()

    def secret(self) -> str:
        """The site's client secret (read from the store once)."""
        with self._lock:
            if self._secret is not None:
                return self._secret
        found = client_secret(self._source.store())
        with self._lock:
            self._secret = found
        return found

    def published_uids(self) -> frozenset[str]:
        """The UIDs of the published version's events (worked out once per version; none before any)."""
        number = self._source.latest_number()
        if number is None:
            return frozenset()
        with self._lock:
            if number in self._uids:
                self._uids.move_to_end(number)
                return self._uids[number]
        uids = frozenset(event_uids([p.event for p in self._source.version(number).events]))
        with self._lock:
            self._uids[number] = uids
            while len(self._uids) > UID_VERSIONS_KEPT:
                self._uids.popitem(last=False)
        return uids

    def address(self, connection: str | None, forwarded_for: Sequence[str]) -> str | None:
        """The client's trusted address, as the ``organiser_client_address`` setting says to find it."""
        return client_address(self._source.settings().organiser_client_address, connection, forwarded_for)

    def answer(self, body: bytes, *, connection: str | None = None, forwarded_for: Sequence[str] = ()) -> GoingReply:
        """The answer to a body already checked for its type and size (see :func:`answer_going`)."""
        try:
            secret = self.secret()
            try:
                request = parse_going_body(body, secret)
            except BadGoingRequest as exc:
                return _refusal(400, str(exc))
            client = client_keys(secret, request.session, self.address(connection, forwarded_for))
            store = self._source.store()
            limiter = RateLimiter(store.client_actions(), self._limits, clock=self._clock)
            answer = say_going(request.event, session=request.session, client=client, store=store,
                               published_uids=self.published_uids(), now=self._clock(), limiter=limiter,
                               secret=secret)
        except UnknownEventError:
            return _refusal(404, "This event is not on the map (any more); reload the map.")
        except RateLimitedError as exc:
            seconds = max(1, math.ceil(exc.retry_after_seconds))
            return GoingReply(429, {"error": "Too many clicks from here; try again later.", "retryAfter": seconds},
                              (("Retry-After", str(seconds)),))
        except SpeakOutError as exc:  # the store failed (or could not be opened)
            log.error("an \"I'll be there\" could not be counted [%s: %s]", type(exc).__name__, exc)
            return _refusal(503, UNAVAILABLE, ("Retry-After", str(RETRY_AFTER_SECONDS)))
        except Exception:  # noqa: BLE001 - the last line of defence: never a traceback for the client
            log.exception("an \"I'll be there\" failed")
            return _refusal(500, FAILED)
        label = translator_for(request.language).text(going_label(answer.count))
        return GoingReply(200, {"count": answer.count, "counted": answer.counted, "label": label})


def _is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is longer than ``limit`` bytes (read no further)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def answer_going(service: GoingService, request: Request) -> GoingReply:
    """The answer to one HTTP request: the checks of the request itself, then :meth:`GoingService.answer`."""
    if request.headers.get("sec-fetch-site", "").strip().lower() in FOREIGN_SITES:
        return _refusal(403, "Refused: this route only answers the map's own pages.")
    if not _is_json(request.headers.get("content-type")):
        return _refusal(415, "Refused: send the body as Content-Type: application/json.")
    body = await _read_body(request, MAX_BODY_BYTES)
    if body is None:
        return _refusal(413, "Refused: the body is too long.")
    connection = request.client.host if request.client is not None else None
    return await run_in_threadpool(service.answer, body, connection=connection,
                                   forwarded_for=request.headers.getlist("x-forwarded-for"))


def _response(reply: GoingReply) -> Response:
    response = Response(json.dumps(reply.body, ensure_ascii=True), status_code=reply.status,
                        media_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    for name, value in reply.headers:
        response.headers[name] = value
    return response


def going_routes(
    settings: Callable[[], Settings],
    *,
    base_path: str = "",
    source: FeedSource | None = None,
    limits: Sequence[Limit] = GOING_LIMITS,
    clock: Callable[[], datetime] = utc_now,
) -> list[BaseRoute]:
    """The "I'll be there" route (POST only) for ``st.App(routes=...)``; pass the feeds' ``source`` to share it."""
    service = GoingService(source or FeedSource(settings), limits=limits, clock=clock)

    async def going_endpoint(request: Request) -> Response:
        return _response(await answer_going(service, request))

    return [Route(going_path(base_path), going_endpoint, methods=["POST"], name="going")]
