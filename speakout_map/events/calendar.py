"""Events as calendar entries: an iCalendar (``.ics``) file for one event or for a list of events.

What goes in (built only from the public fields: ``contact_email`` never
enters a calendar entry):

- **Time.** The event's local time in its venue's time zone: ``DTSTART`` and
  ``DTEND`` carry ``TZID`` = the IANA zone of the event's place
  (``PlacedEvent.place.timezone``, from the gazetteer), and the calendar
  carries a ``VTIMEZONE`` for each zone used, covering the events' years.
  A place without a known zone gets *floating* local time (no ``TZID``): the
  reader's calendar shows the clock time as written, in whatever zone the
  reader is in. Without a start time the entry is **all-day** (``DTSTART``
  and ``DTEND`` as ``DATE`` values, ending the next day); an end time alone is
  then said in the description. The end is the event's end time (the next
  day when it is not after the start: past midnight), else the start plus
  :data:`DEFAULT_DURATION` (2 hours).
- **UID**: the event's identity across published versions
  (:mod:`speakout_map.events.identity`), so that a re-import or a feed
  refresh updates the entry instead of adding another.
- **Text.** ``SUMMARY`` is the title (or the made-up one, in the
  translator's language); ``LOCATION`` the venue, address, city, region and country;
  ``URL`` the event's link when it is a plain http(s) address
  (:func:`speakout_map.maps.rows.safe_link`); ``DESCRIPTION`` the "details to
  come" note, an end time without a start, the description, the organiser
  and the link; ``STATUS`` is ``TENTATIVE`` for details to come, else
  ``CONFIRMED``; ``GEO`` the point the map shows. Event text is hostile:
  line breaks are kept as line breaks (``\\r\\n`` and ``\\r`` become ``\\n``),
  other control characters are dropped, and ``;``, ``,``, ``\\`` and line
  breaks are escaped as RFC 5545 says (:func:`escape_text`), so no text can
  end a property or start a component; long lines are folded.

The file is checked by parsing it back with the icalendar package (the
tests), which also writes the ``VTIMEZONE`` components.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

from speakout_map.events.formatting import time_range
from speakout_map.events.diff import normalise
from speakout_map.events.identity import uids_within
from speakout_map.events.model import Event, Status
from speakout_map.languages.message import Text, msg
from speakout_map.languages.translator import Translator, english
from speakout_map.maps.rows import has_valid_point, safe_link
from speakout_map.places.place import PlacedEvent

#: How long an event with a start time but no end time is taken to last.
DEFAULT_DURATION = dt.timedelta(hours=2)
PRODUCT_ID = "-//SpeakOut Map//Events//EN"
#: The media type of an .ics download or feed.
MEDIA_TYPE = "text/calendar; charset=utf-8"

# Translators: the name of a calendar of events from the map, as a calendar app lists it.
DEFAULT_CALENDAR_NAME = msg("SpeakOut Map events")

_UTC = dt.timezone.utc
#: C0 controls but tab and line feed, DEL, and lone surrogates (which UTF-8 cannot carry).
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*")


# --- one calendar entry ---------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    """One event as any calendar takes it: the same data for the .ics file and the Google Calendar link."""

    uid: str
    summary: str
    #: A date (all-day) or a datetime: aware in the venue's zone, or naive (floating local time).
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    #: The IANA zone of ``start`` and ``end``; "" for all-day entries and floating time.
    timezone: str
    location: str
    url: str
    description: str
    tentative: bool
    latitude: float | None = None
    longitude: float | None = None

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)


def clean_text(text: str) -> str:
    """Event text for a calendar: line breaks as ``\\n``, no other control characters, no lone surrogates."""
    return _UNWANTED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@functools.lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo | None:
    """The IANA time zone of that name, or None when there is none (floating time).

    Only names a ``TZID`` can carry as they are (letters, digits, ``/``, ``_``,
    ``+``, ``-``) and for which a ``VTIMEZONE`` can be made.
    """
    if not _ZONE_NAME.fullmatch(name):
        return None
    try:
        found = ZoneInfo(name)
        icalendar.Timezone.from_tzid(name, first_date=dt.date(2000, 1, 1), last_date=dt.date(2001, 1, 1))
    except Exception:  # noqa: BLE001 - any zone that cannot be written is floating time, whatever failed
        return None
    return found


def _times(event: Event, tz: ZoneInfo | None) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime]:
    if event.start_time is None:
        return event.date, event.date + dt.timedelta(days=1)
    start = dt.datetime.combine(event.date, event.start_time)
    if event.end_time is None:
        end = start + DEFAULT_DURATION
    else:
        end = dt.datetime.combine(event.date, event.end_time)
        if end <= start:
            end += dt.timedelta(days=1)  # past midnight
    if tz is not None:
        start, end = start.replace(tzinfo=tz), end.replace(tzinfo=tz)
    return start, end


def _location(placed: PlacedEvent, t: Translator) -> str:
    event = placed.event
    parts: list[str] = []
    seen: set[str] = set()
    for part in (event.venue, event.address, event.city, event.region, t.country(event.country_code)):
        part = clean_text(part).strip()
        if part and part.casefold() not in seen:  # "Madrid, Madrid" once
            seen.add(part.casefold())
            parts.append(part)
    return ", ".join(parts)


def _description(event: Event, url: str, t: Translator) -> str:
    paragraphs: list[str] = []
    if Status(event.status) is Status.DETAILS_TO_COME:
        paragraphs.append(t.text(Status.DETAILS_TO_COME.label))
    if event.start_time is None and event.end_time is not None:
        paragraphs.append(t.text(time_range(None, event.end_time)))
    if event.description.strip():
        paragraphs.append(clean_text(event.description).strip())
    if event.organiser.strip():
        paragraphs.append(t.text(msg("Organised by {organiser}", organiser=clean_text(event.organiser).strip())))
    if url:
        paragraphs.append(url)
    return "\n\n".join(paragraphs)


def calendar_entry(placed: PlacedEvent, *, uid: str, translator: Translator | None = None) -> CalendarEntry:
    """What a calendar gets of one placed event (public fields only), in the translator's language."""
    t = translator or english()
    event = placed.event
    tz = zone(placed.place.timezone) if event.start_time is not None else None
    start, end = _times(event, tz)
    url = safe_link(event.url)
    point = has_valid_point(placed)
    return CalendarEntry(
        uid=uid,
        summary=clean_text(t.text(event.title_text)).strip(),
        start=start,
        end=end,
        timezone=placed.place.timezone if tz is not None else "",
        location=_location(placed, t),
        url=url,
        description=_description(event, url, t),
        tentative=Status(event.status) is Status.DETAILS_TO_COME,
        latitude=float(placed.place.latitude) if point else None,
        longitude=float(placed.place.longitude) if point else None,
    )


