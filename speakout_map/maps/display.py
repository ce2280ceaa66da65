"""How an embedded map is shown: its height, its view, its legend and list, whether it takes the page's scrolling.

The light embed (``/embed``), the static export and the share page's snippet
all carry these as URL query parameters next to the filter's
(:mod:`speakout_map.maps.filters`)::

    /embed?country=ES&height=420&zoom=5&center=40.4,-3.7&legend=0&list=1&scroll=0

* ``height``: the map's height in pixels (:data:`MIN_HEIGHT` to
  :data:`MAX_HEIGHT`); without it the map fills its frame.
* ``zoom`` and ``center`` (``lat,lon``): the starting view; without them
  the view is fitted to the events. A zoom alone is centred on the events, a
  centre alone gets :data:`CENTER_ZOOM`.
* ``legend=0``: no legend; ``list=1``: an accessible list of the events
  below the map; ``scroll=0``: the map never takes the page's scrolling
  (the wheel and a finger scroll the partner's page; zoom with + and −).

As with the filter, a bad value is dropped with a notice (a message, in the
reader's language); the route turns notices into a refusal, which the
embedder sees while setting the frame up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from speakout_map.languages.message import Message, msg

QUERY_HEIGHT = "height"
QUERY_ZOOM = "zoom"
QUERY_CENTER = "center"
QUERY_LEGEND = "legend"
QUERY_LIST = "list"
QUERY_SCROLL = "scroll"
#: Every display parameter, in the order a query writes them.
DISPLAY_KEYS = (QUERY_HEIGHT, QUERY_ZOOM, QUERY_CENTER, QUERY_LEGEND, QUERY_LIST, QUERY_SCROLL)

MIN_HEIGHT = 200
MAX_HEIGHT = 2000
#: The height the share page starts from, and the frame's when the map has none of its own.
DEFAULT_HEIGHT = 480
MIN_ZOOM = 1
MAX_ZOOM = 18
#: The zoom of a view given only its centre (a region, a few countries wide).
CENTER_ZOOM = 5
#: Longest value looked at.
MAX_VALUE = 100

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Display:
    """How the map is shown; the defaults are the full map's (fitted, legend, no list, scrolling)."""

    height: int | None = None
    zoom: int | None = None
    center: tuple[float, float] | None = None
    legend: bool = True
    list: bool = False
    scroll: bool = True

    @property
    def fitted(self) -> bool:
        """Whether the view is fitted to the events (no zoom and no centre given)."""
        return self.zoom is None and self.center is None


def _last(params: Mapping[str, object], key: str) -> str | None:
    raw = params.get(key)
    if raw is None:
        return None
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    return str(items[-1]).strip() if items else None


def _whole(text: str, key: str, low: int, high: int, notices: list[Message]) -> int | None:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        # Translators: {key} is a name in the address (height, zoom; keep it); {value!r} what followed it;
        # {low} and {high} are whole numbers.
        notices.append(msg("Ignored {key}={value!r} in the address: write a whole number from {low} to {high}.",
                           key=key, value=text[:40], low=low, high=high))
        return None
    return value


def _switch(text: str, key: str, notices: list[Message]) -> bool | None:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    # Translators: {key} is a name in the address (legend, list, scroll; keep it); {value!r} what followed it.
    notices.append(msg("Ignored {key}={value!r} in the address: write 1 (on) or 0 (off).", key=key,
                       value=text[:40]))
    return None


def _center(text: str, notices: list[Message]) -> tuple[float, float] | None:
    parts = text.split(",")
    try:
        lat, lon = (float(part) for part in parts) if len(parts) == 2 else (math.nan, math.nan)
    except ValueError:
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        # Translators: "center" is a name in the address (keep it); {value!r} is what followed it.
        notices.append(msg("Ignored center={value!r} in the address: write latitude,longitude in degrees, "
                           "like 40.42,-3.70.", value=text[:40]))
        return None
    return round(lat, 5), round(lon, 5)


def display_from_query(params: Mapping[str, object]) -> tuple[Display, tuple[Message, ...]]:
    """Read the display parameters of a URL query; returns them with notices about ignored values.

    ``params`` maps each parameter to its value or values (the last one counts).
    Parameters that are not display parameters are left alone (the filter's, ``lang``).
    """
    notices: list[Message] = []
    values: dict[str, object] = {}
    for key in DISPLAY_KEYS:
        text = _last(params, key)
        if text is None:
            continue
        if len(text) > MAX_VALUE:
            # Translators: {key} is a name in the address (keep it).
            notices.append(msg("Ignored an overlong {key} in the address.", key=key))
            continue
        if key == QUERY_HEIGHT:
            found: object = _whole(text, key, MIN_HEIGHT, MAX_HEIGHT, notices)
        elif key == QUERY_ZOOM:
            found = _whole(text, key, MIN_ZOOM, MAX_ZOOM, notices)
        elif key == QUERY_CENTER:
            found = _center(text, notices)
        else:
            found = _switch(text, key, notices)
        if found is not None:
            values[key] = found
    return Display(**values), tuple(notices)


def _degrees(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def display_to_query(display: Display) -> dict[str, str]:
    """The URL query that reproduces ``display`` (defaults left out), in :data:`DISPLAY_KEYS` order."""
    query: dict[str, str] = {}
    if display.height is not None:
        query[QUERY_HEIGHT] = str(display.height)
    if display.zoom is not None:
        query[QUERY_ZOOM] = str(display.zoom)
    if display.center is not None:
        query[QUERY_CENTER] = ",".join(_degrees(value) for value in display.center)
    if not display.legend:
        query[QUERY_LEGEND] = "0"
    if display.list:
        query[QUERY_LIST] = "1"
    if not display.scroll:
        query[QUERY_SCROLL] = "0"
    return query


def view_of(display: Display, events_center: tuple[float, float] | None,
            world: tuple[tuple[float, float], int]) -> tuple[tuple[float, float], int] | None:
    """The starting view (centre, zoom) a display asks for, None to fit the view to the events.

    A zoom alone is centred on ``events_center`` (the world's centre without
    events); a centre alone gets :data:`CENTER_ZOOM`.
    """
    if display.fitted:
        return None
    center = display.center or events_center or world[0]
    return center, display.zoom if display.zoom is not None else CENTER_ZOOM
