"""The public rate limits' log (recent actions per client key) and the site's random secrets.

:class:`ClientActions` keeps, per key (``propose:session:<digest>``,
``going:address:<digest>``, ...), when each recent action happened, in the
store's ``client_actions`` table, so a limit holds across every app server.
It speaks the backend protocol of
:class:`~speakout_map.organisers.throttle.LoginThrottle` (the throttle counts
"failures"; here every action counts), so the same throttle computes the
limits and the exact wait. Rows older than a day are deleted as new ones come.

:func:`site_secret` gives a named random secret, made by whichever server
asks first and then read by all (the keys of the digests of sessions and
addresses, the proof-of-work's key).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from speakout_map.store.schema import client_actions_table, site_secrets_table

if TYPE_CHECKING:
    from speakout_map.store.store import Store

#: Actions older than this are deleted when a new one is recorded (longer than any limit's window).
MAX_AGE = timedelta(days=1)
#: Bytes of randomness of a new site secret.
SECRET_BYTES = 32


class ClientActions:
    """Recent actions per client key, in the store (a LoginThrottle backend: every action counts)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record_login_failure(self, key: str, at: datetime) -> None:
        """Record one action of ``key`` at ``at`` (the throttle's name for it)."""
        t = client_actions_table
        with self._store._writing("record a visitor's action for the rate limits") as conn:
            conn.execute(delete(t).where(t.c.at < at - MAX_AGE))
            conn.execute(t.insert().values(key=key, at=at))

    def count_login_failures(self, key: str, since: datetime) -> int:
        t = client_actions_table
        with self._store._reading("count a visitor's recent actions") as conn:
            return int(conn.execute(select(func.count()).select_from(t).where(t.c.key == key, t.c.at >= since))
                       .scalar_one())

    def login_failure_times(self, key: str, since: datetime) -> list[datetime]:
        t = client_actions_table
        with self._store._reading("read a visitor's recent actions") as conn:
            return list(conn.execute(select(t.c.at).where(t.c.key == key, t.c.at >= since).order_by(t.c.at))
                        .scalars())

    def clear_login_failures(self, key: str) -> None:
        t = client_actions_table
        with self._store._writing("clear a visitor's recent actions") as conn:
            conn.execute(delete(t).where(t.c.key == key))


def site_secret(store: Store, name: str) -> str:
    """The secret ``name``, made at random by the first server that asks (the others then read it)."""
    t = site_secrets_table
    with store._reading("read the site's secrets") as conn:
        found = conn.execute(select(t.c.value).where(t.c.name == name)).scalar_one_or_none()
    if found is not None:
        return found
    insert = pg_dialect.insert if store._engine.dialect.name == "postgresql" else sqlite_dialect.insert
    statement = insert(t).values(name=name, value=secrets.token_hex(SECRET_BYTES)).on_conflict_do_nothing()
    with store._writing("make the site's secrets") as conn:
        conn.execute(statement)
        return conn.execute(select(t.c.value).where(t.c.name == name)).scalar_one()
