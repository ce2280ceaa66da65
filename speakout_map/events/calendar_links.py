"""An "Add to Google Calendar" link for an event, from the same data as its .ics entry.

It is only a link the visitor follows: Google's page opens with the event
filled in for them to save; nothing is sent anywhere by us. The times are
the event's local times with ``ctz`` = the venue's IANA zone (as the .ics
``TZID``); an all-day event has dates only; floating time (no known zone)
has no ``ctz``, so Google takes the clock time in the visitor's own zone.
Google has no field for a link, so the event's link (when it is a plain
http(s) address) ends the details, as it ends the .ics description.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from speakout_map.events.calendar import calendar_entry
from speakout_map.languages.translator import Translator
from speakout_map.maps.rows import shorten
from speakout_map.places.place import PlacedEvent

GOOGLE_CALENDAR_URL = "https://calendar.google.com/calendar/render"
#: Longest details text in the link, in characters (browsers and Google refuse very long addresses).
DETAILS_LIMIT = 1500


def _google_time(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y%m%dT%H%M%S")  # local clock time, read in ctz
    return value.strftime("%Y%m%d")


def google_calendar_link(placed: PlacedEvent, *, translator: Translator | None = None) -> str:
    """``https://calendar.google.com/calendar/render?action=TEMPLATE&text=...&dates=...&ctz=...&details=...&location=...``.

    Every value is URL-encoded; ``ctz`` only for timed events in a known
    zone, ``details`` and ``location`` only when there is something to say.
    (Google takes no UID from a link, so none is made.)
    """
    entry = calendar_entry(placed, uid="", translator=translator)
    params = [
        ("action", "TEMPLATE"),
        ("text", entry.summary),
        ("dates", f"{_google_time(entry.start)}/{_google_time(entry.end)}"),
    ]
    if entry.timezone:
        params.append(("ctz", entry.timezone))
    if entry.description:
        details = entry.description
        if len(details) > DETAILS_LIMIT:
            # Keep the link (the last paragraph) whole; shorten what comes before it.
            body, link = (details[: -len(entry.url)], entry.url) if entry.url else (details, "")
            details = shorten(body, DETAILS_LIMIT - len(link) - 2) + ("\n\n" + link if link else "")
        params.append(("details", details))
    if entry.location:
        params.append(("location", entry.location))
    return f"{GOOGLE_CALENDAR_URL}?{urlencode(params, quote_via=quote, safe='')}"
