"""The "I'll be there" marks: one per session per event, counted per event.

An event is named by its UID (:mod:`speakout_map.events.identity`), which
stays the same across versions while the event stays (same country, city
and date), so counts follow the event through new versions and rollbacks.
A session is named by a keyed digest of its random token
(:func:`speakout_map.supporters.tokens.keyed_digest`): no name, no address,
nothing that leads back to a person. A mark is never removed by publishing;
an event that leaves the map keeps its count for when it comes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from speakout_map.store.schema import going_marks_table

if TYPE_CHECKING:
    from speakout_map.store.store import Store


#: From this many events asked for, the whole table is counted once and the answer filtered.
WHOLE_TABLE_FROM = 1000


class GoingStore:
    """The marks in the store (thread-safe, shared by every app server)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def mark(self, event_uid: str, session_digest: str, at: datetime) -> bool:
        """Mark ``session_digest`` as going to ``event_uid``; False if it already was (nothing changes)."""
        t = going_marks_table
        insert = pg_dialect.insert if self._store._engine.dialect.name == "postgresql" else sqlite_dialect.insert
        statement = insert(t).values(event_uid=event_uid, session_digest=session_digest, marked_at=at)
        with self._store._writing("record an \"I'll be there\"") as conn:
            inserted = conn.execute(statement.on_conflict_do_nothing().returning(t.c.event_uid)).first()
            return inserted is not None

    def counts(self, event_uids: Iterable[str] | None = None) -> dict[str, int]:
        """How many sessions are going to each event (all of them, or those of ``event_uids``); none: absent."""
        t = going_marks_table
        query = select(t.c.event_uid, func.count()).group_by(t.c.event_uid)
        wanted = None if event_uids is None else sorted(set(event_uids))
        with self._store._reading("count who is going") as conn:
            if wanted is None or len(wanted) > WHOLE_TABLE_FROM:
                # Many events: one pass over the table beats many IN (...) lists (bench/bench_going.py).
                every = {uid: int(n) for uid, n in conn.execute(query)}
                return every if wanted is None else {uid: every[uid] for uid in wanted if uid in every}
            found: dict[str, int] = {}
            for start in range(0, len(wanted), 500):  # keep each IN (...) list small
                chunk = wanted[start:start + 500]
                found.update((uid, int(n)) for uid, n in conn.execute(query.where(t.c.event_uid.in_(chunk))))
            return found

    def marked_by(self, session_digest: str) -> frozenset[str]:
        """The UIDs of the events this session said it will go to."""
        t = going_marks_table
        with self._store._reading("read this visitor's \"I'll be there\"") as conn:
            return frozenset(conn.execute(select(t.c.event_uid).where(t.c.session_digest == session_digest))
                             .scalars())

    def stamp(self) -> tuple[int, datetime | None]:
        """How many marks there are and when the latest was made: changes whenever any count does (cheap).

        Marks are only ever added, so this pair names the state of every
        count (the feeds put it in their ETags).
        """
        t = going_marks_table
        with self._store._reading("read when someone last said \"I'll be there\"") as conn:
            count, latest = conn.execute(select(func.count(), func.max(t.c.marked_at))).one()
            return int(count), latest
