"""End to end: "I'll be there" in a real browser (the map's popup, its route, the table's count).

Its own app server (the clicks change the counts), with two plain events and one whose every text field is
hostile, far apart so that each is a single pin.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from e2e_support import PAGE_TIMEOUT_MS, AppServer
from test_browser import (
    PAYLOADS,
    close_popups,
    html_of_every_frame,
    injected_anywhere,
    map_frame,
    markers,
    pin,
    shown_count,
    table_cells,
)

from speakout_map.places.countries import country_name

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

HOSTILE = PAYLOADS[0] + " " + PAYLOADS[4]
COLUMNS = ["city", "country", "date", "title", "venue", "organiser", "description", "status", "contact_email",
           "latitude", "longitude"]
ROWS = [
    {"city": "Madrid", "country": "ES", "date": "2013-09-03", "title": "Madrid rally", "status": "confirmed",
     "contact_email": "private-madrid@example.org", "latitude": "40.4168", "longitude": "-3.7038"},
    {"city": "Tokyo", "country": "JP", "date": "2013-09-03", "title": "Tokyo rally", "status": "confirmed",
     "latitude": "35.6895", "longitude": "139.6917"},
    {"city": HOSTILE, "country": "AR", "date": "2013-09-03", "title": HOSTILE, "venue": HOSTILE, "organiser": HOSTILE,
     "description": HOSTILE, "status": "confirmed", "latitude": "-34.6", "longitude": "-58.4"},
]  # fmt: skip
GOING_ROUTE = re.compile(r"/api/going$")


def label_of(row: dict) -> str:
    return f"{row['title']}, {row['city']}, {country_name(row['country'])} (confirmed)"


@pytest.fixture(scope="module")
def going_app(start_app, tmp_path_factory) -> AppServer:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(ROWS)
    path = tmp_path_factory.mktemp("going") / "events.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return start_app("going", path)


def open_map(page, server: AppServer):
    page.goto(server.url("/"))
    assert shown_count(page) == (len(ROWS), len(ROWS))
    frame = map_frame(page)
    markers(frame, len(ROWS))
    return frame


def open_popup(frame, row: dict):
    close_popups(frame)
    pin(frame, label_of(row)).click()
    part = frame.locator(".leaflet-popup-content .speakout-popup .speakout-popup-going")
    expect(part).to_be_visible()
    return part


#: The data grid's header and row height (Streamlit's default), in CSS pixels.
ROW_HEIGHT = 35


def pick_row(page, text: str) -> None:
    """Select the table's row that shows ``text`` by clicking its row marker (the grid draws on a canvas)."""
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.scroll_into_view_if_needed()
    rows = grid.locator("tbody tr").evaluate_all("rows => rows.map(r => r.textContent)")
    index = next(i for i, row in enumerate(rows) if text in row)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + ROW_HEIGHT * (index + 1) + ROW_HEIGHT / 2)


def going_posts(visit) -> list[str]:
    return [url for kind, method, url in visit.requests if method == "POST" and GOING_ROUTE.search(url)]


