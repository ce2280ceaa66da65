"""The event store: immutable versions, optimistic publishing, failures that change nothing (store.py).

Most tests run twice through the ``store`` / ``store_url`` fixtures of
conftest.py: on an SQLite file and on a fresh PostgreSQL database (skipped,
with the reason, when no PostgreSQL server binaries are installed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from sqlalchemy import event as sa_event
from sqlalchemy.exc import OperationalError

from speakout_map.errors import StaleVersionError, StoreError, VersionNotFoundError
from speakout_map.events.model import Event, Status
from speakout_map.places.caches import CachedAnswer
from speakout_map.places.place import Place, PlacedEvent
from speakout_map.settings import PROJECT_ROOT, Settings
from speakout_map.store import store as storage
from speakout_map.store.schema import login_failures_table, version_events_table
from speakout_map.store.publishing import prepare_rollback, publish
from speakout_map.store.store import Store, Version, VersionInfo
from tests.store_support import (
    TRICKY,
    UTC,
    batch,
    publish_over_read_only,
    published_state,
    run_together,
    table_rows,
)


# --- contents ------------------------------------------------------------------------


def test_an_empty_store(store):
    assert store.latest_number() is None
    assert store.latest() is None
    assert store.history() == []
    with pytest.raises(VersionNotFoundError, match="no version 1; the store has no versions yet"):
        store.get(1)


def test_round_trip_is_exact(store):
    store.publish(TRICKY, by="alice", source="tricky.csv", based_on=None)
    version = store.get(1)
    assert version.events == TRICKY
    for got, want in zip(version.events, TRICKY):
        assert got.event.status is want.event.status
        assert type(got.event.date) is dt.date
        # bit-exact doubles; only the sign of a zero may be lost (SQLite stores -0.0 as 0, and -0.0 == 0.0)
        assert [repr(x) for x in (got.event.latitude, got.place.latitude, got.place.longitude) if x] == [
            repr(x) for x in (want.event.latitude, want.place.latitude, want.place.longitude) if x
        ]
        assert got.event.contact_email == want.event.contact_email


def test_every_publish_is_a_new_version_with_its_history(store):
    before = dt.datetime.now(UTC)
    first = store.publish(batch("A", 3), by="alice", source="first.csv", based_on=None)
    second = store.publish(batch("B", 5), by="bob", source="edit in app", based_on=1)
    after = dt.datetime.now(UTC)

    assert (first.number, first.by, first.source, first.rows) == (1, "alice", "first.csv", 3)
    assert (second.number, second.by, second.source, second.rows) == (2, "bob", "edit in app", 5)
    history = store.history()
    assert history == [first, second]
    for info in history:
        assert info.created_at.tzinfo is not None and info.created_at.utcoffset() == dt.timedelta(0)
        assert before - dt.timedelta(seconds=1) <= info.created_at <= after + dt.timedelta(seconds=1)
    assert first.created_at <= second.created_at

    assert store.latest_number() == 2
    assert store.latest() == Version(second, batch("B", 5))
    assert store.get(1) == Version(first, batch("A", 3))  # the old version is untouched


def test_an_empty_version_can_be_published(store):
    info = store.publish((), by="alice", source="empty.csv", based_on=None)
    assert info.rows == 0
    assert store.latest() == Version(info, ())


def test_unknown_version_says_which_exist(store):
    store.publish(batch("A", 1), by="a", source="s", based_on=None)
    store.publish(batch("A", 1), by="a", source="s", based_on=1)
    with pytest.raises(VersionNotFoundError, match="no version 7; the store has versions 1 to 2"):
        store.get(7)


def test_the_store_persists_across_opening(store_url):
    with Store.open(store_url) as first:
        first.publish(TRICKY, by="alice", source="a.csv", based_on=None)
    with Store.open(store_url) as again:
        assert again.get(1).events == TRICKY


@hypothesis_settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.builds(
            Event,
            city=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1),
            country_code=st.sampled_from(["ES", "GB", "US", ""]),
            date=st.dates(),
            title=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
            start_time=st.none() | st.times(),
            end_time=st.none() | st.times(),
            status=st.sampled_from(Status),
            latitude=st.none() | st.floats(allow_nan=False, allow_infinity=False),
            longitude=st.none() | st.floats(allow_nan=False, allow_infinity=False),
            row=st.integers(0, 2**31 - 1),
        ).map(lambda e: PlacedEvent(e, Place(e.city, e.country_code, 1.5, -2.25, "", "gazetteer"))),
        max_size=5,
    )
)
def test_round_trip_of_any_events_in_memory(events):
    with Store.open("sqlite://") as memory:
        memory.publish(events, by="h", source="hypothesis", based_on=None)
        assert memory.get(1).events == tuple(events)


# --- optimistic concurrency ----------------------------------------------------------


def test_publishing_from_an_old_version_is_refused_and_writes_nothing(store):
    store.publish(batch("A", 2), by="alice", source="a.csv", based_on=None)
    store.publish(batch("B", 2), by="bob", source="b.csv", based_on=1)
    with pytest.raises(StaleVersionError) as caught:
        store.publish(batch("C", 2), by="carol", source="c.csv", based_on=1)
    assert (caught.value.based_on, caught.value.latest) == (1, 2)
    assert "reload" in str(caught.value)
    with pytest.raises(StaleVersionError):
        store.publish(batch("C", 2), by="carol", source="c.csv", based_on=None)
    with pytest.raises(StaleVersionError):
        store.publish(batch("C", 2), by="carol", source="c.csv", based_on=5)
    assert [v.number for v in store.history()] == [1, 2]
    assert table_rows(store, version_events_table) == 4


def test_an_empty_store_refuses_a_base(store):
    with pytest.raises(StaleVersionError) as caught:
        store.publish(batch("A", 1), by="a", source="s", based_on=3)
    assert (caught.value.based_on, caught.value.latest) == (3, None)
    assert store.history() == []


@pytest.mark.parametrize("publishers", [2, 6])
def test_racing_publishers_from_one_base_exactly_one_wins(store_url, publishers):
    stores = [Store.open(store_url) for _ in range(publishers)]  # as if on separate app servers
    try:
        stores[0].publish(batch("seed", 3), by="seed", source="seed", based_on=None)
        results = run_together(*[
            (lambda s=s, i=i: s.publish(batch(f"P{i}", 50), by=f"p{i}", source=f"{i}.csv", based_on=1))
            for i, s in enumerate(stores)
        ])
        winners = [r for r in results if isinstance(r, VersionInfo)]
        losers = [r for r in results if isinstance(r, StaleVersionError)]
        assert len(winners) == 1 and len(losers) == publishers - 1, results
        assert all((e.based_on, e.latest) == (1, 2) for e in losers)
        assert [v.number for v in stores[0].history()] == [1, 2]
        winner = int(winners[0].by[1:])
        assert stores[0].get(2).events == batch(f"P{winner}", 50)
        assert table_rows(stores[0], version_events_table) == 53
    finally:
        for s in stores:
            s.close()


def test_losing_the_insert_race_after_the_check_is_stale_too(store, monkeypatch):
    """If another publisher commits between our check and our insert, the primary key stops us."""
    store.publish(batch("A", 1), by="a", source="a", based_on=None)
    real = storage._latest_number_in
    calls = []

    def looks_unpublished(conn):
        calls.append(1)
        return None if len(calls) == 1 else real(conn)

    monkeypatch.setattr(storage, "_latest_number_in", looks_unpublished)
    with pytest.raises(StaleVersionError) as caught:
        store.publish(batch("B", 3), by="b", source="b", based_on=None)
    assert (caught.value.based_on, caught.value.latest) == (None, 1)
    monkeypatch.undo()
    assert store.latest() == Version(store.history()[0], batch("A", 1))
    assert table_rows(store, version_events_table) == 1


# PostgreSQL only: SQLite publishers take the write lock before the check (BEGIN IMMEDIATE), so they cannot interleave.
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_both_pass_the_check_then_one_insert_wins_on_postgresql(store_url, monkeypatch):
    """READ COMMITTED: both transactions see version 1 as the latest; the unique number decides."""
    first, second = Store.open(store_url), Store.open(store_url)
    try:
        first.publish(batch("seed", 1), by="seed", source="seed", based_on=None)
        both_checked = threading.Barrier(2)
        real = storage._insert_version

        def insert_after_both_checked(conn, info):
            both_checked.wait(timeout=10)
            real(conn, info)

        monkeypatch.setattr(storage, "_insert_version", insert_after_both_checked)
        results = run_together(
            lambda: first.publish(batch("X", 5), by="x", source="x", based_on=1),
            lambda: second.publish(batch("Y", 5), by="y", source="y", based_on=1),
        )
        assert sorted(type(r).__name__ for r in results) == ["StaleVersionError", "VersionInfo"], results
        assert [v.number for v in first.history()] == [1, 2]
        assert table_rows(first, version_events_table) == 6
    finally:
        first.close()
        second.close()


# --- seeding -------------------------------------------------------------------------------


def test_seed_is_published_once_as_version_1(store):
    calls = []

    def seed():
        calls.append(1)
        return batch("S", 4)

    info = store.ensure_seeded(seed, source="events.csv")
    assert (info.number, info.by, info.source, info.rows) == (1, "seed", "events.csv", 4)
    assert store.ensure_seeded(seed, source="events.csv") is None
    assert calls == [1]  # not even called when the store has a version
    assert store.latest().events == batch("S", 4)


def test_seeding_race_publishes_one_seed(store_url):
    stores = [Store.open(store_url) for _ in range(4)]
    try:
        results = run_together(*[(lambda s=s: s.ensure_seeded(lambda: batch("S", 10), source="seed.csv")) for s in stores])
        assert sorted(type(r).__name__ for r in results) == ["NoneType"] * 3 + ["VersionInfo"], results
        assert [(v.number, v.by) for v in stores[0].history()] == [(1, "seed")]
        assert table_rows(stores[0], version_events_table) == 10
    finally:
        for s in stores:
            s.close()


# --- login failures --------------------------------------------------------------------------


def test_login_failures_are_counted_in_a_window(store):
    now = dt.datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    for minutes in (20, 10, 1):
        store.record_login_failure("name:alice", now - dt.timedelta(minutes=minutes))
    store.record_login_failure("name:bob", now)
    assert store.count_login_failures("name:alice", now - dt.timedelta(minutes=15)) == 2
    assert store.count_login_failures("name:alice", now - dt.timedelta(minutes=10)) == 2  # at or after
    assert store.count_login_failures("name:alice", now - dt.timedelta(hours=1)) == 3
    assert store.login_failure_times("name:alice", now - dt.timedelta(minutes=15)) == [
        now - dt.timedelta(minutes=10),
        now - dt.timedelta(minutes=1),
    ]
    store.clear_login_failures("name:alice")
    assert store.count_login_failures("name:alice", now - dt.timedelta(days=1)) == 0
    assert store.count_login_failures("name:bob", now - dt.timedelta(days=1)) == 1


def test_login_failure_times_in_other_zones_are_compared_as_instants(store):
    at = dt.datetime(2026, 5, 1, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))  # 12:00 UTC
    store.record_login_failure("k", at)
    assert store.count_login_failures("k", dt.datetime(2026, 5, 1, 11, 59, tzinfo=UTC)) == 1
    assert store.count_login_failures("k", dt.datetime(2026, 5, 1, 12, 1, tzinfo=UTC)) == 0
    assert store.login_failure_times("k", at - dt.timedelta(hours=1)) == [at]
    with pytest.raises(StoreError):
        store.count_login_failures("k", dt.datetime(2026, 5, 1, 12, 0))  # naive: refused


def test_old_login_failures_are_forgotten(store):
    now = dt.datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    store.record_login_failure("k", now - dt.timedelta(days=3))
    store.record_login_failure("other", now)
    assert table_rows(store, login_failures_table) == 1


# --- failures leave the published data as it was ------------------------------------------


def test_a_failure_in_the_middle_of_a_publish_changes_nothing(store, monkeypatch):
    store.publish(batch("A", 3), by="alice", source="a.csv", based_on=None)
    before = published_state(store)
    real, calls = storage._insert_event_rows, []

    def disk_fills_up(conn, rows):
        calls.append(len(rows))
        if len(calls) == 1:
            return real(conn, rows)  # the first half goes in ...
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(storage, "INSERT_CHUNK", 5)
    monkeypatch.setattr(storage, "_insert_event_rows", disk_fills_up)
    with pytest.raises(StoreError) as caught:
        store.publish(batch("B", 10), by="bob", source="b.csv", based_on=1)
    message = str(caught.value)
    assert "could not publish: the disk is full" in message
    assert "Nothing was published; the published events are unchanged" in message
    assert "Free some disk space" in message
    assert calls == [5, 5]
    monkeypatch.undo()
    assert published_state(store) == before
    with pytest.raises(VersionNotFoundError):
        store.get(2)
    assert store.publish(batch("B", 10), by="bob", source="b.csv", based_on=1).number == 2  # nothing left behind


CRASHING_PUBLISHER = """
import os, sys
from speakout_map.store import store as storage
from tests.store_support import batch
real = storage._insert_event_rows
def crash(conn, rows):
    real(conn, rows)
    os._exit(3)  # the process dies after the first half, mid-transaction
