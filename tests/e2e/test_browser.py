"""End to end: the real app in a real browser, on this machine only.

Each test drives headless Chromium against ``streamlit run app.py`` on
127.0.0.1 (see conftest.py) and saves screenshots to ``test-artifacts/e2e/``.
The map is drawn by Leaflet inside streamlit-folium's iframe; its markers are
counted as a person would: the numbers on the clusters plus the single pins.
"""

from __future__ import annotations

import csv
import io
import re
import time

import pytest
from e2e_support import ORGANISER, PAGE_TIMEOUT_MS, PASSWORD, SEED_EVENTS, AppServer, is_local

from speakout_map.languages.translator import translator_for
from speakout_map.maps.layer import layer_labels
from speakout_map.places.countries import country_name

pytestmark = pytest.mark.e2e

_playwright = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
expect = _playwright.expect
PlaywrightError = _playwright.Error

SEED_TOTAL = 19
SPAIN = ["Barcelona", "Madrid", "Valencia"]
COUNT = re.compile(r"(\d+) of (\d+) events shown")
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
POPUP_LINK_TEXT = "Event page (opens in a new tab)"

#: Four events on three dates, in places far enough apart to be single pins whatever the filter.
MULTI_DATE_CSV = """city,country,date,title,status,url
Madrid,Spain,2013-09-03,Madrid rally,confirmed,https://example.org/madrid
Valencia,España,2013-09-10,Valencia rally,confirmed,
New York,USA,2013-09-03,New York rally,details_to_come,
Dublin,Ireland,2013-09-20,Dublin rally,confirmed,
"""


# --- reading the page ---------------------------------------------------------------

#: The markers Leaflet drew: numbers on clusters, and the aria-labels of single pins.
_MARKERS_JS = """() => {
  if (!document.querySelector('.leaflet-container')) { return null; }
  let clustered = 0;
  const singles = [];
  for (const el of document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')) {
    if (el.classList.contains('marker-cluster')) {
      clustered += parseInt(el.textContent.trim(), 10) || 0;
    } else {
      singles.push(el.getAttribute('aria-label') || '');
    }
  }
  return {clustered: clustered, singles: singles, total: clustered + singles.length};
}"""


def shown_count(page, shown: int | None = None, total: int | None = None) -> tuple[int, int]:
    """The page's "N of M events shown", after waiting for it (and for the given numbers)."""
    line = page.get_by_text(COUNT)
    if shown is not None and total is not None:
        expect(line).to_have_text(f"{shown} of {total} events shown", timeout=PAGE_TIMEOUT_MS)
    else:
        expect(line).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    match = COUNT.search(line.inner_text())
    assert match, line.inner_text()
    return int(match.group(1)), int(match.group(2))


def map_frame(page, index: int = 0):
    """The Frame of the index-th streamlit-folium iframe, once Leaflet has made its map in it.

    A new version of the data makes a new map, and streamlit-folium a new iframe: the one found
    first may be on its way out (no document any more, or detached while waited on), so look again
    until an iframe holds a map or the page's time is up.
    """
    iframe = page.locator(MAP_IFRAME).nth(index)
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    last_error = "the map iframe has no document"
    while True:
        expect(iframe).to_be_attached(timeout=PAGE_TIMEOUT_MS)
        try:
            frame = iframe.element_handle(timeout=PAGE_TIMEOUT_MS).content_frame()
            if frame is not None:
                remaining_ms = max(1000, int((deadline - time.monotonic()) * 1000))
                frame.wait_for_selector(
                    ".leaflet-container .leaflet-marker-pane", state="attached", timeout=remaining_ms
                )
                return frame
        except PlaywrightError as exc:  # detached or replaced while we waited: look again
            last_error = f"the map iframe went away while waited on: {exc}"
        if time.monotonic() > deadline:
            raise AssertionError(last_error)
        page.wait_for_timeout(100)


def page_markers(page, expected_total: int, index: int = 0) -> dict:
    """``markers`` of the page's index-th map, following it when a new version replaces the iframe."""
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while True:
        frame = map_frame(page, index)
        try:
            return markers(frame, expected_total)
        except (AssertionError, PlaywrightError):
            if not frame.is_detached() or time.monotonic() > deadline:
                raise


