"""The feeds' routes without a server: one store per process, 503s that say nothing secret (web/routes.py)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from starlette.requests import Request

from speakout_map.errors import StoreError
from speakout_map.settings import Settings
from speakout_map.web import routes
from speakout_map.web.feeds import CSV, GEOJSON, ICS
from speakout_map.web.routes import FeedSource, answer_request, feed_paths, feed_routes
from tests.map_support import WORLD

SECRET_URL = "postgresql://feeds:s3cret-password@db.internal/speakout"


def request(query: str = "", **headers: str) -> Request:
    return Request({
        "type": "http", "method": "GET", "path": "/feeds/events.csv", "query_string": query.encode(),
        "headers": [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()],
    })  # fmt: skip


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_store_is_opened_once_and_versions_are_read_once(memory_store, monkeypatch):
    opened, read = [], []
    source = FeedSource(lambda: Settings(), open_store=lambda s: opened.append(s) or memory_store)
    real_get = memory_store.get
    monkeypatch.setattr(memory_store, "get", lambda n: read.append(n) or real_get(n))
    for query in ("", "country=ES", "country=ES", "lang=es"):
        assert answer_request(CSV, source, request(query)).status == 200
    assert answer_request(GEOJSON, source, request()).status == 200
    assert len(opened) == 1 and read == [1]


def test_a_failing_store_is_a_503_that_names_no_setting(caplog):
    clock = Clock()
    attempts = []

    def broken(settings):
        attempts.append(settings)
        raise StoreError(f"could not connect to {SECRET_URL}")

    source = FeedSource(lambda: Settings(database_url=SECRET_URL), open_store=broken, clock=clock)
    with caplog.at_level(logging.ERROR, logger=routes.__name__):
        answer = answer_request(ICS, source, request("country=ES"))
    assert answer.status == 503
    assert answer.header("Retry-After") and answer.header("Cache-Control") == "no-store"
    assert b"s3cret" not in answer.body and b"postgresql" not in answer.body and b"Traceback" not in answer.body
    assert "could not connect" in caplog.text  # the details are in the log
    assert answer_request(ICS, source, request()).status == 503
    assert len(attempts) == 1  # not tried again at once ...
    clock.now += routes.REOPEN_AFTER_SECONDS + 1
    assert answer_request(ICS, source, request()).status == 503
    assert len(attempts) == 2  # ... but after a while


def test_a_bad_query_is_a_400_before_the_store_is_asked():
    source = FeedSource(lambda: pytest.fail("no store for a bad query"))
    answer = answer_request(CSV, source, request("from=never"))
    assert answer.status == 400 and answer.body.startswith(b"Bad query: ")


def test_an_unexpected_failure_is_a_500_without_traceback(memory_store, monkeypatch, caplog):
    source = FeedSource(lambda: Settings(), open_store=lambda s: memory_store)
    monkeypatch.setattr(routes, "answer_feed", lambda *a, **k: 1 / 0)
    with caplog.at_level(logging.ERROR, logger=routes.__name__):
        answer = answer_request(CSV, source, request())
    assert answer.status == 500 and b"ZeroDivision" not in answer.body
    assert "ZeroDivisionError" in caplog.text


def test_304_through_the_route(memory_store):
    source = FeedSource(lambda: Settings(), open_store=lambda s: memory_store)
    first = answer_request(CSV, source, request("country=JP"))
    again = answer_request(CSV, source, request("country=JP", If_None_Match=first.header("ETag")))
    assert (again.status, again.body) == (304, b"")
    memory_store.publish(WORLD[:2], by="alice", source="x.csv", based_on=1)
    newer = answer_request(CSV, source, request("country=JP", If_None_Match=first.header("ETag")))
    assert newer.status == 200 and newer.header("ETag").startswith('"v2-')


def test_kept_bodies_stay_within_their_budget(monkeypatch):
    monkeypatch.setattr(routes, "BODY_BYTES_KEPT", 10)
    source = FeedSource(lambda: Settings())
    made = []
    for tag in ("a", "b", "c", "a"):
        source.keep(tag, lambda t=tag: made.append(t) or b"12345")
    assert made == ["a", "b", "c", "a"]  # "a" was dropped to keep 10 bytes
    source.keep("c", lambda: pytest.fail("c is kept"))
    assert source.keep("huge", lambda: b"x" * 11) == b"x" * 11


@pytest.mark.parametrize(
    "base, prefix", [("", "/feeds/"), ("campaign", "/campaign/feeds/"), ("/campaign/", "/campaign/feeds/")]
)
def test_paths_follow_the_base_url_path(base, prefix):
    paths = feed_paths(base)
    assert sorted(paths) == sorted(f"{prefix}events.{name}" for name in ("csv", "geojson", "ics"))
    assert [r.path for r in feed_routes(lambda: Settings(), base_path=base)] == list(paths)
    assert all({"GET", "HEAD"} <= r.methods for r in feed_routes(lambda: Settings(), base_path=base))


def test_published_at_is_the_calendars_stamp(memory_store):
    source = FeedSource(lambda: Settings(), open_store=lambda s: memory_store)
    body = answer_request(ICS, source, request()).body
    created = memory_store.get(1).info.created_at.astimezone(dt.timezone.utc)
    assert f"DTSTAMP:{created:%Y%m%dT%H%M%S}Z".encode() in body


# --- "I'll be there" counts in the feeds ---------------------------------------------------------------

from speakout_map.events.identity import event_uids  # noqa: E402

MARKED_AT = dt.datetime(2013, 9, 1, 12, 0, tzinfo=dt.timezone.utc)


def test_the_csv_and_geojson_carry_the_counts_and_a_new_mark_changes_their_etag(memory_store):
    import csv
    import io
    import json

    source = FeedSource(lambda: Settings(), open_store=lambda s: memory_store)
    uid = event_uids([p.event for p in WORLD])[0]
    first = answer_request(CSV, source, request())
    assert {row["going"] for row in csv.DictReader(io.StringIO(first.body.decode()))} == {"0"}
    calendar = answer_request(ICS, source, request())
    memory_store.going().mark(uid, "someone", MARKED_AT)
    again = answer_request(CSV, source, request(If_None_Match=first.header("ETag")))
    assert again.status == 200 and again.header("ETag") != first.header("ETag")
    rows = list(csv.DictReader(io.StringIO(again.body.decode())))
    assert {row["city"]: row["going"] for row in rows}[WORLD[0].event.city] == "1"
    assert sorted(row["going"] for row in rows) == ["0"] * (len(WORLD) - 1) + ["1"]
    features = json.loads(answer_request(GEOJSON, source, request()).body)["features"]
    assert {f["properties"]["city"]: f["properties"]["going"] for f in features}[WORLD[0].event.city] == 1
    same = answer_request(CSV, source, request(If_None_Match=again.header("ETag")))
    assert (same.status, same.body) == (304, b"")  # nothing new: still a 304
    assert answer_request(ICS, source, request(If_None_Match=calendar.header("ETag"))).status == 304


def test_counts_that_cannot_be_read_are_a_503(memory_store, monkeypatch, caplog):
    from speakout_map.store.going_marks import GoingStore

    def broken(self):
        raise StoreError(f"could not read {SECRET_URL}")

    monkeypatch.setattr(GoingStore, "stamp", broken)
    source = FeedSource(lambda: Settings(), open_store=lambda s: memory_store)
    with caplog.at_level(logging.ERROR, logger=routes.__name__):
        answer = answer_request(CSV, source, request())
    assert answer.status == 503 and b"s3cret" not in answer.body
    assert answer_request(ICS, source, request()).status == 200  # the calendar needs no counts


def test_the_store_stamp_changes_with_every_mark(memory_store):
    marks = memory_store.going()
    assert marks.stamp() == (0, None)
    uid = event_uids([p.event for p in WORLD])[0]
    marks.mark(uid, "a", MARKED_AT)
    assert marks.stamp() == (1, MARKED_AT)
    marks.mark(uid, "a", MARKED_AT + dt.timedelta(minutes=1))  # already marked: nothing changes
    assert marks.stamp() == (1, MARKED_AT)
    marks.mark(uid, "b", MARKED_AT)  # another one at the same time: the number still moves
    assert marks.stamp() == (2, MARKED_AT)


# --- the calendar's name: the campaign's (issue 12) ---------------------------------------------------


def test_the_calendar_feed_is_named_after_the_campaign(memory_store):
    import icalendar

    source = FeedSource(lambda: Settings(campaign_name="Stand Up For X"), open_store=lambda s: memory_store)
    answer = answer_request(ICS, source, request("lang=es"))
    assert answer.status == 200
    assert icalendar.Calendar.from_ical(answer.body)["X-WR-CALNAME"].to_ical().decode() == "Stand Up For X"
    default = FeedSource(lambda: Settings(), open_store=lambda s: memory_store)
    assert b"X-WR-CALNAME:Speak Out For Russia\r\n" in answer_request(ICS, default, request()).body
    assert answer_request(ICS, default, request()).header("ETag") != answer_request(ICS, source, request()).header("ETag")


def test_bad_campaign_settings_are_a_500_that_names_no_setting(memory_store, caplog):
    source = FeedSource(lambda: Settings(campaign_partners="A | javascript:alert(1)"), open_store=lambda s: memory_store)
    with caplog.at_level(logging.ERROR, logger=routes.__name__):
        answer = answer_request(ICS, source, request())
    assert answer.status == 500 and b"campaign" not in answer.body and b"javascript" not in answer.body
    assert "campaign_partners" in caplog.text
    assert answer_request(CSV, source, request()).status == 200, "the other feeds need no campaign"
