"""The catalogues: which languages exist, and loading each one's translations (.mo, or the .po if stale)."""

from __future__ import annotations

import gettext
import logging
import os
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from speakout_map.languages import catalogues
from speakout_map.languages.catalogues import SOURCE_LANGUAGE, available_languages, po_path, translations


def write_catalogue(root: Path, language: str, entries: dict, *, compiled: bool) -> Path:
    catalog = Catalog(locale=language, domain=catalogues.DOMAIN)
    for source, translation in entries.items():
        catalog.add(source, translation)
    po = po_path(language, root)
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as handle:
        write_po(handle, catalog)
    if compiled:
        with po.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)
    return po


@pytest.fixture(autouse=True)
def fresh_caches():
    available_languages.cache_clear()
    translations.cache_clear()
    yield
    available_languages.cache_clear()
    translations.cache_clear()


def test_the_app_speaks_english_and_spanish():
    assert available_languages() == ("en", "es")
    assert SOURCE_LANGUAGE == "en"


def test_a_language_is_available_as_soon_as_its_po_file_exists(tmp_path):
    write_catalogue(tmp_path, "ru", {"Countries": "Страны"}, compiled=False)
    write_catalogue(tmp_path, "es", {"Countries": "Países"}, compiled=True)
    (tmp_path / "not-a-language" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "not-a-language" / "LC_MESSAGES" / "speakout.po").write_text("")
    (tmp_path / "fr").mkdir()  # a folder without a catalogue
    assert available_languages(tmp_path) == ("en", "es", "ru")


def test_the_compiled_catalogue_is_read(tmp_path):
    write_catalogue(tmp_path, "es", {"Countries": "Países"}, compiled=True)
    assert translations("es", tmp_path).gettext("Countries") == "Países"


def test_a_missing_or_stale_compiled_catalogue_is_compiled_from_the_po_with_a_warning(tmp_path, caplog):
    po = write_catalogue(tmp_path, "es", {"Countries": "Países (old)"}, compiled=True)
    write_catalogue(tmp_path, "es", {"Countries": "Países"}, compiled=False)
    stale = po.stat().st_mtime_ns - 10**9
    os.utime(po.with_suffix(".mo"), ns=(stale, stale))
    with caplog.at_level(logging.WARNING):
        assert translations("es", tmp_path).gettext("Countries") == "Países"
    assert "older than its .po" in caplog.text
    write_catalogue(tmp_path, "ru", {"Countries": "Страны"}, compiled=False)
    assert translations("ru", tmp_path).gettext("Countries") == "Страны"


def test_the_source_language_needs_no_catalogue_and_unknown_ones_are_refused(tmp_path):
    assert isinstance(translations("en", tmp_path), gettext.NullTranslations)
    assert translations("en", tmp_path).gettext("Countries") == "Countries"
    with pytest.raises(LookupError, match="no catalogue"):
        translations("xx", tmp_path)
