"""The light embed's route without a server: the shared store, one render per page, short failures
(web/embed_route.py)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import pytest
from starlette.requests import Request

from speakout_map.errors import StoreError
from speakout_map.events.identity import event_uids
from speakout_map.settings import Settings
from speakout_map.web import embed_route
from speakout_map.web.embed_route import GoingSnapshot, answer_embed_request, embed_path, embed_routes
from speakout_map.web.routes import FeedSource
from tests.map_support import WORLD, extract_rows
from tests.route_support import Clock, source_of, through_starlette

SECRET_URL = "postgresql://embed:s3cret-password@db.internal/speakout"
MARKED_AT = dt.datetime(2013, 9, 1, 12, 0, tzinfo=dt.timezone.utc)


def request(query: str = "", method: str = "GET", **headers: str) -> Request:
    return Request({
        "type": "http", "method": method, "path": "/embed", "query_string": query.encode(),
        "headers": [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()],
    })  # fmt: skip


def test_a_page_then_a_304(memory_store):
    source = source_of(memory_store)
    first = answer_embed_request(source, request("country=ES&list=1"))
    assert first.status == 200 and first.header("ETag").startswith('"e1-')
    assert [row[4] for row in extract_rows(first.body.decode())] == ["Madrid"]
    again = answer_embed_request(source, request("country=ES&list=1", If_None_Match=first.header("ETag")))
    assert (again.status, again.body) == (304, b"")
    memory_store.publish(WORLD[:2], by="alice", source="x.csv", based_on=1)
    newer = answer_embed_request(source, request("country=ES&list=1", If_None_Match=first.header("ETag")))
    assert newer.status == 200 and newer.header("ETag").startswith('"e2-')


def test_the_policy_follows_the_settings(memory_store):
    answer = answer_embed_request(source_of(memory_store, embed_frame_ancestors="https://allout.org",
                                            tiles_url="none"), request())
    policy = answer.header("Content-Security-Policy")
    assert "frame-ancestors https://allout.org" in policy and "tile.openstreetmap.org" not in policy
    default = answer_embed_request(source_of(memory_store), request()).header("Content-Security-Policy")
    assert "frame-ancestors *" in default and "img-src 'self' data: https://tile.openstreetmap.org" in default
    assert answer.header("X-Frame-Options") is None  # framing is the policy's to say


@pytest.mark.parametrize(("base", "path"), [("", "/embed"), ("campaign", "/campaign/embed")])
def test_the_path_and_links_follow_the_base_path(memory_store, base, path):
    assert embed_path(base) == path
    (route,) = embed_routes(lambda: Settings(), base_path=base, source=source_of(memory_store))
    assert route.path == path and route.methods >= {"GET", "HEAD"}
    html = answer_embed_request(source_of(memory_store), request(), base_path=base).body.decode()
    assert f'href="{path.removesuffix("/embed")}/map?lang=en"' in html


def test_a_bad_query_is_a_400_page(memory_store):
    answer = answer_embed_request(source_of(memory_store), request("zoom=99"))
    assert answer.status == 400 and b"zoom=&#x27;99&#x27;" in answer.body
    assert answer.header("Cache-Control") == "no-store"


def test_an_unknown_place_is_a_400_page(memory_store, gazetteer, monkeypatch):
    source = source_of(memory_store)
    monkeypatch.setattr(source, "geocoder", lambda: gazetteer)
    answer = answer_embed_request(source, request("near=Qwxzzy&lang=es"))
    assert answer.status == 400 and "Qwxzzy" in answer.body.decode()


def test_a_failing_store_is_a_503_that_names_no_setting(caplog):
    def broken(settings):
        raise StoreError(f"could not connect to {SECRET_URL}")

    source = FeedSource(lambda: Settings(database_url=SECRET_URL), open_store=broken, clock=Clock())
    with caplog.at_level(logging.ERROR, logger=embed_route.__name__):
        answer = answer_embed_request(source, request())
    assert answer.status == 503 and answer.header("Retry-After")
    assert b"s3cret" not in answer.body and b"postgresql" not in answer.body and b"Traceback" not in answer.body
    assert "could not connect" in caplog.text


def test_an_unexpected_failure_is_a_500_without_traceback(memory_store, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("speakout_map.web.embed.standalone_html", boom)
    with caplog.at_level(logging.ERROR, logger=embed_route.__name__):
        answer = answer_embed_request(source_of(memory_store), request())
    assert answer.status == 500 and b"secret detail" not in answer.body and "secret detail" in caplog.text


def test_missing_map_files_are_a_503(memory_store, monkeypatch, caplog):
    monkeypatch.setattr(embed_route, "missing_assets_message", lambda settings: "run make install")
    with caplog.at_level(logging.ERROR, logger=embed_route.__name__):
        answer = answer_embed_request(source_of(memory_store), request())
    assert answer.status == 503 and b"make install" not in answer.body and "make install" in caplog.text


def test_a_burst_costs_one_render(memory_store, monkeypatch):
    source = source_of(memory_store)
    renders = []
    real = embed_route.answer_embed.__globals__["embed_page"]

    def slow_page(*args, **kwargs):
        renders.append(1)
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setitem(embed_route.answer_embed.__globals__, "embed_page", slow_page)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(answer_embed_request(source, request("list=1"))))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(renders) == 1 and len({a.body for a in answers}) == 1 and {a.status for a in answers} == {200}


def test_a_failed_render_lets_the_waiting_ones_try_themselves(monkeypatch):
    source = FeedSource(lambda: Settings())
    started, calls = threading.Event(), []

    def failing():
        calls.append("first")
        started.set()
        time.sleep(0.2)
        raise RuntimeError("no")

    outcome = []
    first = threading.Thread(target=lambda: outcome.append(pytest.raises(RuntimeError, source.keep, "t", failing)))
    first.start()
    started.wait(5)
    assert source.keep("t", lambda: calls.append("second") or b"ok") == b"ok"
    first.join()
    assert calls == ["first", "second"]


def test_counts_are_a_snapshot_of_at_most_a_minute(memory_store):
    clock = Clock()
    snapshot = GoingSnapshot(clock=clock)
    source = source_of(memory_store)
    uid = event_uids([p.event for p in WORLD])[0]
    first = answer_embed_request(source, request(), snapshot=snapshot)
    memory_store.going().mark(uid, "someone", MARKED_AT)
    soon = answer_embed_request(source, request(If_None_Match=first.header("ETag")), snapshot=snapshot)
    assert soon.status == 304  # the click is not shown yet
    clock.now += embed_route.GOING_REFRESH_SECONDS + 1
    later = answer_embed_request(source, request(If_None_Match=first.header("ETag")), snapshot=snapshot)
    assert later.status == 200
    counts = {row[4]: row[-2] for row in extract_rows(later.body.decode())}
    assert counts[WORLD[0].event.city] == "1 going"





def test_get_and_head_through_starlette(memory_store):
    from starlette.applications import Starlette

    app = Starlette(routes=embed_routes(lambda: Settings(), source=source_of(memory_store)))
    status, headers, body = through_starlette(app, "/embed?country=JP")
    head_status, head_headers, head_body = through_starlette(app, "/embed?country=JP", "HEAD")
    assert status == head_status == 200 and head_body == b"" and body
    assert head_headers["content-length"] == str(len(body)) and head_headers["etag"] == headers["etag"]
    assert through_starlette(app, "/embed", If_None_Match=headers["etag"])[0] == 200  # another query
    assert through_starlette(app, "/embed?country=JP", If_None_Match=headers["etag"])[0] == 304
    assert through_starlette(app, "/embed", "POST")[0] == 405


@pytest.mark.parametrize(
    ("header", "takes"),
    [("gzip", True), ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.8", True), ("*", True), ("GZIP", True),
     ("x-gzip", True), (None, False), ("", False), ("identity", False), ("br, deflate", False), ("gzip;q=0", False),
     ("gzip;q=0.0", False), ("gzip;q=zero", False), ("gzipped", False)],
)
def test_which_browsers_take_gzip(header, takes):
    assert embed_route.accepts_gzip(header) is takes


def test_pages_are_kept_gzipped_and_compressed_once(memory_store, monkeypatch):
    import gzip

    from starlette.applications import Starlette

    compressed = []
    real = gzip.compress
    monkeypatch.setattr(embed_route.gzip, "compress", lambda *a, **k: compressed.append(1) or real(*a, **k))
    app = Starlette(routes=embed_routes(lambda: Settings(), source=source_of(memory_store)))
    status, headers, body = through_starlette(app, "/embed?country=JP", Accept_Encoding="gzip, br")
    again = through_starlette(app, "/embed?country=JP", Accept_Encoding="gzip")
    plain = through_starlette(app, "/embed?country=JP")
    assert status == 200 and headers["content-encoding"] == "gzip" and again[2] == body and len(compressed) == 1
    assert gzip.decompress(body) == plain[2] and "content-encoding" not in plain[1]
    assert headers["etag"] == plain[1]["etag"] and "Accept-Encoding" in headers["vary"]
    assert "Accept-Encoding" in plain[1]["vary"]
    head = through_starlette(app, "/embed?country=JP", "HEAD", Accept_Encoding="gzip")
    assert head[2] == b"" and head[1]["content-length"] == str(len(body))
    cached = through_starlette(app, "/embed?country=JP", Accept_Encoding="gzip", If_None_Match=headers["etag"])
    assert cached[0] == 304 and cached[2] == b""