storage.INSERT_CHUNK = 5
storage._insert_event_rows = crash
store = storage.Store.open(sys.argv[1])
store.publish(batch("B", 10), by="bob", source="b.csv", based_on=1)
"""


def test_a_crash_in_the_middle_of_a_publish_changes_nothing(store_url):
    with Store.open(store_url) as store:
        store.publish(batch("A", 3), by="alice", source="a.csv", based_on=None)
        before = published_state(store)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-c", CRASHING_PUBLISHER, store_url], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    with Store.open(store_url) as store:
        assert published_state(store) == before
        assert store.publish(batch("C", 2), by="carol", source="c.csv", based_on=1).number == 2


def test_a_read_only_sqlite_file_refuses_to_publish_and_changes_nothing(tmp_path):
    path = tmp_path / "store.sqlite3"
    with Store.open(f"sqlite:///{path}") as writable:
        writable.publish(batch("A", 3), by="alice", source="a.csv", based_on=None)
        before = published_state(writable)
    with Store.open(f"sqlite:///file:{path}?mode=ro&uri=true") as read_only:
        assert read_only.latest().events == batch("A", 3)  # reading works
        with pytest.raises(StoreError) as caught:
            read_only.publish(batch("B", 2), by="bob", source="b.csv", based_on=1)
        assert "could not publish: the database is read-only" in str(caught.value)
        assert "Nothing was published" in str(caught.value)
        assert published_state(read_only) == before


PUBLISHER_AS_NOBODY = """
import json, os, pwd, sys
from speakout_map.store.store import Store
from tests.store_support import batch, publish_over_read_only
# Python and its libraries may live where only root can read (e.g. under /root): load everything
# publishing needs while still root, then become nobody for good before touching the store file.
with Store.open("sqlite://") as warm_up:
    warm_up.publish(batch("W", 1), by="w", source="w", based_on=None)
    warm_up.latest()
