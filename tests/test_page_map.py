"""The map page, run headless with Streamlit's AppTest: counts, filters, the URL, errors."""

from __future__ import annotations

import datetime as dt
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
    assert any(link.proto.page.endswith("propose") and "Propose" in link.label for link in at.get("page_link"))


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
    assert any("Propose an event near" in link.label for link in at.get("page_link"))


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
    assert all(re.fullmatch(r"/feeds/google-calendar\?event=[0-9a-f]{32}%40speakout-map&lang=en", link)
               for link in table["Calendar"])  # sent on to Google's page when followed (test_calendar_route.py)
    assert all(re.fullmatch(r"/feeds/events\.ics\?event=[0-9a-f]{32}%40speakout-map&lang=en", link)
               for link in table["Calendar file"])
    assert len(set(table["Calendar file"])) == len(table)
    (download,) = at.get("download_button")
    assert download.proto.label == "Add these events to your calendar (.ics)"
    (subscribe,) = at.get("link_button")
    assert subscribe.proto.url == "/feeds/events.ics?country=ES&lang=en"  # webcal:// with the browser's host
    assert any("[GeoJSON](/feeds/events.geojson?country=ES)" in m.value
               and "[iCalendar](/feeds/events.ics?country=ES&lang=en)" in m.value for m in at.markdown)


# --- "I'll be there" -------------------------------------------------------------------------------

from speakout_map.errors import StoreError  # noqa: E402
from speakout_map.events.identity import event_uids  # noqa: E402
from speakout_map.store.going_marks import GoingStore  # noqa: E402
from speakout_map.store.publishing import rollback_source  # noqa: E402
from speakout_map.store.store import Store  # noqa: E402
from speakout_map.supporters.going import client_secret, going_pass, say_going, session_digest  # noqa: E402
from speakout_map.supporters.guards import GOING_LIMITS, RateLimiter, client_keys  # noqa: E402

VISITOR_SESSION = "visitor-session"  # app_pages/common.py's session key of the visitor's token


@pytest.fixture
def opened_store(monkeypatch):
    """The store the page uses (the isolated_cache fixture's), opened by the test; closed after it."""
    import os

    stores = []

    def open_() -> Store:
        stores.append(Store.open(os.environ["SPEAKOUT_DATABASE_URL"]))
        return stores[-1]

    yield open_
    for store in stores:
        store.close()


def uid_of(store: Store, city: str) -> str:
    events = [p.event for p in store.latest().events]
    return dict(zip((e.city for e in events), event_uids(events)))[city]


def going_column(at: AppTest) -> dict[str, int]:
    table = at.dataframe[0].value
    return dict(zip(table["City"], table["Going"]))


def total_line(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if " going in " in m.value]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0]


def pick(at: AppTest, city: str) -> AppTest:
    """Select the table's row of ``city`` (as a click on the row would) and run the page."""
    index = list(at.dataframe[0].value["City"]).index(city)
    at.session_state["events-table"] = {"selection": {"rows": [index], "columns": []}}
    return at.run()


def test_counts_total_and_column_follow_the_marks(events_file, opened_store):
    at = make_app(events_file)
    at.run()
    assert not at.exception
    assert total_line(at) == "0 people going in 0 cities"
    assert going_column(at) == {"Madrid": 0, "London": 0, "Valencia": 0, "Dublin": 0}
    store = opened_store()
    secret = client_secret(store)
    now = dt.datetime(2013, 9, 1, tzinfo=dt.timezone.utc)
    for city, sessions in (("Madrid", ["a", "b"]), ("Dublin", ["a"])):
        for session in sessions:
            store.going().mark(uid_of(store, city), session_digest(secret, session), now)
    at.run()
    assert total_line(at) == "3 people going in 2 cities"
    assert going_column(at) == {"Madrid": 2, "London": 0, "Valencia": 0, "Dublin": 1}
    at.multiselect(key="countries").set_value(["ES"]).run()  # the total is of the events shown
    assert total_line(at) == "2 people going in 1 city"


def test_the_tables_button_counts_the_picked_event_once(events_file):
    at = make_app(events_file)
    at.run()
    assert any("Pick an event in the table" in c.value for c in at.caption)
    pick(at, "Valencia")
    assert any("**Valencia rally** (Valencia): 0 going" in m.value for m in at.markdown)
    (button,) = [b for b in at.button if b.key == "going-button"]
    assert button.label == "I'll be there"
    button.click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Counted, thank you: you're going. Now 1 going."]
    assert going_column(at)["Valencia"] == 1 and total_line(at) == "1 person going in 1 city"
    (mine,) = [b for b in at.button if b.key == "going-mine"]
    assert mine.label == "You're going" and mine.disabled
    assert not [b for b in at.button if b.key == "going-button"]
    at.run()  # the answer is shown once
    assert not at.success and going_column(at)["Valencia"] == 1