def whole_map_in_view(frame) -> None:
    """Scroll the whole map into view before clicking in it.

    For a pin below the fold, Playwright's own scrolling moves the page under the pointer (Streamlit's
    main container scrolls smoothly), and the click lands beside the pin.
    """
    frame.frame_element().scroll_into_view_if_needed()


def markers(frame, expected_total: int) -> dict:
    """The drawn markers once they add up to ``expected_total`` and the map has settled.

    Settled: no zoom animation running and the same markers on two polls in a row. Fails with
    what the map shows if that never happens.
    """
    settled = f"""n => {{
      const s = ({_MARKERS_JS})();
      const now = JSON.stringify(s);
      const animating = !!document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim');
      const same = window.__e2eLastMarkers === now;
      window.__e2eLastMarkers = now;
      return s !== null && s.total === n && same && !animating;
    }}"""
    try:
        frame.wait_for_function(settled, arg=expected_total, timeout=PAGE_TIMEOUT_MS, polling=250)
    except Exception as exc:  # Playwright's TimeoutError: say what the map shows instead
        raise AssertionError(
            f"the map never settled on {expected_total} events; it shows {frame.evaluate(_MARKERS_JS)}"
        ) from exc
    return frame.evaluate(_MARKERS_JS)


def table_cells(page, *, last_column: str | None = None) -> list[str]:
    """Text of the first visible data table's cells (the data grid's accessible table of the cells it drew).

    On the map page, the "Table" tab is opened first; a table in a closed expander is not one. The grid draws only the columns in view; given the name
    of its ``last_column``, it is also scrolled to its right end and the cells drawn there are added.
    """
    table_tab = page.get_by_role("tab", name=re.compile(r"^(Table|Tabla)$"))
    if table_tab.count():  # the map page (English or Spanish): the table is the tab beside the list
        table_tab.click()
    grid = page.locator("[data-testid=stDataFrame]:visible").first
    expect(grid.locator("td").first).to_be_attached(timeout=PAGE_TIMEOUT_MS)
    read = "cells => cells.map(c => c.textContent)"
    cells = grid.locator("td").evaluate_all(read)
    if last_column is not None:
        grid.locator(".dvn-scroller").evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        header = grid.locator("th", has_text=re.compile(f"^{re.escape(last_column)}$"))
        expect(header).to_be_attached()
        cells += grid.locator("td").evaluate_all(read)
    return cells


