"""End to end: the proof-of-work widget (app_pages/challenge.py) in headless Chromium.

The server runs the test-only script ``tests/e2e/challenge_app.py`` (the widget alone, and what Python made
of its payload written out). The widget is the app's own copy of the npm package (static/vendor/altcha/),
it solves in the browser with no request beyond this machine, every word it shows is the page's, and the
payload it hands back passes ``verify_solution``. http://127.0.0.1 is a secure context for Chromium, so
WebCrypto is there.

Streamlit serves the ``static/`` folder next to the script it runs, which for the test script is
tests/e2e/static/; so the browser gets the project's copy of the widget through a route, and the real
app's serving of that copy is checked on its own.
"""

from __future__ import annotations

import re
import urllib.request

import pytest
from e2e_support import PAGE_TIMEOUT_MS, AppServer

from speakout_map.maps.assets import ASSETS_BY_NAME, CHALLENGE_ASSET, STATIC_DIR, VENDOR_FOLDER, missing_files

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(any(f.startswith(f"vendor/{CHALLENGE_ASSET}/") for f in missing_files()),
                       reason="the ALTCHA widget is not in static/vendor; run `make install` (make test does it)"),
]

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

SCRIPT = "tests/e2e/challenge_app.py"
WIDGET_FILE = "/app/static/vendor/" + ASSETS_BY_NAME[CHALLENGE_ASSET].target
WIDGET_COPY = STATIC_DIR / VENDOR_FOLDER / ASSETS_BY_NAME[CHALLENGE_ASSET].target
WIDGET_ROUTE = re.compile(re.escape(WIDGET_FILE) + "$")
VERIFIED = re.compile(r"^answer: verified [0-9a-f]{12}$")
#: Words of the widget's own (English defaults, its name) that must never show.
ITS_OWN_WORDS = ("I'm not a robot", "Verified", "Verifying", "ALTCHA", "Protected by", "Secure context")


@pytest.fixture(scope="module")
def challenge_app(start_app) -> AppServer:
    return start_app("challenge", script=SCRIPT)


def opened(visit, server: AppServer, serve_widget: bool = True, **query: str):
    page = visit.page
    if serve_widget:
        page.route(WIDGET_ROUTE, lambda route: route.fulfill(path=str(WIDGET_COPY), content_type="text/javascript"))
    page.goto(server.url("/", **query))
    expect(page.get_by_text(re.compile(r"^challenges: \d+$"))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    return page


def widget_label(page):
    return page.locator(".speakout-challenge altcha-widget label")


def assert_only_the_pages_words(page) -> None:
    shown = page.locator(".speakout-challenge").inner_text()
    for words in ITS_OWN_WORDS:
        assert words not in shown, (words, shown)
    assert page.locator(".speakout-challenge altcha-widget a").count() == 0  # no logo or footer link


def test_the_widget_solves_by_itself_and_python_accepts_the_payload(challenge_app: AppServer, open_page):
    visit = open_page()
    page = opened(visit, challenge_app)
    answer = page.get_by_text(VERIFIED)
    expect(answer).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(widget_label(page)).to_have_text("text: verified")
    expect(page.locator(".speakout-challenge altcha-widget input[type=checkbox]")).to_be_checked()
    visit.screenshot("verified")
    assert_only_the_pages_words(page)
    assert visit.page_errors == [] and visit.dialogs == []
    assert visit.non_local_requests() == []
    assert any(url.endswith(WIDGET_FILE) for _, _, url in visit.requests), "the widget came from elsewhere"


def test_a_new_challenge_is_solved_again_and_only_its_payload_counts(challenge_app: AppServer, open_page):
    visit = open_page()
    page = opened(visit, challenge_app)
    answer = page.get_by_text(VERIFIED)
    expect(answer).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    first = answer.inner_text()
    page.get_by_role("button", name="New challenge").click()
    expect(page.get_by_text("challenges: 2", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(answer).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(answer).not_to_have_text(first, timeout=PAGE_TIMEOUT_MS)
    assert page.locator(".speakout-challenge altcha-widget").count() == 1
    assert visit.page_errors == []


def test_without_auto_start_the_visitor_ticks_it(challenge_app: AppServer, open_page):
    visit = open_page()
    page = opened(visit, challenge_app, auto="off")
    expect(widget_label(page)).to_have_text("text: label", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(1_000)
    expect(page.get_by_text("answer: none", exact=True)).to_be_visible()
    visit.screenshot("waiting")
    widget_label(page).click()
    expect(page.get_by_text(VERIFIED)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(widget_label(page)).to_have_text("text: verified")
    assert_only_the_pages_words(page)
    assert visit.page_errors == [] and visit.dialogs == []


def test_in_a_form_the_payload_comes_with_the_form(challenge_app: AppServer, open_page):
    visit = open_page()
    page = opened(visit, challenge_app, form="on")
    expect(widget_label(page)).to_have_text("text: verified", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(1_000)
    # like every widget of a form, the widget's answer reaches Python when the form is sent
    expect(page.get_by_text("answer: none", exact=True)).to_be_visible()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text(VERIFIED)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    visit.screenshot("form-sent")
    assert_only_the_pages_words(page)
    assert visit.page_errors == [] and visit.dialogs == []


def test_an_expired_challenge_is_replaced_and_solved_again(challenge_app: AppServer, open_page):
    visit = open_page()
    page = opened(visit, challenge_app, expires="4")
    expect(page.get_by_text(VERIFIED)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    # the widget's expiry tells the page, which makes a new challenge, which the widget solves
    expect(page.get_by_text(re.compile(r"^challenges: [2-9]$"))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text(VERIFIED)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert visit.page_errors == []


def test_a_page_that_may_not_solve_says_so_in_its_own_words(challenge_app: AppServer, open_page):
    """As on a plain-HTTP page: browsers give no WebCrypto there, and the widget would say so in English."""
    visit = open_page()
    visit.page.add_init_script("Object.defineProperty(window, 'isSecureContext', {get: () => false});")
    page = opened(visit, challenge_app)
    expect(page.get_by_role("status")).to_have_text("text: insecure", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("answer: none", exact=True)).to_be_visible()
    assert page.locator("altcha-widget").count() == 0
    assert visit.page_errors == [] and visit.dialogs == []


def test_a_missing_widget_script_says_so_in_its_own_words(challenge_app: AppServer, open_page):
    visit = open_page()
    visit.page.route(WIDGET_ROUTE, lambda route: route.fulfill(status=404, body="gone"))
    page = opened(visit, challenge_app, serve_widget=False)
    expect(page.get_by_role("status")).to_have_text("text: unavailable", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("answer: none", exact=True)).to_be_visible()
    assert visit.dialogs == []


def test_the_app_serves_its_copy_of_the_widget_as_a_script(seed_app: AppServer):
    with urllib.request.urlopen(seed_app.url(WIDGET_FILE), timeout=30) as answer:
        assert answer.status == 200
        assert answer.headers.get_content_type() in ("text/javascript", "application/javascript")
        assert answer.read() == WIDGET_COPY.read_bytes()
