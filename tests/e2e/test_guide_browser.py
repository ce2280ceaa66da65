"""End to end: the guide page in a real browser, with a hostile guide and materials in its store.

Its own app server, whose store is given before any page view a guide
version full of raw HTML and script payloads, and three materials (a PNG, a
PDF and an SVG, one with a hostile title). The page must render the Markdown
without making any element of the raw HTML, show the cards, and serve every
file as a download (``Content-Disposition: attachment``) under its own name.
"""

from __future__ import annotations

import datetime as dt
import urllib.request

import pytest
from e2e_support import PAGE_TIMEOUT_MS, AppServer
from test_browser import PAYLOADS, injected_anywhere

from speakout_map.materials.intake import prepare_material
from speakout_map.store.store import Store
from tests.materials_support import pdf_bytes, png_bytes, svg_bytes

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

HEADING = "A guide with traps in it"
GUIDE = f"# {HEADING}\n\nMeet at noon.\n\n" + "\n\n".join(PAYLOADS) + "\n\n<script>window.__pwned=20</script>\n"
HOSTILE_TITLE = '<img src=x onerror="window.__pwned=21"> **not bold**'
FILES = {
    "speak-out.png": (png_bytes((300, 420), color=(214, 51, 108)), "Speak Out For Russia"),
    "leaflet.pdf": (pdf_bytes("navy"), "Leaflet"),
    "love.svg": (svg_bytes(), HOSTILE_TITLE),
}


@pytest.fixture(scope="module")
def guide_app(start_app) -> AppServer:
    server = start_app("guide")
    with Store.open(f"sqlite:///{server.workdir / 'store.sqlite3'}") as store:
        store.guides().publish("en", GUIDE, by="alice", based_on=None)
        for name, (data, title) in FILES.items():
            new = prepare_material(data, name, title=title, description=f"{title}\nsecond line", max_bytes=2**20)
            store.materials().add(new, by="alice", at=dt.datetime.now(dt.timezone.utc))
    return server


def test_raw_html_in_the_guide_makes_no_element_and_runs_nothing(guide_app: AppServer, open_page):
    visit = open_page()
    page = visit.page
    page.goto(guide_app.url("/guide"))
    expect(page.get_by_role("heading", name=HEADING, level=1)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_text("Meet at noon.")).to_be_visible()
    expect(main.get_by_text(HOSTILE_TITLE, exact=True)).to_be_visible()  # the title as text, not markup
    page.wait_for_timeout(500)  # time for anything injected to run
    assert injected_anywhere(page) == {}
    assert not visit.dialogs and not visit.page_errors
    assert main.locator("script").count() == 0
    visit.screenshot("guide")


def test_the_materials_are_cards_and_every_file_downloads_as_an_attachment(guide_app: AppServer, open_page):
    visit = open_page()
    page = visit.page
    page.goto(guide_app.url("/guide"))
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_text("Speak Out For Russia", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(main.locator("[data-testid=stImage] img")).to_have_count(2)  # the PNG's and the PDF's thumbnails
    main.get_by_text("Leaflet", exact=True).scroll_into_view_if_needed()
    visit.screenshot("materials")
    for name, (data, _title) in FILES.items():
        button = main.locator("[data-testid=stDownloadButton] button", has_text=name)
        with page.expect_download() as waiting:
            button.click()
        download = waiting.value
        assert download.suggested_filename == name
        assert open(download.path(), "rb").read() == data
        with urllib.request.urlopen(download.url, timeout=10) as answer:
            assert answer.headers["Content-Disposition"].startswith("attachment;")
            assert answer.read() == data
    assert injected_anywhere(page) == {}
