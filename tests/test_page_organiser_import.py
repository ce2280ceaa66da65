"""The organisers' "Import from text" tab (app_pages/import_tab.py), run headless with AppTest.

Paste an announcement, read it, see the upload's preview (problems by line,
the differences, the new map), publish. The AppTest helpers live in
tests/page_support.py, the ``alice_hash`` fixture in tests/conftest.py.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from speakout_map.events.model import Status
from speakout_map.store.store import Store
from tests.page_support import APP, all_text, organiser_app, sign_in

pytestmark = pytest.mark.usefixtures("isolated_cache")

ANNOUNCEMENT = """Speak Out – the events so far

• Madrid, España – 3 de septiembre, 19:00 – [Haz clic aquí](https://example.org/madrid)
• Mexico DF – September 3: Click here
• Buenos Aires, Argentina – September 3: Details to come
"""


@pytest.fixture
def store() -> Iterator[Store]:
    """The store the app uses (isolated_cache points it at the test's own database)."""
    opened = Store.open(os.environ["SPEAKOUT_DATABASE_URL"])
    yield opened
    opened.close()


def signed_in(alice_hash: str) -> AppTest:
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    assert not at.exception
    return at


def paste_and_read(at: AppTest, text: str) -> AppTest:
    at.text_area(key="import-text").input(text)
    at.button(key="import-read-button").click().run()
    assert not at.exception
    return at


def plain(at: AppTest) -> str:
    return all_text(at).replace("\\", "")


def test_paste_preview_publish(alice_hash, store):
    at = paste_and_read(signed_in(alice_hash), ANNOUNCEMENT)
    text = plain(at)
    assert "Dates written without a year are read as 2013, the campaign's year." in [c.value for c in at.caption]
    assert "Changes against the published version (version 1)" in [h.value for h in at.subheader]
    assert "problems to fix" not in text
    assert "3 warnings" in text, "dated in the past"
    publish = at.button(key="import-publish")
    assert not publish.disabled
    publish.click().run()
    assert not at.exception
    assert any("Published version 2 with 3 events" in s.value for s in at.success)
    events = [p.event for p in store.get(2).events]
    assert [(e.city, e.country_code, e.date, e.row) for e in events] == [
        ("Madrid", "ES", dt.date(2013, 9, 3), 3), ("Mexico City", "MX", dt.date(2013, 9, 3), 4),
        ("Buenos Aires", "AR", dt.date(2013, 9, 3), 5)]
    assert events[0].url == "https://example.org/madrid" and events[0].start_time == dt.time(19, 0)
    assert events[2].status is Status.DETAILS_TO_COME
    assert store.history()[-1].source == "pasted text"

    supporter = AppTest.from_file(APP, default_timeout=90)
    supporter.run()
    assert not supporter.exception
    assert sorted(supporter.dataframe[0].value["City"]) == ["Buenos Aires", "Madrid", "Mexico City"]


def test_problems_name_the_line_and_block_publishing(alice_hash):
    at = paste_and_read(signed_in(alice_hash), "Our events:\n\n• Valencia – 3 September\n• Madrid, Spain – 3 September\n"
                                               "• Xyzzyville, Spain – 3 September")
    assert any("2 problems to fix in pasted text" in e.value for e in at.error)
    assert "Each problem's line is a line of the pasted text (the first line is 1)." in [c.value for c in at.caption]
    problems = next(df.value for df in at.dataframe if "problem" in df.value.columns)
    assert list(zip(problems["line"], problems["column"])) == [(3, "country"), (5, "city")]
    assert at.button(key="import-publish").disabled


def test_hostile_text_is_shown_as_text(alice_hash, store):
    at = paste_and_read(signed_in(alice_hash),
                        "• Dublin, Ireland – 3 September – <script>alert(1)</script> [x](javascript:alert(1))")
    assert not at.error
    warnings = next(df.value for df in at.dataframe if "problem" in df.value.columns)
    assert list(zip(warnings["line"], warnings["column"])) == [(1, "date"), (1, "url")], "in the past; not a link"
    at.button(key="import-publish").click().run()
    (event,) = [p.event for p in store.get(2).events]
    assert event.description == "<script>alert(1)</script> [x](javascript:alert(1))" and event.url == ""


def test_the_year_is_asked_for_when_the_campaign_has_none(alice_hash, store, monkeypatch):
    monkeypatch.setenv("SPEAKOUT_CAMPAIGN_DATES", "")
    at = signed_in(alice_hash)
    at.number_input(key="import-year").set_value(2014).run()
    paste_and_read(at, "• Madrid, Spain – 3 September")
    at.button(key="import-publish").click().run()
    assert not at.exception
    assert [p.event.date for p in store.get(2).events] == [dt.date(2014, 9, 3)]


def test_no_year_input_when_the_campaign_has_one(alice_hash):
    at = signed_in(alice_hash)
    assert not [n for n in at.number_input if n.key == "import-year"]


def test_nothing_is_shown_before_reading(alice_hash):
    at = signed_in(alice_hash)
    assert not [b for b in at.button if b.key == "import-publish"]
