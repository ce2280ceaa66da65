"""The feeds' routes without a server: one store per process, 503s that say nothing secret (web/routes.py)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from starlette.requests import Request

from speakout_map.errors import StoreError
from speakout_map.settings import Settings
from speakout_map.store.store import Store
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


@pytest.fixture
def memory_store():
    store = Store.open("sqlite://")
    store.publish(WORLD, by="alice", source="events.csv", based_on=None)
    yield store
    store.close()


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
