"""The map data route: each version's document, kept, revalidated, refused briefly (web/map_data_route.py)."""

from __future__ import annotations

import gzip
import json
import logging

import pytest

from speakout_map.errors import StoreError
from speakout_map.events.identity import event_uids
from speakout_map.languages.translator import translator_for
from speakout_map.maps.data import calendar_links_of, map_document
from speakout_map.settings import Settings
from speakout_map.web import map_data_route
from speakout_map.web.map_data_route import answer_map_data, map_data_path, map_data_routes, parse_map_data_query
from speakout_map.web.routes import FeedSource
from tests.map_support import FIELD, PRIVATE_EMAIL, WORLD
from tests.route_support import Clock, query, source_of, through_starlette

SECRET_URL = "postgresql://maps:s3cret-password@db.internal/speakout"


@pytest.mark.parametrize(("base", "path"), [("", "/api/map-data?version=3&lang=es"),
                                            ("campaign", "/campaign/api/map-data?version=3&lang=es")])
def test_the_address_names_the_version_and_language(base, path):
    assert map_data_path(3, "es", base) == path
    assert parse_map_data_query(query(path.partition("?")[2])) == (3, "es")


@pytest.mark.parametrize("text", ["", "version=1", "lang=en", "version=x&lang=en", "version=-1&lang=en",
                                  "version=1&version=2&lang=en", "version=1&lang=xx", "version=1&lang=en&lang=es",
                                  "version=%C2%B2&lang=en", "version=\u00b2&lang=en", f"version={'9' * 13}&lang=en",
                                  "version=1&lang=<script>"])
def test_a_bad_query_is_a_short_400(memory_store, text):
    answer = answer_map_data(source_of(memory_store), query(text), languages=("en", "es"))
    assert answer.status == 400 and answer.header("Cache-Control") == "no-store"
    assert set(json.loads(answer.body)) == {"error"} and b"<script>" not in answer.body


def test_the_document_of_a_version_then_a_304(memory_store):
    source = source_of(memory_store)
    answer = answer_map_data(source, query("version=1&lang=es"))
    assert answer.status == 200 and answer.header("Content-Type") == "application/json"
    spanish = translator_for("es")
    uids = event_uids([p.event for p in WORLD])
    expected = map_document(WORLD, spanish, calendar=calendar_links_of(WORLD, spanish, ics_path="/feeds/events.ics",
                                                                      google_path="/feeds/google-calendar", uids=uids))
    assert json.loads(answer.body) == json.loads(expected)
    assert answer.header("Cache-Control").startswith("public, max-age=") and PRIVATE_EMAIL.encode() not in answer.body
    again = answer_map_data(source, query("version=1&lang=es"), if_none_match=answer.header("ETag"))
    assert (again.status, again.body) == (304, b"")
    english = answer_map_data(source, query("version=1&lang=en"), if_none_match=answer.header("ETag"))
    assert english.status == 200 and english.header("ETag") != answer.header("ETag")


def test_a_newer_version_has_its_own_document_and_the_old_one_stays(memory_store):
    source = source_of(memory_store)
    memory_store.publish(WORLD[:2], by="alice", source="x.csv", based_on=1)
    old = json.loads(answer_map_data(source, query("version=1&lang=en")).body)
    new = json.loads(answer_map_data(source, query("version=2&lang=en")).body)
    assert len(old["rows"]) == len(WORLD) and [r[FIELD["city"]] for r in new["rows"]] == ["Madrid", "Buenos Aires"]


def test_a_document_is_made_once_and_kept_gzipped(memory_store, monkeypatch):
    made = []
    real = map_data_route.map_document
    monkeypatch.setattr(map_data_route, "map_document", lambda *a, **k: made.append(1) or real(*a, **k))
    source = source_of(memory_store)
    first = answer_map_data(source, query("version=1&lang=en"))
    zipped = answer_map_data(source, query("version=1&lang=en"), gzip_ok=True)
    assert answer_map_data(source, query("version=1&lang=en")).body == first.body and len(made) == 1
    assert zipped.header("Content-Encoding") == "gzip" and first.header("Content-Encoding") is None
    assert gzip.decompress(zipped.body) == first.body and zipped.header("ETag") == first.header("ETag")
    assert len(zipped.body) < len(first.body)


def test_an_unknown_version_is_a_404(memory_store):
    answer = answer_map_data(source_of(memory_store), query("version=7&lang=en"))
    assert answer.status == 404 and "reload" in json.loads(answer.body)["error"]


def test_a_failing_store_is_a_503_that_names_no_setting(caplog):
    def broken(settings):
        raise StoreError(f"could not connect to {SECRET_URL}")

    source = FeedSource(lambda: Settings(database_url=SECRET_URL), open_store=broken, clock=Clock())
    with caplog.at_level(logging.ERROR, logger=map_data_route.__name__):
        answer = answer_map_data(source, query("version=1&lang=en"))
    assert answer.status == 503 and answer.header("Retry-After")
    assert b"s3cret" not in answer.body and b"postgresql" not in answer.body and b"Traceback" not in answer.body
    assert "could not connect" in caplog.text


def test_an_unexpected_failure_is_a_500_without_its_details(memory_store, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(map_data_route, "map_document", boom)
    with caplog.at_level(logging.ERROR, logger=map_data_route.__name__):
        answer = answer_map_data(source_of(memory_store), query("version=1&lang=en"))
    assert answer.status == 500 and b"secret detail" not in answer.body and "secret detail" in caplog.text


@pytest.mark.parametrize(("base", "path"), [("", "/api/map-data"), ("campaign", "/campaign/api/map-data")])
def test_get_head_gzip_and_304_through_starlette(memory_store, base, path):
    from starlette.applications import Starlette

    app = Starlette(routes=map_data_routes(lambda: Settings(), base_path=base, source=source_of(memory_store)))
    status, headers, body = through_starlette(app, f"{path}?version=1&lang=en")
    assert status == 200 and json.loads(body)["rows"][0][FIELD["icsFile"]].startswith(f"{path[:-13]}/feeds/")
    zipped = through_starlette(app, f"{path}?version=1&lang=en", Accept_Encoding="gzip")
    assert zipped[1]["content-encoding"] == "gzip" and gzip.decompress(zipped[2]) == body
    head = through_starlette(app, f"{path}?version=1&lang=en", "HEAD")
    assert head[0] == 200 and head[2] == b"" and head[1]["content-length"] == str(len(body))
    assert through_starlette(app, f"{path}?version=1&lang=en", If_None_Match=headers["etag"])[0] == 304
    assert through_starlette(app, f"{path}?version=1&lang=en", "POST")[0] == 405
