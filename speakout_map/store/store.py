"""The event store: every published version of the events, kept for good.

One code path (SQLAlchemy Core) for an SQLite file (the default, one app
server) and PostgreSQL (several app servers sharing one database).

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

The store also keeps two small shared tables that are not published data:
the online geocoder's answers (:meth:`Store.geocode_cache`) and failed
sign-ins (:meth:`Store.record_login_failure` and friends).

The guide and the old file-based loading of events live here too
(:func:`load_guide`, :func:`file_version`, :func:`load_published_events`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    Date,
    DateTime,
    Double,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    Time,
    TypeDecorator,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from speakout_map.errors import EventFileError, StaleVersionError, StoreError, VersionNotFoundError
from speakout_map.events.model import Event, ParseResult, Status
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.events.reading import read_events_file
from speakout_map.places.geocoding import CachedAnswer, GeocodeCache
from speakout_map.settings import Settings

log = logging.getLogger(__name__)

#: Seconds a write waits for another writer's lock before giving up.
DEFAULT_BUSY_TIMEOUT = 15.0
#: Event rows inserted per statement while publishing.
INSERT_CHUNK = 500
#: Failed sign-ins older than this are deleted when a new one is recorded.
LOGIN_FAILURE_MAX_AGE = timedelta(days=1)
SEED_BY = "seed"


# --- what the store hands out ----------------------------------------------------


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


def rollback_source(number: int) -> str:
    """The ``source`` of a version that republishes version ``number``."""
    return f"rollback to version {number}"


# --- schema --------------------------------------------------------------------------


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC (SQLite keeps no zone; PostgreSQL timestamptz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"datetime {value!r} has no time zone; the store keeps UTC times only")
        utc = value.astimezone(timezone.utc)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


metadata = MetaData()

versions_table = Table(
    "event_versions",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("published_by", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("row_count", Integer, nullable=False),
    CheckConstraint("number >= 1", name="event_versions_number_positive"),
)

version_events_table = Table(
    "event_version_rows",
    metadata,
    Column("version_number", Integer, ForeignKey("event_versions.number"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    # the Event
    Column("city", Text, nullable=False),
    Column("country_code", Text, nullable=False),
    Column("event_date", Date, nullable=False),
    Column("title", Text, nullable=False),
    Column("start_time", Time, nullable=True),
    Column("end_time", Time, nullable=True),
    Column("venue", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("organiser", Text, nullable=False),
    Column("contact_email", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("latitude", Double, nullable=True),
    Column("longitude", Double, nullable=True),
    Column("sheet_row", Integer, nullable=False),
    # its Place
    Column("place_name", Text, nullable=False),
    Column("place_country_code", Text, nullable=False),
    Column("place_latitude", Double, nullable=False),
    Column("place_longitude", Double, nullable=False),
    Column("place_timezone", Text, nullable=False),
    Column("place_source", Text, nullable=False),
)

geocode_answers_table = Table(
    "geocode_answers",
    metadata,
    Column("key", Text, primary_key=True),
    Column("location", Text, nullable=True),  # JSON; NULL means "not found"
    Column("stored_at", Double, nullable=False),
)

login_failures_table = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False),
    Column("failed_at", UTCDateTime(), nullable=False),
    Index("login_failures_key_time", "key", "failed_at"),
)


# --- PlacedEvent <-> row -----------------------------------------------------------


def placed_event_to_row(placed: PlacedEvent, *, version: int, position: int) -> dict[str, object]:
    """The stored row of one event (every Event field, contact_email included, and its Place)."""
    e, p = placed.event, placed.place
    return {
        "version_number": version,
        "position": position,
        "city": e.city,
        "country_code": e.country_code,
        "event_date": e.date,
        "title": e.title,
        "start_time": e.start_time,
        "end_time": e.end_time,
        "venue": e.venue,
        "address": e.address,
        "url": e.url,
        "status": Status(e.status).value,
        "organiser": e.organiser,
        "contact_email": e.contact_email,
        "description": e.description,
        "latitude": e.latitude,
        "longitude": e.longitude,
        "sheet_row": e.row,
        "place_name": p.name,
        "place_country_code": p.country_code,
        "place_latitude": p.latitude,
        "place_longitude": p.longitude,
        "place_timezone": p.timezone,
        "place_source": p.source,
    }


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _as_time(value: object) -> time | None:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(str(value))


def _as_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def placed_event_from_row(row: Mapping[str, Any]) -> PlacedEvent:
    """The PlacedEvent a stored row holds (the inverse of :func:`placed_event_to_row`)."""
    event_ = Event(
        city=row["city"],
        country_code=row["country_code"],
        date=_as_date(row["event_date"]),
        title=row["title"],
        start_time=_as_time(row["start_time"]),
        end_time=_as_time(row["end_time"]),
        venue=row["venue"],
        address=row["address"],
        url=row["url"],
        status=Status(row["status"]),
        organiser=row["organiser"],
        contact_email=row["contact_email"],
        description=row["description"],
        latitude=_as_float(row["latitude"]),
        longitude=_as_float(row["longitude"]),
        row=int(row["sheet_row"]),
    )
    place = Place(
        name=row["place_name"],
        country_code=row["place_country_code"],
        latitude=float(row["place_latitude"]),
        longitude=float(row["place_longitude"]),
        timezone=row["place_timezone"],
        source=row["place_source"],
    )
    return PlacedEvent(event_, place)


def _info_from_row(row: Mapping[str, Any]) -> VersionInfo:
    return VersionInfo(
        number=int(row["number"]),
        created_at=row["created_at"],
        by=row["published_by"],
        source=row["source"],
        rows=int(row["row_count"]),
    )


# --- failures in words ----------------------------------------------------------------

_CAUSES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("readonly", "read-only", "read only"),
        "the database is read-only",
        "check that the app may write the database file (or that database_url does not point at a read-only copy)",
    ),
    (
        ("database is locked", "database is busy", "locked", "lock timeout", "deadlock"),
        "the database is busy: another process is writing to it",
        "try again in a moment",
    ),
    (
        ("disk is full", "disk full", "no space left", "could not extend file"),
        "the disk is full",
        "free some disk space on the database's machine and try again",
    ),
    (
        ("unable to open", "no such file", "not a database", "file is not a database"),
        "the database file could not be opened",
        "check the database_url setting and that its folder exists and is writable",
    ),
    (
        ("connection refused", "could not connect", "connection failed", "server closed", "terminating connection",
         "could not translate host", "name or service not known", "timeout expired"),
        "the database server could not be reached",
        "check that it is running and the database_url setting, then try again",
    ),
    (
        ("password authentication failed", "authentication failed", 'role "', "permission denied"),
        "the database refused our credentials or permissions",
        "check the user and password in the database_url setting",
    ),
)


def _short(error: BaseException, limit: int = 200) -> str:
    original = getattr(error, "orig", None) or error
    text = (str(original) or type(original).__name__).strip().splitlines()[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_database_error(error: BaseException) -> tuple[str, str]:
    """(what went wrong, what to do) for a database failure, in words."""
    short = _short(error)
    lowered = short.lower()
    for needles, what, advice in _CAUSES:
        if any(needle in lowered for needle in needles):
            return f"{what} ({short})", advice
    return f"a database error occurred ({short})", "try again; if it keeps failing, check the database and its logs"


def _publish_failed(error: BaseException) -> StoreError:
    what, advice = describe_database_error(error)
    return StoreError(f"could not publish: {what}. Nothing was published; the published events are unchanged. {advice[0].upper()}{advice[1:]}.")


def _access_failed(action: str, error: BaseException) -> StoreError:
    what, advice = describe_database_error(error)
    return StoreError(f"could not {action}: {what}; {advice}")


# --- opening ---------------------------------------------------------------------------


def _normalise_url(url: str | URL) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"the database_url setting {str(url)!r} is not a database address; "
            "use e.g. sqlite:///var/speakout.sqlite3 or postgresql://user:password@host/dbname"
        ) from exc
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_sqlite_memory(url: URL) -> bool:
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    return database in ("", ":memory:") or "mode=memory" in database


def _sqlite_uri_mode(url: URL) -> bool:
    return str(url.query.get("uri", "")).lower() in ("true", "1")


def _make_sqlite_parent(url: URL) -> None:
    if _is_sqlite_memory(url) or _sqlite_uri_mode(url) or not url.database:
        return
    parent = Path(url.database).expanduser().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"could not create the folder {parent} for the event store ({exc.strerror}); "
            "create it, or point the database_url setting elsewhere"
        ) from exc


def _configure_sqlite(engine: Engine, busy_timeout: float, *, memory: bool) -> None:
    """Busy timeout, WAL, foreign keys; SQLAlchemy (not sqlite3) emits BEGIN.

    Transactions started on an engine with the ``speakout_write`` execution
    option begin IMMEDIATE, taking the write lock before anything is read.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # sqlite3 must not emit BEGIN itself
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not memory:
                try:
                    cursor.execute("PRAGMA journal_mode = WAL")
                except Exception as exc:  # read-only files cannot switch; reading still works
                    log.debug("could not switch the event store to WAL: %s", exc)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("speakout_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _configure_postgresql(engine: Engine, busy_timeout: float) -> None:
    """Waiting for another transaction's lock gives up after ``busy_timeout`` (like SQLite's)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SET lock_timeout = {int(busy_timeout * 1000)}")
        finally:
            cursor.close()
        dbapi_connection.commit()


def _create_engine(url: URL, busy_timeout: float) -> Engine:
    if url.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
        _configure_postgresql(engine, busy_timeout)
        return engine
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    memory = _is_sqlite_memory(url)
    if memory:
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url)
    _configure_sqlite(engine, busy_timeout, memory=memory)
    return engine


def _schema_complete(engine: Engine) -> bool:
    return set(metadata.tables) <= set(inspect(engine).get_table_names())


def _create_schema(engine: Engine) -> None:
    """Create missing tables; a second process creating them at the same moment is fine.

    Only reads when every table exists, so a read-only database opens.
    """
    if _schema_complete(engine):
        return
    writer = engine.execution_options(speakout_write=True)  # SQLite: take the write lock first
    try:
        metadata.create_all(writer)
    except SQLAlchemyError:
        metadata.create_all(writer)  # the other process won the race; now every table exists


# --- the store ------------------------------------------------------------------------------


class Store:
    """Published versions of the events, shared geocoder answers and sign-in failures.

    Thread-safe; open one per process and share it. Every failure of the
    database is raised as :class:`StoreError` with a readable message.
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] | None = None) -> None:
        self._engine = engine
        self._writer = engine.execution_options(speakout_write=True)
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
        parsed = _normalise_url(url)
        _make_sqlite_parent(parsed)
        try:
            engine = _create_engine(parsed, busy_timeout)
        except (SQLAlchemyError, ImportError) as exc:
            raise _access_failed(f"open the event store at {parsed.render_as_string(hide_password=True)}", exc) from exc
        try:
            _create_schema(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise _access_failed(f"open the event store at {parsed.render_as_string(hide_password=True)}", exc) from exc
        return cls(engine)

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
                raise _access_failed(action, exc) from exc

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
        self, placed: Sequence[PlacedEvent], *, by: str, source: str, based_on: int | None
    ) -> VersionInfo:
        """Publish ``placed`` as a new version, if ``based_on`` is still the published one.

        Raises StaleVersionError (nothing written) if another version was
        published since ``based_on``, StoreError if the database failed
        (nothing written either).
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

    def rollback(self, number: int, *, by: str, based_on: int | None) -> VersionInfo:
        """Publish the events of version ``number`` again, as a new version (itself undoable)."""
        old = self.get(number)
        return self.publish(old.events, by=by, source=rollback_source(number), based_on=based_on)

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

    # --- shared geocoder answers

    def geocode_cache(self) -> GeocodeCache:
        """The online geocoder's answers, in this store so every app server shares them."""
        return StoreGeocodeCache(self)

    # --- failed sign-ins (not published data; rows here may be deleted)

    @contextlib.contextmanager
    def _writing(self, action: str) -> Iterator[Connection]:
        with self._lock:
            try:
                with self._writer.begin() as conn:
                    yield conn
            except SQLAlchemyError as exc:
                raise _access_failed(action, exc) from exc

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

    # --- for StoreGeocodeCache

    def _get_answer(self, key: str) -> tuple[str | None, float] | None:
        t = geocode_answers_table
        with self._reading("read the geocoder cache") as conn:
            row = conn.execute(select(t.c.location, t.c.stored_at).where(t.c.key == key)).first()
        return None if row is None else (row[0], float(row[1]))

    def _put_answer(self, key: str, location: str | None, stored_at: float) -> None:
        insert = pg_dialect.insert if self._engine.dialect.name == "postgresql" else sqlite_dialect.insert
        values = {"key": key, "location": location, "stored_at": stored_at}
        statement = insert(geocode_answers_table).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=[geocode_answers_table.c.key],
            set_={"location": statement.excluded.location, "stored_at": statement.excluded.stored_at},
        )
        with self._writing("write the geocoder cache") as conn:
            conn.execute(statement)