nobody = pwd.getpwnam("nobody")
os.setgroups([])
os.setgid(nobody.pw_gid)
os.setuid(nobody.pw_uid)
print(json.dumps([os.geteuid(), *publish_over_read_only(sys.argv[1])]))
"""


def publish_as_nobody(path: Path) -> tuple[str, bool]:
    """:func:`publish_over_read_only` in a child process that has dropped root for the user nobody."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-c", PUBLISHER_AS_NOBODY, str(path)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    euid, error, unchanged = json.loads(result.stdout.splitlines()[-1])
    assert euid == pwd.getpwnam("nobody").pw_uid
    return error, unchanged


def test_a_read_only_sqlite_file_by_permissions(tmp_path):
    """A store file its user may only read. Root may write any file, so as root the attempt runs as nobody."""
    as_root = os.geteuid() == 0
    # nobody must reach the folder (pytest's tmp_path is private to root) and own it, as a user owns theirs.
    folder = Path(tempfile.mkdtemp(prefix="speakout-read-only-")) if as_root else tmp_path
    path = folder / "store.sqlite3"
    try:
        with Store.open(f"sqlite:///{path}") as writable:
            writable.publish(batch("A", 3), by="alice", source="a.csv", based_on=None)
            before = published_state(writable)
        if as_root:
            nobody = pwd.getpwnam("nobody")
            for owned in (folder, *folder.iterdir()):
                os.chown(owned, nobody.pw_uid, nobody.pw_gid)
            folder.chmod(0o755)
        path.chmod(0o444)
        error, unchanged = publish_as_nobody(path) if as_root else publish_over_read_only(path)
        assert "Nothing was published" in error
        assert unchanged
        path.chmod(0o644)
        with Store.open(f"sqlite:///{path}") as store:
            assert published_state(store) == before
    finally:
        if as_root:
            shutil.rmtree(folder, ignore_errors=True)
        elif path.exists():
            path.chmod(0o644)


