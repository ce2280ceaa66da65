"""The list that follows the map: the events the map shows, as text a screen reader and a keyboard can use.

The map page shows its events twice: on the map, and in this list below it
(real headings, text and links, a page at a time), in the same order as the
map page's own order (nearest first after a "near" search). A visitor who
cannot use the map itself reads the list; choosing "Show on the map" there
opens that event's popup on the map, and opening a pin on the map marks its
event in the list. This module is the pure part:

* :func:`entry_markdown`: one event as escaped Markdown (a heading, when,
  where, the venue, its status and link);
* :func:`clicked_event`: which shown event a click on the map opened, from
  what streamlit-folium reports (the marker's position and its tooltip's text);
* :func:`in_view`: the shown events inside the map's view, for "only what the
  map shows".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from speakout_map.escaping import escape_markdown, markdown_link
from speakout_map.events.export import place_text
from speakout_map.events.formatting import time_range
from speakout_map.events.model import Status
from speakout_map.languages.message import msg
from speakout_map.languages.translator import Translator
from speakout_map.maps.rows import COORDINATE_DECIMALS, row_position, safe_link
from speakout_map.places.place import PlacedEvent

#: Events on one page of the list.
LIST_PAGE_ROWS = 20
#: Degrees within which an event may be the one at a clicked point, before its coordinates are rounded as its row's.
_NEAR = 10.0 ** -COORDINATE_DECIMALS


def entry_markdown(placed: PlacedEvent, t: Translator, *, distance: str = "", going: str = "") -> str:
    """One event of the list as Markdown: its title as a heading, then when, where, venue, status and link.

    Every piece of the event's text is escaped (:func:`~speakout_map.escaping.escape_markdown`);
    the link is there only for an http(s) address.
    """
    e = placed.event
    when = " · ".join(part for part in (t.date(e.date), t.text(time_range(e.start_time, e.end_time))) if part)
    where = ", ".join((place_text(e), t.country(e.country_code)))
    lines = [f"#### {escape_markdown(t.text(e.title_text))}",
             escape_markdown(f"{when} — {where}" + (f" ({distance})" if distance else ""))]
    venue = ", ".join(part for part in (e.venue, e.address) if part)
    if venue:
        lines.append(escape_markdown(venue))
    last = [escape_markdown(t.text(Status(e.status).label))]
    if going:
        last.append(escape_markdown(going))
    link = safe_link(e.url)
    if link:
        last.append(markdown_link(t.text(msg("Event page")), link))
    lines.append(" · ".join(last))
    return "\n\n".join(lines)


def clicked_event(
    shown: Sequence[PlacedEvent], clicked: Mapping[str, Any] | None, tooltip: str | None, t: Translator
) -> int | None:
    """The index in ``shown`` of the event whose pin was opened, or None.

    ``clicked`` is streamlit-folium's ``last_object_clicked`` (``{"lat", "lng"}``:
    a pin's own position), ``tooltip`` its ``last_object_clicked_tooltip`` (the
    tooltip's text: the event's title, then its place). Several events in one
    place are told apart by the title the tooltip starts with; if that does not
    settle it, the first of them.
    """
    if not isinstance(clicked, Mapping):
        return None
    try:
        point = (round(float(clicked["lat"]), COORDINATE_DECIMALS), round(float(clicked["lng"]), COORDINATE_DECIMALS))
    except (KeyError, TypeError, ValueError):
        return None
    # A cheap look at the coordinates first (a click reruns the page over every shown event), then the rounding.
    near = (index for index, p in enumerate(shown)
            if abs(p.place.latitude - point[0]) < _NEAR and abs(p.place.longitude - point[1]) < _NEAR)
    here = [index for index in near if row_position(shown[index]) == point]
    if len(here) > 1 and isinstance(tooltip, str):
        titled = [index for index in here if tooltip.strip().startswith(t.text(shown[index].event.title_text))]
        here = titled or here
    return here[0] if here else None


def in_view(shown: Sequence[PlacedEvent], bounds: Mapping[str, Any] | None) -> list[PlacedEvent] | None:
    """The events of ``shown`` inside the map's view (streamlit-folium's ``bounds``), in order; None if unknown.

    Leaflet's longitudes run past ±180 when the world repeats; a view wider
    than the world holds every longitude.
    """
    try:
        south, west = float(bounds["_southWest"]["lat"]), float(bounds["_southWest"]["lng"])
        north, east = float(bounds["_northEast"]["lat"]), float(bounds["_northEast"]["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    every_longitude = east - west >= 360

    def inside(p: PlacedEvent) -> bool:
        # Its own coordinates, not the row's rounded ones: they differ by a metre at most.
        latitude, longitude = p.place.latitude, p.place.longitude
        if not south <= latitude <= north:
            return False
        if every_longitude:
            return True
        # The event's longitude, or one of its copies a world to either side, within [west, east].
        return any(west <= longitude + shift <= east for shift in (-360.0, 0.0, 360.0))

    return [p for p in shown if inside(p)]
