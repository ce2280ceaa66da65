"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest


# --- geocoding fixtures (owned by the geocoding work; keep small) ------------
# The gazetteer index is built once per test session (about 8 s) into a
# temporary folder; tests that need a different index build a tiny one.


@pytest.fixture(scope="session")
def gazetteer_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from speakout_map.gazetteer import ensure_index

    return ensure_index(tmp_path_factory.mktemp("gazetteer"))


@pytest.fixture(scope="session")
def gazetteer(gazetteer_index: Path):
    from speakout_map.gazetteer import GazetteerGeocoder

    geocoder = GazetteerGeocoder(gazetteer_index)
    yield geocoder
    geocoder.close()


# --- end of geocoding fixtures -------------------------------------------------


@pytest.fixture
def isolated_cache(gazetteer_index: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app and CLI at the session's gazetteer, never at the user's cache."""
    monkeypatch.setenv("SPEAKOUT_CACHE_DIR", str(gazetteer_index.parent))
    for name in ("SPEAKOUT_GEOCODER_ONLINE", "SPEAKOUT_EVENTS_FILE", "SPEAKOUT_GUIDE_FILE"):
        monkeypatch.delenv(name, raising=False)
    return gazetteer_index.parent
