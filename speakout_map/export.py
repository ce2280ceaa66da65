"""Public views of events: the table under the map.

Only public fields leave through here; ``contact_email`` never does.
"""

from __future__ import annotations

from collections.abc import Iterable

from .countries import country_name
from .events import PlacedEvent, Status
from .mapping import format_date

#: Columns of the public events table, in order.
TABLE_COLUMNS: tuple[str, ...] = ("Date", "Time", "City", "Country", "Event", "Venue", "Status", "Link")


def format_time(placed: PlacedEvent) -> str:
    e = placed.event
    if e.start_time is None:
        return ""
    text = e.start_time.strftime("%H:%M")
    if e.end_time is not None:
        text += "–" + e.end_time.strftime("%H:%M")
    return text


def table_rows(placed: Iterable[PlacedEvent]) -> list[dict[str, str]]:
    """One dict per event with the public table's columns (plain text, escaped by the renderer)."""
    rows = []
    for p in placed:
        e = p.event
        venue = ", ".join(part for part in (e.venue, e.address) if part)
        rows.append(
            {
                "Date": format_date(e.date),
                "Time": format_time(p),
                "City": e.city,
                "Country": country_name(e.country_code),
                "Event": e.display_title,
                "Venue": venue,
                "Status": Status(e.status).label,
                "Link": e.url,
            }
        )
    return rows


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$&\"'=")


def escape_markdown(text: str) -> str:
    """Backslash-escape every Markdown/HTML-significant character so text renders literally."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text.replace("\n", " "))
