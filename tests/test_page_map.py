"""The map page, run headless with Streamlit's AppTest: counts, filters, the URL, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")

MULTI_DATE_CSV = """city,country,date,title,status,url
Madrid,Spain,2013-09-03,Madrid rally,confirmed,https://example.org/madrid
Valencia,España,2013-09-10,Valencia rally,confirmed,
London,UK,2013-09-03,London rally,details_to_come,
Dublin,Ireland,2013-09-20,Dublin rally,confirmed,
"""


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(MULTI_DATE_CSV, encoding="utf-8")
    return path


pytestmark = pytest.mark.usefixtures("isolated_cache")


def make_app(events_file: Path | None = None, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if events_file is not None:
        at.secrets["speakout"] = {"events_file": str(events_file)}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at


def shown_count(at: AppTest) -> tuple[int, int]:
    for block in at.markdown:
        text = block.value
        if "events shown" in text:
            shown, total = text.replace("**", "").split(" events shown")[0].split(" of ")
            return int(shown), int(total)
    raise AssertionError("no count on the page: " + repr([m.value for m in at.markdown]))


def table_cities(at: AppTest) -> list[str]:
    if not at.dataframe:
        return []
    return list(at.dataframe[0].value["City"])


def test_map_page_shows_all_seed_events():
    at = make_app()
    at.run()
    assert not at.exception
    assert shown_count(at) == (19, 19)
    assert len(table_cities(at)) == 19
    assert not at.warning, [w.value for w in at.warning]
    assert any(link.proto.page.endswith("guide") or "Host" in link.label for link in at.get("page_link"))


def test_country_filter_changes_the_count_and_the_url(events_file):
    at = make_app(events_file)
    at.run()
    assert shown_count(at) == (4, 4)
    at.multiselect(key="countries").set_value(["ES"]).run()
    assert not at.exception
    assert shown_count(at) == (2, 4)
    assert sorted(table_cities(at)) == ["Madrid", "Valencia"]
    assert at.query_params["country"] == "ES"


def test_date_filter_changes_the_count_and_the_url(events_file):
    import datetime as dt

    at = make_app(events_file)
    at.run()
    at.date_input(key="dates").set_value((dt.date(2013, 9, 3), dt.date(2013, 9, 10))).run()
    assert not at.exception
    assert shown_count(at) == (3, 4)
    assert at.query_params["to"] == "2013-09-10"
    assert "from" not in at.query_params  # the first day is the start of the data anyway


@pytest.mark.parametrize(
    ("query", "count", "cities"),
    [
        ({"country": "ES,GB"}, 3, ["Madrid", "London", "Valencia"]),
        ({"country": "IE"}, 1, ["Dublin"]),
        ({"from": "2013-09-04", "to": "2013-09-30"}, 2, ["Valencia", "Dublin"]),
        ({"country": "ES", "from": "2013-09-05"}, 1, ["Valencia"]),
        ({"embed": "true", "country": "IE"}, 1, ["Dublin"]),
    ],
)
def test_url_query_is_applied(events_file, query, count, cities):
    at = make_app(events_file, query)
    at.run()
    assert not at.exception
    assert shown_count(at) == (count, 4)
    assert table_cities(at) == cities
    assert not at.warning


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ({"country": "Narnia"}, "not a country we know"),
        ({"country": "FR"}, "no events there yet"),
        ({"from": "03/09/2013"}, "YYYY"),
        ({"from": "2013-09-30", "to": "2013-09-01"}, "after"),
        ({"to": "<script>alert(1)</script>"}, "YYYY"),
    ],
)
def test_bad_query_values_are_tolerated(events_file, query, needle):
    at = make_app(events_file, query)
    at.run()
    assert not at.exception
    assert shown_count(at) == (4, 4)
    assert any(needle in w.value for w in at.warning), [w.value for w in at.warning]


def test_empty_result_points_to_the_guide(events_file):
    at = make_app(events_file, {"from": "2013-09-11", "to": "2013-09-19"})
    at.run()
    assert not at.exception
    assert shown_count(at) == (0, 4)
    assert any("No events match" in i.value for i in at.info)
    assert not at.dataframe


def test_unplaceable_seed_event_is_a_clear_error_not_a_crash(tmp_path, caplog):
    path = tmp_path / "events.csv"
    path.write_text("city,country,date\nMadrid,ES,2013-09-03\nQwertyville,ES,2013-09-03\n", encoding="utf-8")
    at = make_app(path)
    at.run()
    assert not at.exception
    (error,) = at.error
    assert "cannot be shown right now" in error.value
    # The operator's details go to the server log, not to visitors (issue 8, point 5).
    assert "row 3" in caplog.text and "Qwertyville" in caplog.text
    assert "Qwertyville" not in error.value and str(path) not in error.value


def test_the_events_table_is_safe_to_download_into_a_spreadsheet(tmp_path):
    """Streamlit offers the table as CSV: its text cells are neutralised like the CSV export's, links still work."""
    path = tmp_path / "events.csv"
    path.write_text(
        "city,country,date,title,venue,address,url\n"
        'Madrid,ES,2013-09-03,"=HYPERLINK(""http://evil"",""x"")",+cmd,@SUM(A1),https://example.org/madrid\n'
        "Dublin,IE,2013-09-03,-2+3,Embassy,,\n",
        encoding="utf-8",
    )
    at = make_app(path)
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["City"]) == ["Dublin", "Madrid"]
    assert list(table["Event"]) == ["'-2+3", '\'=HYPERLINK("http://evil","x")']
    assert list(table["Venue"]) == ["Embassy", "'+cmd, @SUM(A1)"]
    assert list(table["Link"]) == ["", "https://example.org/madrid"]
    for value in table.to_numpy().ravel():
        assert not (isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r")), value


# --- near a place ------------------------------------------------------------------------------


def test_near_a_place_lists_the_events_around_it_nearest_first(events_file):
    at = make_app(events_file, {"near": "Cork, Ireland", "radius": "300"})
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["City"]) == ["Dublin"]  # London and Madrid are farther than 300 km
    assert table["Distance"][0].endswith(" km")
    assert any("**1** event within 300 km of Cork, Ireland" in m.value for m in at.markdown)
    assert at.query_params["near"] == "Cork, Ireland" and at.query_params["radius"] == "300"


