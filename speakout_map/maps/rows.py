"""What the browser gets of each event: one data row of public fields, and the checks that keep it safe.

The map page carries the events as ONE array of rows (:data:`DATA_FIELDS`
names the columns); the browser makes the markers, popups and tooltips
from it (``static/event_layer.js``). Only events with a finite point are
drawn. Links are kept only when they are plain http(s) addresses (the
browser checks again). ``contact_email`` is private and is never in a row.

A row is in the visitor's language: the country's name, the date, the time
and a made-up title come from their translator (English without one); the
event's own text (title, venue, ...) is shown as the organisers wrote it.

With "I'll be there" on (a :data:`GoingOf`), a row also names its event by
its UID (what the popup's button sends), how many are going (the number and
its words, "23 going", in the visitor's language) and whether this visitor
said they are; without it those fields are empty.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from speakout_map.events.formatting import time_range
from speakout_map.events.identity import UID_PATTERN, event_uids
from speakout_map.events.model import Status
from speakout_map.languages.translator import Translator, english
from speakout_map.places.place import PlacedEvent
from speakout_map.supporters.going import going_label

#: Longest description shown in a popup, in characters.
DESCRIPTION_LIMIT = 280
#: Decimal places kept of a coordinate (5 is about a metre).
COORDINATE_DECIMALS = 5

#: The columns of each data row, in order. The browser looks fields up by name.
DATA_FIELDS: tuple[str, ...] = (
    "lat",
    "lon",
    "confirmed",
    "title",
    "city",
    "region",
    "country",
    "date",
    "time",
    "venue",
    "address",
    "organiser",
    "description",
    "url",
    "googleCalendar",
    "icsFile",
    "event",
    "going",
    "goingText",
    "goingMine",
)


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """The text, or its first ``limit`` characters or so cut at a space, with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-\u2013\u2014") + "\u2026"


#: Whitespace (``\s`` is ``str.isspace`` for text patterns) and the C0 controls and DEL.
_CONTROL_OR_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")


def _has_control_or_space(text: str) -> bool:
    return _CONTROL_OR_SPACE.search(text) is not None


def safe_link(url: str) -> str:
    """The URL if it is a plain http(s) web address, else ``""``."""
    url = url.strip()
    if not url or _has_control_or_space(url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    if not url.lower().startswith(("http://", "https://")):
        return ""
    return url


def safe_guide_link(url: str) -> str:
    """The guide's address if it is a same-site path (``/guide``) or an http(s) URL, else ``""``."""
    url = url.strip()
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return "" if _has_control_or_space(url) else url
    return safe_link(url)


def has_valid_point(placed: PlacedEvent) -> bool:
    """Whether the event's place is a finite point on the globe."""
    lat, lon = placed.place.latitude, placed.place.longitude
    return (
        isinstance(lat, (int, float))
        and isinstance(lon, (int, float))
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    )


#: An event's two "Add to calendar" addresses: a Google Calendar link, and its own .ics file.
CalendarLinks = Callable[[PlacedEvent], tuple[str, str]]


#: An event's "I'll be there": its UID, how many are going, and whether this visitor is.
GoingOf = Callable[[PlacedEvent], tuple[str, int, bool]]


def going_of(uids: Mapping[PlacedEvent, str], counts: Mapping[str, int], mine: Collection[str]) -> GoingOf:
    """A :data:`GoingOf` from each event's UID, the counts by UID and the UIDs this visitor marked."""

    def of(placed: PlacedEvent) -> tuple[str, int, bool]:
        uid = uids.get(placed, "")
        return uid, counts.get(uid, 0), uid in mine

    return of


def counts_of(placed: Sequence[PlacedEvent], counts: Mapping[str, int]) -> GoingOf:
    """A :data:`GoingOf` for the events of one version (``placed``: all of them, so each has its UID) from the
    counts by UID, with no visitor of its own (a page made for everyone: the light embed, the static export)."""
    return going_of(dict(zip(placed, event_uids([p.event for p in placed]))), counts, ())


def row_position(placed: PlacedEvent) -> tuple[float, float]:
    """An event's latitude and longitude as its row gives them (rounded to :data:`COORDINATE_DECIMALS`)."""
    return (round(float(placed.place.latitude), COORDINATE_DECIMALS),
            round(float(placed.place.longitude), COORDINATE_DECIMALS))


def event_row(placed: PlacedEvent, translator: Translator | None = None,
              calendar: CalendarLinks | None = None, going: GoingOf | None = None) -> list[Any]:
    """One event as a data row in :data:`DATA_FIELDS` order (public fields only), in the translator's language.

    ``calendar`` gives the event's "Add to calendar" addresses (Google Calendar, and its
    .ics file), each kept only as a same-site path or an http(s) link.
    ``going`` gives its "I'll be there" count (none without it; nor for a UID that is not one).
    """
    t = translator or english()
    event = placed.event
    return [
        *row_position(placed),
        1 if event.status is Status.CONFIRMED else 0,
        t.text(event.title_text),
        event.city,
        event.region,
        t.country(event.country_code),
        t.date(event.date),
        t.text(time_range(event.start_time, event.end_time)),
        event.venue,
        event.address,
        event.organiser,
        shorten(event.description),
        safe_link(event.url),
        *_calendar_fields(placed, calendar),
        *_going_fields(placed, going, t),
    ]


def _calendar_fields(placed: PlacedEvent, calendar: CalendarLinks | None) -> tuple[str, str]:
    if calendar is None:
        return "", ""
    google, ics = calendar(placed)
    return safe_guide_link(google), safe_guide_link(ics)


def _going_fields(placed: PlacedEvent, going: GoingOf | None, t: Translator,
                  labels: dict[int, str] | None = None) -> tuple[str, int, str, int]:
    if going is None:
        return "", 0, "", 0
    uid, count, mine = going(placed)
    if not isinstance(uid, str) or not UID_PATTERN.fullmatch(uid):
        return "", 0, "", 0
    count = max(0, int(count))
    if labels is None:
        label = t.text(going_label(count))
    elif (label := labels.get(count)) is None:  # most events share a few counts: each one's words made once
        label = labels[count] = t.text(going_label(count))
    return uid, count, label, 1 if mine else 0


#: The fields of a row that come before its "I'll be there" ones.
_EVENT_FIELD_COUNT = len(DATA_FIELDS) - 4


def event_rows(placed: Sequence[PlacedEvent], translator: Translator | None = None,
               calendar: CalendarLinks | None = None, going: GoingOf | None = None) -> list[list[Any]]:
    """Data rows of the events that have a valid point (others cannot be drawn), in the translator's language."""
    t = translator or english()
    labels: dict[int, str] = {}
    return [[*event_row(p, t, calendar)[:_EVENT_FIELD_COUNT], *_going_fields(p, going, t, labels)]
            for p in placed if has_valid_point(p)]


def events_bounds(rows: Sequence[Sequence[Any]]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the rows' points, or ``None`` if there are none."""
    if not rows:
        return None
    lats = [row[0] for row in rows]
    lons = [row[1] for row in rows]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
