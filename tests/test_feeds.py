"""The live feeds without a server: queries, bodies, ETags, 304s and refusals (speakout_map/web/feeds.py)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import icalendar
import pytest

from speakout_map.errors import FeedQueryError
from speakout_map.events.model import PRIVATE_COLUMNS
from speakout_map.store.store import Version, VersionInfo
from speakout_map.web.feeds import (
    CSV,
    FORMATS,
    GEOJSON,
    ICS,
    MAX_AGE_SECONDS,
    FeedQuery,
    answer_feed,
    etag_matches,
    feed_body,
    feed_etag,
    feed_events,
    parse_feed_query,
    refusal,
)
from speakout_map.events.identity import event_uids
from tests.map_support import PAYLOADS, PRIVATE_EMAIL, WORLD, make_event, place

PUBLISHED = dt.datetime(2013, 8, 30, 12, 0, tzinfo=dt.timezone.utc)


def version(number: int = 7, events=WORLD) -> Version:
    return Version(VersionInfo(number, PUBLISHED, "alice", "events.csv", len(events)), tuple(events))


def query(**params: str | list[str]) -> FeedQuery:
    return parse_feed_query({k: v if isinstance(v, list) else [v] for k, v in params.items()})


def cities(feed, q: FeedQuery, events=WORLD, **kwargs) -> list[str]:
    return [p.event.city for p in feed_events(feed, q, events, **kwargs)]


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def answer(feed=CSV, q: FeedQuery | None = None, number: int | None = 7, events=WORLD, **kwargs):
    return answer_feed(feed, q or query(), version=number, published=lambda: version(number or 0, events), **kwargs)


# --- the query ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ["Buenos Aires", "Madrid", "Reykjavík", "Tokyo", "Sydney", "Anchorage"]),
        ({"country": "ES"}, ["Madrid"]),
        ({"country": "es, jp"}, ["Madrid", "Tokyo"]),
        ({"country": ["Spain", "AR"]}, ["Buenos Aires", "Madrid"]),
        ({"country": "FR"}, []),  # a real country without events: an empty feed, not an error
        ({"from": "2013-09-03", "to": "2013-09-03", "country": "IS"}, ["Reykjavík"]),
        ({"from": "2013-09-04"}, []),
        ({"to": "2013-09-02"}, []),
        ({"lang": "es", "_": "1234"}, ["Buenos Aires", "Madrid", "Reykjavík", "Tokyo", "Sydney", "Anchorage"]),
    ],
)
def test_the_query_filters_as_the_map_does(params, expected):
    assert sorted(cities(GEOJSON, query(**params))) == sorted(expected)
    assert sorted(r["city"] for r in csv_rows(feed_body(CSV, query(**params), WORLD))) == sorted(expected)


@pytest.mark.parametrize(
    "params, named",
    [
        ({"country": "Narnia"}, "Narnia"),
        ({"country": "ES,Atlantis"}, "Atlantis"),
        ({"country": "x" * 3000}, "overlong"),
        ({"from": "yesterday"}, "from="),
        ({"to": "2013-13-45"}, "to="),
        ({"from": ""}, "from="),
        ({"from": "2013-09-05", "to": "2013-09-01"}, "after"),
        ({"radius": "far"}, "radius="),
        ({"radius": "0"}, "radius="),
        ({"near": "x" * 500}, "overlong"),
        ({"lang": "<script>alert(1)</script>"}, "lang="),
        ({"lang": "en\nX-Injected: 1"}, "lang="),
        ({"country": "Narnia\r\nSet-Cookie: a=b", "from": "no"}, "more"),
    ],
)
def test_a_bad_value_is_refused_with_a_one_line_reason(params, named):
    with pytest.raises(FeedQueryError) as caught:
        query(**params)
    reason = str(caught.value)
    assert named in reason
    assert reason.startswith("Bad query: ")
    assert "\n" not in reason and "\r" not in reason and len(reason) <= 300


@pytest.mark.parametrize(
    "lang, language", [(None, "en"), ("es", "es"), ("es-AR", "es"), ("ES", "es"), ("ru", "en"), ("en", "en")]
)
def test_lang_picks_one_of_our_languages_or_english(lang, language):
    assert (query(lang=lang) if lang else query()).language == language


# --- near ---------------------------------------------------------------------------------

IRELAND = [
    place(make_event(city="Dublin", country_code="IE"), 53.3331, -6.2489),
    place(make_event(city="Galway", country_code="IE"), 53.2724, -9.0510),
    place(make_event(city="Madrid", country_code="ES"), 40.4168, -3.7038),
]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"near": "Cork"}, ["Galway", "Dublin"]),  # nearest first
        ({"near": "Cork, Ireland", "radius": "160"}, ["Galway"]),
        ({"near": "Cork", "radius": "50"}, []),  # none within: none at all (no "nearest anyway" in a feed)
        ({"near": "Madrid", "radius": "20000", "country": "ES"}, ["Madrid"]),
        ({"radius": "10"}, ["Dublin", "Galway", "Madrid"]),  # a radius without a place changes nothing
    ],
)
def test_near_keeps_the_events_within_the_radius_nearest_first(gazetteer, params, expected):
    found = cities(CSV, query(**params), IRELAND, geocoder=gazetteer)
    assert found == expected if "near" in params else sorted(found) == expected


def test_a_place_that_cannot_be_found_is_refused(gazetteer):
    with pytest.raises(FeedQueryError, match=r"^Bad query: near='Qwxzzy Town'"):
        feed_body(GEOJSON, query(near="Qwxzzy Town"), IRELAND, geocoder=gazetteer)


# --- the bodies: public columns only, formula-safe CSV, hostile text intact -----------------


@pytest.mark.parametrize("feed", FORMATS.values(), ids=lambda f: f.name)
def test_no_private_column_in_any_feed(feed):
    body = feed_body(feed, query(), WORLD, published_at=PUBLISHED)
    assert PRIVATE_EMAIL.encode() not in body
    assert all(column.encode() not in body for column in PRIVATE_COLUMNS)


def test_the_csv_is_the_upload_format_without_bom_and_formula_safe():
    events = [place(make_event(title="=HYPERLINK(\"http://x\",\"y\")", organiser="+1 call", venue="@home",
                               description="-2+3", city="Madrid"))]
    body = feed_body(CSV, query(), events)
    assert not body.startswith(b"\xef\xbb\xbf")
    (row,) = csv_rows(body)
    assert "contact_email" not in row
    assert row["title"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert (row["organiser"], row["venue"], row["description"]) == ("'+1 call", "'@home", "'-2+3")
    assert row["date"] == "2013-09-03"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_arrives_intact_in_the_geojson(payload):
    fields = ("title", "city", "venue", "address", "organiser", "description")
    events = [place(make_event(**dict.fromkeys(fields, payload), url=f"https://example.org/?q={payload}"))]
    (feature,) = json.loads(feed_body(GEOJSON, query(), events))["features"]
    expected = payload.encode("utf-8", errors="replace").decode("utf-8")  # a lone surrogate cannot be UTF-8
    assert {field: feature["properties"][field] for field in fields} == dict.fromkeys(fields, expected)
    assert feature["properties"]["url"] == f"https://example.org/?q={expected}"
    assert "contact_email" not in feature["properties"]


def test_the_calendar_is_in_the_query_language_and_the_same_bytes_every_time():
    q = query(country="AR", lang="es")
    body = feed_body(ICS, q, WORLD, published_at=PUBLISHED)
    assert body == feed_body(ICS, q, WORLD, published_at=PUBLISHED)
    calendar = icalendar.Calendar.from_ical(body)
    (entry,) = calendar.walk("VEVENT")
    assert entry["SUMMARY"] == "Speak out in Madrid"  # the organisers' own title, as written
    assert entry["STATUS"] == "TENTATIVE"
    assert entry.decoded("DTSTAMP") == PUBLISHED


def test_uids_do_not_depend_on_the_filter():
    """A calendar of one country names its events as the whole calendar does, so subscriptions agree."""
    entries = icalendar.Calendar.from_ical(feed_body(ICS, query(), WORLD)).walk("VEVENT")
    whole = {e["LOCATION"]: e["UID"] for e in entries}
    part = icalendar.Calendar.from_ical(feed_body(ICS, query(country="JP"), WORLD)).walk("VEVENT")
    assert [e["UID"] for e in part] == [whole[e["LOCATION"]] for e in part]


# --- ETags and 304s ---------------------------------------------------------------------------


def test_the_etag_is_strong_quoted_and_names_the_version():
    tag = feed_etag(CSV, query(), 7)
    assert tag.startswith('"v7-') and tag.endswith('"') and tag.count('"') == 2
    assert feed_etag(CSV, query(), None).startswith('"v0-')


@pytest.mark.parametrize(
    "one, other",
    [
        ({"country": "ES,GB"}, {"country": ["gb", "Spain"]}),
        ({"from": "2013-09-01"}, {"from": " 2013-09-01 ", "_": "cache-buster"}),
        ({}, {"lang": "es"}),  # the CSV does not change with the language
        ({"near": "Cork,  Ireland"}, {"near": "Cork, Ireland"}),
    ],
)
def test_the_same_query_written_differently_has_the_same_etag(one, other):
    assert feed_etag(CSV, query(**one), 3) == feed_etag(CSV, query(**other), 3)


@pytest.mark.parametrize(
    "feed, one, other, number",
    [
        (CSV, {}, {}, 4),  # a new version
        (CSV, {}, {"country": "ES"}, 3),
        (CSV, {"from": "2013-09-01"}, {"to": "2013-09-01"}, 3),
        (CSV, {"near": "Cork"}, {"near": "Cork", "radius": "300"}, 3),
        (ICS, {}, {"lang": "es"}, 3),  # the calendar does
        (GEOJSON, {}, {}, 3),  # another feed
    ],
)
def test_a_new_version_query_or_feed_has_another_etag(feed, one, other, number):
    assert feed_etag(CSV, query(**one), 3) != feed_etag(feed, query(**other), number)


@pytest.mark.parametrize(
    "header, matches",
    [
        ('"v7-abc"', True),
        ('W/"v7-abc"', True),  # If-None-Match compares weakly
        ('"v6-abc", "v7-abc"', True),
        ('"v6-abc","v7-abc"', True),
        ("*", True),
        ('"v6-abc"', False),
        ("v7-abc", False),  # not quoted
        ('"v7-abc" junk', False),
        ('"v7-abc", ' * 1000, False),  # overlong
        ("", False),
        (None, False),
    ],
)
def test_if_none_match(header, matches):
    assert etag_matches(header, '"v7-abc"') is matches


def test_a_matching_if_none_match_is_answered_304_without_reading_the_version():
    first = answer(CSV)
    assert first.status == 200

    def never() -> Version:
        raise AssertionError("a 304 needs no events")

    again = answer_feed(CSV, query(), version=7, published=never, if_none_match=first.header("ETag"))
    assert (again.status, again.body) == (304, b"")
    for name in ("ETag", "Cache-Control", "Access-Control-Allow-Origin"):
        assert again.header(name) == first.header(name)
    assert again.header("Content-Type") is None
    assert answer(CSV, number=8, if_none_match=first.header("ETag")).status == 200  # published since


@pytest.mark.parametrize(
    "feed, content_type",
    [(GEOJSON, "application/geo+json"), (CSV, "text/csv; charset=utf-8"), (ICS, "text/calendar; charset=utf-8")],
)
def test_the_200_headers(feed, content_type):
    response = answer(feed)
    assert response.status == 200
    assert response.header("content-type") == content_type
    assert response.header("Content-Disposition") == f'inline; filename="speakout-events.{feed.name}"'
    assert response.header("Cache-Control") == f"public, max-age={MAX_AGE_SECONDS}"
    assert response.header("Access-Control-Allow-Origin") == "*"
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("ETag") == feed_etag(feed, query(), 7)
    assert (response.header("Content-Language") == "en") is (feed is ICS)


def test_nothing_published_is_an_empty_feed():
    response = answer(GEOJSON, number=None)
    assert json.loads(response.body) == {"type": "FeatureCollection", "features": []}
    assert response.header("ETag").startswith('"v0-')


def test_a_kept_body_is_not_made_again():
    kept: dict[str, bytes] = {}
    calls = []

    def keep(etag, make):
        calls.append(etag)
        return kept.setdefault(etag, make()) if etag not in kept else kept[etag]

    first = answer(CSV, keep=keep)
    second = answer_feed(CSV, query(), version=7, published=lambda: pytest.fail("kept"), keep=keep)
    assert second.body == first.body and calls == [first.header("ETag")] * 2


@pytest.mark.parametrize("status", [400, 500, 503])
def test_a_refusal_is_one_line_of_text_never_cached(status):
    response = refusal(status, "Bad query: from='x\ny'\r\n  and more")
    assert response.status == status
    assert response.body.decode().count("\n") == 1 and response.body.endswith(b"\n")
    assert response.header("Content-Type") == "text/plain; charset=utf-8"
    assert response.header("Cache-Control") == "no-store"
    assert response.header("ETag") is None
    assert response.header("Access-Control-Allow-Origin") == "*"
    assert (response.header("Retry-After") is not None) is (status == 503)


def test_feed_query_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        query().language = "es"  # type: ignore[misc]


# --- one event's calendar (an event's "Add to calendar" link) ------------------------------------


@pytest.mark.parametrize("feed", FORMATS.values(), ids=lambda f: f.name)
def test_event_keeps_that_one_event_whatever_the_filter(feed):
    uids = event_uids([p.event for p in WORLD])
    for index in (0, len(WORLD) - 1):
        one = query(event=uids[index], country="JP" if WORLD[index].event.country_code != "JP" else "ES")
        assert cities(feed, one) == [WORLD[index].event.city]


def test_events_calendar_has_its_uid():
    uid = event_uids([p.event for p in WORLD])[1]
    (entry,) = icalendar.Calendar.from_ical(feed_body(ICS, query(event=uid), WORLD)).walk("VEVENT")
    assert str(entry["UID"]) == uid


@pytest.mark.parametrize("value", ["x", "0" * 32, "0" * 32 + "@evil.example", "A" * 32 + "@speakout-map", "<b>"])
def test_an_event_that_is_not_a_uid_is_refused(value):
    with pytest.raises(FeedQueryError, match="not an event's calendar UID"):
        query(event=value)


def test_an_unknown_uid_is_an_empty_feed_and_each_event_has_its_own_etag():
    assert cities(CSV, query(event="f" * 32 + "@speakout-map")) == []
    uids = event_uids([p.event for p in WORLD])
    assert feed_etag(ICS, query(event=uids[0]), 7) != feed_etag(ICS, query(event=uids[1]), 7) != feed_etag(ICS, query(), 7)


# --- "I'll be there" counts: in the CSV and GeoJSON, by UID within the whole version ------------------------

from speakout_map.web.feeds import going_stamp_text  # noqa: E402

WORLD_UIDS = event_uids([p.event for p in WORLD])
GOING = {WORLD_UIDS[0]: 23, WORLD_UIDS[3]: 1, "f" * 32 + "@speakout-map": 99}  # the last: an event no longer shown


def test_the_csv_has_each_events_going_count():
    rows = csv_rows(feed_body(CSV, query(), WORLD, going=GOING))
    expected = {p.event.city: GOING.get(uid, 0) for p, uid in zip(WORLD, WORLD_UIDS)}
    assert {row["city"]: int(row["going"]) for row in rows} == expected
    assert list(rows[0])[-2:] == ["going", "id"]


@pytest.mark.parametrize("params", [{}, {"country": WORLD[3].event.country_code}])
def test_the_csv_names_each_event_by_its_uid_in_the_whole_version(params):
    """The id column: an edited feed uploaded to add and update matches its rows by it."""
    rows = csv_rows(feed_body(CSV, query(**params), WORLD))
    by_city = {p.event.city: uid for p, uid in zip(WORLD, WORLD_UIDS)}
    assert rows and all(row["id"] == by_city[row["city"]] for row in rows)


def test_the_geojson_has_each_events_going_count_as_a_number():
    features = json.loads(feed_body(GEOJSON, query(), WORLD, going=GOING))["features"]
    found = {f["properties"]["city"]: f["properties"]["going"] for f in features}
    assert found[WORLD[0].event.city] == 23 and found[WORLD[3].event.city] == 1
    assert sorted(found.values()) == [0, 0, 0, 0, 1, 23]


@pytest.mark.parametrize("params", [{"country": WORLD[3].event.country_code}, {"event": WORLD_UIDS[3]}])
def test_a_filtered_feed_counts_each_event_by_its_uid_in_the_whole_version(params):
    (row,) = csv_rows(feed_body(CSV, query(**params), WORLD, going=GOING))
    assert (row["city"], row["going"]) == (WORLD[3].event.city, "1")


def test_the_calendar_has_no_going_count():
    assert feed_body(ICS, query(), WORLD, going=GOING, published_at=PUBLISHED) == feed_body(
        ICS, query(), WORLD, published_at=PUBLISHED)


def test_without_counts_there_is_no_going_column():
    assert "going" not in csv_rows(feed_body(CSV, query(), WORLD))[0]
    assert "going" not in json.loads(feed_body(GEOJSON, query(), WORLD))["features"][0]["properties"]


@pytest.mark.parametrize(("stamp", "text"),
                         [(None, ""), ((0, None), "0@"), ((3, PUBLISHED), "3@2013-08-30T12:00:00+00:00")])
def test_going_stamp_text(stamp, text):
    assert going_stamp_text(stamp) == text


@pytest.mark.parametrize("feed", FORMATS.values(), ids=lambda f: f.name)
def test_a_new_going_mark_changes_the_etag_of_the_feeds_with_counts_only(feed):
    before, after = going_stamp_text((3, PUBLISHED)), going_stamp_text((4, PUBLISHED + dt.timedelta(seconds=1)))
    changed = feed_etag(feed, query(), 7, before) != feed_etag(feed, query(), 7, after)
    assert changed is feed.has_going
    assert feed.has_going is (feed is not ICS)
    assert feed_etag(feed, query(), 7, before) == feed_etag(feed, query(), 7, before)


def test_answer_feed_reads_the_counts_only_to_make_a_body():
    read = []

    def counts():
        read.append(1)
        return GOING

    first = answer(CSV, going_stamp="3@x", going=counts)
    assert read == [1] and csv_rows(first.body)[0]["going"] in {"0", "1", "23"}
    again = answer_feed(CSV, query(), version=7, published=lambda: pytest.fail("a 304"), going_stamp="3@x",
                        going=lambda: pytest.fail("a 304 needs no counts"), if_none_match=first.header("ETag"))
    assert again.status == 304
    newer = answer(CSV, going_stamp="4@y", going=counts, if_none_match=first.header("ETag"))
    assert newer.status == 200 and read == [1, 1]
    answer(ICS, going_stamp="4@y", going=lambda: pytest.fail("the calendar has no counts"))


# --- the calendar's name: the campaign's (issue 12) ---------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_calendar_is_named_after_the_campaign_in_every_language(lang):
    body = feed_body(ICS, query(lang=lang), WORLD, published_at=PUBLISHED, calendar_name="Stand Up For X")
    calendar = icalendar.Calendar.from_ical(body)
    assert {calendar[key].to_ical().decode() for key in ("NAME", "X-WR-CALNAME")} == {"Stand Up For X"}
    answer = answer_feed(ICS, query(lang=lang), version=7, published=lambda: version(), calendar_name="Stand Up For X")
    assert answer.body == body


def test_a_renamed_campaign_gives_the_calendar_a_new_etag():
    q = query()
    named = feed_etag(ICS, q, 7, calendar_name="Stand Up For X")
    assert named == feed_etag(ICS, q, 7, calendar_name="Stand Up For X")
    assert named != feed_etag(ICS, q, 7, calendar_name="Stand Up For Y") != feed_etag(ICS, q, 7)
    assert feed_etag(CSV, q, 7, calendar_name="Stand Up For X") == feed_etag(CSV, q, 7), "only the calendar is named"
