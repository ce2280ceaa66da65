"""How many map sessions one app server holds before a new visitor waits twice as long.

    python bench/bench_sessions.py [--loads L] [--first-sessions F] [--max-sessions M] [--every S] [--events N]

Starts ``streamlit run app.py`` on 127.0.0.1 (a free port, headless, tiles
off) with a temporary SQLite store of the 19 seed events (and N generated
ones, default 0) and headless Chromium on the same machine, then measures
*page load to markers*: from asking for ``/`` in a new browser context until
streamlit-folium's frame shows every event (numbers on the clusters plus
single pins).

* **idle**: the median of L loads (default 3) with no other session open,
  after one warm-up load; with the server's CPU time per load.
* For N = F, 2F, 4F, ... (F default 2) up to M (default 32): N - 1 sessions are held open,
  each *active*: it reruns its script every S seconds (default 10, at a
  random phase; Streamlit's "R" shortcut, as a reader changing a filter now
  and then); the server's share of a CPU core is read over S seconds with
  those sessions alone, then a new visitor's load is measured (median of
  L), with the server's CPU share and resident memory (RSS) over it. It stops after the first N whose load passes
  twice the idle figure (or at M).

Chromium's pages run on the same cores as the server, so the figures are an
upper bound of what the server alone would take; the server's own CPU time
per new session says what it costs alone. The load average is printed at
the start and the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_embed import ALL_MARKERS_JS, LOAD_TIMEOUT_MS, MAP_IFRAME, write_events  # noqa: E402
from e2e_support import CHROMIUM_ARGS, AppServer, find_chromium, start_server  # noqa: E402

from speakout_map.places.gazetteer_index import ensure_index  # noqa: E402

#: Stop once sessions arriving together take this many times the idle load.
LIMIT_RATIO = 2.0


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (from /proc; 0 where there is none)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def open_session(browser, url: str):
    """A new context with the map page asked for (not waited for); (context, page, when it was asked)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    asked = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
    return context, page, asked


def wait_for_markers(page, total: int) -> float:
    """Waits until the map shows ``total`` events; the moment it did."""
    frame = page.wait_for_selector(MAP_IFRAME, state="attached", timeout=LOAD_TIMEOUT_MS).content_frame()
    frame.wait_for_function(ALL_MARKERS_JS, arg=total, polling=50, timeout=LOAD_TIMEOUT_MS)
    return time.perf_counter()


def one_load(browser, url: str, total: int) -> float:
    """Seconds from asking for the page in a new context until its markers; the context is closed after."""
    context, page, asked = open_session(browser, url)
    try:
        return wait_for_markers(page, total) - asked
    finally:
        context.close()


def median_load(browser, url: str, total: int, count: int) -> float:
    return statistics.median(one_load(browser, url, total) for _ in range(count))


