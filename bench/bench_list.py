"""Benchmark: the map page's list of events (a page at a time) and what each rerun of the page costs it.

    python bench/bench_list.py [--events N] [--page-events P] [--repeat R] [--page-repeat Q] [--skip-page]

In this one process, for N synthetic events (default 10,000, bench_map's), times and prints side by side:

* the list's page as shown (LIST_PAGE_ROWS entries through ``entry_markdown``,
  in English and in Spanish) against every event's entry (the unpaged list);
* ``in_view`` for a country-sized view, the world, and a view wider than the
  world, against a plain bounds check in a loop (no wrap handling): its cost
  on every rerun a pan or zoom makes while "only what the map shows" is on;
* ``clicked_event`` for a pin of several events at one point and a lone pin,
  against a plain loop comparing the stored floats: its cost on every rerun
  while a pin is open;
* the whole map page under Streamlit's AppTest with P events (default N; plus
  the 19 seed events; bench_embed's generator, coordinates given, so nothing
  is geocoded but the seed cities) in a temporary SQLite store: a new session's
  first run (caches warm), a rerun after a pin click (the list marks the event
  and turns to its page), against a rerun with no change. The click is faked
  where streamlit-folium hands back the browser's answer (its
  ``_component_func`` returns ``last_object_clicked`` as the frame would); the
  page's own work (the map's script, the selection, the list) all runs.

Ours is the best of R runs (Q for the page); ratio = ours / baseline (below 1: ours is cheaper).
Nothing is fetched from the network (the gazetteer index is the one ``make install`` builds).
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_embed import write_events  # noqa: E402
from bench_map import synthetic_events  # noqa: E402

from speakout_map.languages.translator import translator_for  # noqa: E402
from speakout_map.maps.listing import LIST_PAGE_ROWS, clicked_event, entry_markdown, in_view  # noqa: E402
from speakout_map.places.place import Place, PlacedEvent  # noqa: E402
from speakout_map.supporters.going import going_label  # noqa: E402

Row = tuple[str, float, float | None]
# "missing ScriptRunContext": Streamlit read outside a script run (the imports, the checks of the session): noise here.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    lambda record: "missing ScriptRunContext" not in record.getMessage())


def best(work: Callable[[], object], repeat: int) -> float:
    """The best time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def bounds(south: float, west: float, north: float, east: float) -> dict:
    """A view as streamlit-folium returns it."""
    return {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}


def naive_in_view(shown: Sequence[PlacedEvent], view: dict) -> list[PlacedEvent]:
    south, west = view["_southWest"]["lat"], view["_southWest"]["lng"]
    north, east = view["_northEast"]["lat"], view["_northEast"]["lng"]
    return [p for p in shown if south <= p.place.latitude <= north and west <= p.place.longitude <= east]


def naive_clicked(shown: Sequence[PlacedEvent], clicked: dict) -> int | None:
    lat, lng = clicked["lat"], clicked["lng"]
    return next((i for i, p in enumerate(shown) if p.place.latitude == lat and p.place.longitude == lng), None)


def pure_rows(count: int, repeat: int) -> list[Row]:
    shown = synthetic_events(count)
    # Five events at one point (a city with several), in the middle of the list.
    point = Place("Crowded", "ES", 40.41650, -3.70379)
    crowd = [PlacedEvent(replace(p.event, title=f"Crowded rally {i}"), point) for i, p in enumerate(shown[:5])]
    middle = len(shown) // 2
    shown = [*shown[:middle], *crowd, *shown[middle:]]
    rows: list[Row] = []
    for language in ("en", "es"):
        t = translator_for(language)
        going = t.text(going_label(3))
        ours = best(lambda: [entry_markdown(p, t, going=going) for p in shown[:LIST_PAGE_ROWS]], repeat)
        whole = best(lambda: [entry_markdown(p, t, going=going) for p in shown], max(1, min(repeat, 2)))
        rows.append((f"list page ({LIST_PAGE_ROWS} entries, {language}) vs all {len(shown):,}", ours, whole))
    views = {"country (Spain)": bounds(35.9, -9.5, 43.8, 3.4), "world": bounds(-85.0, -180.0, 85.0, 180.0),
             "wider than world": bounds(-85.0, -400.0, 85.0, 400.0)}
    for name, view in views.items():
        found = len(in_view(shown, view))
        rows.append((f"in_view {name}: {found:,} events", best(lambda: in_view(shown, view), repeat),
                     best(lambda: naive_in_view(shown, view), repeat)))
    t = translator_for("en")
    lone = shown[-1]
    clicks = {"pin of 5 at one point, tooltip": ({"lat": point.latitude, "lng": point.longitude},
                                                  "Crowded rally 3 Crowded, Spain"),
              "lone pin (last of the list)": ({"lat": lone.place.latitude, "lng": lone.place.longitude}, None)}
    for name, (click, tooltip) in clicks.items():
        assert clicked_event(shown, click, tooltip, t) is not None
        rows.append((f"clicked_event {name}", best(lambda: clicked_event(shown, click, tooltip, t), repeat),
                     best(lambda: naive_clicked(shown, click), repeat)))
    return rows