def test_none_within_the_radius_shows_the_three_nearest_and_offers_to_host(events_file):
    at = make_app(events_file, {"near": "Reykjavik", "radius": "25"})
    at.run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 3
    assert any("No events within 25 km of Reykjavík, Iceland" in i.value for i in at.info)
    assert any("Host an event near" in link.label for link in at.get("page_link"))


def test_an_ambiguous_place_offers_the_likely_ones():
    at = make_app(query={"near": "Valencia"})
    at.run()
    assert not at.exception
    (choice,) = at.radio
    assert choice.options[:2] == ["Valencia, Venezuela", "Valencia, Spain"]
    choice.set_value(1).run()
    assert at.dataframe[0].value["City"][0] == "Valencia"  # the seed's Valencia, 0 km away


@pytest.mark.parametrize(("query", "needle"), [
    ({"near": "Qwertyville"}, "could not be found"),
    ({"near": "Cork", "radius": "-5"}, "radius"),
])
def test_an_unknown_place_or_a_bad_radius_is_a_notice(events_file, query, needle):
    at = make_app(events_file, query)
    at.run()
    assert not at.exception
    assert any(needle in w.value for w in at.warning), [w.value for w in at.warning]
    assert shown_count(at)[1] == 4


def test_the_events_shown_go_into_calendars_and_feeds(events_file):
    at = make_app(events_file, {"country": "ES"})
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert all(link.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&") for link in table["Calendar"])
    assert all(re.fullmatch(r"/feeds/events\.ics\?event=[0-9a-f]{32}%40speakout-map&lang=en", link)
               for link in table["Calendar file"])
    assert len(set(table["Calendar file"])) == len(table)
    (download,) = at.get("download_button")
    assert download.proto.label == "Add these events to your calendar (.ics)"
    (subscribe,) = at.get("link_button")
    assert subscribe.proto.url == "/feeds/events.ics?country=ES&lang=en"  # webcal:// with the browser's host
    assert any("[GeoJSON](/feeds/events.geojson?country=ES)" in m.value
               and "[iCalendar](/feeds/events.ics?country=ES&lang=en)" in m.value for m in at.markdown)
