"""End to end: the organisers' page, every tab of it, and a host's proposal status page pass axe-core's WCAG 2.2 A
and AA rules, in English and Spanish.

axe checks only what is shown, so each tab is opened in turn, with its expanders open too; the upload tab is also
checked with a file's preview on it and with a file's problems. The proposals tab has a proposal to review (sent
through the library, as the form sends it), whose host's status page is checked, as is the page a wrong link gives.
"""

from __future__ import annotations

import urllib.request

import pytest
from e2e_support import ORGANISER, PAGE_TIMEOUT_MS, PASSWORD, SEED_EVENTS, AppServer
from test_accessibility import (LANGUAGES, assert_axe_clean, axe_source, describe, page_violations,  # noqa: F401 - a fixture
                                streamlit_settled)
from test_browser import upload

from speakout_map.languages.translator import translator_for
from tests.proposal_support import GOOD_FORM

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

TABS = 6
#: A row the checks refuse (a date that does not exist), for the problems table.
BAD_ROW = "Lyon,France,2013-02-31,Speak Out in Lyon,,,,,,confirmed,All Out,,,,\n"
#: A row the checks take (a new event), for the preview and its choices.
NEW_ROW = "Lyon,France,2013-09-03,Speak Out in Lyon,18:00,,Place Bellecour,,,confirmed,All Out,,,,\n"


@pytest.fixture(scope="module")
def review_app(start_app, gazetteer_index) -> tuple[AppServer, str]:
    """A server of its own (a proposal waits for review on it), and the token of that proposal's status link."""
    from speakout_map.organisers.throttle import utc_now
    from speakout_map.places.gazetteer import GazetteerGeocoder
    from speakout_map.settings import load_settings
    from speakout_map.store.store import open_store
    from speakout_map.supporters.checking import check_proposal
    from speakout_map.supporters.submitting import submit_proposal

    server = start_app("axe-review")
    with urllib.request.urlopen(server.url("/feeds/events.csv"), timeout=60) as answer:  # the store, seeded
        assert answer.status == 200
    store = open_store(load_settings(environ={
        "SPEAKOUT_DATABASE_URL": f"sqlite:///{server.workdir / 'store.sqlite3'}",
        "SPEAKOUT_CACHE_DIR": str(gazetteer_index.parent),
        "SPEAKOUT_GEOCODER_ONLINE": "false",
    }))
    geocoder = GazetteerGeocoder(gazetteer_index)
    try:
        checked = check_proposal(dict(GOOD_FORM), geocoder=geocoder)
        assert checked.ok, checked.errors
        token = submit_proposal(checked, store=store, client=("session:axe",), opened_at=None, now=utc_now()).token
    finally:
        geocoder.close()
        store.close()
    return server, token


def open_expanders(page) -> None:
    """Open every closed expander shown (those of hidden tabs stay as they are)."""
    closed = page.locator("[data-testid=stExpander] details:not([open]) > summary")
    for index in reversed(range(closed.count())):
        summary = closed.nth(index)
        if summary.is_visible():
            summary.click()
    streamlit_settled(page)


def signed_in(visit, server: AppServer, lang: str):
    t = translator_for(lang)
    page = visit.page
    page.goto(server.url("/organise", lang=lang))
    streamlit_settled(page)
    page.get_by_label(t("Organiser name")).fill(ORGANISER)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign in")).click()
    expect(page.get_by_role("tab")).to_have_count(TABS, timeout=PAGE_TIMEOUT_MS)
    streamlit_settled(page)
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_tab_of_the_organisers_page_passes_axe(review_app, open_page, axe_source: str, lang: str):
    """Each of the six tabs, opened in turn with its expanders open; every tab's findings are reported at once."""
    server, _token = review_app
    visit = open_page(bypass_csp=True)
    page = signed_in(visit, server, lang)
    found: dict[str, str] = {}
    names = []
    for index in range(TABS):
        tab = page.get_by_role("tab").nth(index)
        name = tab.inner_text().strip()
        names.append(name)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        streamlit_settled(page)
        open_expanders(page)
        visit.screenshot(f"tab-{index}")
        violations = page_violations(page, axe_source)
        if violations:
            found[name] = describe(violations)
    assert len(set(names)) == TABS, names
    assert not found, "axe-core found WCAG A/AA violations on the organisers' page ({}):\n{}".format(
        lang, "\n".join(f"[{name}]\n{text}" for name, text in found.items()))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("row", (NEW_ROW, BAD_ROW), ids=("preview", "problems"))
def test_the_upload_tab_with_a_file_passes_axe(review_app, open_page, axe_source: str, lang: str, row: str):
    """The upload tab once a file is read: its preview with the choice of what the file does, or its problems."""
    t = translator_for(lang)
    server, _token = review_app
    visit = open_page(bypass_csp=True)
    page = signed_in(visit, server, lang)
    data = SEED_EVENTS.read_bytes()
    upload(page, "events.csv", data + (b"" if data.endswith(b"\n") else b"\n") + row.encode("utf-8"))
    if row is NEW_ROW:
        expect(page.get_by_role("button", name=t("Publish"), exact=False).first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    else:
        expect(page.get_by_text("2013-02-31", exact=False).first).to_be_attached(timeout=PAGE_TIMEOUT_MS)
    streamlit_settled(page)
    open_expanders(page)
    assert_axe_clean(visit, axe_source, f"the upload tab with a file's {'preview' if row is NEW_ROW else 'problems'}"
                                        f" ({lang})")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("which", ("pending", "unknown"))
def test_a_hosts_status_page_passes_axe(review_app, open_page, axe_source: str, lang: str, which: str):
    """The status page of a proposal waiting for review (with its withdraw button), and the page of a wrong link."""
    t = translator_for(lang)
    server, token = review_app
    visit = open_page(bypass_csp=True)
    page = visit.page
    page.goto(server.url("/proposal", lang=lang, token=token if which == "pending" else "no-such-token"))
    streamlit_settled(page)
    if which == "pending":
        expect(page.get_by_text(str(GOOD_FORM["title"]), exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    else:
        expect(page.get_by_role("link", name=t("Propose an event")).last).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    open_expanders(page)
    assert_axe_clean(visit, axe_source, f"a host's status page, {which} ({lang})")

