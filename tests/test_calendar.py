"""Add to calendar: the .ics files (parsed back with icalendar) and the Google Calendar link."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest

from speakout_map.events.calendar import (
    DEFAULT_DURATION,
    calendar_entry,
    calendar_ics,
    escape_text,
    event_ics,
    fold,
    ics_filename,
)
from speakout_map.events.identity import UID_PATTERN, event_uid, event_uids
from speakout_map.events.calendar_links import DETAILS_LIMIT, GOOGLE_CALENDAR_URL, google_calendar_link
from speakout_map.events.model import Event, Status
from speakout_map.languages.translator import translator_for
from speakout_map.places.place import Place, PlacedEvent

STAMP = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
SECRET = "secret.host@example.org"
MADRID = Place("Madrid", "ES", 40.4168, -3.7038, "Europe/Madrid")
BUENOS_AIRES = Place("Buenos Aires", "AR", -34.6037, -58.3816, "America/Argentina/Buenos_Aires")


def placed(place: Place = MADRID, **fields) -> PlacedEvent:
    values = {"city": place.name, "country_code": place.country_code, "date": dt.date(2026, 9, 3),
              "contact_email": SECRET, **fields}
    return PlacedEvent(Event(**values), place)


def parse(data: bytes) -> icalendar.Calendar:
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""), "lines end in CRLF only"
    return icalendar.Calendar.from_ical(data)


def name_of(calendar: icalendar.Calendar) -> str:
    """The calendar's name (icalendar parses NAME and X-WR-CALNAME as unknown values, still escaped as TEXT)."""
    names = {
        re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], calendar[key].to_ical().decode())
        for key in ("NAME", "X-WR-CALNAME")
    }
    assert len(names) == 1
    return names.pop()


def vevents(data: bytes) -> list[icalendar.Event]:
    return parse(data).walk("VEVENT")


def only(data: bytes) -> icalendar.Event:
    (vevent,) = vevents(data)
    return vevent


# --- time: the venue's zone, all-day, floating ------------------------------------


@pytest.mark.parametrize("place", [MADRID, BUENOS_AIRES], ids=lambda p: p.timezone)
def test_local_time_in_the_venues_zone_with_its_vtimezone(place):
    data = event_ics(placed(place, start_time=dt.time(19, 0), end_time=dt.time(21, 30)), stamp=STAMP)
    calendar = parse(data)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["DTSTART"].params["TZID"] == place.timezone
    assert vevent["DTEND"].params["TZID"] == place.timezone
    zone = ZoneInfo(place.timezone)
    assert vevent.start == dt.datetime(2026, 9, 3, 19, 0, tzinfo=zone)
    assert vevent.end == dt.datetime(2026, 9, 3, 21, 30, tzinfo=zone)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [place.timezone]
    assert calendar.get_missing_tzids() == set()
    # the VTIMEZONE gives the right offset at the event's time (Madrid: summer time; Buenos Aires: -03)
    offset = zone.utcoffset(dt.datetime(2026, 9, 3, 19, 0))
    assert calendar.timezones[0].to_tz().utcoffset(dt.datetime(2026, 9, 3, 19, 0)) == offset


def test_one_vtimezone_per_zone_for_a_list():
    events = [placed(MADRID, start_time=dt.time(19)), placed(BUENOS_AIRES, start_time=dt.time(18)),
              placed(MADRID, city="Barcelona", start_time=dt.time(20)), placed(MADRID, city="Sevilla")]
    calendar = parse(calendar_ics(events, stamp=STAMP))
    assert sorted(tz["TZID"] for tz in calendar.walk("VTIMEZONE")) == [
        "America/Argentina/Buenos_Aires", "Europe/Madrid"]
    assert len(calendar.walk("VEVENT")) == 4
    assert calendar.get_missing_tzids() == set()


def test_all_day_when_no_start_time_is_known():
    vevent = only(event_ics(placed(), stamp=STAMP))
    assert vevent["DTSTART"].params.get("VALUE") == "DATE"
    assert vevent.start == dt.date(2026, 9, 3) and vevent.end == dt.date(2026, 9, 4)
    assert "TZID" not in vevent["DTSTART"].params


def test_an_end_time_alone_is_said_in_the_all_day_entrys_description():
    vevent = only(event_ics(placed(end_time=dt.time(20, 0)), stamp=STAMP))
    assert vevent.start == dt.date(2026, 9, 3)
    assert "until 20:00 local time" in str(vevent["DESCRIPTION"])


