"""End to end: two app servers on one PostgreSQL database share everything a visitor or an organiser can see.

One throw-away PostgreSQL database (on the session's ``pg_server``) and two
``streamlit run app.py`` servers, A and B, pointed at it with the same
``SPEAKOUT_DATABASE_URL`` and the same cookie secret, as behind a proxy with
sticky sessions. Both take the visitor's address from ``X-Forwarded-For``
(``organiser_client_address = forwarded``, as behind that proxy; the
browser sends the header itself here) and geocode online through a fake
Nominatim on loopback. The tests prove:

* two servers started on an empty database seed it once;
* a publish on A's organisers' page shows on B at its open page's next rerun,
  and in B's feeds and light embed at once (a revalidation with B's old ETag
  gets the new version, never a 304 or a kept old body);
* the public rate limits ("I'll be there" through ``POST /api/going``; the
  proposals' limiter on the same table) count clicks made on either server;
* the online geocoder's answer fetched by A is read from the store by B,
  which does not ask the service again;
* failed sign-ins on A and on B, from one visitor's address in new sessions,
  add up to one lock (last: it locks that address out for the rest of the
  module).

The tests run in file order on one module-scoped pair of servers.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest
from e2e_support import ORGANISER, PAGE_TIMEOUT_MS, PASSWORD, SEED_EVENTS, AppServer
from pytest_postgresql.janitor import DatabaseJanitor
from test_browser import page_markers, shown_count, table_cells, upload

from speakout_map.errors import RateLimitedError
from speakout_map.events.identity import event_uids
from speakout_map.organisers.sign_in import name_key
from speakout_map.organisers.throttle import utc_now
from speakout_map.store.store import Store
from speakout_map.supporters.going import client_secret, going_pass
from speakout_map.supporters.guards import GOING_LIMITS, PROPOSAL_LIMITS, RateLimiter, client_keys
from tests.places_support import FakeNominatim, serving_nominatim

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

SEED_TOTAL = 19
COOKIE_SECRET = "two-servers-e2e-cookie-secret-0123456789abcdef"
BERLIN_ROW = ("Berlin,Deutschland,2013-09-03,Speak Out For Russia – Berlin,18:00,20:00,Brandenburger Tor,,"
              "https://example.org/berlin,confirmed,e2e,,Published on server A.,,")
#: Places only the fake Nominatim knows (not in the gazetteer), near seed events.
ONLINE_ONLY = {"Xyzzyville": (40.2, -3.6, "Xyzzyville, Comunidad de Madrid, España"),
               "Plughtown": (53.3, -6.3, "Plughtown, County Dublin, Ireland")}
#: What the proxy in front of both servers adds: the visitor's address (a documentation address).
BEHIND_PROXY = {"X-Forwarded-For": "203.0.113.7"}
_databases = itertools.count(1)


# --- fixtures: one database, one fake geocoder, two servers ------------------------------------------


@pytest.fixture(scope="module")
def shared_url(pg_server) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this module, dropped at its end."""
    dbname = f"speakout_two_servers_{os.getpid()}_{next(_databases)}"
    janitor = DatabaseJanitor(user=pg_server.user, host=pg_server.host, port=pg_server.port, dbname=dbname,
                              password=pg_server.password)
    janitor.init()
    try:
        yield pg_server.url(dbname)
    finally:
        janitor.drop()


@pytest.fixture(scope="module")
def geocoding_service() -> Iterator[FakeNominatim]:
    with serving_nominatim() as fake:
        for name, (lat, lon, display) in ONLINE_ONLY.items():
            fake.add(name, lat, lon, display)
        yield fake