class StoreGeocodeCache:
    """A GeocodeCache in the event store. Like every cache, failing costs a lookup, never an error."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: str) -> CachedAnswer | None:
        try:
            found = self._store._get_answer(key)
            if found is None:
                return None
            location, stored_at = found
            return CachedAnswer(None if location is None else json.loads(location), stored_at)
        except (StoreError, ValueError) as exc:
            log.warning("geocoder cache in the event store unreadable (%s); asking the service", exc)
            return None

    def put(self, key: str, answer: CachedAnswer) -> None:
        location = None if answer.location is None else json.dumps(answer.location, default=str)
        try:
            self._store._put_answer(key, location, answer.stored_at)
        except StoreError as exc:
            log.warning("geocoder cache in the event store not writable (%s); the answer is not kept", exc)


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


def published_events(store: Store) -> tuple[PlacedEvent, ...]:
    """The published events (none while the store is empty)."""
    latest = store.latest()
    return () if latest is None else latest.events


# --- files: the guide, and the events file before the store (kept for the pages) ------


def load_published_events(settings: Settings) -> ParseResult:
    """Read and validate the events file (the seed). Superseded by :func:`published_events`."""
    path = Path(settings.events_file)
    try:
        return read_events_file(path)
    except FileNotFoundError:
        raise EventFileError(f"the events file {path} does not exist; set SPEAKOUT_EVENTS_FILE to an events CSV") from None
    except OSError as exc:
        raise EventFileError(f"the events file {path} could not be read ({exc.strerror}); check its permissions") from None


def file_version(path: Path) -> str:
    """A token that changes whenever the file changes (for caches)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{stat.st_mtime_ns}:{stat.st_size}"


def load_guide(settings: Settings) -> str:
    """The host-your-own-event guide, as Markdown."""
    path = Path(settings.guide_file)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EventFileError(f"the guide file {path} could not be read ({exc.strerror}); set SPEAKOUT_GUIDE_FILE") from None
