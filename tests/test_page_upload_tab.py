"""The upload tab: saying how a sheet's columns and dates are read, remembered for the next sheet like it."""

from __future__ import annotations

import pytest

from speakout_map.events.sheet_reading import headers_key
from speakout_map.store.publishing import Mode
from tests.page_support import all_text, organiser_app, sign_in

pytestmark = pytest.mark.usefixtures("isolated_cache")

HEADERS = ["Nombre", "Pueblo", "Nation", "When", "Notes"]
FIRST = ("Nombre,Pueblo,Nation,When,Notes\n"
         "Rally,Madrid,Spain,2027-09-03,bring water\n").encode()
SECOND = ("Nombre,Pueblo,Nation,When,Notes\n"
          "Rally,Madrid,Spain,2027-09-03,bring water\n"
          "Vigil,Sevilla,Spain,2027-09-04,\n").encode()
CHOICES = {1: "city", 2: "country", 3: "date", 0: "title"}


def signed_in(alice_hash):
    at = organiser_app(alice_hash)
    at.run()
    sign_in(at)
    assert not at.exception
    return at


def column_select(at, headers, index):
    return at.selectbox(key=f"upload-{headers_key(headers)}-column-{index}")


def publish_button(at):
    return next(b for b in at.button if b.label == "Publish")


def test_a_mapping_chosen_on_the_page_reads_the_sheet_and_is_remembered_for_the_next(alice_hash):
    at = signed_in(alice_hash)
    at.get("file_uploader")[0].upload("platform.csv", FIRST, "text/csv").run()
    assert not at.exception
    assert any("problems to fix" in e.value for e in at.error)
    assert publish_button(at).disabled
    assert not [r for r in at.radio if r.key == "upload-mode"]  # no choice to make until the file reads
    assert not any("This removes" in w.value for w in at.warning)
    assert column_select(at, HEADERS, 1).value == "ignore"
    assert "Madrid" in [t.value for t in at.text]  # the first values beside their header
    for index, column in CHOICES.items():
        column_select(at, HEADERS, index).set_value(column)
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    at.radio(key="upload-mode").set_value(Mode.MERGE).run()
    assert not publish_button(at).disabled
    assert "1 added, 0 removed, 0 changed, 19 unchanged" in all_text(at).replace("\\", "")

    # Next week, in another session: the same headers with more rows are read as said, without a word.
    again = signed_in(alice_hash)
    again.get("file_uploader")[0].upload("platform-2.csv", SECOND, "text/csv").run()
    assert not again.exception
    assert not again.error, [e.value for e in again.error]
    assert [column_select(again, HEADERS, i).value for i in range(5)] == ["title", "city", "country", "date", "ignore"]
    assert "Columns and dates are read as you said for the last file with these column names." in [
        c.value for c in again.caption]
    assert "2 added, 19 removed" in all_text(again).replace("\\", "")
    assert publish_button(again).disabled  # replacing 19 events by 2 asks to be sure first

    # Other headers: nothing remembered for them.
    other = signed_in(alice_hash)
    other.get("file_uploader")[0].upload("other.csv", SECOND.replace(b"Notes", b"Notas"), "text/csv").run()
    assert any("problems to fix" in e.value for e in other.error)


def test_a_declared_date_format_reads_day_first_dates(alice_hash):
    headers = ["city", "country", "date"]
    sheet = b"city,country,date\nMadrid,ES,03/09/2027\nSevilla,ES,25/09/2027\n"
    at = signed_in(alice_hash)
    at.get("file_uploader")[0].upload("fechas.csv", sheet, "text/csv").run()
    assert any("2 problems to fix" in e.value for e in at.error)
    at.selectbox(key=f"upload-{headers_key(headers)}-dates").select_index(1).run()  # DD/MM/YYYY
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    at.selectbox(key=f"upload-{headers_key(headers)}-dates").select_index(2).run()  # MM/DD/YYYY
    problems = next(d.value for d in at.dataframe if "row" in d.value.columns)
    assert list(zip(problems["row"], problems["column"])) == [(3, "date")]
    assert "there is no month 25" in problems["problem"][0]


@pytest.mark.parametrize("payload", ["<img src=x onerror=alert(1)>", "**[click](javascript:alert(1))**"])
def test_hostile_header_names_and_values_stay_text(alice_hash, payload):
    quoted = '"' + payload.replace('"', '""') + '"'
    sheet = f"city,country,date,{quoted}\nMadrid,ES,2027-09-03,{quoted}\n".encode()
    at = signed_in(alice_hash)
    at.get("file_uploader")[0].upload("hostile.csv", sheet, "text/csv").run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert payload in texts  # the header, as a text element (never Markdown or HTML)
    markdown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any(payload in m for m in markdown)


UPDATE = ("city,country,date,title,venue\n"
          "Madrid,España,2013-09-03,Madrid rally,Plaza de Colón\n"
          "Berlin,Deutschland,2013-09-03,Berlin rally,Brandenburg Gate\n").encode()


def test_add_and_update_keeps_the_other_events_and_says_what_each_choice_does(alice_hash):
    at = signed_in(alice_hash)
    at.get("file_uploader")[0].upload("two-cities.csv", UPDATE, "text/csv").run()
    assert not at.exception
    mode = at.radio(key="upload-mode")
    assert mode.value == Mode.REPLACE
    captions = " ".join(mode.proto.captions).replace("\\", "")
    assert "The file is the new list: 1 added, 18 removed, 1 changed, 0 unchanged." in captions
    assert "the others left as they are: 1 added, 0 removed, 1 changed, 18 unchanged." in captions
    assert "This removes 18 of 19 published events." in [w.value for w in at.warning]
    assert publish_button(at).disabled
    mode.set_value(Mode.MERGE).run()
    assert not any("This removes" in w.value for w in at.warning) and not publish_button(at).disabled
    publish_button(at).click().run()
    assert any("Published version 2 with 20 events" in s.value for s in at.success)