def test_a_mark_made_from_the_maps_popup_is_this_visitors_on_the_page(events_file, opened_store):
    """The popup's route and the table count the same session: the pass the page gives names it."""
    at = make_app(events_file)
    at.run()
    store = opened_store()
    session = at.session_state[VISITOR_SESSION]
    uid = uid_of(store, "Madrid")
    say_going(uid, session=session, client=client_keys(client_secret(store), session), store=store,
              published_uids={uid})
    pick(at, "Madrid")
    assert [b.label for b in at.button if b.key == "going-mine"] == ["You're going"]
    assert going_column(at)["Madrid"] == 1


def test_the_map_gets_the_counts_the_route_and_this_sessions_pass(events_file, opened_store, monkeypatch):
    import speakout_map.maps.build as build  # the page imports from these modules on every run
    import speakout_map.maps.selection as selection

    maps, selections = [], []
    real_map, real_select = build.app_map, selection.select
    monkeypatch.setattr(build, "app_map", lambda *a, **k: maps.append((a, k)) or real_map(*a, **k))
    monkeypatch.setattr(selection, "select", lambda *a, **k: selections.append(real_select(*a, **k))
                        or selections[-1])
    at = make_app(events_file)
    at.run()
    assert not at.exception and maps and selections
    store = opened_store()
    (rows_url,), options = maps[-1]
    assert rows_url == f"/api/map-data?version={store.latest_number()}&lang=en"
    assert options["going_url"] == "/api/going"
    chosen = selections[-1]
    assert chosen.going_pass == going_pass(client_secret(store), at.session_state[VISITOR_SESSION])
    assert chosen.indices is None and chosen.going == ()  # every event, nobody going yet
    madrid = next(i for i, p in enumerate(store.latest().events) if p.event.city == "Madrid")
    store.going().mark(uid_of(store, "Madrid"), session_digest(client_secret(store), "someone"),
                       dt.datetime(2013, 9, 1, tzinfo=dt.timezone.utc))
    at.multiselect(key="countries").set_value(["ES"]).run()
    chosen = selections[-1]
    spain = sorted(i for i, p in enumerate(store.latest().events) if p.event.country_code == "ES")
    assert sorted(chosen.indices) == spain and madrid in spain
    assert chosen.going == ((madrid, 1, "1 going", False),)
    assert len(maps) == 2 and maps[0] == maps[1]  # the same map: only the selection changed


def test_a_burst_of_clicks_is_cut_off_and_other_visitors_still_count(events_file, opened_store):
    at = make_app(events_file)
    at.run()
    store = opened_store()
    keys = client_keys(client_secret(store), at.session_state[VISITOR_SESSION])
    limiter = RateLimiter(store.client_actions(), GOING_LIMITS)
    for _ in range(GOING_LIMITS[0].count):
        limiter.record(keys)
    pick(at, "Dublin")
    [b for b in at.button if b.key == "going-button"][0].click().run()
    assert not at.exception
    (warning,) = at.warning
    assert warning.value.startswith("Not counted: you have done this too often in a short time; please try again in")
    assert going_column(at)["Dublin"] == 0 and not at.success
    other = make_app(events_file)
    other.run()
    pick(other, "Dublin")
    [b for b in other.button if b.key == "going-button"][0].click().run()
    assert [s.value for s in other.success] == ["Counted, thank you: you're going. Now 1 going."]


def test_a_store_failure_while_counting_is_a_short_message(events_file, monkeypatch, caplog):
    at = make_app(events_file)
    at.run()
    pick(at, "Dublin")

    def broken(self, *args, **kwargs):
        raise StoreError("could not write to postgresql://going:s3cret@db.internal/speakout")

    monkeypatch.setattr(GoingStore, "mark", broken)
    [b for b in at.button if b.key == "going-button"][0].click().run()
    assert not at.exception
    (error,) = at.error
    assert "could not be counted right now" in error.value
    assert "s3cret" not in error.value and "postgresql" not in error.value
    assert "s3cret" in caplog.text  # the details are in the server's log


def test_counts_that_cannot_be_read_leave_the_map_and_table(events_file, monkeypatch):
    monkeypatch.setattr(GoingStore, "counts", lambda self, uids=None: (_ for _ in ()).throw(StoreError("down")))
    at = make_app(events_file)
    at.run()
    assert not at.exception
    (error,) = at.error
    assert "How many people are going cannot be shown right now" in error.value
    assert shown_count(at) == (4, 4) and "Going" not in at.dataframe[0].value.columns.tolist()
    assert not [m for m in at.markdown if " going in " in m.value]


