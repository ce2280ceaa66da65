"""A place the map centres on: where a visitor searched "near", drawn as a point and the circle of its radius."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

#: Kilometres per degree of latitude (and of longitude at the equator), on the mean Earth sphere.
KM_PER_DEGREE = 111.195


@dataclass(frozen=True)
class Focus:
    """The searched place (``label`` is shown as text, never markup) and the radius around it, in km."""

    latitude: float
    longitude: float
    radius_km: float
    label: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.latitude) and -90 <= self.latitude <= 90
                and math.isfinite(self.longitude) and -180 <= self.longitude <= 180):
            raise ValueError(f"not a point on the globe: {self.latitude}, {self.longitude}")
        if not (math.isfinite(self.radius_km) and self.radius_km > 0):
            raise ValueError(f"a radius must be a positive number of km, not {self.radius_km}")

    def bounds(self) -> list[list[float]]:
        """``[[south, west], [north, east]]`` around the circle (the whole width of the map near the poles)."""
        spread = self.radius_km / KM_PER_DEGREE
        south, north = max(-90.0, self.latitude - spread), min(90.0, self.latitude + spread)
        widest = max(abs(south), abs(north))
        if widest >= 89.9 or spread >= 90:
            return [[south, -180.0], [north, 180.0]]
        across = spread / math.cos(math.radians(widest))
        return [[south, max(-180.0, self.longitude - across)], [north, min(180.0, self.longitude + across)]]

    def as_option(self) -> dict[str, Any]:
        """What the events layer's script gets: the point, the radius in metres, the label."""
        return {"lat": round(self.latitude, 5), "lon": round(self.longitude, 5),
                "radiusM": round(self.radius_km * 1000), "label": self.label}


def union_bounds(*boxes: list[list[float]] | None) -> list[list[float]] | None:
    """The bounds around every given box (``None`` ones left out), or ``None`` if there are none."""
    present = [box for box in boxes if box is not None]
    if not present:
        return None
    return [[min(b[0][0] for b in present), min(b[0][1] for b in present)],
            [max(b[1][0] for b in present), max(b[1][1] for b in present)]]
