"""Country names and codes: ISO data, localized names and aliases, never a fuzzy guess."""

from __future__ import annotations

import pytest

from speakout_map.places.countries import country_name, fold_name, resolve_country
from speakout_map.errors import UnknownCountryError
from tests.i18n_support import fake_translator


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ES", "ES"),
        ("es", "ES"),
        (" gb ", "GB"),
        ("ESP", "ES"),
        ("Spain", "ES"),
        ("España", "ES"),
        ("espana", "ES"),
        ("ESPAÑA", "ES"),
        ("México", "MX"),
        ("Mexico", "MX"),
        ("Deutschland", "DE"),
        ("Sverige", "SE"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("United Kingdom", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("Wales", "GB"),
        ("Northern Ireland", "GB"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("Estados Unidos", "US"),
        ("Argentina", "AR"),
        ("Bolivia", "BO"),
        ("Paraguay", "PY"),
        ("Ireland", "IE"),
        ("Éire", "IE"),
        ("Italia", "IT"),
        ("Canada", "CA"),
        ("Russia", "RU"),
        ("Россия", "RU"),
        ("Russian Federation", "RU"),
        ("Países Bajos", "NL"),
    ],
)
def test_known_names(text, code):
    assert resolve_country(text) == code


@pytest.mark.parametrize(
    "text",
    ["Kosovo", "kosovo", " KOSOVO ", "Kósovo", "XK", "xk", " Xk ", "XKX", "xkx", "Kosova", "Косово"],
)
def test_kosovo_is_a_country(text):
    assert resolve_country(text) == "XK"


@pytest.mark.parametrize("text", ["XKK", "KX", "Kosov", "Kosovo Polje"])
def test_near_misses_of_kosovo_are_not_countries(text):
    with pytest.raises(UnknownCountryError):
        resolve_country(text)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Narnia", "XX", "Spai", "Engl", "Korea", "Europe", "Zz", "123", "<script>"],
)
def test_unknown_or_ambiguous_names_are_errors(text):
    with pytest.raises(UnknownCountryError) as info:
        resolve_country(text)
    assert "two-letter ISO code" in str(info.value)


@pytest.mark.parametrize(
    ("code", "name"),
    [("GB", "United Kingdom"), ("US", "United States"), ("MX", "Mexico"), ("ES", "Spain"), ("ZZ", "ZZ"), ("XK", "Kosovo")],
)
def test_country_name(code, name):
    assert country_name(code) == name


@pytest.mark.parametrize(
    ("a", "b"),
    [("Ésp-aña", "esp ana"), ("  U.K. ", "uk"), ("Côte d’Ivoire", "cote divoire")],
)
def test_fold_name(a, b):
    assert fold_name(a) == b


UNKNOWN = ("{written!r} is not a country we recognise; write its English name (e.g. Spain) or its two-letter ISO "
           "code (e.g. ES)")


@pytest.mark.parametrize(("text", "spanish"), [
    ("Narnia", "'Narnia' no es un país que conozcamos; escriba su nombre o su código ISO de dos letras"),
    ("XX", "'XX' no es un país que conozcamos; escriba su nombre o su código ISO de dos letras"),
    ("{0}", "'{0}' no es un país que conozcamos; escriba su nombre o su código ISO de dos letras"),
])
def test_an_unknown_country_is_told_in_the_readers_language_quoting_what_was_written(text, spanish):
    translator = fake_translator({UNKNOWN: "{written!r} no es un país que conozcamos; escriba su nombre o su código "
                                           "ISO de dos letras"})
    with pytest.raises(UnknownCountryError) as info:
        resolve_country(text)
    assert info.value.written == text
    assert translator.text(info.value.text) == spanish
    assert str(info.value).startswith(f"{text!r} is not a country we recognise")


def test_country_codes_are_every_code_the_upload_resolves():
    from speakout_map.places.countries import country_codes, resolve_country

    codes = country_codes()
    assert len(codes) == len(set(codes)) > 240 and list(codes) == sorted(codes)
    assert {"ES", "RU", "XK"} <= set(codes)
    assert all(resolve_country(code) == code for code in codes)


def _fold_the_long_way(text: str) -> str:
    import re
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = re.sub(r"[.\u2019'`]", "", stripped)
    return re.sub(r"[\s\-_,()]+", " ", stripped).strip()


@pytest.mark.parametrize("text", [
    "Spain", "  U.S.A. ", "Côte d'Ivoire", "São Tomé and Príncipe", "KOREA (SOUTH)", "Bosnia-Herzegovina",
    "Straße", "ÅLAND", "it's", "a__b--c", "\tTab\nNew line", "", "   ", "ﬁji", "İstanbul", "Mexico D.F.",
])
def test_fold_name_is_the_same_for_ascii_text_taken_the_short_way(text):
    assert fold_name(text) == _fold_the_long_way(text)


def test_the_data_is_read_from_the_built_file_only_while_it_is_current(tmp_path, monkeypatch, caplog):
    """make install builds country_names.json; a missing, broken or stale one is built again in the process."""
    from speakout_map.places import countries
    from speakout_map.places.country_data import build_country_data, country_data_text

    built = build_country_data()
    assert built["stamp"] == countries.data_stamp()
    stored = tmp_path / "country_names.json"
    monkeypatch.setattr(countries, "_DATA_FILE", stored)
    marked = {**built, "english": {**built["english"], "ES": "Marked as read from the file"}}
    cases = [(country_data_text(marked), "Marked as read from the file"),
             (country_data_text({**marked, "stamp": {**built["stamp"], "babel": "0.0"}}), "Spain"),
             ("{not json", "Spain"), (None, "Spain")]
    for text, spain in cases:
        if text is None:
            stored.unlink()
        else:
            stored.write_text(text, encoding="utf-8")
        countries._data.cache_clear()
        caplog.clear()
        assert countries._data()["english"]["ES"] == spain
        assert ("make install builds the file again" in caplog.text) is (spain == "Spain")  # the operator is told
    countries._data.cache_clear()


def test_the_stamp_follows_the_packages_and_the_code(monkeypatch):
    from speakout_map.places import countries

    now = countries.data_stamp()
    monkeypatch.setattr(countries.metadata, "version", lambda name: "99.0")
    assert countries.data_stamp() == {**now, "pycountry": "99.0", "babel": "99.0"}


def test_every_iso_code_and_english_name_resolves_as_the_packages_say():
    import pycountry
    from babel import Locale

    english = Locale("en").territories
    for country in pycountry.countries:
        assert resolve_country(country.alpha_3) == resolve_country(country.alpha_2.lower()) == country.alpha_2
        assert country_name(country.alpha_2) == (english.get(country.alpha_2) or country.name)
    assert resolve_country("XKX") == "XK" and country_name("XK") == english["XK"]


def test_make_built_the_current_file():
    """make test builds country_names.json before the tests: the app reads it, not the slow fallback."""
    import json

    from speakout_map.places import countries

    stored = json.loads(countries._DATA_FILE.read_text(encoding="utf-8"))
    assert stored["stamp"] == countries.data_stamp(), "run make (or python scripts/country_names.py)"