def test_a_popup_click_counts_and_a_reload_remembers(going_app: AppServer, open_page):
    visit = open_page()
    page = visit.page
    frame = open_map(page, going_app)
    madrid = ROWS[0]
    part = open_popup(frame, madrid)
    expect(part.locator(".speakout-popup-going-count")).to_have_text("0 going")
    button = part.get_by_role("button", name="I'll be there")
    expect(button).to_be_enabled()
    visit.screenshot("popup-before")
    button.click()
    expect(part.locator(".speakout-popup-going-count")).to_have_text("1 going")
    expect(part.get_by_role("button", name="You're going")).to_be_disabled()
    visit.screenshot("popup-counted")
    assert len(going_posts(visit)) == 1
    assert all(url.startswith(going_app.url("/api/going")) for url in going_posts(visit))

    # Reload: the count is the store's, and this tab is still going.
    page.reload()
    frame = open_map(page, going_app)
    part = open_popup(frame, madrid)
    expect(part.locator(".speakout-popup-going-count")).to_have_text("1 going")
    expect(part.get_by_role("button", name="You're going")).to_be_disabled()
    visit.screenshot("popup-after-reload")
    expect(page.get_by_text("1 person going in 1 city")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert len(going_posts(visit)) == 1
    assert not visit.dialogs and not visit.page_errors, (visit.dialogs, visit.page_errors)
    assert visit.non_local_requests() == []

    # Another visitor (another browser) sees the count and adds to it.
    other = open_page()
    frame = open_map(other.page, going_app)
    part = open_popup(frame, madrid)
    expect(part.locator(".speakout-popup-going-count")).to_have_text("1 going")
    part.get_by_role("button", name="I'll be there").click()
    expect(part.locator(".speakout-popup-going-count")).to_have_text("2 going")
    expect(part.get_by_role("button", name="You're going")).to_be_disabled()
    assert not other.dialogs and not other.page_errors, (other.dialogs, other.page_errors)


def test_the_tables_button_counts_and_the_popup_agrees(going_app: AppServer, open_page):
    visit = open_page()
    page = visit.page
    open_map(page, going_app)
    cells = table_cells(page)
    assert "Tokyo" in cells
    pick_row(page, "Tokyo rally")
    expect(page.get_by_text("Tokyo rally (Tokyo): 0 going")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("button", name="I'll be there").click()
    expect(page.get_by_text("Counted, thank you: you're going. Now 1 going.")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("button", name="You're going")).to_be_disabled()
    visit.screenshot("table-counted")
    # the map drawn after the click says so too: this session's own mark
    frame = map_frame(page)
    markers(frame, len(ROWS))
    part = open_popup(frame, ROWS[1])
    expect(part.locator(".speakout-popup-going-count")).to_have_text("1 going")
    expect(part.get_by_role("button", name="You're going")).to_be_disabled()
    assert going_posts(visit) == []  # the table's button goes through the page, not the route
    assert not visit.dialogs and not visit.page_errors, (visit.dialogs, visit.page_errors)


def test_hostile_event_text_stays_inert_beside_the_button(going_app: AppServer, open_page):
    visit = open_page()
    page = visit.page
    frame = open_map(page, going_app)
    part = open_popup(frame, ROWS[2])
    popup = frame.locator(".leaflet-popup-content .speakout-popup")
    lines = popup.locator("p").evaluate_all("ps => ps.map(p => p.textContent)")
    assert lines[0] == HOSTILE and f"Organised by {HOSTILE}" in lines
    part.get_by_role("button", name="I'll be there").click()
    expect(part.locator(".speakout-popup-going-count")).to_have_text("1 going")
    # the going part is its count, its button and nothing else
    assert part.locator("*").evaluate_all("els => els.map(e => e.tagName)") == ["P", "BUTTON"]
    visit.screenshot("hostile-popup-counted")
    assert injected_anywhere(page) == {}
    assert "private-madrid@example.org" not in html_of_every_frame(page)
    assert visit.dialogs == [] and visit.page_errors == []
    assert [r for r in visit.requests if r[2].split("?")[0].endswith("/x")] == []
    assert visit.non_local_requests() == []


def test_under_a_base_url_path_the_click_goes_to_the_apps_own_route(start_app, open_page, tmp_path_factory):
    # As behind a proxy serving the app at /campaign/ (server.baseUrlPath = "campaign").
    events = tmp_path_factory.mktemp("going-base") / "events.csv"
    events.write_text("city,country,date,title,status\nMadrid,ES,2013-09-03,Madrid rally,confirmed\n"
                      "Tokyo,JP,2013-09-03,Tokyo rally,confirmed\n", encoding="utf-8")
    server = start_app("going-base", events, base_path="/campaign")
    visit = open_page()
    page = visit.page
    page.goto(server.url("/"))
    assert shown_count(page) == (2, 2)
    frame = map_frame(page)
    markers(frame, 2)
    pin(frame, "Madrid rally, Madrid, Spain (confirmed)").click()
    part = frame.locator(".leaflet-popup-content .speakout-popup .speakout-popup-going")
    part.get_by_role("button", name="I'll be there").click()
    expect(part.locator(".speakout-popup-going-count")).to_have_text("1 going")
    assert going_posts(visit) == [server.url("/api/going")]
    assert server.url("/api/going").endswith("/campaign/api/going")
    assert not visit.dialogs and not visit.page_errors, (visit.dialogs, visit.page_errors)