@pytest.mark.parametrize(
    ("start", "end", "expected_end"),
    [
        (dt.time(19), None, dt.datetime(2026, 9, 3, 19) + DEFAULT_DURATION),
        (dt.time(23), None, dt.datetime(2026, 9, 4, 1)),
        (dt.time(22), dt.time(1, 30), dt.datetime(2026, 9, 4, 1, 30)),  # past midnight
        (dt.time(19), dt.time(19), dt.datetime(2026, 9, 4, 19)),  # not after the start: the next day
        (dt.time(9), dt.time(17), dt.datetime(2026, 9, 3, 17)),
    ],
)
def test_end_time_default_duration_and_past_midnight(start, end, expected_end):
    vevent = only(event_ics(placed(start_time=start, end_time=end), stamp=STAMP))
    assert vevent.end == expected_end.replace(tzinfo=ZoneInfo("Europe/Madrid"))


@pytest.mark.parametrize("timezone", ["", "Not/A_Zone", "../../etc/passwd", "Europe/Madrid\n", "Europe/Madrid;X=1",
                                      " Europe/Madrid"])
def test_a_place_without_a_usable_zone_gets_floating_local_time(timezone):
    data = event_ics(placed(dataclasses.replace(MADRID, timezone=timezone), start_time=dt.time(19)), stamp=STAMP)
    calendar = parse(data)
    (vevent,) = calendar.walk("VEVENT")
    assert "TZID" not in vevent["DTSTART"].params
    assert vevent.start == dt.datetime(2026, 9, 3, 19, 0) and vevent.start.tzinfo is None
    assert calendar.walk("VTIMEZONE") == []


# --- the UID ------------------------------------------------------------------------


def test_uid_is_stable_across_versions_of_the_same_event():
    before = placed(title="Rally", start_time=dt.time(19), venue="Plaza Mayor")
    after = placed(title="Rally at the embassy", start_time=dt.time(18), venue="Embassy", url="https://example.org",
                   description="Now with a place", status=Status.DETAILS_TO_COME, row=7)
    version_1 = [placed(city="Barcelona"), before]
    version_2 = [after, placed(city="Sevilla"), placed(city="Barcelona")]
    uid_1 = only(event_ics(before, among=version_1, stamp=STAMP))["UID"]
    uid_2 = only(event_ics(after, among=version_2, stamp=STAMP))["UID"]
    assert uid_1 == uid_2
    assert UID_PATTERN.fullmatch(str(uid_1))
    # the city and title compared as the diff compares them: case, accents and spaces aside
    assert event_uid(placed(city="  MADRID ").event) == event_uid(placed(city="Madrid").event)


@pytest.mark.parametrize(
    "other",
    [{"city": "Barcelona"}, {"date": dt.date(2026, 9, 4)}, {"country_code": "AR"}],
    ids=["city", "date", "country"],
)
def test_different_events_have_different_uids(other):
    assert event_uid(placed().event) != event_uid(placed(**other).event)


def test_several_events_on_one_day_in_one_city():
    first, second = placed(title="Rally"), placed(title="Vigil")
    uids = event_uids([first.event, second.event])
    assert len(set(uids)) == 2
    # the first keeps the UID it had alone when a second is added after it
    assert uids[0] == event_uid(first.event)
    # the later ones are known by their title, so their order among others does not matter
    third = placed(title="March")
    assert event_uids([first.event, third.event, second.event])[2] == uids[1]
    # even identical titles get distinct UIDs
    assert len(set(event_uids([first.event, first.event, first.event]))) == 3


def test_the_list_download_the_feed_and_the_single_download_agree_on_uids():
    version = [placed(title="Rally"), placed(title="Vigil"), placed(BUENOS_AIRES)]
    whole = [str(v["UID"]) for v in vevents(calendar_ics(version, stamp=STAMP))]
    filtered = [str(v["UID"]) for v in vevents(calendar_ics(version[1:], among=version, stamp=STAMP))]
    single = str(only(event_ics(version[1], among=version, stamp=STAMP))["UID"])
    assert filtered == whole[1:] and single == whole[1]
    # or with the UIDs computed once for the version
    uids = event_uids([p.event for p in version])
    assert [str(v["UID"]) for v in vevents(calendar_ics(version[1:], uids=uids[1:], stamp=STAMP))] == whole[1:]
    assert only(event_ics(version[1], uid=uids[1], stamp=STAMP)) == only(event_ics(version[1], among=version,
                                                                                    stamp=STAMP))
    with pytest.raises(ValueError, match="2 UIDs for 3 events"):
        calendar_ics(version, uids=uids[1:])
    # an event not in ``among`` is named as if added at its end
    outsider = placed(title="Concert")
    assert event_uid(outsider.event, [p.event for p in version]) == event_uids([*(p.event for p in version),
                                                                               outsider.event])[-1]