def test_a_locked_database_fails_fast_and_changes_nothing(store_url):
    with Store.open(store_url) as store:
        store.publish(batch("A", 3), by="alice", source="a.csv", based_on=None)
        before = published_state(store)
    holder, release = hold_write_lock(store_url)
    try:
        with Store.open(store_url, busy_timeout=0.2) as impatient:
            started = time.monotonic()
            with pytest.raises(StoreError) as caught:
                impatient.publish(batch("B", 2), by="bob", source="b.csv", based_on=1)
            assert time.monotonic() - started < 5
            assert "the database is busy" in str(caught.value)
            assert "Nothing was published" in str(caught.value)
            assert "Try again in a moment" in str(caught.value)
    finally:
        release()
    with Store.open(store_url) as store:
        assert published_state(store) == before


def hold_write_lock(store_url: str):
    """Another connection holding the write lock; returns it and a function releasing it."""
    if store_url.startswith("sqlite"):
        conn = sqlite3.connect(store_url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        conn = psycopg.connect(store_url.replace("postgresql+psycopg://", "postgresql://"))
        conn.execute("LOCK TABLE event_versions IN EXCLUSIVE MODE")

    def release() -> None:
        conn.rollback()
        conn.close()

    return conn, release


def test_versions_and_their_rows_are_never_updated_or_deleted(store, monkeypatch):
    statements: list[str] = []
    sa_event.listen(store._engine, "before_cursor_execute", lambda *a: statements.append(a[2].upper()))
    store.ensure_seeded(lambda: batch("S", 2), source="seed.csv")
    store.publish(batch("A", 2), by="a", source="a", based_on=1)
    with pytest.raises(StaleVersionError):
        store.publish(batch("B", 2), by="b", source="b", based_on=1)
    publish(prepare_rollback(1, store=store), store=store, by="c")
    store.geocode_cache().put("k", CachedAnswer(None, 1.0))
    store.record_login_failure("k", dt.datetime.now(UTC))
    store.clear_login_failures("k")
    store.history(), store.latest(), store.get(1)
    touching = [s for s in statements if ("UPDATE" in s or "DELETE" in s) and "EVENT_VERSION" in s]
    assert touching == []
    assert any(s.startswith("INSERT INTO EVENT_VERSIONS") for s in statements)


# --- opening ------------------------------------------------------------------------------------


def test_in_memory_store_works_from_threads():
    with Store.open("sqlite://") as store:
        store.publish(batch("A", 1), by="a", source="a", based_on=None)
        results = run_together(*[(lambda i=i: store.publish(batch(f"T{i}", 20), by="t", source="t", based_on=1)) for i in range(4)])
        assert sorted(type(r).__name__ for r in results) == ["StaleVersionError"] * 3 + ["VersionInfo"]
        assert store.latest_number() == 2


def test_open_store_uses_the_settings(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'var' / 'speakout.sqlite3'}")
    with storage.open_store(settings) as store:
        assert store.latest_number() is None
        assert "speakout.sqlite3" in store.url
