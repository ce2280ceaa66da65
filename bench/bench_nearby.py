"""Events near a place: events_near's one numpy call against a per-row Python haversine loop.

    python bench/bench_nearby.py [EVENTS]      (default 100000)

Both run in this process on the same synthetic events (random points over
the inhabited latitudes), around Cork with the default radius of 250 km and
with a 20,000 km radius (every event kept and sorted). Each is the best of a
few runs. ``events_near`` is timed whole (reading the coordinates, the
distances, choosing and sorting, building the result); the loop does the same
work per row in Python (math.* haversine, then a sort). The two must agree.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speakout_map.events.model import Event  # noqa: E402
from speakout_map.places.distance import EARTH_RADIUS_KM  # noqa: E402
from speakout_map.places.nearby import coordinates_of, events_near  # noqa: E402
from speakout_map.places.place import Place, PlacedEvent  # noqa: E402

CORK = (51.8985, -8.4756)
RUNS = 3


def synthetic_events(count: int) -> list[PlacedEvent]:
    rng = random.Random(20130903)
    day = dt.date(2013, 9, 3)
    events = []
    for i in range(count):
        lat, lon = rng.uniform(-55.0, 70.0), rng.uniform(-180.0, 180.0)
        event = Event(city=f"Town {i}", country_code="XX", date=day)
        events.append(PlacedEvent(event, Place(f"Town {i}", "XX", lat, lon)))
    return events


def loop_near(
    placed: list[PlacedEvent], origin: tuple[float, float], radius_km: float
) -> list[tuple[float, PlacedEvent]]:
    """The per-row baseline: one Python haversine per event, then a sort."""
    lat0, lon0 = origin
    p1 = math.radians(lat0)
    kept = []
    for item in placed:
        p2 = math.radians(item.place.latitude)
        dp, dl = p2 - p1, math.radians(item.place.longitude - lon0)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        distance = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
        if distance <= radius_km:
            kept.append((distance, item))
    kept.sort(key=lambda pair: pair[0])
    return kept


def best_of(action) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    placed = synthetic_events(count)
    seconds, coordinates = best_of(lambda: coordinates_of(placed))
    print(f"{count:,} synthetic events; reading their coordinates into arrays (once per version): "
          f"{seconds * 1000:.1f} ms")
    print(f"{'radius':>10}  {'kept':>8}  {'events_near':>14}  {'kept arrays':>14}  {'Python loop':>14}  "
          f"{'speed-up':>8}")
    for radius in (250.0, 20_000.0):
        whole, nearby = best_of(lambda: events_near(placed, CORK, radius))
        kept, _ = best_of(lambda: events_near(placed, CORK, radius, coordinates=coordinates))
        slow, looped = best_of(lambda: loop_near(placed, CORK, radius))
        assert list(nearby.events) == [p for _, p in looped], "they disagree"
        print(f"{radius:>7,.0f} km  {len(nearby.events):>8,}  {whole * 1000:>11.1f} ms  {kept * 1000:>11.1f} ms  "
              f"{slow * 1000:>11.1f} ms  {slow / whole:>7.1f}x")
    print("events_near: the whole call; kept arrays: with the coordinates read once before; "
          "Python loop: math.* haversine per row, then a sort")


if __name__ == "__main__":
    main()
