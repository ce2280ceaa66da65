"""Benchmark: the data-driven event layer against one folium.Marker per event.

    python bench/bench_map.py [N] [--repeat R] [--skip-baseline]

Makes N synthetic events spread around the world (default 10,000) and, in
this one process, times building the map and rendering its HTML both ways:

* baseline: a ``folium.Marker`` with a ``folium.Popup`` and tooltip per
  event inside a ``folium.plugins.MarkerCluster``;
* ours: :func:`speakout_map.maps.build.build_map` (one JSON array, markers made
  in the browser), in English and in Spanish (country names, dates and labels
  through a translator).

Prints seconds (the baseline once, ours best of R) and the HTML size in MB.
Nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium  # noqa: E402
from folium.plugins import MarkerCluster  # noqa: E402

from speakout_map.places.countries import country_name  # noqa: E402
from speakout_map.events.model import Event
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.events.model import Status  # noqa: E402
from speakout_map.maps.build import build_map, map_html  # noqa: E402
from speakout_map.languages.translator import translator_for  # noqa: E402
from speakout_map.events.formatting import format_date, format_time_range

COUNTRIES = ("ES", "AR", "JP", "AU", "IS", "US", "BR", "NG", "IN", "DE", "ZA", "MX", "CA", "KE", "ID", "FR")
WORDS = ("rights", "equality", "march", "vigil", "solidarity", "speak", "out", "together", "picnic",
         "rally", "love", "community", "square", "park", "join", "friends", "bring", "banner")


def synthetic_events(count: int, seed: int = 2013) -> list[PlacedEvent]:
    """``count`` plausible events at random points on land-ish latitudes."""
    rng = random.Random(seed)
    placed = []
    for i in range(count):
        code = rng.choice(COUNTRIES)
        confirmed = rng.random() < 0.8
        city = f"City {i}"
        start = dt.time(rng.randint(9, 20), rng.choice((0, 15, 30, 45))) if rng.random() < 0.7 else None
        end = dt.time(min(start.hour + 2, 23), start.minute) if start and rng.random() < 0.6 else None
        event = Event(
            city=city,
            country_code=code,
            date=dt.date(2013, 9, 3) + dt.timedelta(days=rng.randint(0, 2)),
            title=f"Speak out in {city}" if rng.random() < 0.5 else "",
            start_time=start,
            end_time=end,
            venue=f"{rng.choice(WORDS).title()} {rng.choice(('Square', 'Park', 'Hall'))}" if confirmed else "",
            address=f"{rng.randint(1, 200)} {rng.choice(WORDS).title()} Street" if confirmed else "",
            url=f"https://example.org/events/{i}" if confirmed else "",
            status=Status.CONFIRMED if confirmed else Status.DETAILS_TO_COME,
            organiser=f"{rng.choice(WORDS).title()} group {i % 97}",
            contact_email=f"organiser{i}@example.org",
            description=" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30))).capitalize() + ".",
        )
        place = Place(city, code, rng.uniform(-55.0, 70.0), rng.uniform(-180.0, 180.0))
        placed.append(PlacedEvent(event, place))
    return placed


def baseline_popup_html(pe: PlacedEvent) -> str:
    """What a naive per-marker popup would hold (escaped, so the comparison is fair)."""
    e = pe.event
    parts = [f"<b>{html.escape(e.display_title)}</b>",
             html.escape(f"{e.city}, {country_name(e.country_code)}"),
             html.escape(format_date(e.date))]
    when = format_time_range(e.start_time, e.end_time)
    for text in (when, e.venue, e.address, e.description):
        if text:
            parts.append(html.escape(text))
    if e.url:
        parts.append(f'<a href="{html.escape(e.url)}" target="_blank" rel="noopener noreferrer">Event page</a>')
    else:
        parts.append("Details to come")
    return "<br>".join(parts)


def build_baseline(placed: Sequence[PlacedEvent]) -> folium.Map:
    m = folium.Map(location=(20, 0), zoom_start=2, max_zoom=18)
    cluster = MarkerCluster().add_to(m)
    for pe in placed:
        folium.Marker(
            (pe.place.latitude, pe.place.longitude),
            popup=folium.Popup(baseline_popup_html(pe), max_width=280),
            tooltip=html.escape(pe.event.display_title),
        ).add_to(cluster)
    return m


def timed(make: Callable[[], folium.Map], repeat: int) -> tuple[float, int]:
    """Best time of ``repeat`` build+render runs, and the HTML size in bytes."""
    best = float("inf")
    size = 0
    for _ in range(repeat):
        start = time.perf_counter()
        page = map_html(make())
        best = min(best, time.perf_counter() - start)
        size = len(page.encode("utf-8"))
    return best, size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000, help="number of events (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of build_map; the best counts (default 3)")
    parser.add_argument("--skip-baseline", action="store_true", help="time build_map only")
    args = parser.parse_args(argv)
    if args.count < 0 or args.repeat < 1:
        parser.error("count must be >= 0 and repeat >= 1")

    placed = synthetic_events(args.count)
    print(f"{args.count} events, Python {sys.version.split()[0]}, folium {folium.__version__}")
    results: list[tuple[str, float, int]] = []
    if not args.skip_baseline:
        seconds, size = timed(lambda: build_baseline(placed), 1)
        results.append(("baseline: Marker+Popup in MarkerCluster (1 run)", seconds, size))
    seconds, size = timed(lambda: build_map(placed), args.repeat)
    results.append((f"build_map: one data array (best of {args.repeat})", seconds, size))
    spanish = translator_for("es")
    seconds, size = timed(lambda: build_map(placed, translator=spanish), args.repeat)
    results.append((f"build_map in Spanish (best of {args.repeat})", seconds, size))

    width = max(len(name) for name, _, _ in results)
    print(f"{'':{width}}  {'build+render s':>14}  {'HTML MB':>8}")
    for name, seconds, size in results:
        print(f"{name:{width}}  {seconds:14.3f}  {size / 1e6:8.2f}")
    if not args.skip_baseline:
        (_, base_s, base_b), (_, ours_s, ours_b) = results[:2]
        print(f"{'speed-up / size ratio':{width}}  {base_s / ours_s:13.1f}x  {base_b / ours_b:7.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