def test_the_count_survives_a_republish_and_a_rollback(events_file, opened_store):
    at = make_app(events_file)
    at.run()
    pick(at, "Madrid")
    [b for b in at.button if b.key == "going-button"][0].click().run()
    store = opened_store()
    first = store.latest()
    # the same events again, in another order and with a new venue: the same events, the same counts
    import dataclasses

    again = [dataclasses.replace(p, event=dataclasses.replace(p.event, venue="Plaza Mayor"))
             for p in reversed(first.events)]
    store.publish(again, by="alice", source="again.csv", based_on=first.info.number)
    at.run()
    assert going_column(at)["Madrid"] == 1 and total_line(at) == "1 person going in 1 city"
    # without Madrid, then back to the first version: the count comes back with the event
    without = store.publish([p for p in first.events if p.event.city != "Madrid"], by="alice", source="x.csv",
                            based_on=first.info.number + 1)
    at.run()
    assert "Madrid" not in going_column(at) and total_line(at) == "0 people going in 0 cities"
    store.publish(first.events, by="alice", source=rollback_source(first.info.number), based_on=without.number)
    at.run()
    assert going_column(at)["Madrid"] == 1
    pick(at, "Madrid")
    assert [b.label for b in at.button if b.key == "going-mine"] == ["You're going"]


def test_a_hostile_title_in_the_going_line_is_text(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text('city,country,date,title\nMadrid,ES,2013-09-03,"**bold** [x](javascript:alert(1)) <b>b</b>"\n',
                    encoding="utf-8")
    at = make_app(path)
    at.run()
    pick(at, "Madrid")
    (line,) = [m.value for m in at.markdown if "(Madrid): 0 going" in m.value]
    assert "**bold**" not in line and "](javascript" not in line and "<b>" not in line


def test_an_event_that_left_the_map_since_the_page_was_drawn_is_not_counted(events_file, opened_store):
    at = make_app(events_file)
    at.run()
    pick(at, "Dublin")
    store = opened_store()
    latest = store.latest()
    store.publish([p for p in latest.events if p.event.city != "Dublin"], by="alice", source="x.csv",
                  based_on=latest.info.number)
    [b for b in at.button if b.key == "going-button"][0].click().run()
    assert not at.exception
    assert any("this event is no longer on the map" in w.value for w in at.warning), [w.value for w in at.warning]
    assert store.going().counts() == {}


@pytest.mark.parametrize(("query", "expected"), [({}, ""), ({"country": "ES"}, "country=ES"),
                                                 ({"country": "ES", "lang": "es"}, "country=ES&lang=es")])
def test_the_share_link_carries_the_filter(query, expected):
    at = make_app()
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    (link,) = [link for link in at.get("page_link") if link.proto.page == "share"]
    assert link.proto.query_string == expected


def test_a_long_list_goes_a_page_at_a_time_and_a_new_filter_starts_at_the_first(monkeypatch):
    from speakout_map.events import paging

    whole = make_app()
    whole.run()
    everything = list(whole.dataframe[0].value["City"])
    assert len(everything) == 19 and not whole.number_input  # one page: no pager
    monkeypatch.setattr(paging, "TABLE_PAGE_ROWS", 5)
    at = make_app()
    at.run()
    (pager,) = at.number_input
    assert pager.label == "Page" and pager.max == 4 and pager.value == 1
    seen = []
    for number in range(1, 5):
        at.number_input[0].set_value(number).run()
        assert not at.exception
        seen += list(at.dataframe[0].value["City"])
        first, last = (number - 1) * 5 + 1, min(19, number * 5)
        assert any(c.value == f"Events {first}–{last} of 19, in the order of the list" for c in at.caption)
    assert seen == everything  # each event once, in the list's order
    at.multiselect(key="countries").set_value(["ES"]).run()
    assert sorted(at.dataframe[0].value["City"]) == ["Barcelona", "Madrid", "Valencia"] and not at.number_input
    at.multiselect(key="countries").set_value([]).run()
    assert at.number_input[0].value == 1  # a new filter: the first page again


def test_the_event_picked_on_a_later_page_is_the_one_counted(monkeypatch):
    from speakout_map.events import paging

    monkeypatch.setattr(paging, "TABLE_PAGE_ROWS", 5)
    at = make_app()
    at.run()
    at.number_input[0].set_value(3).run()
    city = at.dataframe[0].value["City"][1]
    at.session_state["events-table-3"] = {"selection": {"rows": [1], "columns": []}}
    at.run()
    assert any(m.value.endswith(": 0 going") and f"({city})" in m.value for m in at.markdown)
    (button,) = [b for b in at.button if b.key == "going-button"]
    button.click().run()
    assert [s.value for s in at.success] == ["Counted, thank you: you're going. Now 1 going."]


def test_a_page_past_the_end_of_a_shorter_list_is_its_last_page(monkeypatch):
    """The same filter, fewer pages (a republished list): the table shows the last page, not an error."""
    from speakout_map.events import paging

    monkeypatch.setattr(paging, "TABLE_PAGE_ROWS", 5)
    at = make_app()
    at.run()
    at.number_input[0].set_value(4).run()
    monkeypatch.setattr(paging, "TABLE_PAGE_ROWS", 10)
    at.run()
    assert not at.exception
    assert at.number_input[0].value == 2 and at.number_input[0].max == 2 and len(at.dataframe[0].value) == 9