class FakeClicks:
    """streamlit-folium's component call, answering ``last_object_clicked`` as the map's frame would."""

    def __init__(self, streamlit_folium) -> None:
        self.module, self.real, self.click = streamlit_folium, streamlit_folium._component_func, None

    def __call__(self, **kwargs):
        answer = self.real(**kwargs)
        if self.click is None:
            return answer
        lat, lng, tooltip = self.click
        return {**(answer or {}), "last_object_clicked": {"lat": lat, "lng": lng},
                "last_object_clicked_tooltip": tooltip}

    def __enter__(self):
        self.module._component_func = self
        return self

    def __exit__(self, *exc):
        self.module._component_func = self.real


def page_rows(count: int, repeat: int) -> tuple[list[Row], str]:
    import streamlit_folium
    from streamlit.testing.v1 import AppTest

    from app_pages.event_list import LIST_MARKED, LIST_PAGE
    from speakout_map.places.gazetteer_index import ensure_index
    from speakout_map.settings import default_cache_dir

    with tempfile.TemporaryDirectory(prefix="bench-list-") as folder, FakeClicks(streamlit_folium) as fake:
        work = Path(folder)
        total = write_events(work / "events.csv", count)
        with (work / "events.csv").open(encoding="utf-8", newline="") as handle:
            generated = [r for r in csv.DictReader(handle) if r["latitude"]]
        cache = Path(os.environ.get("SPEAKOUT_CACHE_DIR") or default_cache_dir())
        ensure_index(cache)  # built by `make install`; offline
        os.environ.update(SPEAKOUT_CACHE_DIR=str(cache), SPEAKOUT_EVENTS_FILE=str(work / "events.csv"),
                          SPEAKOUT_DATABASE_URL=f"sqlite:///{work / 'store.sqlite3'}", SPEAKOUT_TILES_URL="none")
        for name in ("SPEAKOUT_GEOCODER_ONLINE", "SPEAKOUT_GUIDE_FILE", "SPEAKOUT_ORGANISERS"):
            os.environ.pop(name, None)

        def session() -> AppTest:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
            at.run()
            assert not at.exception, at.exception
            return at

        start = time.perf_counter()
        session()  # seeds the store, builds the caches (a server's first visitor)
        cold = time.perf_counter() - start
        first = best(session, repeat)
        at = session()
        still = best(lambda: at.run(), repeat)
        times, pages = [], []
        for k in range(repeat):  # a different pin each time, far down the list
            row = generated[(k + 1) * len(generated) // (repeat + 1)]
            fake.click = (float(row["latitude"]), float(row["longitude"]), row["title"] or row["city"])
            before = at.session_state[LIST_MARKED] if LIST_MARKED in at.session_state else None
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
            assert not at.exception and at.session_state[LIST_MARKED] not in (None, before), "the click marked none"
            assert any("Open on the map" in c.value for c in at.caption)
            pages.append(at.session_state[LIST_PAGE])
        clicked_still = best(lambda: at.run(), repeat)
    rows: list[Row] = [(f"page: a new session's first run, {total:,} events", first, still),
                       ("page: rerun after a pin click (mark, turn page)", min(times), still),
                       ("page: rerun, pin still open, no change", clicked_still, still),
                       ("page: rerun with no change (the baseline)", still, None)]
    return rows, f"cold first run (store seeded, caches built): {cold:.2f} s; pages turned to: {pages}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="synthetic events (default 10000)")
    parser.add_argument("--page-events", type=int, help="events for the AppTest page runs (default: --events)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each function; the best counts (5)")
    parser.add_argument("--page-repeat", type=int, default=3, help="runs of each page step; the best counts (3)")
    parser.add_argument("--skip-page", action="store_true", help="the functions only, no AppTest")
    args = parser.parse_args(argv)
    page_events = args.events if args.page_events is None else args.page_events
    if min(args.events, page_events) < LIST_PAGE_ROWS or min(args.repeat, args.page_repeat) < 1:
        parser.error(f"events >= {LIST_PAGE_ROWS} and repeats >= 1")
    print(f"{args.events:,} events, Python {sys.version.split()[0]}, list pages of {LIST_PAGE_ROWS}")
    rows = pure_rows(args.events, args.repeat)
    note = ""
    if not args.skip_page:
        page, note = page_rows(page_events, args.page_repeat)
        rows += page
    width = max(len(name) for name, _, _ in rows)
    print(f"{'what':{width}}  {'ours ms':>10}  {'baseline ms':>11}  {'ratio':>8}")
    for name, ours, base in rows:
        base_text, ratio = (f"{base * 1e3:11.2f}", f"{ours / base:8.3f}") if base else (f"{'-':>11}", f"{'-':>8}")
        print(f"{name:{width}}  {ours * 1e3:10.2f}  {base_text}  {ratio}")
    if note:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
