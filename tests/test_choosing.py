"""Choosing the visitor's language: the address, then Accept-Language, then the browser's locale, then English."""

from __future__ import annotations

import pytest

from speakout_map.languages.choosing import (
    ChosenBy,
    LanguageChoice,
    accept_language_preferences,
    choose_language,
    normalise_tag,
)

AVAILABLE = ("en", "es")


@pytest.mark.parametrize(
    ("requested", "accept", "locale", "expected"),
    [
        ("es", "en-GB,en;q=0.9", "en-GB", LanguageChoice("es", ChosenBy.ADDRESS)),
        ("en", "es-ES,es;q=0.9", "es-ES", LanguageChoice("en", ChosenBy.ADDRESS)),
        ("es-AR", None, None, LanguageChoice("es", ChosenBy.ADDRESS)),
        ("ES", None, None, LanguageChoice("es", ChosenBy.ADDRESS)),
        (None, "es-ES,es;q=0.9,en;q=0.8", "es-ES", LanguageChoice("es", ChosenBy.BROWSER)),
        (None, "fr-FR,fr;q=0.9,es;q=0.5", None, LanguageChoice("es", ChosenBy.BROWSER)),
        (None, "es;q=0.4,en;q=0.8", None, LanguageChoice("en", ChosenBy.BROWSER)),
        (None, "es-MX", None, LanguageChoice("es", ChosenBy.BROWSER)),
        (None, "de-DE,de;q=0.9", "es-419", LanguageChoice("es", ChosenBy.LOCALE)),
        (None, None, "es-419", LanguageChoice("es", ChosenBy.LOCALE)),
        (None, "de-DE", "de-DE", LanguageChoice("en", ChosenBy.DEFAULT)),
        (None, None, None, LanguageChoice("en", ChosenBy.DEFAULT)),
        ("xx", "es", None, LanguageChoice("es", ChosenBy.BROWSER, ignored="xx")),
        ("<script>", None, None, LanguageChoice("en", ChosenBy.DEFAULT, ignored="<script>")),
        ("ru", None, None, LanguageChoice("en", ChosenBy.DEFAULT, ignored="ru")),
        (None, "es;q=0,en", None, LanguageChoice("en", ChosenBy.BROWSER)),
    ],
)
def test_choose_language(requested, accept, locale, expected):
    assert choose_language(requested, accept, locale, AVAILABLE) == expected


def test_a_third_language_is_chosen_as_soon_as_it_is_available():
    assert choose_language(None, "ru-RU,ru;q=0.9", None, ("en", "es", "ru")) == LanguageChoice("ru", ChosenBy.BROWSER)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-ES,es;q=0.9,en;q=0.8", ["es_ES", "es", "en"]),
        ("en;q=0.5, es", ["es", "en"]),
        ("*", []),
        ("es;q=abc, en", ["en"]),
        ("es;q=2", []),
        ("", []),
        (None, []),
        ("x" * 5000, []),
        ("e\u0000s, en", ["en"]),
    ],
)
def test_accept_language_preferences(header, expected):
    assert accept_language_preferences(header) == expected


@pytest.mark.parametrize(("tag", "expected"), [("es-ES", "es_ES"), (" en ", "en"), ("a b", ""), ("", ""), ("é", "é")])
def test_normalise_tag(tag, expected):
    assert normalise_tag(tag) == expected
