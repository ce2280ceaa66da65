"""The event store: every published version of the events, kept for good.

One code path (SQLAlchemy Core) for an SQLite file (the default, one app
server) and PostgreSQL (several app servers sharing one database); the
tables are in :mod:`speakout_map.store.schema`, connecting is
:mod:`speakout_map.store.engine`.

* Every publish adds a new, immutable version: its number (1, 2, ...), when
  (UTC), by whom, from what (a file name, "edit in app", "rollback to
  version N", ...), its row count and all its events. Versions and their rows
  are only ever inserted, never updated or deleted. The newest version is
  the published one.
* Publishing is optimistic: the caller says which version its change is
  ``based_on``; if another version was published meanwhile nothing is
  written and :class:`StaleVersionError` is raised. The version number is the
  primary key, so of two publishers racing from the same base exactly one
  can insert ``based_on + 1``; the other gets the stale error (on PostgreSQL
  under READ COMMITTED too). SQLite writers also take the write lock up
  front (``BEGIN IMMEDIATE``), so they queue rather than fail.
* A publish is one transaction: a crash, a full disk, a read-only or locked
  database leaves the published data exactly as it was, and raises
  :class:`StoreError` saying so.

The store also keeps tables that are not published data: the online
geocoder's answers (:meth:`Store.geocode_cache`), failed sign-ins
(:meth:`Store.record_login_failure` and friends), and what supporters send:
proposals (:meth:`Store.proposals`, :mod:`speakout_map.store.proposals`),
"I'll be there" marks (:meth:`Store.going`, :mod:`speakout_map.store.going_marks`),
the guide's versions (:meth:`Store.guides`), organisers' materials (:meth:`Store.materials`),
and the public rate limits' log and the site's secrets
(:mod:`speakout_map.store.client_actions`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from speakout_map.errors import StaleVersionError, StoreError, VersionNotFoundError
from speakout_map.places.caches import GeocodeCache
from speakout_map.places.place import PlacedEvent
from speakout_map.settings import Settings
from speakout_map.store.engine import (
    DEFAULT_BUSY_TIMEOUT,
    WRITE_OPTION,
    access_failed,
    describe_database_error,
    open_engine,
)
from speakout_map.store.client_actions import ClientActions, site_secret
from speakout_map.store.geocode_cache import StoreGeocodeCache
from speakout_map.store.going_marks import GoingStore
from speakout_map.store.sheet_mappings import SheetMappings
from speakout_map.store.guide_versions import GuideStore
from speakout_map.store.materials import MaterialStore
from speakout_map.store.proposals import ProposalStore
from speakout_map.store.schema import (
    geocode_answers_table,
    login_failures_table,
    placed_event_from_row,
    placed_event_to_row,
    version_events_table,
    versions_table,
)

log = logging.getLogger(__name__)

#: Event rows inserted per statement while publishing.
INSERT_CHUNK = 500
#: Failed sign-ins older than this are deleted when a new one is recorded.
LOGIN_FAILURE_MAX_AGE = timedelta(days=1)
SEED_BY = "seed"


@dataclass(frozen=True)
class VersionInfo:
    """One published version, without its events."""

    number: int
    created_at: datetime
    by: str
    source: str
    rows: int


@dataclass(frozen=True)
class Version:
    """One published version and its events, in the order they were published."""

    info: VersionInfo
    events: tuple[PlacedEvent, ...]


def _info_from_row(row: Mapping[str, Any]) -> VersionInfo:
    return VersionInfo(
        number=int(row["number"]),
        created_at=row["created_at"],
        by=row["published_by"],
        source=row["source"],
        rows=int(row["row_count"]),
    )


def _publish_failed(error: BaseException) -> StoreError:
    what, advice = describe_database_error(error)
    return StoreError(f"could not publish: {what}. Nothing was published; the published events are unchanged. {advice[0].upper()}{advice[1:]}.")


class Store:
    """Published versions of the events, shared geocoder answers and sign-in failures.

    Thread-safe; open one per process and share it. Every failure of the
    database is raised as :class:`StoreError` with a readable message.
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] | None = None) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        # One shared in-memory connection (StaticPool) must not interleave transactions.
        shared = isinstance(engine.pool, StaticPool)
        self._lock: contextlib.AbstractContextManager[Any] = threading.RLock() if shared else contextlib.nullcontext()

    @classmethod
    def open(cls, url: str | URL, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
        """Open (and if needed create) the store at a SQLAlchemy URL.

        ``sqlite:///path/file.sqlite3`` (its folder is created), ``sqlite://``
        (in memory, for tests) or ``postgresql://user:password@host/dbname``.
        ``busy_timeout`` is how many seconds to wait for another writer's
        lock (SQLite's busy timeout, PostgreSQL's lock_timeout) before failing.
        """
        return cls(open_engine(url, busy_timeout))

    def close(self) -> None:
        """Close every connection; the store cannot be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._engine.url.render_as_string(hide_password=True)!r})"

    @property
    def url(self) -> str:
        """The store's address, password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    # --- reading

    @contextlib.contextmanager
    def _reading(self, action: str) -> Iterator[Connection]:
        with self._lock:
            try:
                with self._engine.connect() as conn:
                    yield conn
            except SQLAlchemyError as exc:
                raise access_failed(action, exc) from exc

    def latest_number(self) -> int | None:
        """The published version's number, None while the store is empty."""
        with self._reading("read the published version") as conn:
            return _latest_number_in(conn)

    def latest(self) -> Version | None:
        """The published version with its events, None while the store is empty."""
        with self._reading("read the published events") as conn:
            number = _latest_number_in(conn)
            return None if number is None else _version_in(conn, number)

    def get(self, number: int) -> Version:
        """Version ``number`` with its events; VersionNotFoundError if there is none."""
        with self._reading(f"read version {number}") as conn:
            return _version_in(conn, number)

    def history(self) -> list[VersionInfo]:
        """Every version, oldest first."""
        with self._reading("read the version history") as conn:
            rows = conn.execute(select(versions_table).order_by(versions_table.c.number)).mappings()
            return [_info_from_row(row) for row in rows]

    # --- publishing

    def publish(
        self, placed: Sequence[PlacedEvent], *, by: str, source: str, based_on: int | None,
        also: Callable[[Connection, VersionInfo], None] | None = None,
    ) -> VersionInfo:
        """Publish ``placed`` as a new version, if ``based_on`` is still the published one.

        Raises StaleVersionError (nothing written) if another version was
        published since ``based_on``, StoreError if the database failed
        (nothing written either). ``also`` writes what belongs with this
        version (an approved proposal's new status) in the same transaction:
        if it raises, nothing is published.
        """
        events = tuple(placed)
        number = 1 if based_on is None else based_on + 1
        info = VersionInfo(number=number, created_at=self._clock(), by=by, source=source, rows=len(events))
        with self._lock:
            try:
                with self._writer.begin() as conn:
                    latest = _latest_number_in(conn)
                    if latest != based_on:
                        raise StaleVersionError(based_on, latest)
                    _insert_version(conn, info)
                    for start in range(0, len(events), INSERT_CHUNK):
                        chunk = events[start : start + INSERT_CHUNK]
                        _insert_event_rows(conn, [
                            placed_event_to_row(p, version=number, position=start + i) for i, p in enumerate(chunk)
                        ])
                    if also is not None:
                        also(conn, info)
            except IntegrityError as exc:
                latest = self._latest_after_conflict()
                if latest == based_on:  # not a lost race: something else is wrong
                    raise _publish_failed(exc) from exc
                raise StaleVersionError(based_on, latest) from exc
            except SQLAlchemyError as exc:
                raise _publish_failed(exc) from exc
            except OSError as exc:
                raise _publish_failed(exc) from exc
        log.info("published version %d (%d events) by %s from %s", number, len(events), by, source)
        return info

    def _latest_after_conflict(self) -> int | None:
        try:
            with self._engine.connect() as conn:
                return _latest_number_in(conn)
        except SQLAlchemyError:
            return None

    def ensure_seeded(self, seed: Callable[[], Sequence[PlacedEvent]], *, source: str) -> VersionInfo | None:
        """Publish ``seed()`` as version 1 (by "seed") if the store is empty; else None.

        ``seed`` is only called when the store is empty. If another process
        seeds first, this one publishes nothing and returns None.
        """
        if self.latest_number() is not None:
            return None
        events = seed()
        try:
            return self.publish(events, by=SEED_BY, source=source, based_on=None)
        except StaleVersionError:
            return None

    # --- failed sign-ins (not published data; rows here may be deleted)

    @contextlib.contextmanager
    def _writing(self, action: str) -> Iterator[Connection]:
        with self._lock:
            try:
                with self._writer.begin() as conn:
                    yield conn
            except SQLAlchemyError as exc:
                raise access_failed(action, exc) from exc

    def record_login_failure(self, key: str, at: datetime) -> None:
        """Remember one failed sign-in for ``key`` at ``at`` (timezone-aware)."""
        with self._writing("record a failed sign-in") as conn:
            conn.execute(delete(login_failures_table).where(login_failures_table.c.failed_at < at - LOGIN_FAILURE_MAX_AGE))
            conn.execute(login_failures_table.insert().values(key=key, failed_at=at))

    def count_login_failures(self, key: str, since: datetime) -> int:
        """How many failed sign-ins ``key`` had at or after ``since``."""
        t = login_failures_table
        with self._reading("count failed sign-ins") as conn:
            query = select(func.count()).select_from(t).where(t.c.key == key, t.c.failed_at >= since)
            return int(conn.execute(query).scalar_one())

    def login_failure_times(self, key: str, since: datetime) -> list[datetime]:
        """When ``key``'s failed sign-ins at or after ``since`` happened, oldest first."""
        t = login_failures_table
        with self._reading("read failed sign-ins") as conn:
            query = select(t.c.failed_at).where(t.c.key == key, t.c.failed_at >= since).order_by(t.c.failed_at)
            return list(conn.execute(query).scalars())

    def clear_login_failures(self, key: str) -> None:
        """Forget every failed sign-in of ``key``."""
        with self._writing("clear failed sign-ins") as conn:
            conn.execute(delete(login_failures_table).where(login_failures_table.c.key == key))

    # --- what supporters send (each in a module of its own)

    def proposals(self) -> ProposalStore:
        """Proposed events and their review."""
        return ProposalStore(self)

    def going(self) -> GoingStore:
        """The "I'll be there" marks."""
        return GoingStore(self)

    def client_actions(self) -> ClientActions:
        """Recent actions per client, for the public rate limits (a throttle backend)."""
        return ClientActions(self)

    def guides(self) -> GuideStore:
        """The guide's versions, per language."""
        return GuideStore(self)

    def sheet_mappings(self) -> SheetMappings:
        """How organisers said to read their sheets, by header row."""
        return SheetMappings(self)

    def materials(self, folder: str | Path | None = None) -> MaterialStore:
        """Organisers' materials; their bytes in ``folder`` when one is given (``materials_dir``), else here."""
        return MaterialStore(self, folder=folder)

    def site_secret(self, name: str) -> str:
        """The site's secret called ``name``: random, made on first use, the same on every app server."""
        return site_secret(self, name)

    # --- shared geocoder answers

    def geocode_cache(self) -> GeocodeCache:
        """The online geocoder's answers, in this store so every app server shares them."""
        return StoreGeocodeCache(self)

    def get_geocode_answer(self, key: str) -> tuple[str | None, float] | None:
        """The stored answer for ``key``: (its location as JSON or None for "not found", when); None if none."""
        t = geocode_answers_table
        with self._reading("read the geocoder cache") as conn:
            row = conn.execute(select(t.c.location, t.c.stored_at).where(t.c.key == key)).first()
        return None if row is None else (row[0], float(row[1]))

    def put_geocode_answer(self, key: str, location: str | None, stored_at: float) -> None:
        """Store (or replace) the answer for ``key``."""
        insert = pg_dialect.insert if self._engine.dialect.name == "postgresql" else sqlite_dialect.insert
        values = {"key": key, "location": location, "stored_at": stored_at}
        statement = insert(geocode_answers_table).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=[geocode_answers_table.c.key],
            set_={"location": statement.excluded.location, "stored_at": statement.excluded.stored_at},
        )
        with self._writing("write the geocoder cache") as conn:
            conn.execute(statement)


