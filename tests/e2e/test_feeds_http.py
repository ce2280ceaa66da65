"""The live feeds over real HTTP: ``streamlit run app.py`` on loopback serves /feeds/events.{geojson,csv,ics}.

No browser: plain HTTP requests (urllib) against the app server of ``start_app``,
seeded with a few events of our own: hostile text, a formula, a private email.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import urllib.error
import urllib.request
from pathlib import Path

import icalendar
import pytest

from e2e_support import AppServer

PRIVATE = "private-organiser@example.org"
HOSTILE = "</script><script>alert(1)</script> {{7*7}} ${x} \"quoted\", 'single' <b>&amp;</b>"
FORMULA = '=HYPERLINK("http://evil.example","click")'
EVENTS = [
    # city, country, date, title, start_time, description, latitude, longitude
    ("Dublin", "Ireland", "2013-09-03", "Speak out in Dublin", "18:00", "Bring a friend.", "", ""),
    ("Galway", "IE", "2013-09-04", FORMULA, "", "-1+2", "", ""),
    ("Madrid", "Spain", "2013-09-05", HOSTILE, "19:30", HOSTILE, "", ""),
    ("Tokyo", "JP", "2013-09-06", "Tokyo", "", "", "35.6762", "139.6503"),
]
HEADER = ["city", "country", "date", "title", "start_time", "description", "latitude", "longitude", "contact_email",
          "status"]  # fmt: skip


def events_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in EVENTS:
        writer.writerow([*row, PRIVATE, "confirmed"])
    return out.getvalue()


@pytest.fixture(scope="module")
def feeds_app(start_app, tmp_path_factory) -> AppServer:
    path: Path = tmp_path_factory.mktemp("feeds") / "events.csv"
    path.write_text(events_csv(), encoding="utf-8")
    return start_app("feeds", path)


def fetch(url: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    """One request; (status, headers with lower-case names, body) whatever the status."""
    request = urllib.request.Request(url, method=method, headers={k.replace("_", "-"): v for k, v in headers.items()})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


@pytest.mark.parametrize(
    "name, content_type",
    [("geojson", "application/geo+json"), ("csv", "text/csv; charset=utf-8"), ("ics", "text/calendar; charset=utf-8")],
)
def test_each_feed_answers_with_its_type_and_caching_headers(feeds_app: AppServer, name, content_type):
    status, headers, body = fetch(feeds_app.url(f"/feeds/events.{name}"))
    assert status == 200, body[:300]
    assert headers["content-type"] == content_type
    assert headers["content-disposition"] == f'inline; filename="speakout-events.{name}"'
    assert headers["cache-control"] == "public, max-age=300"
    assert headers["access-control-allow-origin"] == "*"
    assert headers["etag"].startswith('"v1-') and headers["etag"].endswith('"')
    assert PRIVATE.encode() not in body and b"contact_email" not in body


def test_if_none_match_gets_304_until_the_query_changes(feeds_app: AppServer):
    url = feeds_app.url("/feeds/events.geojson", country="IE")
    status, headers, body = fetch(url)
    assert status == 200 and body
    etag = headers["etag"]
    status, again, body = fetch(url, If_None_Match=etag)
    assert (status, body) == (304, b"")
    assert again["etag"] == etag and again["cache-control"] == "public, max-age=300"
    assert fetch(url, If_None_Match=f'"v0-other", W/{etag}')[0] == 304
    other = feeds_app.url("/feeds/events.geojson", country="ES")
    status, headers, body = fetch(other, If_None_Match=etag)
    assert status == 200 and headers["etag"] != etag


def test_gzip_keeps_the_etag_and_the_bytes(feeds_app: AppServer):
    url = feeds_app.url("/feeds/events.ics")
    plain = fetch(url)
    status, headers, body = fetch(url, Accept_Encoding="gzip")
    assert status == 200 and headers["etag"] == plain[1]["etag"]
    assert (gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body) == plain[2]


@pytest.mark.parametrize(
    "query, cities",
    [
        ({}, ["Dublin", "Galway", "Madrid", "Tokyo"]),
        ({"country": "IE"}, ["Dublin", "Galway"]),
        ({"country": "ie,jp", "from": "2013-09-04"}, ["Galway", "Tokyo"]),
        ({"to": "2013-09-03"}, ["Dublin"]),
        ({"near": "Cork", "radius": "300"}, ["Galway", "Dublin"]),
        ({"country": "FR"}, []),
    ],
)
def test_the_map_query_filters_every_feed(feeds_app: AppServer, query, cities):
    status, _, body = fetch(feeds_app.url("/feeds/events.csv", **query))
    assert status == 200, body
    assert [row["city"] for row in csv_rows(body)] == cities
    status, _, body = fetch(feeds_app.url("/feeds/events.geojson", **query))
    assert [f["properties"]["city"] for f in json.loads(body)["features"]] == cities
    status, _, body = fetch(feeds_app.url("/feeds/events.ics", **query))
    assert len(icalendar.Calendar.from_ical(body).walk("VEVENT")) == len(cities)


@pytest.mark.parametrize(
    "query, named",
    [
        ({"country": "Narnia"}, "Narnia"),
        ({"from": "soon"}, "from="),
        ({"radius": "-5"}, "radius="),
        ({"near": "Qwxzzy Town"}, "near="),
        ({"lang": "<x>"}, "lang="),
    ],
)
def test_a_bad_query_is_a_400_with_one_line(feeds_app: AppServer, query, named):
    status, headers, body = fetch(feeds_app.url("/feeds/events.csv", **query))
    assert status == 400
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    text = body.decode("utf-8")
    assert text.count("\n") == 1 and named in text and "Traceback" not in text


def test_csv_is_formula_safe_and_geojson_keeps_hostile_text(feeds_app: AppServer):
    rows = {row["city"]: row for row in csv_rows(fetch(feeds_app.url("/feeds/events.csv"))[2])}
    assert "contact_email" not in rows["Galway"]
    assert rows["Galway"]["title"] == "'" + FORMULA
    assert rows["Galway"]["description"] == "'-1+2"
    assert rows["Madrid"]["title"] == HOSTILE
    features = json.loads(fetch(feeds_app.url("/feeds/events.geojson"))[2])["features"]
    madrid = next(f for f in features if f["properties"]["city"] == "Madrid")
    assert madrid["properties"]["title"] == madrid["properties"]["description"] == HOSTILE
    assert madrid["properties"]["start_time"] == "19:30"
    assert madrid["properties"]["timezone"] == "Europe/Madrid"


def test_the_calendar_speaks_the_query_language(feeds_app: AppServer):
    status, headers, body = fetch(feeds_app.url("/feeds/events.ics", lang="es", country="ES"))
    assert status == 200 and headers["content-language"] == "es"
    (entry,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(entry["SUMMARY"]) == HOSTILE
    assert entry["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert fetch(feeds_app.url("/feeds/events.ics", country="ES"))[1]["etag"] != headers["etag"]


def test_head_and_other_methods(feeds_app: AppServer):
    status, headers, body = fetch(feeds_app.url("/feeds/events.csv"), method="HEAD")
    assert (status, body) == (200, b"") and headers["etag"].startswith('"v1-')
    assert fetch(feeds_app.url("/feeds/events.csv"), method="POST")[0] == 405
    status, headers, _ = fetch(feeds_app.url("/feeds/events.xml"))  # no such feed: Streamlit's own answer
    assert "etag" not in headers or not headers["etag"].startswith('"v')


def test_the_pages_are_still_served(feeds_app: AppServer):
    status, headers, body = fetch(feeds_app.url("/"))
    assert status == 200 and b"<html" in body.lower()
    assert fetch(feeds_app.url("/_stcore/health"))[2].strip() == b"ok"


def test_under_a_base_url_path_the_feeds_are_there_too(start_app):
    server = start_app("feeds-base", base_path="/campaign")
    status, headers, body = fetch(server.url("/feeds/events.csv", country="IE"))
    assert status == 200, body
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert {row["country"] for row in csv_rows(body)} == {"IE"}
    outside = f"http://127.0.0.1:{server.port}/feeds/events.csv"
    assert fetch(outside)[1].get("content-type") != "text/csv; charset=utf-8"


def test_an_events_own_calendar_file(feeds_app: AppServer):
    """The "Add to calendar" .ics link of one event (the map's popup and table): that event alone, its UID."""
    status, _, whole = fetch(feeds_app.url("/feeds/events.ics"))
    assert status == 200
    uids = {str(e["SUMMARY"]): str(e["UID"]) for e in icalendar.Calendar.from_ical(whole).walk("VEVENT")}
    status, headers, body = fetch(feeds_app.url("/feeds/events.ics", event=uids["Tokyo"]))
    assert status == 200 and headers["content-type"] == "text/calendar; charset=utf-8"
    (entry,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert (str(entry["SUMMARY"]), str(entry["UID"])) == ("Tokyo", uids["Tokyo"])
    assert fetch(feeds_app.url("/feeds/events.ics", event="not-a-uid"))[0] == 400


def test_an_events_way_to_google_calendar(feeds_app: AppServer):
    """The "Add to calendar" Google link of one event: a 303 to Google's page, not followed here (no internet)."""
    import http.client
    from urllib.parse import parse_qs, urlsplit

    status, _, whole = fetch(feeds_app.url("/feeds/events.ics"))
    uids = {str(e["SUMMARY"]): str(e["UID"]) for e in icalendar.Calendar.from_ical(whole).walk("VEVENT")}
    target = urlsplit(feeds_app.url("/feeds/google-calendar", event=uids["Tokyo"], lang="es"))
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    try:
        connection.request("GET", f"{target.path}?{target.query}")
        answer = connection.getresponse()
        location = urlsplit(answer.getheader("Location"))
        assert answer.status == 303 and answer.read() == b""
    finally:
        connection.close()
    assert (location.scheme, location.netloc, location.path) == ("https", "calendar.google.com", "/calendar/render")
    assert parse_qs(location.query)["text"] == ["Tokyo"]
    assert fetch(feeds_app.url("/feeds/google-calendar", event="not-a-uid"))[0] == 400