# --- status, text, privacy ----------------------------------------------------------


@pytest.mark.parametrize(("status", "expected"), [(Status.CONFIRMED, "CONFIRMED"),
                                                  (Status.DETAILS_TO_COME, "TENTATIVE")])
def test_status(status, expected):
    vevent = only(event_ics(placed(status=status), stamp=STAMP))
    assert vevent["STATUS"] == expected
    assert ("Details to come" in str(vevent.get("DESCRIPTION", ""))) is (status is Status.DETAILS_TO_COME)


def test_fields_of_a_full_event():
    item = placed(title="Rally", start_time=dt.time(19), venue="Plaza Mayor", address="Plaza Mayor, 28012 Madrid",
                  url="https://example.org/madrid?a=1;b,2", organiser="All Out", description="Bring a placard.")
    vevent = only(event_ics(item, stamp=STAMP))
    assert vevent["SUMMARY"] == "Rally"
    assert vevent["LOCATION"] == "Plaza Mayor, Plaza Mayor, 28012 Madrid, Madrid, Spain"
    assert vevent["URL"] == "https://example.org/madrid?a=1;b,2"
    assert str(vevent["DESCRIPTION"]) == "Bring a placard.\n\nOrganised by All Out\n\nhttps://example.org/madrid?a=1;b,2"
    assert vevent.decoded("DTSTAMP") == STAMP
    assert vevent["GEO"].latitude == pytest.approx(40.4168) and vevent["GEO"].longitude == pytest.approx(-3.7038)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/x",
                                 "https://exa mple.org", "https://example.org/\nBEGIN:VEVENT", "//example.org"])
def test_only_plain_http_links_are_kept(url):
    item = placed(url=url)
    data = event_ics(item, stamp=STAMP)
    assert "URL" not in only(data)
    assert url.encode() not in data
    assert url not in google_calendar_link(item) and "javascript" not in google_calendar_link(item)


def test_the_contact_email_is_never_in_a_calendar():
    items = [placed(title="Rally", start_time=dt.time(19), organiser="All Out", description="Hello"),
             placed(BUENOS_AIRES, status=Status.DETAILS_TO_COME)]
    assert SECRET.encode() not in calendar_ics(items, stamp=STAMP)
    assert SECRET.encode() not in event_ics(items[0], stamp=STAMP)
    for item in items:
        assert SECRET not in google_calendar_link(item)
        assert "secret" not in google_calendar_link(item)
    assert SECRET not in repr(calendar_entry(items[0], uid="x"))


HOSTILE = [
    "line one\nline two",
    "semi; colon, comma",
    "back\\slash and C:\\Names and \\n and \\N and \\,",
    "END:VEVENT\nBEGIN:VEVENT\nUID:evil\nSUMMARY:injected\nEND:VEVENT",
    "END:VCALENDAR\r\nBEGIN:VCALENDAR",
    "quotes \"double\" 'single' <b>&amp;</b>",
    "Göteborg «quotes» 🌍 " * 12,  # long and multi-byte: folded, never inside a character
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("field", ["title", "description", "venue", "organiser"])
def test_hostile_text_round_trips_as_text_without_adding_components(text, field):
    data = calendar_ics([placed(**{field: text}), placed(BUENOS_AIRES)], name=text, stamp=STAMP)
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "content lines are folded at 75 octets"
    calendar = parse(data)
    assert [c.name for c in calendar.subcomponents] == ["VEVENT", "VEVENT"]
    vevent = calendar.walk("VEVENT")[0]
    assert name_of(calendar) == " ".join(text.split()), "a name is one line"
    kept = text.replace("\r\n", "\n")
    if field == "title":
        assert str(vevent["SUMMARY"]) == kept.strip()
    elif field == "description":
        assert str(vevent["DESCRIPTION"]) == kept.strip()
    elif field == "venue":
        assert str(vevent["LOCATION"]).startswith(kept.strip() + ", ")
    else:
        assert str(vevent["DESCRIPTION"]) == f"Organised by {kept.strip()}"
    assert [str(v["UID"]) for v in calendar.walk("VEVENT")] == [
        str(u) for u in event_uids([placed().event, placed(BUENOS_AIRES).event])]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("semi; colon, comma", b"semi\\; colon\\, comma"),
        ("C:\\Names \\n", b"C:\\\\Names \\\\n"),
        ("a\r\nb\rc\nd", b"a\\nb\\nc\\nd"),
        ("END:VEVENT", b"END:VEVENT"),  # harmless once on a property's line
        ("\u00e9\x00\ud800", "\u00e9".encode()),
    ],
)
def test_text_is_escaped_as_rfc_5545_says(text, written):
    assert escape_text(text) == written


