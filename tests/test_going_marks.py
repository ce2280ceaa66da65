"""'I'll be there' marks in the store (speakout_map.store.going_marks), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from speakout_map.events.identity import UID_DOMAIN
from tests.supporters_support import NOW

A, B, C = (f"{c * 32}@{UID_DOMAIN}" for c in "abc")


def test_one_mark_per_session_per_event(store) -> None:
    going = store.going()
    assert going.mark(A, "s1", NOW) is True
    assert going.mark(A, "s1", NOW) is False
    assert going.mark(A, "s2", NOW) is True
    assert going.mark(B, "s1", NOW) is True
    assert going.counts() == {A: 2, B: 1}
    assert going.counts([A, C]) == {A: 2}
    assert going.counts([]) == {}
    assert going.marked_by("s1") == {A, B} and going.marked_by("nobody") == frozenset()


@pytest.mark.parametrize("asked", [600, 1200])  # IN lists in chunks; past WHOLE_TABLE_FROM, the whole table
def test_counts_of_many_events_at_once(store, asked: int) -> None:
    going = store.going()
    going.mark(f"{'f' * 32}@{UID_DOMAIN}", "s1", NOW)  # not asked for: not in the answer
    uids = [f"{i:032x}@{UID_DOMAIN}" for i in range(asked)]
    for uid in uids[::100]:
        going.mark(uid, "s1", NOW)
    assert going.counts(uids) == {uid: 1 for uid in uids[::100]}
