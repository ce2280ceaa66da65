"""The session's translator: catalogue lookups, fields filled the reader's way, and safe fallbacks."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from i18n_support import fake_translator
from speakout_map.languages.message import CountryName, msg, nmsg
from speakout_map.languages.translator import english, translator_for

SPANISH = {
    "Countries": "Países",
    "{city!r} could not be found in {country}": "No se encontró {city!r} en {country}",
    "{refused}: {reason}": "{refused}: {reason}",
    "Not published": "No publicado",
    "the file has no events": "el archivo no tiene eventos",
    ("{count:,} event", 0): "{count:,} evento",
    ("{count:,} event", 1): "{count:,} eventos",
    "Version {number}": "Versión {number.__class__}",  # a broken (hostile) translation
    "{total} left": "quedan {totl}",  # a misspelt field
}


@pytest.fixture
def es():
    return fake_translator(SPANISH, language="es")


@pytest.mark.parametrize(
    ("message", "spanish"),
    [
        (msg("Countries"), "Países"),
        (msg("{city!r} could not be found in {country}", city="Qwertyville", country=CountryName("GB")),
         "No se encontró 'Qwertyville' en Reino Unido"),
        (msg("{refused}: {reason}", refused=msg("Not published"), reason=msg("the file has no events")),
         "No publicado: el archivo no tiene eventos"),
        (nmsg("{count:,} event", "{count:,} events", 1), "1 evento"),
        (nmsg("{count:,} event", "{count:,} events", 20000), "20.000 eventos"),
        (msg("not in the catalogue, {n:,}", n=1234567), "not in the catalogue, 1.234.567"),
        ("a plain string", "a plain string"),
    ],
)
def test_messages_render_in_the_readers_language(es, message, spanish):
    assert es.text(message) == spanish


@pytest.mark.parametrize(
    ("source", "params", "english_fallback"),
    [
        ("Version {number}", {"number": 3}, "Version 3"),
        ("{total} left", {"total": 4}, "4 left"),
    ],
)
def test_a_broken_translation_falls_back_to_the_english_and_is_logged(es, caplog, source, params, english_fallback):
    with caplog.at_level(logging.ERROR):
        assert es(source, **params) == english_fallback
    assert "cannot be filled in" in caplog.text


def test_a_broken_source_is_a_bug_and_raises():
    with pytest.raises(KeyError):
        english()("{missing} field")


def test_labels_and_plurals_from_the_pages(es):
    assert es("Countries") == "Países"
    assert es.plural("{count:,} event", "{count:,} events", 3) == "3 eventos"
    assert english().plural("{count:,} event", "{count:,} events", 1) == "1 event"


def test_data_in_the_readers_language(es):
    assert es.country("ES") == "España"
    assert es.countries(["GB", "ES", "DE"]) == ["DE", "ES", "GB"]  # Alemania, España, Reino Unido
    assert es.date(dt.date(2013, 9, 3)) == "mar, 3 sept 2013"
    assert es.date_picker_format == "DD/MM/YYYY"
    assert english().country("GB") == "United Kingdom"
    assert english().date(dt.date(2013, 9, 3)) == "Tue 3 Sep 2013"
    assert english().date_picker_format == "YYYY-MM-DD"


def test_translators_exist_for_the_available_languages_only():
    assert translator_for("en") is english()
    assert translator_for("es").language == "es"
    with pytest.raises(LookupError):
        translator_for("xx")
