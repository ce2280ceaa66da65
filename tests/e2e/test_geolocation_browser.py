"""End to end: the "Near me" button (app_pages/geolocation.py) in headless Chromium.

The server runs the test-only script ``tests/e2e/geolocation_app.py`` (the button alone, and what Python
got from it written out). The browser's position is Playwright's: a context with ``geolocation`` and the
``geolocation`` permission gets that position; one without the permission is refused, and the page says
so calmly. http://127.0.0.1 is a secure context for Chromium, so the API is there. Embedded in a partner's
page on another origin, only an iframe with ``allow="geolocation"`` may ask.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import pytest
from e2e_support import PAGE_TIMEOUT_MS, AppServer

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

CORK = {"latitude": 51.8985, "longitude": -8.4756}
SCRIPT = "tests/e2e/geolocation_app.py"
BUTTON = "Find me"


@pytest.fixture(scope="module")
def locate_app(start_app) -> AppServer:
    return start_app("geolocation", script=SCRIPT)


def opened(visit, server: AppServer):
    page = visit.page
    page.goto(server.url("/"))
    expect(page.get_by_text("answer: none")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    button = page.get_by_role("button", name=BUTTON)
    expect(button).to_be_enabled(timeout=PAGE_TIMEOUT_MS)
    return page, button


def test_a_granted_position_reaches_python(locate_app: AppServer, open_page):
    visit = open_page(geolocation=CORK, permissions=["geolocation"])
    page, button = opened(visit, locate_app)
    button.click()
    expect(page.get_by_text("answer: located 51.8985 -8.4756 True")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("status")).to_have_text("status: located")
    visit.screenshot("located")
    assert visit.page_errors == [] and visit.dialogs == []
    assert visit.non_local_requests() == []


def test_the_position_stays_in_the_session_across_reruns(locate_app: AppServer, open_page):
    visit = open_page(geolocation=CORK, permissions=["geolocation"])
    page, button = opened(visit, locate_app)
    button.click()
    answer = page.get_by_text("answer: located 51.8985 -8.4756 True")
    expect(answer).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    runs = int(page.get_by_text(re.compile(r"^runs: \d+$")).inner_text().split()[-1])
    for run in (runs + 1, runs + 2):
        page.get_by_role("button", name="Run the page again").click()
        expect(page.get_by_text(f"runs: {run}", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        expect(answer).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("status: located")
    assert visit.page_errors == []


def test_a_refusal_is_a_calm_denied(locate_app: AppServer, open_page):
    visit = open_page(geolocation=CORK)  # a position, but no permission to read it
    page, button = opened(visit, locate_app)
    button.click()
    expect(page.get_by_text("answer: denied")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("status")).to_have_text("status: denied")
    expect(button).to_be_enabled()
    visit.screenshot("denied")
    assert visit.page_errors == [] and visit.dialogs == []
    assert page.get_by_text(re.compile("located")).count() == 0


def test_no_api_is_a_calm_insecure(locate_app: AppServer, open_page):
    """As on a plain-HTTP page or in an iframe without allow="geolocation": the page may not ask."""
    visit = open_page(geolocation=CORK, permissions=["geolocation"])
    visit.page.add_init_script("Object.defineProperty(window, 'isSecureContext', {get: () => false});")
    page, button = opened(visit, locate_app)
    button.click()
    expect(page.get_by_text("answer: insecure")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("status")).to_have_text("status: insecure")
    assert visit.page_errors == [] and visit.dialogs == []



@pytest.fixture(scope="module")
def partner_site(locate_app: AppServer) -> Iterator[str]:
    """A partner's site on another origin (``http://localhost:PORT``) embedding the app in an iframe:
    ``/allowed.html`` with ``allow="geolocation"``, ``/not-allowed.html`` without. A real loopback server, as
    Chromium keeps pages the test fakes with ``route`` from framing loopback addresses."""
    frame = f'<iframe src="{locate_app.url("/")}" width="900" height="600" title="Events"{{allow}}></iframe>'
    pages = {
        "/allowed.html": frame.format(allow=' allow="geolocation"'),
        "/not-allowed.html": frame.format(allow=""),
    }

    class Partner(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(f"<!doctype html><title>Partner</title>{body or ''}".encode())

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Partner)
    thread = threading.Thread(target=server.serve_forever, name="partner-site", daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.mark.parametrize(("path", "answer"), [("/allowed.html", "located 51.8985 -8.4756 True"),
                                              ("/not-allowed.html", "insecure")])
def test_in_a_partners_iframe_only_an_allowed_frame_asks(partner_site: str, open_page, path, answer):
    visit = open_page(geolocation=CORK, permissions=["geolocation"])
    page = visit.page
    page.goto(partner_site + path)
    frame = page.frame_locator('iframe[title="Events"]')
    expect(frame.get_by_text("answer: none")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    frame.get_by_role("button", name=BUTTON).click()
    expect(frame.get_by_text(f"answer: {answer}")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(frame.get_by_role("status")).to_have_text(f"status: {answer.split()[0]}")
    visit.screenshot("iframe")
    assert visit.page_errors == [] and visit.dialogs == []


def test_near_me_on_the_map_lists_the_events_around_the_browsers_position(seed_app: AppServer, open_page):
    """The real map page: Cork's position gives its town in the box, Galway and Dublin within 250 km (an Irish
    browser reads km), and no coordinates in the address."""
    visit = open_page(geolocation=CORK, permissions=["geolocation"], locale="en-IE")
    page = visit.page
    page.goto(seed_app.url("/"))
    button = page.get_by_role("button", name="📍 Near me")
    expect(button).to_be_enabled(timeout=PAGE_TIMEOUT_MS)
    button.click()
    expect(page.get_by_label("Near a town or city")).to_have_value("Cork, IE", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("2 events within 250 km of Cork, Ireland, nearest first")).to_be_visible(
        timeout=PAGE_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"near=Cork"))
    assert "51.89" not in page.url and "-8.47" not in page.url
    visit.screenshot("near-me-map")
    assert visit.page_errors == [] and visit.dialogs == []
