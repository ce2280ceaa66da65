"""An event's way to Google Calendar: a 303 made when followed, short refusals (web/calendar_route.py)."""

from __future__ import annotations

import logging

import pytest

from speakout_map.errors import StoreError
from speakout_map.events.calendar_links import google_calendar_link
from speakout_map.events.identity import event_uids
from speakout_map.languages.translator import translator_for
from speakout_map.settings import Settings
from speakout_map.web import calendar_route
from speakout_map.web.calendar_route import answer_google_calendar, calendar_routes, google_calendar_path
from speakout_map.web.routes import FeedSource
from tests.map_support import WORLD
from tests.route_support import Clock, query, source_of, through_starlette

SECRET_URL = "postgresql://maps:s3cret-password@db.internal/speakout"
UIDS = event_uids([p.event for p in WORLD])


@pytest.mark.parametrize(("index", "lang"), [(0, "en"), (3, "es"), (5, "es-AR")])
def test_an_event_is_sent_on_to_its_google_calendar_page(memory_store, index, lang):
    answer = answer_google_calendar(source_of(memory_store), query(f"event={UIDS[index]}&lang={lang}"))
    assert answer.status == 303 and answer.body == b""
    language = "es" if lang.startswith("es") else "en"
    assert answer.header("Location") == google_calendar_link(WORLD[index], translator=translator_for(language))
    assert answer.header("Referrer-Policy") == "no-referrer"


def test_the_link_survives_a_new_version_while_the_event_is_published(memory_store):
    memory_store.publish([WORLD[2], WORLD[0]], by="alice", source="x.csv", based_on=1)
    uid = event_uids([WORLD[2].event, WORLD[0].event])[1]
    answer = answer_google_calendar(source_of(memory_store), query(f"event={uid}"))
    assert answer.status == 303 and answer.header("Location") == google_calendar_link(WORLD[0])


@pytest.mark.parametrize("text", ["", "lang=es", "event=nope", "event=<script>", f"event={UIDS[0]}&lang=%00"])
def test_a_bad_query_is_a_one_line_400(memory_store, text):
    answer = answer_google_calendar(source_of(memory_store), query(text))
    assert answer.status == 400 and answer.body.count(b"\n") == 1
    assert answer.header("Content-Type").startswith("text/plain") and answer.header("X-Content-Type-Options") == "nosniff"


def test_an_event_no_longer_published_is_a_404(memory_store):
    gone = UIDS[4]  # Reykjavík
    source = source_of(memory_store)
    assert answer_google_calendar(source, query(f"event={gone}")).status == 303
    memory_store.publish(WORLD[:2], by="alice", source="x.csv", based_on=1)
    assert gone not in event_uids([p.event for p in WORLD[:2]])
    answer = answer_google_calendar(source, query(f"event={gone}"))
    assert answer.status == 404 and b"no longer on the map" in answer.body


def test_a_failing_store_is_a_503_that_names_no_setting(caplog):
    def broken(settings):
        raise StoreError(f"could not connect to {SECRET_URL}")

    source = FeedSource(lambda: Settings(database_url=SECRET_URL), open_store=broken, clock=Clock())
    with caplog.at_level(logging.ERROR, logger=calendar_route.__name__):
        answer = answer_google_calendar(source, query(f"event={UIDS[0]}"))
    assert answer.status == 503 and answer.header("Retry-After")
    assert b"s3cret" not in answer.body and b"postgresql" not in answer.body and "could not connect" in caplog.text


def test_an_unexpected_failure_is_a_500_without_its_details(memory_store, monkeypatch, caplog):
    monkeypatch.setattr(calendar_route, "google_calendar_link", lambda *a, **k: 1 / 0)
    with caplog.at_level(logging.ERROR, logger=calendar_route.__name__):
        answer = answer_google_calendar(source_of(memory_store), query(f"event={UIDS[0]}"))
    assert answer.status == 500 and b"division" not in answer.body and "division" in caplog.text


@pytest.mark.parametrize(("base", "path"), [("", "/feeds/google-calendar"), ("campaign", "/campaign/feeds/google-calendar")])
def test_through_starlette(memory_store, base, path):
    from starlette.applications import Starlette

    assert google_calendar_path(base) == path
    app = Starlette(routes=calendar_routes(lambda: Settings(), base_path=base, source=source_of(memory_store)))
    status, headers, body = through_starlette(app, f"{path}?event={UIDS[1]}")
    assert status == 303 and headers["location"].startswith("https://calendar.google.com/calendar/render?")
    assert through_starlette(app, f"{path}?event={UIDS[1]}", "HEAD")[0] == 303
    assert through_starlette(app, f"{path}?event={UIDS[1]}", "POST")[0] == 405
