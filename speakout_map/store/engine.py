"""Connecting to the store's database: SQLite or PostgreSQL, and their failures in words.

:func:`open_engine` turns a ``database_url`` into a ready SQLAlchemy engine
with the schema in place:

* ``sqlite:///path/file.sqlite3``: its folder is created; WAL journal, foreign
  keys, a busy timeout, and writers that take the write lock up front
  (``BEGIN IMMEDIATE``) on connections with the ``speakout_write`` option;
* ``sqlite://``: in memory, one shared connection (for tests);
* ``postgresql://user:password@host/dbname``: psycopg 3, with a lock timeout.

Every database failure becomes a :class:`StoreError` that says what went
wrong and what to do (:func:`describe_database_error`, :func:`access_failed`),
never showing the password: the address is shown masked (:func:`masked_url`),
and the password is scrubbed from the driver's words too. These messages are
for the operator (the CLI, the server log); pages show visitors a short
message of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from speakout_map.errors import StoreError
from speakout_map.settings import shown_value
from speakout_map.store.schema import add_missing_columns, metadata, missing_columns

log = logging.getLogger(__name__)

#: Seconds a write waits for another writer's lock before giving up.
DEFAULT_BUSY_TIMEOUT = 15.0
#: The execution option of connections that write (SQLite: BEGIN IMMEDIATE).
WRITE_OPTION = "speakout_write"


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


#: Query parameters of a database address whose values are secrets (libpq takes a password there too).
SECRET_QUERY_KEYS = frozenset({"password", "sslpassword", "passfile"})
MASK = "***"


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (as written, or URL-quoted) replaced by ``***``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, MASK)
    return text


def url_secrets(url: URL) -> tuple[str, ...]:
    """The password of ``url`` and the values of its secret query parameters."""
    found: list[str] = [url.password or ""]
    for key, value in url.query.items():
        if key.lower() in SECRET_QUERY_KEYS:
            found.extend([value] if isinstance(value, str) else value)
    return tuple(s for s in found if s)


def masked_url(url: URL) -> str:
    """``url`` for messages and logs: the password and secret query values as ``***``."""
    return scrub(url.render_as_string(hide_password=True), url_secrets(url))


def _short(error: BaseException, hide: Iterable[str] = (), limit: int = 200) -> str:
    original = getattr(error, "orig", None) or error
    text = scrub((str(original) or type(original).__name__).strip().splitlines()[0], hide)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_database_error(error: BaseException, *, hide: Iterable[str] = ()) -> tuple[str, str]:
    """(what went wrong, what to do) for a database failure, in words.

    The driver's first line is quoted, with each of ``hide`` (the address's
    secrets) masked; it may name the host, port and user, so it is for the
    operator, not for visitors.
    """
    short = _short(error, tuple(hide))
    lowered = short.lower()
    for needles, what, advice in _CAUSES:
        if any(needle in lowered for needle in needles):
            return f"{what} ({short})", advice
    return f"a database error occurred ({short})", "try again; if it keeps failing, check the database and its logs"


def access_failed(action: str, error: BaseException, *, hide: Iterable[str] = ()) -> StoreError:
    """The StoreError for a failure while trying to ``action`` (e.g. "read the version history").

    ``hide``: secrets never to quote from the driver's message (see :func:`url_secrets`).
    """
    what, advice = describe_database_error(error, hide=hide)
    return StoreError(f"could not {action}: {what}; {advice}")


# --- the address ------------------------------------------------------------------------


def _normalise_url(url: str | URL) -> URL:
    """The parsed address; a StoreError (showing it masked, never chaining the parser's words) if it is not one."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise StoreError(
            f"the database_url setting {shown_value(str(url))} is not a database address; "
            "use e.g. sqlite:///var/speakout.sqlite3 or postgresql://user:password@host/dbname"
        ) from None
    if isinstance(url, str) and parsed.get_backend_name() != "sqlite" and url.count("@") > 1:
        # The parser would take the password's tail for the host, and quote it in messages.
        raise StoreError(
            "the database_url setting has more than one @: write an @ inside the user name or password "
            "as %40, e.g. postgresql://user:pass%40word@host/dbname"
        )
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


# --- the engine ---------------------------------------------------------------------------


def _configure_sqlite(engine: Engine, busy_timeout: float, *, memory: bool) -> None:
    """Busy timeout, WAL, foreign keys; SQLAlchemy (not sqlite3) emits BEGIN.

    Transactions started on an engine with the :data:`WRITE_OPTION`
    execution option begin IMMEDIATE, taking the write lock before anything
    is read.
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
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
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
    inspector = inspect(engine)
    return set(metadata.tables) <= set(inspector.get_table_names()) and not missing_columns(inspector)


def _create_schema(engine: Engine) -> None:
    """Create missing tables and add missing columns; a second process doing it at the same moment is fine.

    Only reads when every table and column exists, so a read-only database opens.
    """
    if _schema_complete(engine):
        return
    writer = engine.execution_options(**{WRITE_OPTION: True})  # SQLite: take the write lock first
    try:
        metadata.create_all(writer)
    except SQLAlchemyError:
        metadata.create_all(writer)  # the other process won the race; now every table exists
    add_missing_columns(writer)


def open_engine(url: str | URL, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Engine:
    """A configured engine for ``url`` whose database has every table of the schema.

    ``busy_timeout`` is how many seconds to wait for another writer's lock
    (SQLite's busy timeout, PostgreSQL's lock_timeout) before failing.
    Raises :class:`StoreError` for a bad address or a database that cannot
    be reached or prepared.
    """
    parsed = _normalise_url(url)
    _make_sqlite_parent(parsed)
    action = f"open the event store at {masked_url(parsed)}"
    secrets = url_secrets(parsed)
    # ``from None``: the driver's words (first line, secrets masked) are in the message; its own
    # exception may quote the address's secrets, so it is not chained into logged tracebacks.
    try:
        engine = _create_engine(parsed, busy_timeout)
    except (SQLAlchemyError, ImportError) as exc:
        raise access_failed(action, exc, hide=secrets) from None
    try:
        _create_schema(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise access_failed(action, exc, hide=secrets) from None
    return engine
