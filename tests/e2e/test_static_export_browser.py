"""End to end: the static export (``export --format html``) opened from ``file://`` in Chromium, offline.

No app server: the folder is written by the command line (as an organiser runs it), then opened from disk
with every request that is not a file refused (and recorded): the tile server's are the only ones it makes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_support import ROOT, SEED_EVENTS
from test_browser import (
    PAYLOADS,
    close_popups,
    hostile_rows,
    html_of_every_frame,
    injected_anywhere,
    markers,
    rows_csv,
)

from speakout_map.maps import assets as asset_files
from speakout_map.maps.standalone import LIST_ID
from speakout_map.places.countries import country_name

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(bool(asset_files.missing_files()), reason="the map's npm files are not installed"),
]

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

SEED_TOTAL = 19
#: The tile server of the default settings: the one address beyond the folder the page asks for.
TILES = "https://tile.openstreetmap.org/"
#: Drawn outlines of the offline basemap (SVG paths in its own pane).
BASEMAP_PATHS = ".leaflet-speakoutBasemap-pane path"


def export_folder(tmp_path_factory, cache_dir: Path, name: str, events_file: Path, *options: str) -> Path:
    """``python -m speakout_map export --format html -o DIR ...`` against a fresh store seeded from ``events_file``."""
    work = tmp_path_factory.mktemp(f"export-{name}")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SPEAKOUT_CACHE_DIR": str(cache_dir),
           "SPEAKOUT_DATABASE_URL": f"sqlite:///{work / 'speakout.sqlite3'}", "SPEAKOUT_EVENTS_FILE": str(events_file)}
    for unset in ("SPEAKOUT_GEOCODER_ONLINE", "SPEAKOUT_TILES_URL", "SPEAKOUT_ASSETS", "SPEAKOUT_PUBLIC_URL"):
        env.pop(unset, None)
    folder = work / "site"
    done = subprocess.run([sys.executable, "-m", "speakout_map", "export", "--format", "html", "-o", str(folder),
                           *options], capture_output=True, text=True, env=env, cwd=work, timeout=180)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory, gazetteer_index) -> Path:
    return export_folder(tmp_path_factory, gazetteer_index.parent, "seed", SEED_EVENTS)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, gazetteer_index) -> Path:
    events = tmp_path_factory.mktemp("hostile-events") / "events.csv"
    events.write_text(rows_csv(hostile_rows()), encoding="utf-8")
    return export_folder(tmp_path_factory, gazetteer_index.parent, "hostile", events, "--list")


def open_offline(open_page, folder: Path):
    """The folder's index.html from file://, every other request refused; returns (visit, refused URLs, console)."""
    visit = open_page()
    refused: list[str] = []
    console: list[str] = []

    def refuse(route) -> None:
        refused.append(route.request.url)
        route.abort()

    visit.context.route(lambda url: not url.startswith("file:"), refuse)
    visit.page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    visit.page.goto((folder / "index.html").as_uri())
    return visit, refused, console


def only_tiles_refused(refused: list[str]) -> None:
    assert all(url.startswith(TILES) for url in refused), [url for url in refused if not url.startswith(TILES)]


def basemap_paths(page) -> int:
    page.wait_for_function(f"() => document.querySelectorAll('{BASEMAP_PATHS}').length > 0")
    return page.evaluate(f"() => document.querySelectorAll('{BASEMAP_PATHS}').length")


def test_the_seed_export_works_from_file_with_no_server(seed_site: Path, open_page):
    visit, refused, console = open_offline(open_page, seed_site)
    page = visit.page
    drawn = markers(page.main_frame, SEED_TOTAL)
    assert drawn["total"] == SEED_TOTAL
    # the offline basemap, from its script file (fetch is refused from file://): 177 countries, three copies
    assert basemap_paths(page) >= 3 * 150
    assert not [line for line in console if "offline basemap" in line], console
    visit.screenshot("seed")

    loaded = [url for kind, _, url in visit.requests if kind in ("script", "stylesheet")]
    assert len(loaded) == 7 and all(url.startswith(seed_site.as_uri() + "/vendor/") for url in loaded), loaded
    only_tiles_refused(refused)
    assert [url for _, _, url in visit.requests if not url.startswith(("file:", TILES))] == []
    expect(page.locator(".speakout-bar-count")).to_have_text(f"{SEED_TOTAL} events")
    links = page.locator(".speakout-bar-links a")
    assert links.evaluate_all("as => as.map(a => [a.textContent, a.href])") == [
        ["Events as GeoJSON", (seed_site / "events.geojson").as_uri()],
        ["Events as CSV", (seed_site / "events.csv").as_uri()],
    ]
    assert visit.dialogs == [] and visit.page_errors == []


def _pin(page, label: str):
    handle = page.evaluate_handle(
        """label => Array.from(document.querySelectorAll('.leaflet-marker-pane .speakout-pin'))
                          .find(el => el.getAttribute('aria-label') === label) || null""", label).as_element()
    assert handle is not None, f"no pin labelled {label!r}"
    return handle


_VIEW = """view => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  if (view) { map.setView(view[0], view[1], {animate: false}); return null; }
  return [[map.getCenter().lat, map.getCenter().lng], map.getZoom()];
}"""


def test_hostile_text_stays_text_from_file(hostile_site: Path, open_page):
    rows = hostile_rows()
    visit, refused, _ = open_offline(open_page, hostile_site)
    page = visit.page
    labels = [f"{r['title']}, {r['city']}, {country_name(r['country'])} (confirmed)" for r in rows]
    drawn = markers(page.main_frame, len(rows))
    assert sorted(drawn["singles"]) == sorted(labels)
    assert basemap_paths(page) > 0

    view = page.evaluate(_VIEW, None)
    for index, (row, label) in enumerate(zip(rows, labels)):
        close_popups(page)
        page.evaluate(_VIEW, view)
        _pin(page, label).click()
        popup = page.locator(".leaflet-popup-content .speakout-popup")
        expect(popup).to_be_visible()
        lines = popup.locator("p").evaluate_all("ps => ps.map(p => p.textContent)")
        assert lines[:2] == [row["title"], f"{row['city']}, {country_name(row['country'])}"]
        for text in (row["venue"], row["address"], f"Organised by {row['organiser']}", row["description"]):
            assert text in lines, (text, lines)
        assert popup.locator("a").first.get_attribute("href") == row["url"]
        if index == 0:
            visit.screenshot("popup")

    # the accessible list: one item per event, the same text
    items = page.locator(f"#{LIST_ID} > li")
    expect(items).to_have_count(len(rows))
    listed = " ".join(items.evaluate_all("lis => lis.map(li => li.textContent)"))
    for payload in PAYLOADS:
        assert payload.replace("\u2028", "") in listed.replace("\u2028", ""), payload
    page.locator(f"#{LIST_ID}").scroll_into_view_if_needed()
    visit.screenshot("list")

    assert injected_anywhere(page) == {}
    assert visit.dialogs == [] and visit.page_errors == []
    html = html_of_every_frame(page)
    assert [r["contact_email"] for r in rows if r["contact_email"] in html] == [], "contact emails are private"
    for data in ("events.geojson", "events.csv"):
        assert b"private-" not in (hostile_site / data).read_bytes()
    # an <img src=x> that had been parsed would have asked for x next to the page
    assert [url for _, _, url in visit.requests if url.split("?")[0].endswith("/x")] == []
    only_tiles_refused(refused)