#: Makes a page rerun its script every ``ms`` milliseconds after a random delay (Streamlit's "R" shortcut).
RERUN_JS = """ms => {
  const press = () => document.dispatchEvent(new KeyboardEvent('keydown', {key: 'r', code: 'KeyR', keyCode: 82,
                                                                          which: 82, bubbles: true}));
  setTimeout(() => { press(); setInterval(press, ms); }, Math.random() * ms);
}"""


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (from /proc; 0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def hold(browser, url: str, total: int, count: int, every: float) -> list:
    """``count`` more sessions opened together, each waited for to its markers and then rerunning every ``every`` s."""
    opened = [open_session(browser, url) for _ in range(count)]
    for _, page, _ in opened:
        wait_for_markers(page, total)
        page.evaluate(RERUN_JS, int(every * 1000))
    return [context for context, _, _ in opened]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=3, help="loads per median (3)")
    parser.add_argument("--first-sessions", type=int, default=2, help="first number of sessions tried (2)")
    parser.add_argument("--max-sessions", type=int, default=32, help="most concurrent sessions tried (32)")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between reruns of each open session (10)")
    parser.add_argument("--events", type=int, default=0, help="generated events besides the 19 seed ones (0)")
    args = parser.parse_args(argv)
    if args.loads < 1 or not 2 <= args.first_sessions <= args.max_sessions or args.events < 0 or args.every <= 0:
        parser.error("loads >= 1, 2 <= first-sessions <= max-sessions, every > 0, events >= 0")
    chromium = find_chromium()
    if chromium is None:
        parser.error("no Chromium found ($SPEAKOUT_TEST_CHROMIUM, chromium, ...): install Debian's chromium")
    from playwright.sync_api import sync_playwright

    print(f"load average at the start: {load_average()} ({os.cpu_count()} cores)", flush=True)
    server: AppServer | None = None
    rows: list[tuple[int, float, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-sessions-") as folder:
        work = Path(folder)
        total = write_events(work / "events.csv", args.events)
        try:
            (work / "cache").mkdir()
            index = ensure_index(work / "cache")
            server = start_server("bench-sessions", work, index.parent, work / "events.csv", {})
            url, pid = server.url("/"), server.process.pid
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
                one_load(browser, url, total)  # warm-up: seeds the store, fills the server's caches
                cpu_before = cpu_seconds(pid)
                idle = median_load(browser, url, total, args.loads)
                cpu_per_load = (cpu_seconds(pid) - cpu_before) / args.loads
                idle_rss = rss_mb(pid)
                print(f"idle: {idle:.2f} s to markers (median of {args.loads}); server CPU {cpu_per_load:.2f} s a "
                      f"load; RSS {idle_rss:.0f} MB", flush=True)
                held: list = []
                sessions = args.first_sessions
                try:
                    while sessions <= args.max_sessions:
                        held += hold(browser, url, total, sessions - 1 - len(held), args.every)
                        cpu_before, began = cpu_seconds(pid), time.perf_counter()
                        time.sleep(args.every)  # the open sessions alone: each reruns once in this time
                        alone = (cpu_seconds(pid) - cpu_before) / (time.perf_counter() - began)
                        cpu_before, began = cpu_seconds(pid), time.perf_counter()
                        new_visitor = median_load(browser, url, total, args.loads)
                        busy = (cpu_seconds(pid) - cpu_before) / (time.perf_counter() - began)
                        rss = rss_mb(pid)
                        rows.append((sessions, new_visitor, alone, busy, rss))
                        print(f"  {sessions:>3} sessions ({sessions - 1} open, rerunning every {args.every:g} s): "
                              f"new visitor {new_visitor:.2f} s ({new_visitor / idle:.1f}x idle); server CPU "
                              f"{alone:.0%} of a core with the open ones alone, {busy:.0%} with the new visitors; "
                              f"RSS {rss:.0f} MB", flush=True)
                        if new_visitor > LIMIT_RATIO * idle:
                            break
                        sessions *= 2
                finally:
                    for context in held:
                        context.close()
                browser.close()
        finally:
            if server is not None:
                server.stop()

    import streamlit

    print()
    print(f"{total:,} events; one server on 127.0.0.1 (Streamlit {streamlit.__version__}, tiles off); "
          f"Chromium on the same {os.cpu_count()} cores; load average at the end {load_average()}")
    print(f"idle page load to markers: {idle:.2f} s (median of {args.loads}); the server's CPU time per new session "
          f"{cpu_per_load:.2f} s; RSS {idle_rss:.0f} MB")
    print(f"| sessions (open, each rerunning every {args.every:g} s) | new visitor's page load | vs idle | "
          "server CPU, open ones alone | with new visitors | server RSS |")
    print("|---:|---:|---:|---:|---:|---:|")
    for sessions, new_visitor, alone, busy, rss in rows:
        print(f"| {sessions} ({sessions - 1}) | {new_visitor:.2f} s | {new_visitor / idle:.1f}x | {alone:.0%} | "
              f"{busy:.0%} | {rss:.0f} MB |")
    passed = [r for r in rows if r[1] > LIMIT_RATIO * idle]
    if passed:
        print(f"page load passes {LIMIT_RATIO:g}x idle at {passed[0][0]} sessions")
    else:
        print(f"page load stays under {LIMIT_RATIO:g}x idle up to {rows[-1][0] if rows else 1} sessions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
