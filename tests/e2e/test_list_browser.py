"""End to end: the map page's list follows the map, with a keyboard alone.

"Show on the map" in the list opens that event's popup in the map's frame;
a pin opened on the map (Enter on it) marks its event in the list.
"""

from __future__ import annotations

import pytest
from e2e_support import PAGE_TIMEOUT_MS, AppServer
from test_browser import MAP_IFRAME, SEED_TOTAL, map_frame, page_markers, shown_count

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

MARKED = "📍 Open on the map"
#: The list's entries' headings.
HEADINGS = "[data-testid=stMarkdownContainer] h4"


def list_headings(page) -> list[str]:
    return [text.strip() for text in page.locator(HEADINGS).all_inner_texts()]


def seed_map(page, server: AppServer):
    """The map page of the seed events, once every event is drawn."""
    page.goto(server.url("/"))
    assert shown_count(page) == (SEED_TOTAL, SEED_TOTAL)
    page_markers(page, SEED_TOTAL)
    return page


def test_from_the_list_to_the_map_and_back_by_keyboard(seed_app: AppServer, open_page):
    visit = open_page()
    page = seed_map(visit.page, seed_app)
    expect(page.locator(HEADINGS).first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    titles = list_headings(page)
    assert len(titles) == SEED_TOTAL  # one page: every event the map shows, as headings

    # The list to the map: Enter on the third event's "Show on the map" opens its popup in the map's frame.
    show = page.get_by_role("button", name="Show on the map").nth(2)
    show.focus()
    page.keyboard.press("Enter")
    frame = map_frame(page)
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(titles[2], timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text(MARKED)).to_have_count(1, timeout=PAGE_TIMEOUT_MS)
    visit.screenshot("list-to-map")

    # The map to the list: a pin reached in the map's frame and opened with Enter is marked in the list.
    frame.locator(".leaflet-popup-close-button").click()
    expect(frame.locator(".leaflet-popup")).to_have_count(0, timeout=PAGE_TIMEOUT_MS)
    pin = frame.locator(".speakout-pin").first
    pin.focus()
    name = pin.get_attribute("aria-label") or ""
    pin.press("Enter")
    opened = frame.locator(".leaflet-popup-content .speakout-popup-title").first
    expect(opened).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    title = opened.inner_text().strip()
    assert title and title in name, (title, name)
    marked = page.locator("[class*='st-key-list-entry-']", has=page.get_by_text(MARKED))
    expect(marked.last).to_contain_text(title, timeout=PAGE_TIMEOUT_MS)
    visit.screenshot("map-to-list")
    assert not visit.page_errors, visit.page_errors


def test_only_the_events_in_the_maps_view(seed_app: AppServer, open_page):
    visit = open_page()
    page = seed_map(visit.page, seed_app)
    # The map is made again (a map of its own key, which reports its view): wait for the old frame to go first,
    # or the view would be set on a map about to be removed.
    old_map = page.locator(MAP_IFRAME).first.element_handle()
    page.get_by_text("Only the events in the map's view").click()
    page.wait_for_function("frame => !frame.isConnected", arg=old_map, timeout=PAGE_TIMEOUT_MS)
    page_markers(page, SEED_TOTAL)
    frame = map_frame(page)
    expect(page.locator(HEADINGS)).to_have_count(SEED_TOTAL, timeout=PAGE_TIMEOUT_MS)
    # Into Europe: the list keeps only the events inside the map's view, as the map reports it.
    frame.evaluate("() => window.map.setView([48.5, 10.0], 5, {animate: false})")
    in_view = frame.evaluate("""() => {
      const b = window.map.getBounds();
      return Object.values(window.map._layers).length && b.getSouth() < 48.5 && b.getNorth() > 48.5;
    }""")
    assert in_view
    headings = page.locator(HEADINGS)
    expect(headings.first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function("([selector, n]) => document.querySelectorAll(selector).length < n",
                           arg=[HEADINGS, SEED_TOTAL], timeout=PAGE_TIMEOUT_MS)
    europe = [text.strip() for text in headings.all_inner_texts()]
    assert europe and all("Russia" in title for title in europe)
    assert not any(city in " ".join(europe) for city in ("Asunción", "Vancouver", "Ottawa", "Sydney"))
    visit.screenshot("list-in-view")
    assert not visit.page_errors, visit.page_errors


def test_on_a_phone_show_on_the_map_brings_the_map_into_sight(seed_app: AppServer, open_page):
    """The list is under the map, a long way down on a phone: "Show on the map" scrolls the whole map back into sight,
    its event's popup open."""
    visit = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = seed_map(visit.page, seed_app)
    show = page.get_by_role("button", name="Show on the map").nth(SEED_TOTAL - 2)
    show.scroll_into_view_if_needed()
    iframe = page.locator(MAP_IFRAME).first
    assert not _in_sight(page, iframe), "the map was in sight already: nothing to show"
    title = list_headings(page)[SEED_TOTAL - 2]
    show.click()
    frame = map_frame(page)
    expect(frame.locator(".leaflet-popup-content")).to_contain_text(title, timeout=PAGE_TIMEOUT_MS)
    # the whole map, in the middle of the screen (not under Streamlit's header at the top)
    page.wait_for_function("""el => { const r = el.getBoundingClientRect();
                                      return r.top >= 80 && r.bottom <= window.innerHeight; }""",
                           arg=iframe.element_handle(), timeout=PAGE_TIMEOUT_MS)
    visit.screenshot("phone-shown")
    assert not visit.page_errors, visit.page_errors


def _in_sight(page, locator) -> bool:
    return locator.evaluate("el => { const r = el.getBoundingClientRect(); return r.top < window.innerHeight && "
                            "r.bottom > 0; }")
