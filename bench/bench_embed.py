"""The light embed against the full app and Streamlit's static file serving, on a real server.

    python bench/bench_embed.py [--events N] [--seconds S] [--threads T] [--loads L] [--sessions K]

Starts ``streamlit run app.py`` on 127.0.0.1 (a free port, headless, tiles
off) with a temporary SQLite store seeded with the 19 seed events and N
generated ones (default 1000; coordinates given, so nothing is geocoded but the
seed cities), and compares, for the same events:

* the light embed, ``/embed``;
* the full app, ``/``: a visitor there is a session (a page, a WebSocket and
  a script run on the server), so its "requests" are whole sessions in
  headless Chromium: open, wait for the markers in streamlit-folium's
  frame, close; one after another, K of them (default 4) or 90 s;
* the floor: the embed's own HTML written into ``static/`` as a file
  (``static/bench-embed-<pid>.html``, removed at the end) and served by
  Streamlit's static file serving at ``/app/static/``.

Served per second: S seconds (default 5) of T client threads (default 4),
each on one keep-alive ``http.client`` connection, asking again as soon as
an answer is read; once with ``Accept-Encoding: gzip`` as browsers send (the
embed answers from the gzipped copy it keeps per page; Streamlit compresses
the static file again for every answer) and once without. The client
shares this machine's cores with the server. The embed is also measured
answering ``If-None-Match`` with its ETag (304), as a browser revisiting it.

Bytes to the browser: every response body of a cold page load in a new
Chromium context (scripts, styles, the outlines; as sent, compressed or not,
from Playwright's request sizes), plus, for the full app, the WebSocket
messages it received (their payload, after any per-message compression is
undone, so the full app's figure is if anything low).
Time to markers: from asking for the page until the map shows all N + 19
events (numbers on the clusters plus single pins), median of L loads (default
5), each in a new context (no cache). Visits per second in Chromium: those
loads one after another, each counted from opening a new context to the
markers, plus closing it (the full app's sessions per second).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_support import CHROMIUM_ARGS, SEED_EVENTS, AppServer, find_chromium, start_server  # noqa: E402

from speakout_map.places.gazetteer_index import ensure_index  # noqa: E402

#: Where generated events are: around these places (country, latitude, longitude), a few degrees either way.
CENTRES = (("ES", 40.4, -3.7), ("AR", -34.6, -58.4), ("JP", 35.7, 139.7), ("AU", -33.9, 151.2), ("US", 39.0, -95.0),
           ("BR", -15.8, -47.9), ("NG", 9.1, 7.4), ("IN", 22.0, 78.0), ("DE", 51.0, 10.0), ("ZA", -29.0, 25.0),
           ("MX", 23.6, -102.5), ("CA", 53.5, -100.0), ("KE", 0.0, 38.0), ("ID", -2.5, 118.0), ("FR", 46.6, 2.4),
           ("SE", 62.0, 15.0))  # fmt: skip
WORDS = ("rights", "equality", "march", "vigil", "solidarity", "speak", "out", "together", "picnic", "rally",
         "love", "community", "square", "park", "join", "friends", "bring", "banner")  # fmt: skip
FULL_APP_SECONDS = 90.0
LOAD_TIMEOUT_MS = 120_000
GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: True once the markers drawn (numbers on clusters plus single pins) add up to the number asked for.
ALL_MARKERS_JS = """n => {
  let total = 0;
  for (const el of document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')) {
    total += el.classList.contains('marker-cluster') ? (parseInt(el.textContent.trim(), 10) || 0) : 1;
  }
  return total === n;
}"""


# --- the events and the server ---------------------------------------------------------------------


def write_events(path: Path, generated: int, seed: int = 2013) -> int:
    """The seed events and ``generated`` more (with coordinates) as one CSV; the number of events."""
    with SEED_EVENTS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or ()), list(reader)
    rng = random.Random(seed)
    for i in range(generated):
        code, lat, lon = rng.choice(CENTRES)
        day = dt.date(2013, 9, 3) + dt.timedelta(rng.randint(0, 2))
        confirmed = rng.random() < 0.8
        start = rng.randint(9, 20)
        rows.append({
            "city": f"Town {i}", "country": code, "date": day.isoformat(),
            "title": f"Speak out in Town {i}" if rng.random() < 0.5 else "",
            "start_time": f"{start:02d}:00" if rng.random() < 0.7 else "", "end_time": "",
            "venue": f"{rng.choice(WORDS).title()} Square" if confirmed else "",
            "address": f"{rng.randint(1, 200)} {rng.choice(WORDS).title()} Street" if confirmed else "",
            "url": f"https://example.org/events/{i}" if confirmed else "",
            "status": "confirmed" if confirmed else "details_to_come", "organiser": f"Group {i % 97}",
            "contact_email": f"organiser{i}@example.org",
            "description": " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30))).capitalize() + ".",
            "latitude": f"{lat + rng.uniform(-4, 4):.5f}", "longitude": f"{lon + rng.uniform(-4, 4):.5f}",
        })  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


# --- served per second -------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    answers: int
    errors: int
    body_bytes: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.answers / self.seconds


def hammer(port: int, path: str, *, seconds: float, threads: int, status: int, headers: dict[str, str]) -> Load:
    """``threads`` keep-alive clients asking for ``path`` for ``seconds``; answers of ``status`` counted."""
    counts = [[0, 0, 0] for _ in range(threads)]  # answers, errors, bytes
    start_line = threading.Barrier(threads + 1)
    deadline = [0.0]

    def client(mine: list[int]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start_line.wait()
        while time.perf_counter() < deadline[0]:
            try:
                connection.request("GET", path, headers=headers)
                answer = connection.getresponse()
                body = answer.read()
            except (OSError, http.client.HTTPException):
                mine[1] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            if answer.status == status:
                mine[0] += 1
                mine[2] += len(body)
            else:
                mine[1] += 1
        connection.close()

    workers = [threading.Thread(target=client, args=(mine,)) for mine in counts]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_line.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    return Load(sum(c[0] for c in counts), sum(c[1] for c in counts), sum(c[2] for c in counts), elapsed)


# --- in Chromium -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageLoad:
    #: From asking for the page to all markers drawn.
    to_markers: float
    #: A visit as the sessions per second count it: a new context, the page until its markers, closing it.
    visit: float
    body_bytes: int
    socket_bytes: int
    requests: int


def load_once(browser, url: str, total: int, *, in_frame: bool) -> PageLoad:
    """One cold load of ``url`` in a new context, until all ``total`` markers are drawn; its bytes.

    After the markers, the page is left until the network is idle to count
    every request's bytes; that wait is not part of :attr:`PageLoad.visit`.
    """
    opened = time.perf_counter()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        requests: list = []
        socket_bytes = [0]

        def on_socket(socket) -> None:
            def received(payload) -> None:
                socket_bytes[0] += len(payload.encode("utf-8") if isinstance(payload, str) else payload)
            socket.on("framereceived", received)

        context.on("request", lambda request: requests.append(request))
        page.on("websocket", on_socket)
        began = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        frame = page
        if in_frame:
            frame = page.wait_for_selector(MAP_IFRAME, state="attached", timeout=LOAD_TIMEOUT_MS).content_frame()
        frame.wait_for_function(ALL_MARKERS_JS, arg=total, polling=50, timeout=LOAD_TIMEOUT_MS)
        drawn = time.perf_counter()
        try:
            page.wait_for_load_state("networkidle", timeout=15_000)
        except Exception:  # noqa: BLE001 - a page that keeps asking is measured as it stands
            pass
        body = 0
        for request in requests:
            if request.url.startswith(("http:", "https:")) and request.response() is not None:
                body += max(request.sizes()["responseBodySize"], 0)
        received = socket_bytes[0]
    finally:
        closing = time.perf_counter()
        context.close()
        closed = time.perf_counter()
    return PageLoad(drawn - began, (drawn - opened) + (closed - closing), body, received, len(requests))


def loads(browser, url: str, total: int, *, count: int, in_frame: bool = False,
          budget: float | None = None) -> list[PageLoad]:
    """``count`` loads one after another (fewer if ``budget`` seconds run out, but at least one)."""
    done: list[PageLoad] = []
    began = time.perf_counter()
    while len(done) < count and (budget is None or time.perf_counter() - began < budget or not done):
        done.append(load_once(browser, url, total, in_frame=in_frame))
    return done


def visits_per_second(found: Sequence[PageLoad]) -> float:
    return len(found) / sum(load.visit for load in found)


# --- the report -------------------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1000:,.0f} kB" if n < 10_000_000 else f"{n / 1e6:,.1f} MB"


def row(cells: Sequence[str], widths: Sequence[int]) -> str:
    cells = [cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in enumerate(zip(cells, widths))]
    return "  ".join(cells).rstrip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000, help="generated events besides the 19 seed ones (1000)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each HTTP run (5)")
    parser.add_argument("--threads", type=int, default=4, help="HTTP client threads (4)")
    parser.add_argument("--loads", type=int, default=5, help="Chromium loads of the embed and the static file (5)")
    parser.add_argument("--sessions", type=int, default=4, help="full app sessions in Chromium, at most (4)")
    args = parser.parse_args(argv)
    if args.events < 0 or args.seconds <= 0 or min(args.threads, args.loads, args.sessions) < 1:
        parser.error("events >= 0; seconds > 0; threads, loads and sessions >= 1")
    chromium = find_chromium()
    if chromium is None:
        parser.error("no Chromium found ($SPEAKOUT_TEST_CHROMIUM, chromium, ...): install Debian's chromium")
    from playwright.sync_api import sync_playwright

    static_file = ROOT / "static" / f"bench-embed-{os.getpid()}.html"
    server: AppServer | None = None
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as folder:
        work = Path(folder)
        total = write_events(work / "events.csv", args.events)
        print(f"{total:,} events ({total - args.events} seed + {args.events:,} generated); starting the app ...",
              flush=True)
        try:
            (work / "cache").mkdir()
            index = ensure_index(work / "cache")
            server = start_server("bench-embed", work, index.parent, work / "events.csv", {})
            began = time.perf_counter()
            status, headers, page = get(server.port, "/embed")  # seeds the store, renders the page once
            if status != 200:
                raise SystemExit(f"/embed answered {status}: {page[:300]!r}\n{server.log_tail()}")
            shown = re.search(rb'class="speakout-bar-count">([\d,]+) events<', page)
            if not shown or int(shown.group(1).replace(b",", b"")) != total:
                raise SystemExit(f"/embed shows {shown and shown.group(1)!r} events, not {total}")
            first_render = time.perf_counter() - began
            etag = headers["etag"]
            static_file.write_bytes(page)
            static_path = f"/app/static/{static_file.name}"
            status, static_headers, copy = get(server.port, static_path)
            if status != 200 or copy != page or not static_headers["content-type"].startswith("text/html"):
                raise SystemExit(f"{static_path}: {status} {static_headers.get('content-type')}")

            runs = {}
            for name, path, expected, headers in (
                ("embed", "/embed", 200, GZIP),
                ("embed-plain", "/embed", 200, PLAIN),
                ("embed-304", "/embed", 304, {**GZIP, "If-None-Match": etag}),
                ("static", static_path, 200, GZIP),
                ("static-plain", static_path, 200, PLAIN),
            ):
                print(f"  HTTP {path} ({expected}, {headers['Accept-Encoding']}) for {args.seconds:g} s ...",
                      flush=True)
                runs[name] = hammer(server.port, path, seconds=args.seconds, threads=args.threads, status=expected,
                                    headers=headers)

            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
                base = f"http://127.0.0.1:{server.port}"
                print(f"  Chromium {browser.version}: {args.loads} loads of the embed and the static file ...",
                      flush=True)
                load_once(browser, base + "/embed", total, in_frame=False)  # warm (the server's own caches)
                embed_loads = loads(browser, base + "/embed", total, count=args.loads)
                static_loads = loads(browser, base + static_path, total, count=args.loads)
                print(f"  full app: a warm-up session, then up to {args.sessions} sessions ...", flush=True)
                load_once(browser, base + "/", total, in_frame=True)
                app_loads = loads(browser, base + "/", total, count=args.sessions, in_frame=True,
                                         budget=FULL_APP_SECONDS)
                browser.close()
        finally:
            static_file.unlink(missing_ok=True)
            if server is not None:
                server.stop()

    def median(found: list[PageLoad], pick: Callable[[PageLoad], float]) -> float:
        return statistics.median(pick(load) for load in found)

    import streamlit

    print()
    print(f"{total:,} events; one server on 127.0.0.1 (Streamlit {streamlit.__version__}, tiles off); "
          f"{os.cpu_count()} cores; first render of /embed {first_render:.1f} s (store seeded)")
    print(f"HTTP: {args.threads} threads x {args.seconds:g} s each, keep-alive, with gzip accepted (as browsers "
          f"ask) and without; Chromium: cold loads, medians of {args.loads} (full app: {len(app_loads)} sessions)")
    widths = (34, 20, 12, 12, 9, 9, 11)
    print(row(("", "served/s, gzip", "plain", "Chromium", "bytes", "requests", "to markers"), widths))
    lines = [
        ("light embed  /embed", f"{runs['embed'].per_second:,.0f} pages", f"{runs['embed-plain'].per_second:,.0f}",
         embed_loads),
        ("  revalidated (If-None-Match: 304)", f"{runs['embed-304'].per_second:,.0f} answers", "", []),
        ("static file  /app/static/ (floor)", f"{runs['static'].per_second:,.0f} pages",
         f"{runs['static-plain'].per_second:,.0f}", static_loads),
        ("full app     /", f"{visits_per_second(app_loads):,.2f} sessions", "", app_loads),
    ]
    for name, served, plain, found in lines:
        cells = [name, served, plain]
        if found:
            cells += [f"{visits_per_second(found):.2f} visits",
                      kb(median(found, lambda x: x.body_bytes + x.socket_bytes)),
                      f"{median(found, lambda x: x.requests):.0f}",
                      f"{median(found, lambda x: x.to_markers) * 1000:,.0f} ms"]
        print(row(cells, widths))
    errors = {name: run.errors for name, run in runs.items() if run.errors}
    print(f"  HTTP answers not as expected: {errors or 'none'}")
    print(f"  the full app's bytes include {kb(median(app_loads, lambda x: x.socket_bytes))} of WebSocket messages; "
          f"the embed's HTML is {kb(len(page))}, {kb(runs['embed'].body_bytes / max(runs['embed'].answers, 1))} "
          "gzipped")
    embed_rate, static_rate = runs["embed"].per_second, runs["static"].per_second
    plain_ratio = runs["embed-plain"].per_second / runs["static-plain"].per_second
    app_rate = visits_per_second(app_loads)
    embed_time, app_time = median(embed_loads, lambda x: x.to_markers), median(app_loads, lambda x: x.to_markers)
    embed_bytes = median(embed_loads, lambda x: x.body_bytes)
    app_bytes = median(app_loads, lambda x: x.body_bytes + x.socket_bytes)
    print(f"light embed / static floor, served per second:  {embed_rate / static_rate:.2f} (gzip), "
          f"{plain_ratio:.2f} (plain)")
    print(f"light embed pages/s / full app sessions/s:      {embed_rate / app_rate:,.0f}x")
    print(f"full app / light embed, bytes to the browser:   {app_bytes / embed_bytes:.1f}x")
    print(f"full app / light embed, time to markers:        {app_time / embed_time:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
