"""An event's identity across versions (its calendar UID): what keeps it, what makes another event."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from speakout_map.events.identity import UID_PATTERN, event_uid, event_uids, uids_within
from speakout_map.events.model import Event, Status

MADRID = Event("Madrid", "ES", dt.date(2013, 9, 3), title="Rally", contact_email="host@example.org")


@pytest.mark.parametrize(
    "change",
    [
        {"start_time": dt.time(19, 0)}, {"venue": "Sol"}, {"address": "Calle 1"}, {"url": "https://example.org"},
        {"status": Status.DETAILS_TO_COME}, {"description": "x"}, {"organiser": "y"}, {"latitude": 40.0},
        {"contact_email": "other@example.org"}, {"title": "Another title"}, {"city": "  MADRID "},
    ],
)
def test_what_does_not_make_another_event(change):
    assert event_uid(dataclasses.replace(MADRID, **change)) == event_uid(MADRID)


@pytest.mark.parametrize("change", [{"city": "Valencia"}, {"country_code": "MX"}, {"date": dt.date(2013, 9, 4)}])
def test_what_makes_another_event(change):
    assert event_uid(dataclasses.replace(MADRID, **change)) != event_uid(MADRID)


def test_uids_look_alike_and_hold_nothing_private():
    uid = event_uid(MADRID)
    assert UID_PATTERN.fullmatch(uid)
    assert "host" not in uid and "Madrid" not in uid
    assert not UID_PATTERN.fullmatch(uid + "x") and not UID_PATTERN.fullmatch(uid.replace("speakout-map", "evil"))


def test_several_events_of_one_day_in_one_city_are_told_apart_by_title_and_rank():
    second = dataclasses.replace(MADRID, title="Vigil")
    uids = event_uids([MADRID, second, second])
    assert len(set(uids)) == 3 and uids[0] == event_uid(MADRID)
    assert uids_within([second], [MADRID, second]) == [uids[1]]
    assert uids_within([dataclasses.replace(MADRID, title="New")], [MADRID])[0] not in uids
