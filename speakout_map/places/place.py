"""Where an event is shown: a place, and an event placed there."""

from __future__ import annotations

from dataclasses import dataclass

from speakout_map.events.model import Event


@dataclass(frozen=True)
class Place:
    """Where an event is: a point, the place's name, and its time zone."""

    name: str
    country_code: str
    latitude: float
    longitude: float
    #: IANA time zone name (e.g. Europe/Madrid); "" if unknown.
    timezone: str = ""
    #: Who placed it: "csv" (coordinates in the file), "gazetteer", or a geopy service name.
    source: str = "gazetteer"


@dataclass(frozen=True)
class PlacedEvent:
    """An event together with the place it is shown at."""

    event: Event
    place: Place
