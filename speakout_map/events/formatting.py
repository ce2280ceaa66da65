"""Dates and times of events as people read them, the same whatever the server's locale.

The English forms are built here (``Tue 3 Sep 2013``, ``18:30–20:00 local
time``). Times are messages (:func:`time_range`, :func:`table_time_range`),
so each reader gets them in their language from their translator; dates in
other languages come from :mod:`speakout_map.languages.localising`, which
uses :func:`format_date` for English.
"""

from __future__ import annotations

import datetime as dt

from speakout_map.languages.message import Text, msg

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _clock(time: dt.time) -> str:
    """``18:30``: hours and minutes on the 24-hour clock, as the events file writes them."""
    return f"{time:%H:%M}"


# --- text for the popups ---------------------------------------------------


def format_date(day: dt.date) -> str:
    """``Tue 3 Sep 2013``, the same whatever the server's locale (the English form; see ``Translator.date``)."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def time_range(start: dt.time | None, end: dt.time | None) -> Text:
    """``18:30–20:00 local time``, ``18:30 local time``, ``until 20:00 local time`` (messages) or ``""``."""
    if start and end:
        # Translators: an event's start and end times, in the time zone of the city where it happens.
        return msg("{start}\u2013{end} local time", start=_clock(start), end=_clock(end))
    if start:
        # Translators: an event's start time (no end time known), in the time zone of the city where it happens.
        return msg("{start} local time", start=_clock(start))
    if end:
        # Translators: an event's end time (no start time known), in the time zone of the city where it happens.
        return msg("until {end} local time", end=_clock(end))
    return ""


def format_time_range(start: dt.time | None, end: dt.time | None) -> str:
    """:func:`time_range` in English."""
    return str(time_range(start, end))


# --- text for the events table ---------------------------------------------


def table_time_range(start: dt.time | None, end: dt.time | None) -> Text:
    """``18:30–20:00`` (a message) or ``18:30``; ``""`` without a start time (an end alone says little in a table).

    The table's column is headed "Time" and says nothing of the time zone, so
    these are separate from :func:`time_range` rather than cut out of its text.
    """
    if start is None:
        return ""
    if end is None:
        return _clock(start)
    # Translators: an event's start and end times in the events table (its column is headed "Time").
    return msg("{start}\u2013{end}", start=_clock(start), end=_clock(end))
