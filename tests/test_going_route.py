"""The "I'll be there" route without a server: POST /api/going, its checks, limits and failures (web/going_route.py).

The requests go straight into the Starlette app (ASGI), as a server would pass them: Starlette's TestClient
needs httpx, which the project does not install.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Sequence

import pytest
from starlette.applications import Starlette

from speakout_map.errors import StoreError
from speakout_map.events.identity import event_uids
from speakout_map.settings import Settings
from speakout_map.store.going_marks import GoingStore
from speakout_map.store.publishing import rollback_source
from speakout_map.store.store import Store
from speakout_map.supporters.going import client_secret, going_pass
from speakout_map.supporters.guards import Limit
from speakout_map.web import going_route
from speakout_map.web.going_route import GOING_PATH, MAX_BODY_BYTES, GoingService, going_path, going_routes
from speakout_map.web.routes import FeedSource
from tests.map_support import PAYLOADS, WORLD, make_event, place

SECRET_URL = "postgresql://going:s3cret-password@db.internal/speakout"
NOW = dt.datetime(2013, 9, 1, 12, 0, tzinfo=dt.timezone.utc)
UIDS = event_uids([p.event for p in WORLD])
JSON = "application/json"


@dataclasses.dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


def send(app, body: bytes | str | dict = b"", *, method: str = "POST", path: str = GOING_PATH,
         content_type: str | None = JSON, headers: Sequence[tuple[str, str]] = (),
         client: tuple[str, int] | None = ("203.0.113.9", 50000)) -> Reply:
    """One HTTP request through the ASGI app, as a server hands it over; its status, headers and body."""
    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode("utf-8")
    all_headers = list(headers) + ([("content-type", content_type)] if content_type is not None else [])
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "client": client,
        "server": ("testserver", 80), "headers": [(k.lower().encode(), v.encode()) for k, v in all_headers],
    }  # fmt: skip
    incoming = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def respond(message: dict) -> None:
        sent.append(message)

    # In a thread of its own: a browser test earlier in the session may leave an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, respond)).result()
    start = sent[0]
    return Reply(start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]},
                 b"".join(m.get("body", b"") for m in sent[1:]))


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def store():
    opened = Store.open("sqlite://")
    opened.publish(WORLD, by="alice", source="events.csv", based_on=None)
    yield opened
    opened.close()


def make_app(store: Store | None, *, settings: Settings | None = None, limits: Sequence[Limit] | None = None,
             clock: Clock | None = None, source: FeedSource | None = None, base_path: str = "") -> Starlette:
    settings = settings or Settings()
    source = source or FeedSource(lambda: settings, open_store=lambda s: store)
    kwargs = {"limits": limits} if limits is not None else {}
    return Starlette(routes=going_routes(lambda: settings, source=source, clock=clock or Clock(), base_path=base_path,
                                         **kwargs))


def pass_for(store: Store, session: str) -> str:
    return going_pass(client_secret(store), session)


def click(app, store: Store, session: str = "session-one", uid: str = UIDS[0], **kwargs) -> Reply:
    return send(app, {"event": uid, "pass": pass_for(store, session)}, **kwargs)


# --- counting ------------------------------------------------------------------------------------


def test_a_click_counts_once_per_session(store):
    app = make_app(store)
    first = click(app, store)
    assert first.status == 200
    assert first.json == {"count": 1, "counted": True, "label": "1 going"}
    again = click(app, store)
    assert (again.status, again.json) == (200, {"count": 1, "counted": False, "label": "1 going"})
    other = click(app, store, "session-two")
    assert other.json == {"count": 2, "counted": True, "label": "2 going"}
    assert click(app, store, "session-two", UIDS[1]).json["count"] == 1  # each event its own count
    assert store.going().counts() == {UIDS[0]: 2, UIDS[1]: 1}


def test_the_answer_is_json_never_cached_and_for_this_site_only(store):
    reply = click(make_app(store), store)
    assert reply.headers["content-type"] == JSON
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert "access-control-allow-origin" not in reply.headers


@pytest.mark.parametrize("lang", [None, "es", "es-AR", "xx", "<script>", 42, "e" * 300])
def test_the_label_is_in_the_asked_language_or_english(store, lang):
    body = {"event": UIDS[0], "pass": pass_for(store, "s"), **({"lang": lang} if lang is not None else {})}
    reply = send(make_app(store), body)
    assert reply.status == 200
    assert reply.json["label"].startswith("1 ")  # "1 going" or its translation


def test_the_session_comes_from_the_pass_alone(store):
    """The same pass counts once whatever else changes (address, language): one session."""
    app = make_app(store)
    assert click(app, store, client=("198.51.100.1", 1)).json["counted"] is True
    assert click(app, store, client=("198.51.100.2", 2)).json["counted"] is False


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"\xff\xfe", b"[1, 2]", b'"text"', b"null", b"{}", json.dumps({"event": UIDS[0]}).encode(),
     json.dumps({"pass": "x"}).encode(), json.dumps({"event": 7, "pass": "x"}).encode(),
     json.dumps({"event": "<img src=x>", "pass": "x"}).encode(), json.dumps({"event": UIDS[0].upper()}).encode()],
    ids=["empty", "text", "not-utf8", "array", "string", "null", "no-fields", "no-pass", "no-event", "number-event",
         "markup-event", "upper-case-uid"],
)
def test_a_bad_body_is_a_400(store, body):
    reply = send(make_app(store), body)
    assert reply.status == 400
    assert reply.json["error"].startswith("Bad request: ")
    assert store.going().counts() == {}


def forged_passes(store: Store) -> list[object]:
    good = pass_for(store, "session-one")
    other_site = going_pass("another site's secret", "session-one")
    value, signature = good.split(".")
    return [None, 42, "", "nodot", good + "x", f"{value}.{'0' * len(signature)}", other_site,
            f"{value}x.{signature}", f"{value}.{signature}.{signature}", "x" * 600 + "." + signature, [good]]


def test_a_pass_the_site_did_not_make_is_a_400(store):
    app = make_app(store)
    for forged in forged_passes(store):
        reply = send(app, {"event": UIDS[0], "pass": forged})
        assert reply.status == 400, forged
        assert "pass" in reply.json["error"]
    assert store.going().counts() == {}


def test_an_event_not_on_the_map_is_a_404(store):
    app = make_app(store)
    absent = "f" * 32 + "@speakout-map"
    reply = click(app, store, uid=absent)
    assert reply.status == 404 and "not on the map" in reply.json["error"]
    # an event that left the map in a newer version
    store.publish(WORLD[1:], by="alice", source="fewer.csv", based_on=1)
    assert click(app, store, uid=UIDS[0]).status == 404
    assert store.going().counts() == {}


def test_nothing_published_is_a_404():
    empty = Store.open("sqlite://")
    try:
        assert click(make_app(empty), empty).status == 404
    finally:
        empty.close()


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
     "application/jsonx", "text/json"],
)
def test_only_a_json_body_is_taken(store, content_type):
    """A plain cross-site form can send the three simple types only, never application/json."""
    reply = click(make_app(store), store, content_type=content_type)
    assert reply.status == 415
    assert store.going().counts() == {}


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON"])
def test_json_with_parameters_or_in_capitals_is_json(store, content_type):
    assert click(make_app(store), store, content_type=content_type).status == 200


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_only_post(store, method):
    reply = click(make_app(store), store, method=method)
    assert reply.status == 405
    assert store.going().counts() == {}


@pytest.mark.parametrize(("site", "status"), [("cross-site", 403), ("same-site", 403), ("same-origin", 200),
                                              ("none", 200)])
def test_a_request_the_browser_says_came_from_another_site_is_refused(store, site, status):
    assert click(make_app(store), store, headers=[("sec-fetch-site", site)]).status == status


def test_an_overlong_body_is_refused_unread(store):
    app = make_app(store)
    body = json.dumps({"event": UIDS[0], "pass": pass_for(store, "s"), "pad": "x" * MAX_BODY_BYTES})
    assert send(app, body).status == 413
    assert send(app, b"{}", headers=[("content-length", str(MAX_BODY_BYTES + 1))]).status == 413
    assert store.going().counts() == {}


# --- the rate limit ---------------------------------------------------------------------------------

FEW = (Limit("going", 3, dt.timedelta(minutes=10)),)


def test_a_burst_from_one_client_is_cut_off_and_others_still_count(store):
    clock = Clock()
    app = make_app(store, limits=FEW, clock=clock)
    answers = [click(app, store, "burst", uid=UIDS[i % len(UIDS)]) for i in range(5)]
    assert [a.status for a in answers] == [200, 200, 200, 429, 429]
    refused = answers[3]
    assert 1 <= int(refused.headers["retry-after"]) <= 600
    assert refused.json["retryAfter"] == int(refused.headers["retry-after"])
    assert refused.headers["cache-control"] == "no-store"
    assert store.going().counts() == {UIDS[0]: 1, UIDS[1]: 1, UIDS[2]: 1}  # the refused clicks changed nothing
    assert click(app, store, "someone-else", uid=UIDS[3]).status == 200  # another visitor is not affected
    clock.now += dt.timedelta(minutes=11)
    assert click(app, store, "burst", uid=UIDS[3]).status == 200  # and the burst's client can go on later


def test_the_real_limits_hold(store):
    app = make_app(store)
    statuses = [click(app, store, "script").status for _ in range(31)]
    assert statuses == [200] * 30 + [429]


@pytest.mark.parametrize(
    ("mode", "first", "second", "shared"),
    [
        ("none", {"client": ("198.51.100.7", 1)}, {"client": ("198.51.100.7", 2)}, False),
        ("connection", {"client": ("198.51.100.7", 1)}, {"client": ("198.51.100.7", 2)}, True),
        ("connection", {"client": ("198.51.100.7", 1)}, {"client": ("198.51.100.8", 2)}, False),
        ("forwarded", {"headers": [("x-forwarded-for", "1.2.3.4, 192.0.2.1")]},
         {"headers": [("x-forwarded-for", "5.6.7.8, 192.0.2.1")]}, True),
        ("forwarded", {"headers": [("x-forwarded-for", "192.0.2.1")]},
         {"headers": [("x-forwarded-for", "192.0.2.2")]}, False),
    ],
)
def test_a_trusted_address_is_counted_as_the_setting_says(store, mode, first, second, shared):
    app = make_app(store, settings=Settings(organiser_client_address=mode), limits=FEW)
    assert [click(app, store, "one", **first).status for _ in range(3)] == [200] * 3
    # another session from the second place: limited with the first only when they share a trusted address
    assert click(app, store, "two", **second).status == (429 if shared else 200)


# --- failures -----------------------------------------------------------------------------------------


def test_a_store_that_cannot_be_opened_is_a_503_that_says_nothing_secret(caplog):
    def broken(settings):
        raise StoreError(f"could not connect to {SECRET_URL}")

    source = FeedSource(lambda: Settings(database_url=SECRET_URL), open_store=broken)
    app = make_app(None, source=source)
    with caplog.at_level(logging.ERROR, logger=going_route.__name__):
        reply = send(app, {"event": UIDS[0], "pass": "x.00"})
    assert reply.status == 503
    assert reply.headers["retry-after"] and reply.headers["cache-control"] == "no-store"
    for secret in (b"s3cret", b"postgresql", b"Traceback", b"db.internal"):
        assert secret not in reply.body
    assert "could not connect" in caplog.text


def test_a_store_that_fails_while_counting_is_a_503(store, monkeypatch, caplog):
    def broken(self, *args, **kwargs):
        raise StoreError(f"could not write to {SECRET_URL}")

    monkeypatch.setattr(GoingStore, "mark", broken)
    with caplog.at_level(logging.ERROR, logger=going_route.__name__):
        reply = click(make_app(store), store)
    assert reply.status == 503 and b"s3cret" not in reply.body and b"Traceback" not in reply.body
    assert "s3cret" in caplog.text


def test_an_unexpected_failure_is_a_500_without_traceback(store, monkeypatch, caplog):
    monkeypatch.setattr(going_route, "say_going", lambda *a, **k: 1 / 0)
    with caplog.at_level(logging.ERROR, logger=going_route.__name__):
        reply = click(make_app(store), store)
    assert reply.status == 500 and b"ZeroDivision" not in reply.body and b"Traceback" not in reply.body
    assert "ZeroDivisionError" in caplog.text


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the store takes text only
        return False
    return True


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if _storable(p)])
def test_no_answer_holds_event_text(payload):
    hostile = [place(make_event(title=payload, venue=payload, city="Madrid"))]
    opened = Store.open("sqlite://")
    try:
        opened.publish(hostile, by="alice", source="x.csv", based_on=None)
        app = make_app(opened)
        (uid,) = event_uids([p.event for p in hostile])
        replies = [click(app, opened, uid=uid), click(app, opened, uid="f" * 32 + "@speakout-map"),
                   send(app, {"event": uid, "pass": payload})]
        assert [r.status for r in replies] == [200, 404, 400]
        for reply in replies:
            text = reply.body.decode("utf-8")
            assert payload not in text and "Madrid" not in text
    finally:
        opened.close()


# --- versions -----------------------------------------------------------------------------------------


def test_the_count_survives_a_republish_and_a_rollback(store):
    app = make_app(store)
    for session in ("a", "b"):
        assert click(app, store, session).status == 200
    # the same events again, another order and a new venue: the same events
    moved = [dataclasses.replace(p, event=dataclasses.replace(p.event, venue="Elsewhere")) for p in reversed(WORLD)]
    store.publish(moved, by="alice", source="again.csv", based_on=1)
    assert click(app, store, "c").json == {"count": 3, "counted": True, "label": "3 going"}
    assert click(app, store, "a").json["counted"] is False  # still counted from before
    # the event leaves the map: no clicks; back with a rollback: its count is back
    store.publish(WORLD[1:], by="alice", source="fewer.csv", based_on=2)
    assert click(app, store, "d").status == 404
    store.publish(store.get(1).events, by="alice", source=rollback_source(1), based_on=3)
    assert click(app, store, "d").json == {"count": 4, "counted": True, "label": "4 going"}


def test_each_versions_uids_are_worked_out_once(store, monkeypatch):
    made = []
    real = going_route.event_uids
    monkeypatch.setattr(going_route, "event_uids", lambda events: made.append(len(events)) or real(events))
    source = FeedSource(lambda: Settings(), open_store=lambda s: store)
    service = GoingService(source)
    for _ in range(3):
        assert UIDS[0] in service.published_uids()
    store.publish(WORLD[:2], by="alice", source="x.csv", based_on=1)
    for _ in range(3):
        assert service.published_uids() == frozenset(UIDS[:2])
    assert made == [len(WORLD), 2]


# --- paths ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("base", "path"), [("", "/api/going"), ("campaign", "/campaign/api/going"),
                                            ("/campaign/", "/campaign/api/going"), (" ", "/api/going")])
def test_the_path_follows_the_base_url_path(store, base, path):
    assert going_path(base) == path
    (route,) = going_routes(lambda: Settings(), base_path=base)
    assert route.path == path and route.methods >= {"POST"} and "GET" not in route.methods
    assert click(make_app(store, base_path=base), store, path=path).status == 200
