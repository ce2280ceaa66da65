"""Validating an upload at campaign scale: ``validate`` against ``pandas.read_csv``, whole processes.

    python bench/bench_validate.py [ROWS] [RUNS]      (defaults 20000 and 5)

A CSV of ROWS events in the upload format is made from real GeoNames places,
read from the offline gazetteer's index (built by ``make install`` in the
``cache_dir`` setting; built here first if missing): a few thousand cities of
well over a hundred countries, the country written as a code, an English
name or a Spanish one, a third of the rows with their coordinates and the
rest placed by the gazetteer, with titles, venues, times, links, statuses,
organisers and descriptions. A handful of rows carry the mistakes organisers
make (a date in the past, a link without https://, an end before the start),
so the messages are part of the work.

Then, as whole processes (interpreter start and imports included), median of
RUNS runs each:

* ``python -m speakout_map validate FILE`` (online geocoding off: nothing
  here uses the network), and
* ``python -c "import pandas; pandas.read_csv(FILE)"``, the baseline,

printed side by side with their ratio (the target: at most 3x). Last, the
in-process figures of reading (``read_upload_file``) and placing
(``place_events``), best of RUNS, to show where the time goes.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from speakout_map.events.reading import read_upload_file  # noqa: E402
from speakout_map.places.chain import build_geocoder  # noqa: E402
from speakout_map.places.countries import country_name  # noqa: E402
from speakout_map.places.gazetteer_index import ensure_index  # noqa: E402
from speakout_map.places.placing import place_events  # noqa: E402
from speakout_map.settings import load_settings  # noqa: E402

HEADER = ("city", "country", "date", "title", "start_time", "end_time", "venue", "address", "url", "status",
          "organiser", "contact_email", "description", "latitude", "longitude")
#: Spanish names of some countries, as organisers in Latin America write them.
SPANISH = {"ES": "España", "MX": "México", "DE": "Alemania", "FR": "Francia", "GB": "Reino Unido",
           "US": "Estados Unidos", "BR": "Brasil", "IT": "Italia", "PE": "Perú", "JP": "Japón"}
VENUES = ("Town Hall square", "Central Park, main gate", "Plaza Mayor", "the old market hall", "University campus",
          "Riverside promenade", "Public library steps", "Main square, by the fountain", "Parliament lawn")
ORGANISERS = ("All Out", "Local climate group", "Students for Rights", "Neighbourhood assembly", "")
DESCRIPTIONS = (
    "Bring a sign and a friend. Speakers at half past.",
    "A short march to the city hall, then open mic; families welcome, step-free route.",
    "Details to follow on the event page.",
    "We meet at the statue; look for the rainbow flags. Water and snacks provided.",
    "",
)
CHOSEN_PLACES = 4000
GOOD_EVERY = 400  # one row in GOOD_EVERY carries a mistake


def real_places(cache_dir: Path, count: int, seed: int) -> list[tuple[str, str, float, float]]:
    """``count`` GeoNames places (name, country code, latitude, longitude): many countries, big and small towns."""
    conn = sqlite3.connect(f"{ensure_index(cache_dir).resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT name, country_code, latitude, longitude, population FROM cities "
                            "WHERE population >= 20000 ORDER BY geonameid").fetchall()
    finally:
        conn.close()
    rng = random.Random(seed)
    # Weighted towards big places (more events there), but keeping plenty of small ones.
    weights = [min(p, 2_000_000) ** 0.5 for *_, p in rows]
    picked = {r[:4] for r in rng.choices(rows, weights=weights, k=count * 2)}
    return sorted(picked)[:count]


def _country_written(code: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        return code
    if roll < 0.65 and code in SPANISH:
        return SPANISH[code]
    return country_name(code)


def _quoted(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ',"\n') else text


def make_rows(places: list[tuple[str, str, float, float]], rows: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    first = dt.date.today() + dt.timedelta(days=60)
    out = []
    for n in range(rows):
        name, code, lat, lon = rng.choice(places)
        date = first + dt.timedelta(days=rng.randrange(0, 30))
        start = dt.time(rng.randrange(9, 20), rng.choice((0, 15, 30, 45)))
        end = dt.time(min(start.hour + rng.randrange(1, 4), 23), start.minute)
        with_place = rng.random() < 1 / 3
        cells = [
            name, _country_written(code, rng), date.isoformat(), f"Speak out in {name} #{n}",
            start.strftime("%H:%M"), end.strftime("%H:%M") if rng.random() < 0.7 else "",
            rng.choice(VENUES), f"{rng.randrange(1, 300)} Main Street" if rng.random() < 0.4 else "",
            f"https://events.example.org/{code.lower()}/{n}" if rng.random() < 0.8 else "",
            "confirmed" if rng.random() < 0.85 else "details_to_come", rng.choice(ORGANISERS),
            f"host{n}@example.org" if rng.random() < 0.3 else "", rng.choice(DESCRIPTIONS),
            f"{lat + rng.uniform(-0.01, 0.01):.5f}" if with_place else "",
            f"{lon + rng.uniform(-0.01, 0.01):.5f}" if with_place else "",
        ]
        if n % GOOD_EVERY == GOOD_EVERY - 1:  # the mistakes people make
            mistake = (n // GOOD_EVERY) % 3
            if mistake == 0:
                cells[2] = (dt.date.today() - dt.timedelta(days=400)).isoformat()  # a warning: in the past
            elif mistake == 1:
                cells[8] = f"events.example.org/{n}"  # an error: no https://
            else:
                cells[4], cells[5] = "18:00", "17:00"  # a warning: ends before it starts
        out.append(cells)
    return out


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADER) + "\n")
        for cells in rows:
            handle.write(",".join(_quoted(c) for c in cells) + "\n")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - start, done


def median_of(runs: int, command: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    times, done = [], None
    for _ in range(runs):
        seconds, done = timed(command, env)
        times.append(seconds)
    return statistics.median(times), done


def best_of(runs: int, job):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(rows: int, runs: int) -> None:
    env = {**os.environ, "SPEAKOUT_GEOCODER_ONLINE": "false"}
    settings = load_settings(env)
    places = real_places(settings.cache_dir, CHOSEN_PLACES, 20130903)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.csv"
        write_csv(path, make_rows(places, rows, 20130903))
        size = path.stat().st_size
        assert size <= settings.max_upload_bytes, f"the file ({size} bytes) is over the upload limit"
        print(f"{rows} rows, {len(places)} places in {len({p[1] for p in places})} countries, "
              f"{size / 1e6:.2f} MB; Python {sys.version.split()[0]}, median of {runs} runs")
        validate = [sys.executable, "-m", "speakout_map", "validate", str(path)]
        pandas = [sys.executable, "-c", f"import pandas; pandas.read_csv({str(path)!r})"]
        timed(validate, env)  # warm the disk cache
        ours, done = median_of(runs, validate, env)
        assert done.returncode in (0, 1), done.stderr
        floor, base = median_of(runs, pandas, env)
        assert base.returncode == 0, base.stderr
        last = done.stdout.strip().splitlines()[-1]
        problems = sum(1 for line in done.stdout.splitlines() if line.startswith(("error:", "warning:")))
        print(f"{'whole process':<16}{'pandas.read_csv s':>18}{'validate s':>12}{'ratio':>8}")
        print(f"{'':<16}{floor:>18.3f}{ours:>12.3f}{ours / floor:>7.2f}x   (target <= 3x)")
        print(f"validate said: {last} ({problems} errors and warnings)")

        today = dt.date.today()
        read_s, result = best_of(runs, lambda: read_upload_file(path, max_bytes=settings.max_upload_bytes,
                                                                today=today))
        # A new geocoder each run, so nothing learnt in one run helps the next.
        place_s, placing = best_of(runs, lambda: place_events(result.events, build_geocoder(settings)))
        print(f"in process: read_upload_file {read_s:.3f} s ({len(result.events)} events, {len(result.errors)} "
              f"errors, {len(result.warnings)} warnings), place_events {place_s:.3f} s "
              f"({len(placing.placed)} placed, {len(placing.problems)} not)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