def test_control_characters_are_dropped():
    vevent = only(event_ics(placed(title="a\x00b\x07c\x1bd\te\x7f"), stamp=STAMP))
    assert str(vevent["SUMMARY"]) == "abcd\te"


def test_fold_never_cuts_a_character():
    line = ("é🌍" * 80).encode()
    folded = fold(b"DESCRIPTION:" + line)
    for piece in folded.split(b"\r\n")[:-1]:
        assert len(piece) <= 75
        piece.decode("utf-8")  # each physical line is whole characters
    assert folded.replace(b"\r\n ", b"") == b"DESCRIPTION:" + line + b"\r\n"


# --- the calendar as a whole ------------------------------------------------------------


def test_the_calendar_is_named_by_the_caller_and_dated_by_the_stamp():
    data = calendar_ics([placed()], name="Events near Cork", stamp=STAMP)
    calendar = parse(data)
    assert name_of(calendar) == "Events near Cork"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert calendar_ics([placed()], name="Events near Cork", stamp=STAMP) == data, "the same version, the same bytes"
    assert calendar_ics([placed()], stamp=STAMP.replace(tzinfo=None)) == calendar_ics([placed()], stamp=STAMP)


def test_an_empty_list_is_a_valid_calendar():
    calendar = parse(calendar_ics([], stamp=STAMP))
    assert calendar.walk("VEVENT") == [] and name_of(calendar) == "SpeakOut Map events"


def test_a_single_events_calendar_is_named_by_its_title():
    assert name_of(parse(event_ics(placed(title="Rally"), stamp=STAMP))) == "Rally"


def test_the_generated_texts_are_in_the_translators_language():
    spanish = translator_for("es")
    data = calendar_ics([placed(status=Status.DETAILS_TO_COME, organiser="All Out")], translator=spanish, stamp=STAMP)
    calendar = parse(data)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["SUMMARY"] == "Alza la voz en Madrid"
    assert str(vevent["DESCRIPTION"]).startswith("Detalles por confirmar")
    assert "Organizado por All Out" in str(vevent["DESCRIPTION"])
    assert str(vevent["LOCATION"]) == "Madrid, España"
    assert "Alza la voz en Madrid" in google_calendar_link(placed(), translator=spanish).replace("%20", " ")


@pytest.mark.parametrize(("text", "expected"), [("Speak Out – Göteborg!", "speak-out-goteborg.ics"),
                                                 ("../../etc/passwd", "etc-passwd.ics"), ("🌍", "events.ics"),
                                                 ("", "events.ics")])
def test_ics_filename(text, expected):
    assert ics_filename(text) == expected


# --- the Google Calendar link ---------------------------------------------------------------


def link_fields(link: str) -> dict[str, str]:
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == GOOGLE_CALENDAR_URL
    fields = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in fields.values()), "each field once"
    return {key: values[0] for key, values in fields.items()}


def test_google_link_of_a_timed_event():
    item = placed(title="Rally & more; #1", start_time=dt.time(19), end_time=dt.time(21), venue="Plaza Mayor",
                  url="https://example.org/e?x=1&y=2", description="Bring\na placard")
    link = google_calendar_link(item)
    assert " " not in link and "\n" not in link
    assert link_fields(link) == {
        "action": "TEMPLATE",
        "text": "Rally & more; #1",
        "dates": "20260903T190000/20260903T210000",
        "ctz": "Europe/Madrid",
        "details": "Bring\na placard\n\nhttps://example.org/e?x=1&y=2",
        "location": "Plaza Mayor, Madrid, Spain",
    }


def test_google_link_of_an_all_day_event_in_buenos_aires():
    fields = link_fields(google_calendar_link(placed(BUENOS_AIRES, status=Status.DETAILS_TO_COME)))
    assert fields["dates"] == "20260903/20260904"
    assert "ctz" not in fields
    assert fields["text"] == "Speak out in Buenos Aires"
    assert fields["details"] == "Details to come"
    assert fields["location"] == "Buenos Aires, Argentina"


def test_google_link_with_floating_time_has_no_zone():
    fields = link_fields(google_calendar_link(placed(dataclasses.replace(MADRID, timezone=""),
                                                     start_time=dt.time(19))))
    assert fields["dates"] == "20260903T190000/20260903T210000" and "ctz" not in fields


def test_google_link_shortens_long_details_but_keeps_the_link():
    fields = link_fields(google_calendar_link(placed(description="word " * 2000, url="https://example.org/e")))
    assert len(fields["details"]) <= DETAILS_LIMIT
    assert fields["details"].endswith("\u2026\n\nhttps://example.org/e")
