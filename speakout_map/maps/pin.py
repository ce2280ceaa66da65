"""A small map of one point: where a proposed event will be, for its host to check and move with a click.

The "Propose an event" page shows it after checking the form: a pin where the
event was placed (or the whole world when it could not be), and the host
clicks the map to move the pin (streamlit-folium returns the click; it does
not return where a dragged marker was dropped). The map carries no event
text at all, only the point, so nothing a host typed reaches its page.

It loads the same files as the event map (:func:`~speakout_map.maps.build.map_options`
gives the settings): Leaflet from :mod:`speakout_map.maps.assets`, never
folium's CDN defaults, and the offline basemap under the tiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium

from speakout_map.maps import assets as asset_files
from speakout_map.maps.build import WORLD_CENTER, WORLD_ZOOM, base_map
from speakout_map.settings import DEFAULT_TILES_ATTRIBUTION, DEFAULT_TILES_URL, TILES_OFF

#: Close enough to see the streets around the pin, on tiles.
PIN_ZOOM = 12
#: Without tiles the basemap has only country outlines: enough to see the country around the pin.
OUTLINE_ZOOM = 6
#: The pin: a ring in the campaign's colour, drawn as a vector (no marker image to fetch).
PIN_COLOUR = "#d6336c"
PIN_RADIUS = 10
#: Decimal places kept of a clicked point: about a metre, more than a host can aim.
CLICK_DECIMALS = 5

@dataclass(frozen=True)
class Point:
    """A latitude and longitude in decimal degrees, on the map."""

    latitude: float
    longitude: float

    def cells(self) -> tuple[str, str]:
        """The point as the form's latitude and longitude fields."""
        return format_degrees(self.latitude), format_degrees(self.longitude)


def format_degrees(value: float) -> str:
    """Degrees as the form's fields take them: at most :data:`CLICK_DECIMALS` decimals, no trailing zeros."""
    text = f"{round(value, CLICK_DECIMALS):.{CLICK_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def wrap_longitude(longitude: float) -> float:
    """A longitude brought into -180..180 (a click on a world map panned past the date line is beyond it)."""
    if -180.0 <= longitude <= 180.0:
        return longitude
    wrapped = round((longitude + 180.0) % 360.0 - 180.0, 9)  # no float dust from the modulo
    return 180.0 if wrapped == -180.0 and longitude > 0 else wrapped


def point_of(latitude: object, longitude: object) -> Point | None:
    """A point from two numbers (or numeric text), longitude wrapped; None unless both make a point on Earth."""
    try:
        lat, lon = float(latitude), float(longitude)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)) or not -90.0 <= lat <= 90.0:
        return None
    return Point(lat, wrap_longitude(lon))


def clicked_point(returned: object) -> Point | None:
    """The point a visitor clicked, from what ``st_folium(..., returned_objects=["last_clicked"])`` returned."""
    if not isinstance(returned, dict):
        return None
    clicked = returned.get("last_clicked")
    if not isinstance(clicked, dict):
        return None
    return point_of(clicked.get("lat"), clicked.get("lng"))


def pin_map(
    point: Point | None,
    *,
    tiles: str | None = DEFAULT_TILES_URL,
    attribution: str | None = DEFAULT_TILES_ATTRIBUTION,
    assets: str = asset_files.SELF,
    asset_base_url: str = asset_files.DEFAULT_BASE_URL,
    basemap: bool = True,
) -> folium.Map:
    """A map centred on ``point`` with a pin on it, or the whole world without a pin when ``point`` is None.

    Zoomed in to the streets when there are tiles, to the country around the pin when there are none.

    The keyword arguments are :func:`~speakout_map.maps.build.map_options`' (the operator's settings).
    """
    has_tiles = tiles is not None and tiles.strip().lower() not in TILES_OFF
    m = base_map(
        location=(point.latitude, point.longitude) if point is not None else WORLD_CENTER,
        zoom_start=WORLD_ZOOM if point is None else PIN_ZOOM if has_tiles else OUTLINE_ZOOM,
        height="100%", tiles=tiles, attribution=attribution, assets=assets, asset_base_url=asset_base_url,
        basemap=basemap,
    )
    if point is not None:
        folium.CircleMarker(
            (point.latitude, point.longitude), radius=PIN_RADIUS, color=PIN_COLOUR, weight=3,
            fill=True, fill_color=PIN_COLOUR, fill_opacity=0.35, interactive=False,
        ).add_to(m)
    return m
