"""A proposal checked by the upload's rules (speakout_map.supporters.checking)."""

from __future__ import annotations

import pytest

from speakout_map.events.validation import parse_rows
from speakout_map.store import publishing
from speakout_map.supporters.checking import check_proposal
from tests.events_support import check_message
from tests.supporters_support import GOOD, checked


def test_a_good_proposal_is_placed_as_a_confirmed_event(gazetteer) -> None:
    result = checked(gazetteer)
    assert result.ok and not result.errors and not result.warnings
    event = result.placed.event
    assert (event.city, event.country_code, event.date.isoformat()) == ("Lyon", "FR", "2026-12-20")
    assert event.status.value == "confirmed" and event.organiser == ""
    assert event.contact_email == "host@example.org"  # kept for organisers; the public never sees it
    assert result.placed.place.country_code == "FR" and result.placed.place.source == "gazetteer"


def test_coordinates_correct_the_place(gazetteer) -> None:
    result = checked(gazetteer, latitude="45.7578", longitude="4.8320")
    assert result.ok
    assert (result.placed.place.latitude, result.placed.place.longitude) == (45.7578, 4.832)


def _upload_messages(gazetteer, **changes: str) -> set[tuple[str | None, str]]:
    row = {**GOOD, **changes, "status": "confirmed"}
    upload = publishing.check(parse_rows([row]), "file", geocoder=gazetteer)
    return {(p.column, p.message) for p in upload.errors}


@pytest.mark.parametrize(
    "changes,column",
    [
        ({"date": "2026-13-40"}, "date"),
        ({"date": ""}, "date"),
        ({"country": "Atlantis"}, "country"),
        ({"city": ""}, "city"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"contact_email": "not an email"}, "contact_email"),
        ({"start_time": "25:99"}, "start_time"),
        ({"latitude": "91", "longitude": "0"}, "latitude"),
        ({"city": "Qwxzzyq", "country": "France"}, "city"),  # not found by the geocoder
    ],
)
def test_bad_fields_get_the_uploads_messages_without_a_row(gazetteer, changes: dict, column: str) -> None:
    result = checked(gazetteer, **changes)
    assert not result.ok and result.placed is None
    assert all(p.row is None for p in result.errors)
    assert column in {p.column for p in result.errors}
    assert {(p.column, p.message) for p in result.errors} == _upload_messages(gazetteer, **changes)
    for problem in result.errors:
        check_message(problem.text)


def test_too_long_fields_are_refused_before_geocoding(gazetteer) -> None:
    result = check_proposal({**GOOD, "description": "x" * 5000, "country": "Atlantis"}, geocoder=gazetteer)
    assert [p.column for p in result.errors] == ["description"]


def test_a_past_date_is_the_uploads_warning(gazetteer) -> None:
    import datetime as dt

    result = check_proposal(GOOD, geocoder=gazetteer, today=dt.date(2027, 1, 1))
    assert result.ok and [p.column for p in result.warnings] == ["date"]
    assert all(p.row is None for p in result.warnings)


def test_hostile_text_is_kept_as_text(gazetteer) -> None:
    hostile = '<script>alert(1)</script> [x](javascript:alert(1)) =HYPERLINK("http://e.vil")'
    result = checked(gazetteer, title=hostile, venue=hostile, description=hostile)
    assert result.ok
    assert result.placed.event.title == hostile and result.placed.event.description == hostile
