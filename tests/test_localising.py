"""Data in the reader's language: country names and their order, dates, the date picker's format."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.languages.localising import (
    country_name,
    date_picker_format,
    format_date,
    language_name,
    sort_key,
    sorted_countries,
)

TUESDAY = dt.date(2013, 9, 3)


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("ES", "es", "España"),
        ("GB", "es", "Reino Unido"),
        ("US", "es", "Estados Unidos"),
        ("MX", "es", "México"),
        ("XK", "es", "Kosovo"),
        ("gb", "es", "Reino Unido"),
        ("GB", "en", "United Kingdom"),
        ("XK", "en", "Kosovo"),
        ("GB", "ru", "Великобритания"),
    ],
)
def test_country_names_in_the_readers_language(code, language, name):
    assert country_name(code, language) == name


def test_countries_sort_in_the_readers_language():
    seed = ["AR", "BO", "DE", "ES", "FR", "GB", "MX", "PY", "US", "RU", "IE"]
    assert [country_name(c, "es") for c in sorted_countries(seed, "es")] == [
        "Alemania", "Argentina", "Bolivia", "España", "Estados Unidos", "Francia", "Irlanda", "México",
        "Paraguay", "Reino Unido", "Rusia",
    ]
    assert sorted_countries(["GB", "ES", "DE"], "en") == ["DE", "ES", "GB"]  # Germany, Spain, United Kingdom


@pytest.mark.parametrize(
    "names",
    [
        ["Dinamarca", "Egipto", "Éire", "Francia"],
        ["Oman", "Österreich", "Panamá"],
        ["méxico", "Mónaco", "nepal"],
        ["Åland", "Bélgica"],
    ],
)
def test_accents_and_case_do_not_push_a_name_out_of_its_letter(names):
    assert sorted(reversed(names), key=sort_key) == names


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Tue 3 Sep 2013"), ("es", "mar, 3 sept 2013"), ("fr", "mar. 3 sept. 2013"), ("ru", "вт, 3 сент. 2013\u202fг.")],
)
def test_dates_in_the_readers_language(language, text):
    assert format_date(TUESDAY, language) == text


@pytest.mark.parametrize(
    ("language", "picker"),
    [("en", "YYYY-MM-DD"), ("es", "DD/MM/YYYY"), ("de", "DD.MM.YYYY"), ("ja", "YYYY/MM/DD"), ("en_US", "MM/DD/YYYY")],
)
def test_the_date_pickers_format_follows_the_languages_short_date(language, picker):
    assert date_picker_format(language) == picker


@pytest.mark.parametrize(("language", "name"), [("en", "English"), ("es", "Español"), ("ru", "Русский")])
def test_languages_are_named_in_themselves(language, name):
    assert language_name(language) == name
