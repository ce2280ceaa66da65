"""speakout_map.places.place: a placed event's hash, worked out once per object, stays a hash of its fields."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import pickle

import pytest

from speakout_map.events.model import Event, Status
from speakout_map.places.place import Place, PlacedEvent


def placed(city: str = "Lyon", **changes: object) -> PlacedEvent:
    event = Event(city=city, country_code="FR", date=dt.date(2013, 9, 3), title=f"Speak out in {city}",
                  status=Status.CONFIRMED, **changes)
    return PlacedEvent(event, Place(city, "FR", 45.75, 4.85, "Europe/Paris"))


@pytest.mark.parametrize("one, other, same", [
    (placed(), placed(), True),
    (placed(), placed("Paris"), False),
    (placed(), placed(venue="Place Bellecour"), False),
    (placed(), dataclasses.replace(placed(), place=Place("Lyon", "FR", 45.76, 4.85)), False),
])
def test_equal_events_hash_alike_and_find_each_other(one, other, same):
    hash(one)  # the first object's hash is kept; the second's is worked out afresh
    assert (one == other) is same
    if same:
        assert hash(one) == hash(other)
    assert (other in {one: "uid"}) is same
    assert hash(one) == hash((one.event, one.place))


def test_it_stays_frozen():
    event = placed()
    hash(event)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.place = Place("Paris", "FR", 48.85, 2.35)  # type: ignore[misc]
    assert dataclasses.replace(event, place=Place("Paris", "FR", 48.85, 2.35)) != event


@pytest.mark.parametrize("duplicate", [lambda p: pickle.loads(pickle.dumps(p)), copy.deepcopy, copy.copy])
def test_a_copy_carries_no_hash_from_elsewhere(duplicate):
    event = placed()
    hash(event)
    state = event.__getstate__()
    assert set(state) == {"event", "place"}  # what pickling keeps: a hash may differ in another process
    copied = duplicate(event)
    assert copied == event and hash(copied) == hash(event)
    assert copied in {event: 1}


def test_a_hash_worked_out_is_not_pickled():
    event = placed()
    data = pickle.dumps(event)
    hash(event)
    stale = pickle.dumps(event)
    assert stale == data  # the kept hash is not in what is pickled, before or after it was worked out
