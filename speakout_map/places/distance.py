"""Distances on the Earth: great-circle kilometres over arrays, the search radius, kilometres or miles.

* :func:`haversine_km` is the great-circle (haversine) distance, vectorised
  with numpy: one call measures 100,000 events, with no Python loop per row.
* :func:`parse_radius` / :func:`check_radius` read and bound a search radius
  (kilometres, :data:`MIN_RADIUS_KM` to :data:`MAX_RADIUS_KM`).
* :func:`distance_unit` says which unit a visitor reads (miles for the US
  and the UK, by their locale tag, kilometres elsewhere) and
  :func:`format_distance` writes a distance in it, in the reader's language.
"""

from __future__ import annotations

import math
import re

import numpy as np
from babel.numbers import format_decimal

from speakout_map.errors import RadiusError
from speakout_map.languages import localising
from speakout_map.languages.message import msg
from speakout_map.languages.translator import Translator, english

#: Mean Earth radius (IUGG), as the gazetteer uses.
EARTH_RADIUS_KM = 6371.0088
#: Half the Earth's circumference: no two points are further apart.
MAX_DISTANCE_KM = math.pi * EARTH_RADIUS_KM

DEFAULT_RADIUS_KM = 250.0
MIN_RADIUS_KM = 1.0
#: Just under half the circumference, so the largest radius reaches (almost) everywhere.
MAX_RADIUS_KM = 20_000.0

KM = "km"
MILES = "mi"
KM_PER_MILE = 1.609344
#: Regions whose visitors read distances in miles (by the region of their locale tag).
MILES_REGIONS: frozenset[str] = frozenset({"US", "GB"})
#: Longest radius text looked at (anything longer is not a number of kilometres).
_MAX_RADIUS_TEXT = 32


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance(s) in km between points given in degrees.

    Each argument is a number or an array; they broadcast as numpy does, so
    one origin against arrays of 100,000 latitudes and longitudes is one call.
    Returns a float64 array (0-d for four numbers); NaN where an input is NaN.
    """
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin((p2 - p1) / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


# --- the search radius -------------------------------------------------------------


def _radius_error() -> RadiusError:
    return RadiusError(
        # Translators: {low:,} and {high:,} are whole numbers of kilometres (1 and 20,000).
        msg("the radius must be a number of kilometres from {low:,} to {high:,}",
            low=int(MIN_RADIUS_KM), high=int(MAX_RADIUS_KM))
    )


def check_radius(radius_km: float) -> float:
    """``radius_km`` as a float, if it is a finite number within the bounds; else RadiusError."""
    try:
        value = float(radius_km)
    except (TypeError, ValueError):
        raise _radius_error() from None
    if not math.isfinite(value) or not MIN_RADIUS_KM <= value <= MAX_RADIUS_KM:
        raise _radius_error()
    return value


_RADIUS_TEXT = re.compile(r"\s*\d+(?:\.\d*)?\s*(?:km)?\s*", re.IGNORECASE | re.ASCII)


def parse_radius(text: str) -> float:
    """A radius typed or put in an address ("300", "12.5", "300 km") as kilometres; RadiusError if it is none."""
    if len(text) > _MAX_RADIUS_TEXT or not _RADIUS_TEXT.fullmatch(text):
        raise _radius_error()
    return check_radius(float(re.sub(r"(?i)\s|km", "", text)))


def radius_text(radius_km: float) -> str:
    """A radius as it is written in an address: "300", "12.5" (the shortest text that reads back the same)."""
    value = float(radius_km)
    return str(int(value)) if value.is_integer() else repr(value)


# --- units ---------------------------------------------------------------------------


def region_of(locale: str | None) -> str | None:
    """The region of a locale tag, upper case ("en-US" → "US", "en_GB.UTF-8" → "GB", "es-419" → "419"), or None."""
    if not locale:
        return None
    tag = locale.split(".")[0].split("@")[0].replace("_", "-")
    for part in tag.split("-")[1:]:
        if (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            return part.upper()
    return None


def distance_unit(locale: str | None) -> str:
    """:data:`MILES` for a visitor whose locale's region is the US or the UK, else :data:`KM`."""
    return MILES if region_of(locale) in MILES_REGIONS else KM


def km_to_unit(distance_km: float, unit: str) -> float:
    return distance_km / KM_PER_MILE if unit == MILES else float(distance_km)


def unit_to_km(distance: float, unit: str) -> float:
    return distance * KM_PER_MILE if unit == MILES else float(distance)


def format_distance(distance_km: float, unit: str = KM, translator: Translator | None = None) -> str:
    """A distance for a reader: "8.4 km", "1,234 mi", "8,4 km" in Spanish.

    One decimal under 10, whole numbers from 10 (grouped the reader's way).
    """
    t = translator or english()
    value = km_to_unit(distance_km, unit)
    number = format_decimal(round(value, 1) if value < 10 else round(value), format="#,##0.#",
                            locale=localising.locale_of(t.language))
    if unit == MILES:
        # Translators: {distance} is a number already written the reader's way (e.g. 12 or 8.4); "mi" = miles.
        return t.text(msg("{distance} mi", distance=number))
    # Translators: {distance} is a number already written the reader's way (e.g. 12 or 8.4); "km" = kilometres.
    return t.text(msg("{distance} km", distance=number))