# --- the .ics file ----------------------------------------------------------------
# The VEVENTs are written here, line by line, as RFC 5545 says; icalendar makes the VTIMEZONEs (and the
# tests parse every file back with it). Two reasons: icalendar 7.3's writer turns a literal "\N" in text
# into a line break (its escaping reads "\N" as RFC 5545's escaped newline), and it takes about a
# millisecond an event, too slow for a feed of many thousands.

#: Longest content line in octets, before folding (RFC 5545, 3.1).
_LINE_OCTETS = 75


def escape_text(text: str) -> bytes:
    """A TEXT value (RFC 5545, 3.3.11): ``\\``, ``;``, ``,`` and line breaks escaped, as UTF-8."""
    return (
        clean_text(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    ).encode("utf-8")


def fold(line: bytes) -> bytes:
    """One content line, folded at 75 octets (never inside a UTF-8 character), ending in CRLF."""
    if len(line) <= _LINE_OCTETS:
        return line + b"\r\n"
    pieces = []
    start, limit = 0, _LINE_OCTETS
    while start < len(line):
        end = min(start + limit, len(line))
        while end < len(line) and line[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            end -= 1
        pieces.append(line[start:end])
        start, limit = end, _LINE_OCTETS - 1  # a folded line starts with a space
    return b"\r\n ".join(pieces) + b"\r\n"


def _clock(value: dt.date | dt.datetime) -> str:
    """``20130903`` or ``20130903T190000`` (formatted by hand: strftime is slow for a feed of thousands)."""
    day = f"{value.year:04d}{value.month:02d}{value.day:02d}"
    if not isinstance(value, dt.datetime):
        return day
    return f"{day}T{value.hour:02d}{value.minute:02d}{value.second:02d}"


def _when(name: str, value: dt.date | dt.datetime, timezone: str) -> bytes:
    if not isinstance(value, dt.datetime):
        return f"{name};VALUE=DATE:{_clock(value)}".encode("ascii")
    if not timezone:
        return f"{name}:{_clock(value)}".encode("ascii")  # floating local time
    return f"{name};TZID={timezone}:{_clock(value)}".encode("ascii")


def _vevent(entry: CalendarEntry, stamp: bytes) -> bytes:
    lines = [
        b"BEGIN:VEVENT",
        b"UID:" + escape_text(entry.uid),
        stamp,
        _when("DTSTART", entry.start, entry.timezone),
        _when("DTEND", entry.end, entry.timezone),
        b"SUMMARY:" + escape_text(entry.summary),
        b"STATUS:TENTATIVE" if entry.tentative else b"STATUS:CONFIRMED",
    ]
    if entry.location:
        lines.append(b"LOCATION:" + escape_text(entry.location))
    if entry.url:
        lines.append(b"URL:" + entry.url.encode("utf-8"))  # a URI value: checked by safe_link, not escaped
    if entry.description:
        lines.append(b"DESCRIPTION:" + escape_text(entry.description))
    if entry.latitude is not None and entry.longitude is not None:
        lines.append(f"GEO:{entry.latitude:.6f};{entry.longitude:.6f}".encode("ascii"))
    lines.append(b"END:VEVENT")
    return b"".join(fold(line) for line in lines)


@functools.lru_cache(maxsize=256)
def _vtimezone(name: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of a zone for whole years (so the year's changes, summer time, are all in it)."""
    timezone = icalendar.Timezone.from_tzid(name, first_date=dt.date(first_year, 1, 1),
                                            last_date=dt.date(last_year + 1, 1, 1))
    return timezone.to_ical()


def _stamp(stamp: dt.datetime | None) -> bytes:
    if stamp is None:
        stamp = dt.datetime.now(_UTC)
    elif stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=_UTC)
    return f"DTSTAMP:{stamp.astimezone(_UTC):%Y%m%dT%H%M%SZ}".encode("ascii")


def calendar_ics(
    placed: Sequence[PlacedEvent],
    *,
    name: Text = DEFAULT_CALENDAR_NAME,
    translator: Translator | None = None,
    among: Sequence[PlacedEvent] | None = None,
    stamp: dt.datetime | None = None,
    uids: Sequence[str] | None = None,
) -> bytes:
    """The events as one iCalendar file (UTF-8 bytes, CRLF lines), one VEVENT each, in order.

    ``name`` (text or a message, in the translator's language) is the
    calendar's name (``NAME`` and ``X-WR-CALNAME``, on one line: its spaces and
    line breaks become single spaces). ``among`` is the list the UIDs are
    counted in (:func:`~speakout_map.events.identity.event_uids`): pass the
    published version's events when ``placed`` is a filtered part of them (``None``: ``placed``
    itself). ``stamp`` is every entry's ``DTSTAMP`` (``None``: now); pass the
    version's publication time, so that one version always gives the same
    bytes. ``uids``, when given, are the events' UIDs (one each, in order; e.g.
    from :func:`~speakout_map.events.identity.event_uids` of the version,
    computed once), and ``among`` is not used. A calendar without events is still a valid file.
    """
    t = translator or english()
    events = [p.event for p in placed]
    if uids is None:
        uids = uids_within(events, events if among is None else [p.event for p in among])
    elif len(uids) != len(events):
        raise ValueError(f"{len(uids)} UIDs for {len(events)} events")
    entries = [calendar_entry(item, uid=uid, translator=t) for item, uid in zip(placed, uids, strict=True)]
    title = escape_text(" ".join(clean_text(t.text(name)).split()))  # a name is one line
    parts = [
        b"BEGIN:VCALENDAR\r\n",
        fold(b"PRODID:" + escape_text(PRODUCT_ID)),
        b"VERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n",
        fold(b"NAME:" + title),
        fold(b"X-WR-CALNAME:" + title),
    ]
    zones = sorted({entry.timezone for entry in entries if entry.timezone})
    if zones:
        years = [entry.start.year for entry in entries if entry.timezone]
        parts.extend(_vtimezone(z, min(years), max(years) + 1) for z in zones)
    when = _stamp(stamp)
    parts.extend(_vevent(entry, when) for entry in entries)
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


def event_ics(
    placed: PlacedEvent,
    *,
    name: Text | None = None,
    translator: Translator | None = None,
    among: Sequence[PlacedEvent] = (),
    stamp: dt.datetime | None = None,
    uid: str | None = None,
) -> bytes:
    """One event as an iCalendar file (the "Add to calendar" download of a popup or table row).

    ``name`` is the calendar's name (``None``: the event's title). Pass the
    published version's events as ``among`` so the UID is the one the feed
    and the list download give this event (see :func:`calendar_ics`), or,
    for many rows, its ``uid`` from :func:`~speakout_map.events.identity.event_uids` of the version computed
    once (``among`` costs a pass over the version each call).
    """
    t = translator or english()
    return calendar_ics(
        [placed],
        name=t.text(placed.event.title_text) if name is None else name,
        translator=t,
        among=among or None,
        stamp=stamp,
        uids=None if uid is None else [uid],
    )


def ics_filename(text: str, *, fallback: str = "events") -> str:
    """A safe download name ending in ``.ics`` made from text (ASCII letters, digits and dashes)."""
    stem = re.sub(r"[^a-z0-9]+", "-", normalise(text).encode("ascii", "ignore").decode("ascii"))[:60].strip("-")
    return f"{stem or fallback}.ics"
