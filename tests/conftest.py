"""Shared test fixtures (their helpers and data live in the tests/*_support.py modules)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest


# --- geocoding fixtures (owned by the geocoding work; keep small) ------------
# The gazetteer index is built once per test session (about 8 s) into a
# temporary folder; tests that need a different index build a tiny one.


@pytest.fixture(scope="session")
def gazetteer_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from speakout_map.places.gazetteer_index import ensure_index

    return ensure_index(tmp_path_factory.mktemp("gazetteer"))


@pytest.fixture(scope="session")
def gazetteer(gazetteer_index: Path):
    from speakout_map.places.gazetteer import GazetteerGeocoder

    geocoder = GazetteerGeocoder(gazetteer_index)
    yield geocoder
    geocoder.close()


# --- end of geocoding fixtures -------------------------------------------------


@pytest.fixture
def isolated_cache(gazetteer_index: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the app and CLI at the session's gazetteer and a fresh store of their own,
    never at the user's cache or the project's database."""
    monkeypatch.setenv("SPEAKOUT_CACHE_DIR", str(gazetteer_index.parent))
    monkeypatch.setenv("SPEAKOUT_DATABASE_URL", f"sqlite:///{tmp_path / 'store' / 'speakout.sqlite3'}")
    for name in ("SPEAKOUT_GEOCODER_ONLINE", "SPEAKOUT_EVENTS_FILE", "SPEAKOUT_GUIDE_FILE", "SPEAKOUT_ORGANISERS"):
        monkeypatch.delenv(name, raising=False)
    return gazetteer_index.parent


# --- postgres fixtures (owned by the event store work) ---------------------------
# ``store_url`` and ``store`` run a test once per backend: "sqlite" (a file in
# the test's tmp_path) and "postgresql" (a fresh database on a throw-away
# server started once per session, from the Debian binaries in
# /usr/lib/postgresql/<version>/bin or pg_ctl on PATH). Without those binaries
# the postgresql runs are skipped (scripts/ensure-postgres.sh installs them).
#
# PostgreSQL refuses to run as root. As another user, pytest-postgresql's
# ``postgresql_proc`` factory starts the server. As root, the server is
# started as the ``postgres`` system user (created by Debian's package) with
# ``runuser``, in a temporary folder that user owns, on 127.0.0.1 and a free port.

import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

import port_for
from pytest_postgresql import factories as pg_factories
from pytest_postgresql.janitor import DatabaseJanitor

PG_MISSING_REASON = (
    "PostgreSQL server binaries not found; install Debian's postgresql package or run scripts/ensure-postgres.sh"
)
PG_SYSTEM_USER = "postgres"


def _pg_version_key(pg_ctl: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", pg_ctl.parent.parent.name)) or (0,)


def find_pg_ctl() -> Path | None:
    """pg_ctl of the newest Debian-installed PostgreSQL, else pg_ctl on PATH, else None."""
    override = os.environ.get("SPEAKOUT_TEST_PG_CTL")
    if override:
        return Path(override)
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=_pg_version_key, reverse=True)
    found = [p for p in debian if os.access(p, os.X_OK)]
    if found:
        return found[0]
    on_path = shutil.which("pg_ctl")
    return Path(on_path) if on_path else None


PG_CTL = find_pg_ctl()

#: pytest-postgresql's server, used when the tests do not run as root.
speakout_pg_proc = pg_factories.postgresql_proc(executable=str(PG_CTL) if PG_CTL else None, port=None)


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    password: str | None = None

    def url(self, dbname: str) -> str:
        auth = self.user if not self.password else f"{self.user}:{self.password}"
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{dbname}"


