"""Dates and times of events as people read them, the same whatever the server's locale."""

from __future__ import annotations

import datetime as dt

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- text for the popups ---------------------------------------------------


def format_date(day: dt.date) -> str:
    """``Tue 3 Sep 2013``, the same whatever the server's locale."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_time_range(start: dt.time | None, end: dt.time | None) -> str:
    """``18:30–20:00 local time``, ``18:30 local time``, ``until 20:00 local time`` or ``""``."""
    if start and end:
        return f"{start:%H:%M}\u2013{end:%H:%M} local time"
    if start:
        return f"{start:%H:%M} local time"
    if end:
        return f"until {end:%H:%M} local time"
    return ""