# --- statements used inside transactions -------------------------------------------


def _latest_number_in(conn: Connection) -> int | None:
    return conn.execute(select(func.max(versions_table.c.number))).scalar_one_or_none()


def _version_info_in(conn: Connection, number: int) -> VersionInfo:
    row = conn.execute(select(versions_table).where(versions_table.c.number == number)).mappings().first()
    if row is None:
        latest = _latest_number_in(conn)
        have = "the store has no versions yet" if latest is None else f"the store has versions 1 to {latest}"
        raise VersionNotFoundError(f"there is no version {number}; {have}")
    return _info_from_row(row)


def _version_in(conn: Connection, number: int) -> Version:
    info = _version_info_in(conn, number)
    t = version_events_table
    rows = conn.execute(select(t).where(t.c.version_number == number).order_by(t.c.position)).mappings()
    return Version(info, tuple(placed_event_from_row(row) for row in rows))


def _insert_version(conn: Connection, info: VersionInfo) -> None:
    conn.execute(
        versions_table.insert().values(
            number=info.number,
            created_at=info.created_at,
            published_by=info.by,
            source=info.source,
            row_count=info.rows,
        )
    )


def _insert_event_rows(conn: Connection, rows: list[dict[str, object]]) -> None:
    conn.execute(version_events_table.insert(), rows)


# --- the app's entry points ---------------------------------------------------------


def open_store(settings: Settings) -> Store:
    """The store the settings name (``database_url``)."""
    return Store.open(settings.database_url)
