"""Connecting to the store's database: addresses, SQLite set-up, opening races, failures in words (engine.py).

Tests taking ``store_url`` run on an SQLite file and on a fresh PostgreSQL
database (see conftest.py).
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from speakout_map.errors import StoreError
from speakout_map.store.engine import access_failed, describe_database_error
from speakout_map.store.store import Store
from tests.store_support import batch, run_together


def test_opening_a_new_store_from_several_servers_at_once(store_url):
    results = run_together(*[(lambda: Store.open(store_url)) for _ in range(4)])
    assert all(isinstance(r, Store) for r in results), results
    for opened in results:
        opened.close()


def test_sqlite_file_store_creates_its_folder_and_uses_wal(tmp_path):
    path = tmp_path / "deep" / "er" / "store.sqlite3"
    with Store.open(f"sqlite:///{path}") as store:
        store.publish(batch("A", 1), by="a", source="a", based_on=None)
    assert path.exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_bad_urls_are_store_errors():
    with pytest.raises(StoreError, match="is not a database address"):
        Store.open("not a url")
    with pytest.raises(StoreError, match="the database server could not be reached"):
        Store.open("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2")


def test_unreachable_database_error_hides_the_password():
    with pytest.raises(StoreError) as caught:
        Store.open("postgresql://nobody:s3cr3t@127.0.0.1:1/none?connect_timeout=2")
    assert "s3cr3t" not in str(caught.value)


def test_a_postgres_address_uses_the_installed_driver():
    """``postgres://`` and ``postgresql://`` mean psycopg 3, so the failure is the server's, not a missing module."""
    with pytest.raises(StoreError, match="the database server could not be reached"):
        Store.open("postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2")


# --- failures in words ---------------------------------------------------------------------


def sqlite_failure(message: str) -> OperationalError:
    return OperationalError("INSERT", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("error", "what", "advice"),
    [
        (
            sqlite_failure("attempt to write a readonly database"),
            "the database is read-only",
            "check that the app may write",
        ),
        (
            sqlite_failure("database is locked"),
            "the database is busy: another process is writing to it",
            "try again in a moment",
        ),
        (sqlite_failure("database or disk is full"), "the disk is full", "free some disk space"),
        (
            sqlite_failure("unable to open database file"),
            "the database file could not be opened",
            "check the database_url",
        ),
        (OSError("connection refused"), "the database server could not be reached", "check that it is running"),
        (
            OSError('password authentication failed for user "speakout"'),
            "the database refused our credentials or permissions",
            "check the user and password",
        ),
        (ValueError("something odd"), "a database error occurred", "try again; if it keeps failing"),
    ],
)
def test_database_failures_are_described_in_words(error, what, advice):
    described, todo = describe_database_error(error)
    assert described.startswith(f"{what} (")
    assert todo.startswith(advice)


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (sqlite_failure("database is locked\nsecond line"), "(database is locked)"),  # the driver's first line
        (ValueError("x" * 500), "(" + "x" * 199 + "…)"),  # cut to 200 characters
        (ValueError(), "(ValueError)"),  # no message: the type
    ],
)
def test_the_original_error_is_shown_short(error, shown):
    described, _ = describe_database_error(error)
    assert described.endswith(shown)


@pytest.mark.parametrize(("action", "error"), [("read the version history", sqlite_failure("database is locked"))])
def test_access_failed_names_the_action_and_the_advice(action, error):
    failure = access_failed(action, error)
    assert isinstance(failure, StoreError)
    assert str(failure) == (
        "could not read the version history: the database is busy: another process is writing to it "
        "(database is locked); try again in a moment"
    )


# --- never the password ----------------------------------------------------------------------

PASSWORD = "S3cr3tPassw0rd"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"dbadmin7:{PASSWORD}@db.invalid/events", "is not a database address"),
        (f"postgresql://dbadmin7:{PASSWORD}@db.invalid:port6543/events", "is not a database address"),
        (f"postgresql://dbadmin7:{PASSWORD}@db.invalid:6543:7/events", "is not a database address"),
        ("postgresql://dbadmin7:S3cr3t@Passw0rd@db.invalid:6543/events?connect_timeout=2", "%40"),
        ("postgresql://dbadmin7:S3cr3t@Pass/w0rd@db.invalid:6543/events?connect_timeout=2", "%40"),
        (f"postgresql://dbadmin7:{PASSWORD}@db.invalid:6543/events?connect_timeout=2", "could not be reached"),
        (f"postgresql://dbadmin7@127.0.0.1:1/events?password={PASSWORD}&sslmode=bogus", "a database error occurred"),
        (f"postgresql://dbadmin7:{PASSWORD}@127.0.0.1:1/events?{PASSWORD}=1", "a database error occurred"),
    ],
)
def test_store_errors_never_contain_the_password(url, says):
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    message = str(caught.value)
    assert says in message
    for secret in (PASSWORD, "S3cr3t", "Passw0rd", "w0rd"):
        assert secret not in message
    cause = caught.value.__cause__
    while cause is not None:  # what a logged traceback would print
        assert PASSWORD not in str(cause) and "Passw0rd" not in str(cause)
        cause = cause.__cause__


def test_an_unparseable_address_is_shown_masked():
    with pytest.raises(StoreError) as caught:
        Store.open(f"dbadmin7:{PASSWORD}@db.invalid/events")
    assert "'***@db.invalid/events'" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [f'password "{PASSWORD}" rejected', f"conninfo: password={PASSWORD} host=x", f"odd %s{PASSWORD}"],
)
def test_a_driver_message_with_the_password_is_masked(text):
    described, _ = describe_database_error(OSError(text), hide=[PASSWORD, ""])
    assert PASSWORD not in described and "***" in described
    assert PASSWORD not in str(access_failed("open the event store", OSError(text), hide=[PASSWORD]))
