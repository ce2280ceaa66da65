"""The map page's list of events (app_pages/event_list.py): the map's events as text, a page at a time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.map_support import PAYLOADS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
pytestmark = pytest.mark.usefixtures("isolated_cache")

FOUR = """city,country,date,title,status,url
Madrid,Spain,2013-09-03,Madrid rally,confirmed,https://example.org/madrid
Valencia,España,2013-09-10,Valencia rally,confirmed,
London,UK,2013-09-03,London rally,details_to_come,
Dublin,Ireland,2013-09-20,Dublin rally,confirmed,
"""


def app_with(tmp_path: Path, csv: str, query: dict[str, str] | None = None) -> AppTest:
    path = tmp_path / "events.csv"
    path.write_text(csv, encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["speakout"] = {"events_file": str(path)}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def headings(at: AppTest) -> list[str]:
    return [m.value.split("\n\n")[0].removeprefix("#### ") for m in at.markdown if m.value.startswith("#### ")]


def show_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.key and b.key.startswith("list-show-")]


def test_the_list_has_every_event_the_map_shows_in_the_pages_order(tmp_path):
    at = app_with(tmp_path, FOUR)
    assert [tab.label for tab in at.tabs][:2] == ["List", "Table"]
    table = next(d.value for d in at.dataframe if "Event" in d.value.columns)
    assert headings(at) == list(table["Event"]) and len(headings(at)) == 4  # the table's order, the page's
    assert len(show_buttons(at)) == 4
    madrid = next(m.value for m in at.markdown if m.value.startswith("#### Madrid rally"))
    assert "[Event page](https://example.org/madrid)" in madrid and "Spain" in madrid
    at.multiselect(key="countries").set_value(["ES"]).run()
    assert headings(at) == ["Madrid rally", "Valencia rally"]


def test_near_a_place_the_list_is_nearest_first_with_distances(tmp_path):
    at = app_with(tmp_path, FOUR, {"near": "Cork, Ireland", "radius": "2000"})
    assert headings(at) == ["Dublin rally", "London rally", "Madrid rally", "Valencia rally"]
    dublin = next(m.value for m in at.markdown if m.value.startswith("#### Dublin rally"))
    assert " km\\)" in dublin  # (219 km), escaped


def test_show_on_the_map_asks_the_map_to_open_that_event_and_marks_it(tmp_path):
    at = app_with(tmp_path, FOUR)
    assert not [c for c in at.caption if "Open on the map" in c.value]
    show_buttons(at)[1].click().run()
    assert not at.exception
    uid, request, _ = at.session_state["map-open"]
    assert uid.endswith("@speakout-map") and request == 1
    assert [c.value for c in at.caption if "Open on the map" in c.value] == ["📍 Open on the map"]
    show_buttons(at)[1].click().run()
    assert at.session_state["map-open"][1] == 2  # asked again: a new request, so the map opens it again


def test_a_long_list_goes_a_page_at_a_time(tmp_path):
    rows = "".join(f"Madrid,ES,{dt.date(2027, 1, 1) + dt.timedelta(days=i)},Event {i:02d},confirmed,\n"
                   for i in range(45))
    at = app_with(tmp_path, "city,country,date,title,status,url\n" + rows)
    assert headings(at) == [f"Event {i:02d}" for i in range(20)]
    assert any("Events 1–20 of 45" in c.value for c in at.caption)
    at.number_input(key="events-list-page").set_value(3).run()
    assert headings(at) == [f"Event {i:02d}" for i in range(40, 45)]
    at.multiselect(key="countries").set_value(["ES"]).run()  # a new filter starts at the first page
    assert headings(at)[0] == "Event 00"


@pytest.mark.parametrize("payload", PAYLOADS[:8])
def test_hostile_text_is_text_in_the_list(tmp_path, payload):
    quoted = '"' + payload.replace('"', '""') + '"'
    at = app_with(tmp_path, f"city,country,date,title,venue\nMadrid,ES,2013-09-03,{quoted},{quoted}\n")
    (entry,) = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert "<" not in entry.replace("\\<", "") and "`" not in entry.replace("\\`", "")