def _run_as(user: str, command: list[object], cwd: Path) -> None:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    env.pop("PGDATA", None)
    result = subprocess.run(
        ["runuser", "-u", user, "--", *map(str, command)], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")


def _root_cannot_start_reason() -> str | None:
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        return (
            "running as root, which PostgreSQL refuses, and there is no postgres system user to run it as; "
            "install Debian's postgresql package (it creates one) or run the tests as another user"
        )
    if shutil.which("runuser") is None:
        return "running as root, which PostgreSQL refuses, and runuser (util-linux) is missing to run it as postgres"
    return None


def _cluster_as_postgres_user(pg_ctl: Path) -> Iterator[PgServer]:
    """initdb and start a throw-away server as the postgres system user (for root)."""
    base = Path(tempfile.mkdtemp(prefix="speakout-pg-"))
    datadir, port = base / "data", port_for.get_port(None)
    try:
        shutil.chown(base, PG_SYSTEM_USER, PG_SYSTEM_USER)
        _run_as(PG_SYSTEM_USER, [pg_ctl.parent / "initdb", "-D", datadir, "-U", PG_SYSTEM_USER, "-A", "trust",
                                 "-E", "UTF8", "--no-sync"], cwd=base)
        options = f"-F -p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={base}"
        _run_as(PG_SYSTEM_USER, [pg_ctl, "-D", datadir, "-l", base / "server.log", "-w", "-o", options, "start"], cwd=base)
        try:
            yield PgServer("127.0.0.1", port, PG_SYSTEM_USER)
        finally:
            _run_as(PG_SYSTEM_USER, [pg_ctl, "-D", datadir, "-m", "fast", "-w", "stop"], cwd=base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[PgServer]:
    """A PostgreSQL server for this test session (skips when none can be started)."""
    if PG_CTL is None:
        pytest.skip(PG_MISSING_REASON)
    if os.geteuid() != 0:
        executor = request.getfixturevalue("speakout_pg_proc")
        yield PgServer(executor.host, int(executor.port), executor.user, executor.password)
        return
    reason = _root_cannot_start_reason()
    if reason:
        pytest.skip(reason)
    yield from _cluster_as_postgres_user(PG_CTL)


_database_numbers = itertools.count(1)


@pytest.fixture
def postgresql_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a fresh, empty database, dropped after the test."""
    dbname = f"speakout_test_{os.getpid()}_{next(_database_numbers)}"
    janitor = DatabaseJanitor(
        user=pg_server.user, host=pg_server.host, port=pg_server.port, dbname=dbname, password=pg_server.password
    )
    janitor.init()
    try:
        yield pg_server.url(dbname)
    finally:
        janitor.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty event store's URL, once per backend."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgresql_url")
    return f"sqlite:///{tmp_path / 'store' / 'speakout.sqlite3'}"


@pytest.fixture
def store(store_url: str):
    """An open, empty event store, once per backend."""
    from speakout_map.store.store import Store

    opened = Store.open(store_url)
    yield opened
    opened.close()


@pytest.fixture
def memory_store():
    """An in-memory SQLite store with the map tests' WORLD published as version 1 (the routes' tests)."""
    from speakout_map.store.store import Store
    from tests.map_support import WORLD

    opened = Store.open("sqlite://")
    opened.publish(WORLD, by="alice", source="events.csv", based_on=None)
    yield opened
    opened.close()


# --- end of postgres fixtures ------------------------------------------------------


# --- fixtures shared by the geocoding tests -------------------------------------------
# The helpers and data behind them live in tests/places_support.py.

if TYPE_CHECKING:
    from speakout_map.places.chain import GeocoderChain
    from tests.places_support import FakeNominatim


@pytest.fixture
def nominatim(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNominatim]:
    """A fake Nominatim on 127.0.0.1 that knows Xyzzyville, with no proxy in the way."""
    from tests.places_support import serving_nominatim

    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with serving_nominatim() as fake:
        yield fake


@pytest.fixture
def chain(gazetteer, nominatim, tmp_path: Path) -> GeocoderChain:
    """The session's gazetteer, then an online geocoder asking the fake Nominatim."""
    from speakout_map.places.chain import GeocoderChain
    from tests.places_support import make_online

    return GeocoderChain(gazetteer, [make_online(nominatim, tmp_path)])


@pytest.fixture
def tiny_source(tmp_path: Path) -> Path:
    """A gazetteer source file of the few cities in TINY_CITIES."""
    from tests.places_support import TINY_CITIES

    path = tmp_path / "cities.json"
    path.write_text(json.dumps(TINY_CITIES), encoding="utf-8")
    return path


@pytest.fixture
def tiny_dir(tmp_path: Path, tiny_source: Path) -> Path:
    """A cache folder holding the index built from ``tiny_source``."""
    from speakout_map.places.gazetteer_index import ensure_index

    cache = tmp_path / "cache"
    ensure_index(cache, source=tiny_source)
    return cache


# --- end of fixtures shared by the geocoding tests -------------------------------------


# --- fixtures shared by the organisers' page tests -------------------------------------
# The AppTest helpers live in tests/page_support.py.


@pytest.fixture(scope="module")
def alice_hash() -> str:
    """The hash of page_support.PASSWORD (real argon2 parameters, so once per module)."""
    from speakout_map.organisers.passwords import hash_password
    from tests.page_support import PASSWORD

    return hash_password(PASSWORD)


# --- end of fixtures shared by the organisers' page tests ------------------------------


# --- CI cannot hide a missing suite --------------------------------------------------
# On a developer's machine a test whose tool is missing (Chromium, PostgreSQL)
# skips. Under CI=true (as CI runs .ci/run) a skip is a failure instead, naming
# the reason: a green CI run means every suite really ran.


def on_ci(environ=os.environ) -> bool:
    return environ.get("CI", "").strip().lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and on_ci():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"skipped under CI=true ({reason}); on CI every test must run, so a skip fails the run: "
            "install what the test needs (make test runs scripts/ensure-postgres.sh and scripts/ensure-chromium.sh)"
        )