def sign_in(page, server: AppServer) -> None:
    """Open the map, follow the menu to the organisers' page and sign in as alice."""
    page.goto(server.url("/"))
    shown_count(page)
    page.get_by_role("link", name="Organisers").click()
    expect(page).to_have_url(server.url("/organise"))
    page.get_by_label("Organiser name").fill(ORGANISER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {ORGANISER}")).to_be_visible(timeout=PAGE_TIMEOUT_MS)


def upload(page, name: str, data: bytes) -> None:
    page.locator(".st-key-upload [data-testid=stFileUploader] input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )


# --- the map ------------------------------------------------------------------------


def test_seed_events_are_all_on_the_map(seed_app: AppServer, open_page):
    visit = open_page()
    page = visit.page
    page.goto(seed_app.url("/"))
    assert shown_count(page) == (SEED_TOTAL, SEED_TOTAL)
    frame = map_frame(page)
    drawn = markers(frame, SEED_TOTAL)
    assert all(label.endswith(("(confirmed)", "(details to come)")) for label in drawn["singles"]), drawn
    expect(frame.locator(".speakout-legend")).to_contain_text("Confirmed event")
    expect(frame.locator(".speakout-legend")).to_contain_text("Details to come")
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    visit.screenshot("seed-map")
    assert not visit.dialogs and not visit.page_errors, (visit.dialogs, visit.page_errors)


def test_country_in_the_url_shows_only_that_country(seed_app: AppServer, open_page):
    visit = open_page()
    page = visit.page
    page.goto(seed_app.url("/", country="ES"))
    assert shown_count(page) == (3, SEED_TOTAL)
    expect(page.locator("[data-testid=stMultiSelect]")).to_contain_text("Spain")
    drawn = page_markers(page, 3)
    # Spain's three cities are far enough apart to be single pins in the fitted view.
    assert sorted(label.split("–")[-1].split(",")[0].strip() for label in drawn["singles"]) == SPAIN, drawn
    cells = table_cells(page)
    assert sorted(c for c in cells if c in SPAIN + ["Dublin", "London", "Ottawa"]) == SPAIN, cells
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    visit.screenshot("spain")


def test_a_filter_change_keeps_the_map_and_shows_only_the_chosen_events(seed_app: AppServer, open_page):
    """The map is drawn once per version and language: a filter sends it a selection, not a new frame."""
    visit = open_page()
    page = visit.page
    page.goto(seed_app.url("/"))
    assert shown_count(page) == (SEED_TOTAL, SEED_TOTAL)
    frame = map_frame(page)
    markers(frame, SEED_TOTAL)
    frame.evaluate("() => { window.__e2eSameMap = 'yes'; }")
    fetched = frame.evaluate("() => performance.getEntriesByType('resource').filter("
                             "e => e.name.includes('/api/map-data')).length")
    assert fetched == 1
    box = page.get_by_role("combobox", name="Countries")
    box.click()
    box.fill("Spain")
    page.get_by_role("option", name="Spain", exact=True).click()
    assert shown_count(page, 3, SEED_TOTAL) == (3, SEED_TOTAL)
    drawn = markers(frame, 3)
    assert sorted(label.split("–")[-1].split(",")[0].strip() for label in drawn["singles"]) == SPAIN, drawn
    assert frame.evaluate("() => window.__e2eSameMap") == "yes"  # the same document: not drawn again
    assert page.locator(MAP_IFRAME).count() == 1
    page.keyboard.press("Escape")
    page.get_by_role("button", name=re.compile("Clear all|Remove")).first.click()
    assert shown_count(page, SEED_TOTAL, SEED_TOTAL) == (SEED_TOTAL, SEED_TOTAL)
    markers(frame, SEED_TOTAL)
    assert frame.evaluate("() => window.__e2eSameMap") == "yes"
    assert frame.evaluate("() => performance.getEntriesByType('resource').filter("
                          "e => e.name.includes('/api/map-data')).length") == 1  # fetched once
    assert not visit.dialogs and not visit.page_errors, (visit.dialogs, visit.page_errors)


@pytest.fixture(scope="module")
def multi_date_app(start_app, tmp_path_factory) -> AppServer:
    path = tmp_path_factory.mktemp("multi-date") / "events.csv"
    path.write_text(MULTI_DATE_CSV, encoding="utf-8")
    return start_app("multi-date", path)


@pytest.mark.parametrize(
    ("query", "shown", "cities"),
    [
        ({"from": "2013-09-04", "to": "2013-09-30"}, 2, ["Dublin", "Valencia"]),
        ({"to": "2013-09-03"}, 2, ["Madrid", "New York"]),
        ({"country": "ES", "from": "2013-09-05"}, 1, ["Valencia"]),
    ],
    ids=["from-to", "to", "country-and-from"],
)
def test_dates_in_the_url_filter_the_map(multi_date_app: AppServer, open_page, query, shown, cities):
    visit = open_page()
    page = visit.page
    page.goto(multi_date_app.url("/", **query))
    assert shown_count(page) == (shown, 4)
    drawn = page_markers(page, shown)
    assert sorted(label.split(",")[0].replace(" rally", "") for label in drawn["singles"]) == cities, drawn
    cells = table_cells(page)
    assert sorted(c for c in cells if c in ("Madrid", "Valencia", "New York", "Dublin")) == cities, cells
    start = page.locator("[data-testid=stDateInput] input[type=date]").first
    expect(start).to_have_value(query.get("from", "2013-09-03"))
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    visit.screenshot("dates")


# --- the guide ------------------------------------------------------------------------


def test_guide_renders_from_its_markdown(seed_app: AppServer, open_page):
    visit = open_page()
    page = visit.page
    page.goto(seed_app.url("/guide"))
    main = page.locator("[data-testid=stMain]")
    expect(page.get_by_role("heading", name="Host your own Speak Out For Russia event", level=1)).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )
    for heading in ("1. Pick a place people will notice", "3. Check whether you need a permit", "Who is behind it"):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    # Markdown is rendered, not shown: bold text is bold and no ** is left over.
    expect(main.locator("strong", has_text="Love Always Wins")).to_be_visible()
    # Who is behind it: the campaign's partners, from the settings.
    expect(main.get_by_text("Speak Out For Russia is organised by All Out, Truth Wins Out, GLAAD, Human Rights "
                            "Campaign, and Peter Tatchell Foundation.")).to_be_visible()
    assert "**" not in main.inner_text()
    visit.screenshot("guide-top")
    back = page.get_by_role("link", name="Back to the map of events")
    back.scroll_into_view_if_needed()
    visit.screenshot("guide-bottom")
    back.click()
    assert shown_count(page) == (SEED_TOTAL, SEED_TOTAL)


# --- organisers -------------------------------------------------------------------------


def test_organiser_uploads_previews_and_publishes(start_app, open_page):
    server = start_app("organiser")  # its own store: this test publishes
    visit = open_page()
    page = visit.page
    sign_in(page, server)
    visit.screenshot("signed-in")

    update = SEED_EVENTS.read_text(encoding="utf-8").rstrip("\n") + (
        "\nBerlin,Deutschland,2013-09-03,Speak Out For Russia – Berlin,18:00,20:00,Brandenburger Tor,,"
        "https://example.org/berlin,confirmed,e2e,,Added by the end-to-end test.,,\n"
    )
    upload(page, "update.csv", update.encode("utf-8"))
    expect(page.get_by_text("1 added, 0 removed, 0 changed, 19 unchanged", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page_markers(page, SEED_TOTAL + 1)  # the preview's map
    page.get_by_text("1 added, 0 removed, 0 changed, 19 unchanged", exact=True).scroll_into_view_if_needed()
    visit.screenshot("preview")

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published version 2 with 20 events")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    visit.screenshot("published")

    page.goto(server.url("/"))
    assert shown_count(page) == (SEED_TOTAL + 1, SEED_TOTAL + 1)
    page_markers(page, SEED_TOTAL + 1)
    visit.screenshot("map-after")

    page.goto(server.url("/", country="DE"))
    assert shown_count(page) == (1, SEED_TOTAL + 1)
    frame = map_frame(page)
    drawn = markers(frame, 1)
    assert drawn["singles"] == ["Speak Out For Russia – Berlin, Berlin, Germany (confirmed)"], drawn
    whole_map_in_view(frame)
    frame.locator(".leaflet-marker-pane .speakout-pin").click()
    popup = frame.locator(".leaflet-popup-content .speakout-popup")
    expect(popup).to_contain_text("Brandenburger Tor")
    expect(popup).to_contain_text("18:00–20:00 local time")
    assert popup.get_by_role("link", name=POPUP_LINK_TEXT).get_attribute("href") == "https://example.org/berlin"
    assert "Berlin" in table_cells(page)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    visit.screenshot("berlin")
    assert visit.non_local_requests() == []


# --- hostile text ---------------------------------------------------------------------------

#: Each one tries to run script (and set window.__pwned) if it ever reaches the page as markup or code.
PAYLOADS = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "</script><script>window.__pwned=2;alert(2)</script>",
    "${window.__pwned=3} `${alert(3)}` ${alert(document.domain)}",
    "{{7*7}} {{ config.items() }} {% for x in [1] %}[{{x}}]{% endfor %} #{7*7} <%= 7*7 %>",
    '"><svg onload="window.__pwned=5;alert(5)">',
    "javascript:window.__pwned=6;alert(6)//",
    "'\"><iframe src=\"javascript:parent.__pwned=7;alert(7)\"></iframe><!--",
    "<b>bold</b> &amp; &lt;i&gt; **not bold** [link](javascript:alert(8)) \u2028 \\u003cscript\\u003e",
]
#: Links must be http(s), so the hostile part comes after a harmless start.
URL_PAYLOADS = [
    'https://example.org/e1?q="><img/src=x/onerror=window.__pwned=11>',
    "https://example.org/e2#</script><script>window.__pwned=12</script>",
    "https://example.org/e3?a=${window.__pwned=13}&b={{7*7}}",
    "https://example.org/e4?'onmouseover='window.__pwned=14",
    'https://example.org/e5/"><svg/onload=window.__pwned=15>',
    "https://example.org/e6?next=javascript:window.__pwned=16",
    "http://example.org/e7?<!--",
    "https://example.org/e8?%3Cscript%3Ewindow.__pwned=18%3C/script%3E",
]
#: Far apart, so that each event is a single pin in the fitted view.
HOSTILE_PLACES = [
    ("US", 61.2, -149.9), ("CA", 53.5, -75.0), ("NO", 60.4, 5.3), ("RU", 55.0, 82.9),
    ("AR", -34.6, -58.4), ("ZA", -33.9, 18.4), ("AU", -33.9, 151.2), ("JP", 35.7, 139.7),
]  # fmt: skip
HOSTILE_COLUMNS = ["city", "country", "date", "title", "start_time", "end_time", "venue", "address", "url", "status",
                   "organiser", "contact_email", "description", "latitude", "longitude"]  # fmt: skip


def hostile_rows() -> list[dict[str, str]]:
    """One event per payload, the payload in every text field (the city too: coordinates place it)."""
    rows = []
    for i, (payload, url, (country, lat, lon)) in enumerate(zip(PAYLOADS, URL_PAYLOADS, HOSTILE_PLACES)):
        rows.append({
            "city": payload, "country": country, "date": "2013-09-03", "title": payload,
            "start_time": "18:00", "end_time": "19:30", "venue": payload, "address": payload, "url": url,
            "status": "confirmed", "organiser": payload, "contact_email": f"private-{i}@example.org",
            "description": payload, "latitude": str(lat), "longitude": str(lon),
        })  # fmt: skip
    return rows


def rows_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HOSTILE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile_app(start_app, tmp_path_factory) -> AppServer:
    path = tmp_path_factory.mktemp("hostile") / "events.csv"
    path.write_text(rows_csv(hostile_rows()), encoding="utf-8")
    return start_app("hostile", path)


#: In one frame: anything the payloads would have made had they been parsed as markup or run.
_INJECTED_JS = """() => {
  const found = [];
  const q = (sel) => Array.from(document.querySelectorAll(sel));
  q('img[src="x"], svg[onload], [onerror], [onload], [onmouseover], iframe[src^="javascript"]')
    .forEach(el => found.push('element: ' + el.outerHTML.slice(0, 120)));
  q('a[href]').forEach(a => {
    const href = (a.getAttribute('href') || '').trim().toLowerCase();
    if (href.startsWith('javascript:') || href.startsWith('data:') || href.startsWith('vbscript:')) {
      found.push('link: ' + a.outerHTML.slice(0, 120));
    }
  });
  q('script').forEach(s => {
    if (!s.src && /^\\s*(window|parent)\\.__pwned|^\\s*alert\\(/.test(s.textContent)) {
      found.push('script: ' + s.textContent.slice(0, 120));
    }
  });
  q('b, i').forEach(el => {
    if (el.textContent === 'bold' || el.textContent === 'i') { found.push('markup: ' + el.outerHTML); }
  });
  if (typeof window.__pwned !== 'undefined') { found.push('window.__pwned = ' + String(window.__pwned)); }
  return found;
}"""


def injected_anywhere(page) -> dict[str, list[str]]:
    """Per frame URL, what the payloads made (empty when nothing was parsed or run)."""
    found = {}
    for frame in page.frames:
        hits = frame.evaluate(_INJECTED_JS)
        if hits:
            found[frame.url] = hits
    return found


def html_of_every_frame(page) -> str:
    return "\n".join(frame.evaluate("() => document.documentElement.outerHTML") for frame in page.frames)


def pin(frame, label: str):
    """The single marker whose aria-label is ``label`` (matched exactly, whatever characters it has)."""
    handle = frame.evaluate_handle(
        """label => Array.from(document.querySelectorAll('.leaflet-marker-pane .speakout-pin'))
                          .find(el => el.getAttribute('aria-label') === label) || null""",
        label,
    ).as_element()
    assert handle is not None, f"no pin labelled {label!r}"
    whole_map_in_view(frame)
    return handle


def reset_view(frame, view) -> None:
    """Back to a [center, zoom] view at once (returning nothing: a Leaflet map is slow to serialise)."""
    frame.evaluate("v => { window.map_div.setView(v[0], v[1], {animate: false}); }", view)


def close_popups(frame) -> None:
    """Close the open popup with its close button, and wait until it has faded out."""
    buttons = frame.locator(".leaflet-popup-close-button")
    if buttons.count():
        buttons.first.click()
    expect(frame.locator(".leaflet-popup")).to_have_count(0)


def test_hostile_event_text_shows_literally_and_never_runs(hostile_app: AppServer, open_page):
    rows = hostile_rows()
    visit = open_page()
    page = visit.page
    page.goto(hostile_app.url("/"))
    assert shown_count(page) == (len(rows), len(rows))
    frame = map_frame(page)
    drawn = markers(frame, len(rows))
    assert len(drawn["singles"]) == len(rows), drawn
    expected_labels = sorted(f"{r['title']}, {r['city']}, {country_name(r['country'])} (confirmed)" for r in rows)
    assert sorted(drawn["singles"]) == expected_labels

    # Every popup, opened as a person would, shows every field as plain text.
    view = frame.evaluate("() => [window.map_div.getCenter(), window.map_div.getZoom()]")
    for index, row in enumerate(rows):
        close_popups(frame)
        # A popup pans the map to fit; back to the first view, so that every pin is drawn again.
        reset_view(frame, view)
        pin(frame, f"{row['title']}, {row['city']}, {country_name(row['country'])} (confirmed)").click()
        popup = frame.locator(".leaflet-popup-content .speakout-popup")
        expect(popup).to_be_visible()
        lines = popup.locator("p").evaluate_all("ps => ps.map(p => p.textContent)")
        assert lines == [
            row["title"],
            f"{row['city']}, {country_name(row['country'])}",
            "Tue 3 Sep 2013",
            "18:00–19:30 local time",
            row["venue"],
            row["address"],
            f"Organised by {row['organiser']}",
            row["description"],
            POPUP_LINK_TEXT,
            "Add to calendar: Google Calendar \u00b7 .ics file",
            "0 going",
        ]
        assert popup.get_by_role("link", name=POPUP_LINK_TEXT).get_attribute("href") == row["url"]
        google = popup.get_by_role("link", name="Google Calendar").get_attribute("href")
        ics = popup.get_by_role("link", name=".ics file").get_attribute("href")
        assert re.fullmatch(r"/feeds/google-calendar\?event=[0-9a-f]{32}%40speakout-map&lang=en", google), google
        assert re.fullmatch(r"/feeds/events\.ics\?event=[0-9a-f]{32}%40speakout-map&lang=en", ics), ics
        # the <p>s, the three links, the calendar line's separator, the going line's box and its button
        assert popup.locator("*").count() == len(lines) + 6
        if index in (0, 1):
            visit.screenshot(f"popup-{index + 1}")

    # The tooltip too.
    close_popups(frame)
    reset_view(frame, view)
    row = rows[0]
    pin(frame, f"{row['title']}, {row['city']}, {country_name(row['country'])} (confirmed)").hover()
    tooltip = frame.locator(".leaflet-tooltip .speakout-tooltip")
    expect(tooltip).to_be_visible()
    assert tooltip.locator("*").evaluate_all("els => els.map(e => e.textContent)") == [
        row["title"], f"{row['city']}, {country_name(row['country'])}"
    ]
    visit.screenshot("tooltip")

    # The table shows the same text, as text.
    cells = table_cells(page, last_column="Link")
    for row in rows:
        assert row["title"] in cells and row["city"] in cells, (row["title"], cells)
        assert f"{row['venue']}, {row['address']}" in cells, (row["venue"], cells)
    page.locator("[data-testid=stDataFrame]").scroll_into_view_if_needed()
    visit.screenshot("table")
    assert injected_anywhere(page) == {}
    private = [r["contact_email"] for r in rows if r["contact_email"] in html_of_every_frame(page)]
    assert private == [], "contact emails are private"

    # A hostile address bar is only ever a warning, shown as text.
    page.goto(hostile_app.url("/", country='<img src=x onerror="window.__pwned=21">', to="{{7*7}}</script>"))
    expect(page.get_by_text('<img src=x onerror="window.__pwned=21">')).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert shown_count(page) == (len(rows), len(rows))
    page_markers(page, len(rows))
    visit.screenshot("hostile-query")

    assert injected_anywhere(page) == {}
    assert visit.dialogs == []
    assert visit.page_errors == []
    # An <img src=x> that had been parsed would have asked for /x; any other address would have left.
    assert [r for r in visit.requests if r[2].split("?")[0].endswith("/x")] == []
    assert visit.non_local_requests() == []


def test_script_links_are_refused_at_upload(hostile_app: AppServer, open_page):
    visit = open_page()
    page = visit.page
    sign_in(page, hostile_app)
    bad = (
        "city,country,date,url\n"
        "Madrid,ES,2013-09-03,javascript:alert(document.domain)\n"
        "Dublin,IE,2013-09-03,data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\n"
        "Paris,FR,2013-09-03,JaVaScRiPt:window.__pwned=31\n"
        "Berlin,DE,2013-09-03,https://example.org/berlin\n"
    )
    upload(page, "links.csv", bad.encode("utf-8"))
    expect(page.get_by_text("3 problems to fix in links.csv")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    cells = table_cells(page)
    # The problems table: row, column, problem, for rows 2, 3 and 4, all about the link.
    problems = [cells[i : i + 3] for i in range(0, len(cells), 3)]
    assert [(p[0], p[1]) for p in problems] == [("2", "url"), ("3", "url"), ("4", "url")], cells
    assert all("is not a web address" in p[2] for p in problems), problems
    expect(page.get_by_role("button", name="Publish")).to_be_disabled()
    visit.screenshot("refused")
    assert injected_anywhere(page) == {}
    assert visit.dialogs == []

    page.goto(hostile_app.url("/"))
    assert shown_count(page) == (len(PAYLOADS), len(PAYLOADS))  # nothing was published


# --- nothing leaves the machine ----------------------------------------------------------------

ASSET_TYPES = frozenset({"script", "stylesheet", "font"})


def test_no_request_leaves_the_machine(seed_app: AppServer, open_page):
    visit = open_page()
    page = visit.page
    page.goto(seed_app.url("/"))
    shown_count(page, SEED_TOTAL, SEED_TOTAL)
    frame = map_frame(page)
    markers(frame, SEED_TOTAL)
    whole_map_in_view(frame)
    frame.locator(".leaflet-marker-pane .leaflet-marker-icon").first.click()
    page.goto(seed_app.url("/guide"))
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.goto(seed_app.url("/organise"))
    expect(page.get_by_label("Organiser name")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    visit.screenshot("organise")

    assets = [r for r in visit.requests if r[0] in ASSET_TYPES]
    assert any(r[0] == "script" and "/component/streamlit_folium" in r[2] for r in assets), "the map's own script"
    assert visit.non_local_requests(ASSET_TYPES) == [], "scripts, styles and fonts come from this server only"
    assert visit.non_local_requests() == [], "with the tiles off, nothing at all leaves the machine"
    assert all(is_local(url) for _, _, url in visit.requests)


def test_under_a_base_url_path_the_map_finds_its_own_files(start_app, open_page):
    # As behind a proxy serving the app at /campaign/ (server.baseUrlPath = "campaign").
    server = start_app("base-path", base_path="/campaign")
    visit = open_page()
    page = visit.page
    page.goto(server.url("/"))
    assert shown_count(page) == (SEED_TOTAL, SEED_TOTAL)
    page_markers(page, SEED_TOTAL)  # Leaflet and the cluster plugin loaded
    scripts = [url for kind, _, url in visit.requests if kind == "script" and "/static/vendor/" in url]
    assert scripts and all(url.startswith(server.url("/app/static/vendor/")) for url in scripts), scripts
    visit.screenshot("base-path")
    assert not visit.dialogs and not visit.page_errors, (visit.dialogs, visit.page_errors)
    assert visit.non_local_requests() == []


# --- a phone ------------------------------------------------------------------------------------


def test_phone_sized_screen(seed_app: AppServer, open_page):
    width, height = 390, 844
    visit = open_page(
        viewport={"width": width, "height": height}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = visit.page
    page.goto(seed_app.url("/"))
    shown_count(page, SEED_TOTAL, SEED_TOTAL)
    frame = map_frame(page)
    markers(frame, SEED_TOTAL)

    iframe = page.locator(MAP_IFRAME)
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    assert box and box["width"] > 0.8 * width and box["height"] >= 300, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    container = frame.locator(".leaflet-container")
    expect(container).to_be_visible()
    inner = container.bounding_box()
    assert inner and inner["width"] > 0 and inner["height"] > 0, inner
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    visit.screenshot("phone-map")

    # The map answers a tap: the zoom-in button zooms.
    zoom = frame.evaluate("() => window.map_div ? window.map_div.getZoom() : null")
    frame.locator(".leaflet-control-zoom-in").tap()
    if zoom is not None:
        frame.wait_for_function("z => window.map_div.getZoom() > z", arg=zoom)

    # The filters are there and work by touch.
    countries = page.get_by_role("combobox", name="Countries")
    countries.scroll_into_view_if_needed()
    expect(countries).to_be_visible()
    dates = page.locator("[data-testid=stDateInput]")
    expect(dates).to_be_visible()
    for control in (countries, dates):
        cbox = control.bounding_box()
        assert cbox and cbox["x"] >= 0 and cbox["x"] + cbox["width"] <= width, cbox
    countries.tap()
    page.get_by_role("option", name="Spain").tap()
    page.keyboard.press("Escape")
    shown_count(page, 3, SEED_TOTAL)
    expect(page).to_have_url(re.compile(r"[?&]country=ES\b"))
    drawn = page_markers(page, 3)
    assert sorted(label.split("–")[-1].split(",")[0].strip() for label in drawn["singles"]) == SPAIN, drawn
    visit.screenshot("phone-spain")
    assert not visit.dialogs and not visit.page_errors, (visit.dialogs, visit.page_errors)
    assert visit.non_local_requests() == []


# --- only the pages app.py declares -------------------------------------------------------------
# The page scripts live in app_pages/: a folder named pages/ would also be served the old way, by
# file name (/organiser, /common), outside st.navigation, and the first visit to /organise on a
# fresh server showed a 'Page not found' dialog over the page.


def test_only_the_declared_pages_are_served(start_app, open_page):
    server = start_app("fresh")  # the dialog shows on a server's first page view only
    visit = open_page()
    page = visit.page
    page.goto(server.url("/organise"))
    expect(page.get_by_label("Organiser name")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    visit.screenshot("organise-first-visit")
    assert page.get_by_text("Page not found").count() == 0, "a 'Page not found' dialog over the organisers' page"

    for path in ("/organiser", "/common"):
        page.goto(server.url(path))
        app_nav = page.get_by_role("navigation", name="App pages")
        folder_nav = page.locator("[data-testid=stSidebarNav]")
        expect(app_nav.or_(folder_nav).first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        visit.screenshot(path.strip("/"))
        # Only the app's own pages, never a sidebar of the folder's files.
        assert folder_nav.count() == 0, f"{path} is served as a page of its own, outside the app's navigation"


# --- languages ---------------------------------------------------------------------------


def test_a_browser_that_prefers_spanish_gets_the_spanish_map(multi_date_app: AppServer, open_page):
    """No ?lang=: Chromium's es-ES locale (its Accept-Language) is enough; ?lang=en switches back for good."""
    es = translator_for("es")
    labels = layer_labels(es)
    visit = open_page(locale="es-ES")
    page = visit.page
    page.goto(multi_date_app.url("/"))
    count = es.plural("**{shown:,}** of {count:,} event shown", "**{shown:,}** of {count:,} events shown", 4, shown=4)
    assert count.replace("**", "") != "4 of 4 events shown"
    expect(page.get_by_text(count.replace("**", ""))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    heading = es("{campaign} — events worldwide", campaign="Speak Out For Russia")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("link", name=es("Host an event"))).to_be_visible()
    frame = map_frame(page)
    markers(frame, 4)
    expect(frame.locator(".speakout-legend")).to_contain_text(labels["legendConfirmed"])
    new_york = labels["markerDetailsToCome"].replace("{title}", "New York rally")
    pin(frame, new_york.replace("{place}", "New York, Estados Unidos")).click()
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("mar, 3 sept 2013")
    expect(popup).to_contain_text("Estados Unidos")
    expect(popup).to_contain_text(labels["detailsToCome"])
    visit.screenshot("spanish-map")
    cells = table_cells(page)
    assert "España" in cells and "mar, 3 sept 2013" in cells and "vie, 20 sept 2013" in cells, cells

    page.goto(multi_date_app.url("/", lang="en"))
    assert shown_count(page, 4, 4) == (4, 4)
    page.get_by_role("link", name="Host an event").click()  # the menu: moving to another page keeps English
    expect(page.get_by_role("heading", name="Host your own Speak Out For Russia event", level=1)).to_be_visible(
        timeout=PAGE_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"/guide\?(.*&)?lang=en"))
    assert not visit.dialogs and not visit.page_errors, (visit.dialogs, visit.page_errors)
