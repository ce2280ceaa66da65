"""The guide in each language and the version token that lets pages cache files (guide.py)."""

from __future__ import annotations

import os

import pytest

from speakout_map.errors import EventFileError
from speakout_map.settings import Settings
from speakout_map.store.guide import (
    Guide,
    file_version,
    guide_file_text,
    guide_path,
    guide_version,
    is_language_tag,
    load_guide,
)
from tests.i18n_support import fake_translator


def test_file_helpers_still_work(tmp_path):
    settings = Settings()
    assert "#" in load_guide(settings, "en").markdown
    path = tmp_path / "x.txt"
    assert file_version(path).endswith(":missing")
    path.write_text("hello")
    assert file_version(path) != file_version(tmp_path / "y")


@pytest.mark.parametrize("text", ["# Host an event\n\nBring «friends» 🌍\n", ""])
def test_the_guide_is_read_as_utf8_markdown(tmp_path, text):
    guide = tmp_path / "guide.md"
    guide.write_text(text, encoding="utf-8")
    assert load_guide(Settings(guide_file=guide), "en") == Guide(text, "en")


@pytest.mark.parametrize("name", ["missing.md", "a-folder"])
def test_an_unreadable_guide_says_which_file_and_what_to_set(tmp_path, name):
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(EventFileError) as caught:
        load_guide(Settings(guide_file=tmp_path / name), "en")
    message = str(caught.value)
    assert f"the guide file {tmp_path / name} could not be read" in message
    assert "SPEAKOUT_GUIDE_FILE" in message


@pytest.mark.parametrize(
    "change",
    [
        lambda path: path.write_text("hello!"),  # another size
        lambda path: os.utime(path, ns=(0, 1_000_000_000)),  # another modification time
        lambda path: path.unlink(),  # gone
    ],
)
def test_file_version_changes_when_the_file_changes(tmp_path, change):
    path = tmp_path / "x.txt"
    path.write_text("hello")
    before = file_version(path)
    assert file_version(path) == before  # stable while nothing changes
    change(path)
    assert file_version(path) != before


# --- the guide per language ---------------------------------------------------------------


def test_the_real_guides_are_found_by_language():
    settings = Settings()
    assert guide_path(settings, "en") == settings.guide_file
    assert guide_path(settings, "es") == settings.guide_file.with_name("guide.es.md")
    spanish = load_guide(settings, "es")
    assert spanish.language == "es" and spanish.markdown.strip()
    assert spanish.markdown != load_guide(settings, "en").markdown


@pytest.mark.parametrize(("guide_file", "language", "expected"), [
    ("guide.md", "es", "guide.es.md"),
    ("guide.md", "pt_BR", "guide.pt_BR.md"),
    ("host-an-event.markdown", "ru", "host-an-event.ru.markdown"),
    ("guide.md", "en", "guide.md"),
])
def test_a_languages_guide_sits_beside_the_english_one(tmp_path, guide_file, language, expected):
    assert guide_path(Settings(guide_file=tmp_path / guide_file), language) == tmp_path / expected


@pytest.mark.parametrize("language", ["../es", "es/x", "", "e", ".es", "es.md"])
def test_a_language_that_is_no_tag_never_makes_a_path(tmp_path, language):
    with pytest.raises(ValueError):
        guide_path(Settings(guide_file=tmp_path / "guide.md"), language)


@pytest.fixture
def guides(tmp_path):
    (tmp_path / "guide.md").write_text("# Host an event\n", encoding="utf-8")
    (tmp_path / "guide.es.md").write_text("# Organiza un evento ¡ya!\n", encoding="utf-8")
    return Settings(guide_file=tmp_path / "guide.md")


def test_a_language_with_its_own_guide_gets_it(guides):
    assert load_guide(guides, "es") == Guide("# Organiza un evento ¡ya!\n", "es")
    assert load_guide(guides, "en") == Guide("# Host an event\n", "en")


def test_a_language_without_a_guide_gets_the_english_one_and_is_told(guides):
    assert load_guide(guides, "ru") == Guide("# Host an event\n", "en")


def test_an_unreadable_translated_guide_falls_back_to_english_and_is_logged(guides, caplog):
    (guides.guide_file.with_name("guide.fr.md")).mkdir()
    assert load_guide(guides, "fr") == Guide("# Host an event\n", "en")
    assert "guide.fr.md" in caplog.text


def test_a_missing_english_guide_is_an_error_even_where_a_translation_is_asked_for(tmp_path):
    with pytest.raises(EventFileError) as caught:
        load_guide(Settings(guide_file=tmp_path / "guide.md"), "ru")
    assert f"the guide file {tmp_path / 'guide.md'} could not be read" in str(caught.value)


def test_a_translated_guide_is_shown_even_without_the_english_one(tmp_path):
    (tmp_path / "guide.es.md").write_text("hola", encoding="utf-8")
    assert load_guide(Settings(guide_file=tmp_path / "guide.md"), "es") == Guide("hola", "es")


def test_the_missing_guide_error_reads_in_the_readers_language(tmp_path):
    spanish = fake_translator({"the guide file {path} could not be read ({reason}); set SPEAKOUT_GUIDE_FILE":
                               "no se pudo leer el archivo de la guía {path} ({reason}); defina SPEAKOUT_GUIDE_FILE"})
    with pytest.raises(EventFileError) as caught:
        load_guide(Settings(guide_file=tmp_path / "guide.md"), "es")
    text = spanish.text(caught.value.text)
    assert text.startswith(f"no se pudo leer el archivo de la guía {tmp_path / 'guide.md'} (")
    assert text.endswith("defina SPEAKOUT_GUIDE_FILE")


@pytest.mark.parametrize("change", [
    lambda settings: settings.guide_file.write_text("# Changed\n", encoding="utf-8"),
    lambda settings: settings.guide_file.with_name("guide.es.md").write_text("# Cambiada, más larga\n"),
    lambda settings: settings.guide_file.with_name("guide.es.md").unlink(),
])
def test_the_guide_version_changes_when_either_file_changes(guides, change):
    before = guide_version(guides, "es")
    assert guide_version(guides, "es") == before
    change(guides)
    assert guide_version(guides, "es") != before


def test_the_english_guide_version_watches_one_file(guides):
    assert guide_version(guides, "en") == file_version(guides.guide_file)
    assert guide_version(guides, "ru") != guide_version(guides, "en")  # the Russian file may appear


@pytest.mark.parametrize(("language", "expected"), [
    ("es", True), ("pt_BR", True), ("zh-Hant", True), ("en", True),
    ("../es", False), ("", False), ("es/x", False), ("e", False), ("es.md", False), (None, False), (3, False),
])
def test_a_language_tag_is_never_a_path(language, expected):
    assert is_language_tag(language) is expected


def test_a_translated_guide_file_is_its_text_or_none(guides):
    assert guide_file_text(guides, "es") == "# Organiza un evento ¡ya!\n"
    assert guide_file_text(guides, "ru") is None  # not translated yet
    (guides.guide_file.with_name("guide.fr.md")).write_bytes(b"\xff\xfe not utf-8")
    assert guide_file_text(guides, "fr") is None


def test_a_guide_read_from_a_file_has_no_version_number(guides):
    assert load_guide(guides, "es").version is None
