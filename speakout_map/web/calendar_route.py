"""An event's "Add to Google Calendar" (Starlette): ``GET <base>/feeds/google-calendar?event=UID&lang=xx``.

The answer sends the browser on (303 See Other) to Google Calendar's page
with the event filled in (:func:`~speakout_map.events.calendar_links.google_calendar_link`),
made when the visitor asks for it. Each such link is most of a kilobyte, so
a map and a table of thousands of events link here instead of carrying one
per event. The event is named by its UID in the published version, as its
.ics file is (``/feeds/events.ics?event=``), so the link keeps working when
the list is published again. Nothing is sent to Google by us: the visitor's
browser opens its page.

A query that is not an event's UID (or a language tag) is a 400, an event no
longer published a 404, a store that cannot be read a 503 (Retry-After):
one line of plain text each, the details in the log only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from speakout_map.errors import FeedQueryError
from speakout_map.events.calendar_links import google_calendar_link
from speakout_map.events.identity import event_uids
from speakout_map.settings import Settings
from speakout_map.web.embed_route import http_response
from speakout_map.web.feeds import FeedResponse, parse_feed_query, refusal
from speakout_map.web.routes import FEEDS_PATH, FeedSource, app_path

log = logging.getLogger(__name__)

GOOGLE_CALENDAR_PATH = f"{FEEDS_PATH}/google-calendar"


def google_calendar_path(base_path: str = "") -> str:
    """The route's path under the app's base path (an event's link adds ``?event=UID&lang=xx``)."""
    return app_path(GOOGLE_CALENDAR_PATH, base_path)


def answer_google_calendar(source: FeedSource, params: Mapping[str, Sequence[str]]) -> FeedResponse:
    """303 to the event's Google Calendar page, or a one-line 400, 404, 503 or 500."""
    try:
        query = parse_feed_query({key: values for key, values in params.items() if key in ("event", "lang")})
    except FeedQueryError as exc:
        return refusal(400, str(exc))
    if not query.event:
        return refusal(400, "Bad query: event= names the event by its calendar UID, as the map's links do.")
    try:
        number = source.latest_number()
        placed = source.version(number).events if number is not None else ()
    except Exception as exc:  # noqa: BLE001 - a store that fails is a 503, its details for the log only
        log.error("the Google Calendar link cannot read the published events [%s: %s]", type(exc).__name__, exc)
        return refusal(503, "The events cannot be read right now; try again in a minute.")
    try:
        found = next((p for p, uid in zip(placed, event_uids([p.event for p in placed])) if uid == query.event),
                     None)
        if found is None:
            return refusal(404, "This event is no longer on the map: reload the map for the current list.")
        link = google_calendar_link(found, translator=query.translator)
    except Exception:  # noqa: BLE001 - the last line of defence: never a traceback for the visitor
        log.exception("the Google Calendar link of %s could not be made", query.event)
        return refusal(500, "The link could not be made; the server's log says why.")
    return FeedResponse(303, b"", (("Location", link), ("Cache-Control", "private, max-age=300"),
                                   ("Referrer-Policy", "no-referrer")))


def calendar_routes(settings: Callable[[], Settings], *, base_path: str = "",
                    source: FeedSource | None = None) -> list[BaseRoute]:
    """The route (GET and HEAD) for ``st.App(routes=...)``, on the feeds' :class:`FeedSource`."""
    source = source or FeedSource(settings)

    # A plain function: Starlette runs it in its thread pool, so reads never block the event loop.
    def google_calendar(request: Request) -> Response:
        params = {key: request.query_params.getlist(key) for key in request.query_params.keys()}
        return http_response(answer_google_calendar(source, params), request.method == "HEAD")

    return [Route(google_calendar_path(base_path), google_calendar, methods=["GET", "HEAD"], name="google_calendar")]
