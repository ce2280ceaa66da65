"""End to end: a host proposes an event full of hostile text in Chromium; once approved it stays inert text.

The form is filled in as a person would (the place set by clicking the small map, since no
gazetteer knows a city made of markup), checked, sent; an organiser approves it through the
library; then the public map's popup and table, the host's status page and the feeds show every
field as plain text, nothing runs, and the host's contact email appears nowhere public.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
import urllib.request
from pathlib import Path

import pytest
from e2e_support import PAGE_TIMEOUT_MS, AppServer
from test_browser import (MAP_IFRAME, html_of_every_frame, injected_anywhere, map_frame, markers, pin, shown_count,
                          table_cells)

from speakout_map.places.countries import country_name
from speakout_map.settings import load_settings
from speakout_map.store.store import open_store
from speakout_map.supporters.moderation import approve, prepare_approval
from speakout_map.supporters.proposal import ProposalStatus

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

SEED_TOTAL = 19
PRIVATE_EMAIL = "private-host-e2e@example.org"
#: Every field of the form tries to run script (and set window.__pwned) if it ever reaches a page as markup.
HOSTILE = {
    "title": '<img src=x onerror="window.__pwned=1;alert(1)">',
    "city": '"><svg onload="window.__pwned=5;alert(5)">',
    "venue": "</script><script>window.__pwned=2;alert(2)</script>",
    "address": "<b>bold</b> &amp; **not bold** [link](javascript:alert(8)) ${alert(3)} {{7*7}}",
    "url": 'https://example.org/e1?q="><img/src=x/onerror=window.__pwned=11>',
    "description": '=HYPERLINK("javascript:alert(9)","click") \'"><iframe src="javascript:parent.__pwned=7"></iframe>',
}
EVENT_DAY = dt.date.today() + dt.timedelta(days=30)
#: The time trap's default (settings.proposal_min_seconds), and a margin.
MIN_SECONDS = 5.0 + 1.0


@pytest.fixture(scope="module")
def propose_app(start_app) -> AppServer:
    """A server of its own: this test publishes."""
    return start_app("propose")


def field(page, name: str, element: str = "input"):
    """A form field by its widget key (Streamlit gives each widget's container the class st-key-<key>)."""
    return page.locator(f".st-key-propose-{name} {element}").first


def fill_form(page) -> None:
    for name in ("title", "city", "venue", "address", "url"):
        field(page, name).fill(HOSTILE[name])
    field(page, "description", "textarea").fill(HOSTILE["description"])
    field(page, "contact_email").fill(PRIVATE_EMAIL)
    country = field(page, "country")
    country.click()
    country.fill("France")
    page.get_by_role("option", name="France", exact=True).click()
    # The date and the time are fields of segments (year, month, day): typed into, not filled.
    page.locator(".st-key-propose-date [role=spinbutton]").first.click()
    page.keyboard.type(EVENT_DAY.strftime("%Y%m%d"))
    page.locator(".st-key-propose-start_time [role=spinbutton]").first.click()
    page.keyboard.type("1830")
    page.keyboard.press("Tab")


def feed(server: AppServer, name: str) -> str:
    with urllib.request.urlopen(server.url(f"/feeds/events.{name}"), timeout=30) as answer:
        return answer.read().decode("utf-8")


def approve_the_proposal(server: AppServer, cache_dir: Path, geocoder) -> None:
    """What an organiser's Approve does, through the library, on the server's own store."""
    settings = load_settings(environ={
        "SPEAKOUT_DATABASE_URL": f"sqlite:///{server.workdir / 'store.sqlite3'}",
        "SPEAKOUT_CACHE_DIR": str(cache_dir),
        "SPEAKOUT_GEOCODER_ONLINE": "false",
    })
    store = open_store(settings)
    try:
        [proposal] = store.proposals().list(ProposalStatus.PENDING)
        assert {name: proposal.cells[name] for name in HOSTILE} == HOSTILE
        assert proposal.cells["contact_email"] == PRIVATE_EMAIL
        approval = prepare_approval(proposal, store=store, geocoder=geocoder)
        assert approval.ok, approval.checked.errors
        approve(approval, store=store, by="e2e")
    finally:
        store.close()


def test_a_hostile_proposal_stays_inert_text_from_the_form_to_the_map(propose_app: AppServer, open_page,
                                                                      gazetteer_index: Path, gazetteer):
    visit = open_page()
    page = visit.page
    page.goto(propose_app.url("/propose"))
    expect(field(page, "title")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    opened = time.monotonic()  # the form is shown: the server's time trap started before this
    # The honeypot is in the page for bots, out of sight for people.
    honeypot = page.locator(".st-key-website input")
    expect(honeypot).to_be_attached()
    box = honeypot.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, box

    fill_form(page)
    page.locator(".st-key-propose-check button").click()
    # No town is called that: the check says so, and the host puts the pin on the map instead.
    expect(page.get_by_text("could not be found in France")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.locator(MAP_IFRAME)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    frame = page.locator(MAP_IFRAME).element_handle().content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=PAGE_TIMEOUT_MS)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    container = frame.locator(".leaflet-container")
    size = container.bounding_box()
    # The world view is centred on 20° N, 0° at zoom 2: France is a few pixels east and about 90 up.
    container.click(position={"x": size["width"] / 2 + 6, "y": size["height"] / 2 - 90})
    placed = page.get_by_text(f"Your event is placed in {HOSTILE['city']}, France")
    expect(placed).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    latitude_input = page.locator(".st-key-propose-latitude-input input")
    longitude_input = page.locator(".st-key-propose-longitude-input input")
    expect(latitude_input).to_have_count(1, timeout=PAGE_TIMEOUT_MS)  # the rerun has settled
    expect(latitude_input).not_to_have_value("", timeout=PAGE_TIMEOUT_MS)
    latitude, longitude = float(latitude_input.input_value()), float(longitude_input.input_value())
    assert 38 < latitude < 54 and -8 < longitude < 12, (latitude, longitude)  # about France
    visit.screenshot("placed")
    assert injected_anywhere(page) == {}

    time.sleep(max(0.0, MIN_SECONDS - (time.monotonic() - opened)))  # a person takes this long, at least
    page.locator(".st-key-propose-send button").click()
    link = page.locator("[data-testid=stCode]").filter(has_text="/proposal?token=")
    expect(link).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    status_url = link.inner_text().strip()
    assert status_url.startswith(propose_app.url("/proposal?token=")), status_url
    visit.screenshot("sent")

    approve_the_proposal(propose_app, gazetteer_index.parent, gazetteer)

    # The public map: the popup and the table show every field as text.
    # (France only: the table draws the rows in view, and the new event is the last of the twenty.)
    page.goto(propose_app.url("/", country="FR"))
    shown, total = shown_count(page)
    assert total == SEED_TOTAL + 1 and shown < 5, (shown, total)
    frame = map_frame(page)
    markers(frame, shown)
    label = f"{HOSTILE['title']}, {HOSTILE['city']}, {country_name('FR')} (confirmed)"
    pin(frame, label).click()
    popup = frame.locator(".leaflet-popup-content .speakout-popup")
    expect(popup).to_be_visible()
    lines = popup.locator("p").evaluate_all("ps => ps.map(p => p.textContent)")
    for name in ("title", "venue", "address", "description"):
        assert HOSTILE[name] in lines, (name, lines)
    assert any(HOSTILE["city"] in line for line in lines), lines
    assert popup.get_by_role("link", name="Event page (opens in a new tab)").get_attribute("href") == HOSTILE["url"]
    visit.screenshot("popup")
    cells = table_cells(page)
    assert HOSTILE["title"] in cells and HOSTILE["city"] in cells, cells
    assert injected_anywhere(page) == {}
    assert PRIVATE_EMAIL not in html_of_every_frame(page)

    # The feeds carry the event but never its host's email.
    geojson = feed(propose_app, "geojson")
    titles = [f["properties"].get("title") for f in json.loads(geojson)["features"]]
    assert HOSTILE["title"] in titles
    table = feed(propose_app, "csv")
    assert any(HOSTILE["venue"] in row.get("venue", "") for row in csv.DictReader(io.StringIO(table.lstrip("\ufeff"))))
    assert PRIVATE_EMAIL not in geojson and PRIVATE_EMAIL not in table

    # The host's status page: approved, the fields as text.
    page.goto(status_url)
    expect(page.get_by_text("Approved: it is on the map", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text(HOSTILE["title"], exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="See it on the map")).to_be_visible()
    assert PRIVATE_EMAIL not in html_of_every_frame(page)  # masked even for its host
    visit.screenshot("status")
    assert injected_anywhere(page) == {}

    assert visit.dialogs == []
    assert visit.page_errors == []
    assert [r for r in visit.requests if r[2].split("?")[0].endswith("/x")] == []
    assert visit.non_local_requests() == []