@pytest.fixture(scope="module")
def servers(start_app, shared_url: str, geocoding_service: FakeNominatim) -> tuple[AppServer, AppServer]:
    env = {
        "SPEAKOUT_DATABASE_URL": shared_url,
        "STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET,
        "SPEAKOUT_ORGANISER_CLIENT_ADDRESS": "forwarded",
        "SPEAKOUT_GEOCODER_ONLINE": "true",
        "SPEAKOUT_GEOCODER_SERVICE": "nominatim",
        "SPEAKOUT_GEOCODER_DOMAIN": geocoding_service.domain,
        "SPEAKOUT_GEOCODER_SCHEME": "http",
        "SPEAKOUT_GEOCODER_TIMEOUT": "5",
        "SPEAKOUT_GEOCODER_MIN_DELAY": "0",
        "SPEAKOUT_GEOCODER_USER_AGENT": "speakout-map-e2e/1 (loopback only)",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    return start_app("two-a", env=env), start_app("two-b", env=env)


@pytest.fixture(scope="module")
def store(shared_url: str) -> Iterator[Store]:
    """The test's own view of the shared database (a third client, as the CLI would be)."""
    opened = Store.open(shared_url)
    yield opened
    opened.close()


# --- HTTP helpers -----------------------------------------------------------------------------------------


def fetch(url: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def csv_cities(body: bytes) -> list[str]:
    return [row["city"] for row in csv.DictReader(io.StringIO(body.decode("utf-8")))]


def embed_total(body: bytes) -> int:
    found = re.search(rb'class="speakout-bar-count">([\d,]+) events?<', body)
    assert found, body[:500]
    return int(found.group(1).replace(b",", b""))


# --- the tests ---------------------------------------------------------------------------------------------


def test_two_servers_on_an_empty_database_seed_it_once(servers, store: Store):
    answers: dict[str, tuple[int, dict, bytes]] = {}

    def ask(server: AppServer) -> None:
        answers[server.name] = fetch(server.url("/feeds/events.csv"))

    threads = [threading.Thread(target=ask, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for server in servers:
        status, _, body = answers[server.name]
        assert status == 200, (server.name, body[:300], server.log_tail())
        assert len(csv_cities(body)) == SEED_TOTAL
    assert [info.number for info in store.history()] == [1]


def test_a_publish_on_a_shows_on_b_at_its_next_rerun_and_in_its_feeds_at_once(servers, open_page, store: Store):
    a, b = servers
    # B: a visitor's page open on the seed version, and the feeds and embed as a CDN would have them kept.
    b_visit = open_page()
    b_page = b_visit.page
    b_page.goto(b.url("/"))
    assert shown_count(b_page) == (SEED_TOTAL, SEED_TOTAL)
    status, csv_headers, body = fetch(b.url("/feeds/events.csv"))
    assert status == 200 and "Berlin" not in csv_cities(body)
    old_csv_etag = csv_headers["etag"]
    assert fetch(b.url("/feeds/events.csv"), {"If-None-Match": old_csv_etag})[0] == 304
    status, embed_headers, page = fetch(b.url("/embed"), {"Accept-Language": "en"})
    assert status == 200 and embed_total(page) == SEED_TOTAL
    old_embed_etag = embed_headers["etag"]

    # A: an organiser publishes the seed events plus Berlin.
    a_visit = open_page()
    a_page = a_visit.page
    a_page.goto(a.url("/organise"))
    a_page.get_by_label("Organiser name").fill(ORGANISER)
    a_page.get_by_label("Password", exact=True).fill(PASSWORD)
    a_page.get_by_role("button", name="Sign in").click()
    expect(a_page.get_by_text(f"Signed in as {ORGANISER}")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    update = SEED_EVENTS.read_text(encoding="utf-8").rstrip("\n") + "\n" + BERLIN_ROW + "\n"
    upload(a_page, "update.csv", update.encode("utf-8"))
    expect(a_page.get_by_text("1 added, 0 removed, 0 changed, 19 unchanged", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    a_page.get_by_role("button", name="Publish").click()
    expect(a_page.get_by_text("Published version 2 with 20 events")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert store.latest_number() == 2

    # B's feeds and embed: the new version at once, whatever B kept, and a revalidation gets it too.
    for headers in ({}, {"If-None-Match": old_csv_etag}):
        status, new_headers, body = fetch(b.url("/feeds/events.csv"), headers)
        assert status == 200, (status, headers)
        assert "Berlin" in csv_cities(body) and len(csv_cities(body)) == SEED_TOTAL + 1
        assert new_headers["etag"] != old_csv_etag
    status, geojson_headers, body = fetch(b.url("/feeds/events.geojson"))
    assert status == 200 and len(json.loads(body)["features"]) == SEED_TOTAL + 1
    for headers in ({"Accept-Language": "en"}, {"Accept-Language": "en", "If-None-Match": old_embed_etag}):
        status, new_headers, page = fetch(b.url("/embed"), headers)
        assert status == 200, (status, headers)
        assert embed_total(page) == SEED_TOTAL + 1 and b"Berlin" in page
        assert new_headers["etag"] != old_embed_etag

    # B's open page: unchanged until it reruns (Streamlit's "R" shortcut), then the new version.
    assert shown_count(b_page) == (SEED_TOTAL, SEED_TOTAL)
    b_page.evaluate("() => document.activeElement && document.activeElement.blur()")
    b_page.keyboard.press("r")
    assert shown_count(b_page, SEED_TOTAL + 1, SEED_TOTAL + 1) == (SEED_TOTAL + 1, SEED_TOTAL + 1)
    page_markers(b_page, SEED_TOTAL + 1)
    assert "Berlin" in table_cells(b_page)
    b_visit.screenshot("b-after-rerun")
    # ... and a page opened on B afterwards.
    c_page = open_page().page
    c_page.goto(b.url("/", country="DE"))
    assert shown_count(c_page) == (1, SEED_TOTAL + 1)


def test_going_rate_limit_counts_clicks_on_both_servers(servers, store: Store):
    a, b = servers
    limit = GOING_LIMITS[0].count
    secret = client_secret(store)
    going = going_pass(secret, "two-servers-visitor")
    version = store.latest()
    uid = event_uids([p.event for p in version.events])[0]
    body = json.dumps({"event": uid, "pass": going}).encode()
    headers = {"Content-Type": "application/json"}

    def click(server: AppServer) -> tuple[int, dict, bytes]:
        return fetch(server.url("/api/going"), headers, body)

    statuses = [click(a)[0] for _ in range(limit // 2)] + [click(b)[0] for _ in range(limit - limit // 2)]
    assert statuses == [200] * limit  # each server on its own has seen only half the limit
    for server in (a, b):
        status, answer_headers, answer = click(server)
        assert status == 429, (server.name, status, answer)
        assert int(answer_headers["retry-after"]) > 0


def test_proposal_rate_limit_is_one_count_for_every_store_client(shared_url: str):
    first, second = Store.open(shared_url), Store.open(shared_url)
    try:
        keys = client_keys(client_secret(first), "two-servers-proposer")
        on_first = RateLimiter(first.client_actions(), PROPOSAL_LIMITS)
        on_second = RateLimiter(second.client_actions(), PROPOSAL_LIMITS)
        allowed = PROPOSAL_LIMITS[0].count
        for i in range(allowed):
            limiter = on_first if i % 2 == 0 else on_second
            limiter.check(keys)
            limiter.record(keys)
        for limiter in (on_first, on_second):
            with pytest.raises(RateLimitedError):
                limiter.check(keys)
    finally:
        first.close()
        second.close()


def _near(page, server: AppServer, place: str) -> None:
    page.goto(server.url("/", near=place))
    expect(page.get_by_text(re.compile(rf"events? within .* of .*{place.split(',')[0]}"))).to_be_visible(
        timeout=PAGE_TIMEOUT_MS)


def test_online_geocoder_answers_are_shared(servers, open_page, geocoding_service: FakeNominatim):
    a, b = servers

    def asked(name: str) -> int:
        return sum(1 for params in geocoding_service.requests
                   if name in " ".join(params.get("city", []) + params.get("q", [])))

    page = open_page().page
    assert asked("Xyzzyville") == 0
    _near(page, a, "Xyzzyville, Spain")
    assert asked("Xyzzyville") >= 1  # A asked the service ...
    after_a = asked("Xyzzyville")
    _near(page, b, "Xyzzyville, Spain")
    assert asked("Xyzzyville") == after_a  # ... and B found A's answer in the store
    # B does ask the service for a place nobody asked yet: its silence above was the shared cache.
    _near(page, b, "Plughtown, Ireland")
    assert asked("Plughtown") >= 1


def _failures(store: Store) -> int:
    return store.count_login_failures(name_key(ORGANISER), utc_now() - timedelta(hours=1))


def _wrong_sign_in(page, store: Store, attempt: int) -> None:
    before = _failures(store)
    page.get_by_label("Organiser name").fill(ORGANISER)
    page.get_by_label("Password", exact=True).fill(f"not the password {attempt}")
    page.get_by_role("button", name="Sign in").click()
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while _failures(store) == before:
        assert time.monotonic() < deadline, "the wrong password was never counted"
        time.sleep(0.1)
    expect(page.get_by_text("Wrong organiser name or password.")).to_be_visible()


def test_failed_sign_ins_on_both_servers_add_up_to_one_lock(servers, open_page, store: Store):
    """Five failures of one client (this address) on alice: three on A, two on B. Runs last: it locks alice here."""
    a, b = servers
    for server, tries in ((a, 3), (b, 2)):
        page = open_page(extra_http_headers=BEHIND_PROXY).page
        page.goto(server.url("/organise"))
        for attempt in range(tries):
            _wrong_sign_in(page, store, attempt)
    assert _failures(store) == 5
    # A new session on either server, with the right password: locked, since A alone saw only three failures.
    for server in (a, b):
        visit = open_page(extra_http_headers=BEHIND_PROXY)
        page = visit.page
        page.goto(server.url("/organise"))
        page.get_by_label("Organiser name").fill(ORGANISER)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text(re.compile(r"Too many failed sign-ins\. Try again in \d+ seconds?\."))).to_be_visible(
            timeout=PAGE_TIMEOUT_MS)
        expect(page.get_by_text(f"Signed in as {ORGANISER}")).to_have_count(0)
        visit.screenshot(f"locked-on-{server.name}")
