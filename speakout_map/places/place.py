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

    def __hash__(self) -> int:
        # Placed events are dictionary keys many times on every run of the map page (their UIDs, "I'll be there"
        # counts, the selection, the list), and hashing every field of an event each time was a third of a rerun
        # of 10,000 events (bench/bench_list.py). Worked out once per object instead, kept beside its fields.
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((self.event, self.place))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self) -> dict[str, object]:
        # Pickled without it: a string's hash differs from one process to the next.
        return {"event": self.event, "place": self.place}
