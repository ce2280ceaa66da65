"""'I'll be there' (speakout_map.supporters.going): once per session, rate-limited, following the event."""

from __future__ import annotations

import pytest

from speakout_map.errors import RateLimitedError, UnknownEventError
from speakout_map.events.identity import event_uids
from speakout_map.supporters.going import (
    client_secret,
    going_counts,
    going_label,
    going_pass,
    going_total,
    say_going,
    session_digest,
    session_of_pass,
)
from speakout_map.supporters.guards import GOING_LIMITS, RateLimiter
from tests.events_support import check_message
from tests.store_support import batch, placed
from tests.supporters_support import Clock, published_store, republish_latest, rollback


def _uids(store) -> list[str]:
    return event_uids([p.event for p in store.latest().events])


def _going(store, uid: str, session: str = "s1", clock=None, client=None):
    clock = clock or Clock()
    return say_going(uid, session=session, client=client or (f"session:{session}",), store=store,
                     published_uids=set(_uids(store)), now=clock(),
                     limiter=RateLimiter(store.client_actions(), GOING_LIMITS, clock=clock))


def _count_of(store, city: str) -> int:
    events = store.latest().events
    counts = going_counts(events, dict(zip(events, _uids(store))), store.going().counts())
    return dict(zip([p.event.city for p in events], counts)).get(city, 0)


def test_each_session_counts_once(store) -> None:
    published_store(store)
    uid = _uids(store)[1]
    first = _going(store, uid, "s1")
    again = _going(store, uid, "s1")
    other = _going(store, uid, "s2")
    assert (first.count, first.counted) == (1, True)
    assert (again.count, again.counted) == (1, False)
    assert (other.count, other.counted) == (2, True)
    assert store.going().marked_by(session_digest(client_secret(store), "s1")) == {uid}
    assert _count_of(store, "Town 1") == 2 and _count_of(store, "Town 0") == 0


@pytest.mark.parametrize("uid", ["", "nonsense", "0" * 32 + "@speakout-map", None])
def test_only_events_on_the_map_can_be_marked(store, uid) -> None:
    published_store(store)
    with pytest.raises(UnknownEventError) as caught:
        _going(store, uid)
    check_message(caught.value.text)
    assert store.going().counts() == {}


def test_clicks_are_rate_limited_per_client(store) -> None:
    published_store(store, GOING_LIMITS[0].count + 5)
    clock = Clock()
    uids = _uids(store)
    for uid in uids[: GOING_LIMITS[0].count]:
        _going(store, uid, "bot", clock)
    with pytest.raises(RateLimitedError):
        _going(store, uids[-1], "bot", clock)
    assert _going(store, uids[-1], "someone", clock).count == 1
    assert sum(store.going().counts().values()) == GOING_LIMITS[0].count + 1


def test_the_count_survives_a_republish_and_a_rollback(store) -> None:
    published_store(store)  # version 1: Town 0..2
    _going(store, _uids(store)[2], "s1")
    _going(store, _uids(store)[2], "s2")
    republish_latest(store)  # version 2: the same events
    assert _count_of(store, "Town 2") == 2
    latest = store.latest()
    store.publish(batch("Town", 2) + (placed("Elsewhere"),), by="t", source="drop Town 2",
                  based_on=latest.info.number)  # version 3: Town 2 gone
    assert _count_of(store, "Town 2") == 0
    rollback(store, 2)  # version 4: Town 2 back
    assert _count_of(store, "Town 2") == 2


def test_the_pass_carries_the_session_signed() -> None:
    signed = going_pass("secret", "session-token")
    assert session_of_pass("secret", signed) == "session-token"
    assert session_of_pass("other", signed) is None
    assert session_of_pass("secret", "session-token") is None


@pytest.mark.parametrize(
    "counts,expected",
    [
        ([0, 0, 0], "0 people going in 0 cities"),
        ([1, 0, 0], "1 person going in 1 city"),
        ([200, 12, 200], "412 people going in 3 cities"),
    ],
)
def test_the_total(counts: list[int], expected: str) -> None:
    events = batch("Town", 3)
    total = going_total(events, counts)
    assert str(total) == expected
    check_message(total)


def test_same_city_counts_once_in_the_total() -> None:
    events = (placed("Lyon"), placed(" lyon ", row=3))
    assert str(going_total(events, [2, 3])) == "5 people going in 1 city"


@pytest.mark.parametrize("count,expected", [(0, "0 going"), (1, "1 going"), (1234, "1,234 going")])
def test_the_label(count: int, expected: str) -> None:
    assert str(going_label(count)) == expected
    check_message(going_label(count))


def test_the_counts_of_a_whole_version(store) -> None:
    from speakout_map.supporters.going import version_going

    published_store(store)
    _going(store, _uids(store)[2], "s1")
    _going(store, _uids(store)[2], "s2")
    _going(store, _uids(store)[0], "s1")
    assert version_going(store, store.latest().events) == [1, 0, 2]
