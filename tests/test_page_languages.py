"""Every page in English and Spanish (AppTest): the language from the address, the switch, and what keeps it.

The expected Spanish comes from the real catalogue through a translator, and
each test also checks that it differs from the English, so a text left
untranslated (or shown in English) fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from page_support import all_text, organiser_app, sign_in
from speakout_map.escaping import escape_markdown
from speakout_map.events import export
from speakout_map.languages.translator import english, translator_for

APP = str(Path(__file__).resolve().parent.parent / "app.py")
GUIDE = "app_pages/guide.py"
ES = translator_for("es")
EN = english()

pytestmark = pytest.mark.usefixtures("isolated_cache")


def app(query: dict[str, str] | None = None, secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if secrets:
        at.secrets["speakout"] = secrets
    return at


def spanish(source: str, **params) -> str:
    text = ES(source, **params)
    assert text != EN(source, **params), f"{source!r} has no Spanish translation"
    return text


def test_the_map_page_in_spanish():
    at = app({"lang": "es"})
    at.run()
    assert not at.exception
    assert at.title[0].value == spanish("{campaign} — events worldwide", campaign="Speak Out For Russia")
    count = ES.plural("**{shown:,}** of {count:,} event shown", "**{shown:,}** of {count:,} events shown", 19,
                      shown=19)
    assert any(m.value == count for m in at.markdown), [m.value for m in at.markdown]
    countries = at.multiselect(key="countries")
    assert countries.label == spanish("Countries")
    assert "España" in countries.options and "Spain" not in countries.options
    assert countries.options == ["Argentina", "Bolivia", "Canadá", "España", "Estados Unidos", "Irlanda", "Italia",
                                 "México", "Paraguay", "Reino Unido", "Suecia"]
    assert at.date_input(key="dates").proto.format == "DD/MM/YYYY"
    table = at.dataframe[0].value
    assert list(table.columns) == [*export.table_columns(translator=ES), spanish("Calendar"), spanish("Calendar file"),
                                   spanish("Going")]
    assert "Going" not in table.columns and "Calendar" not in table.columns
    assert "España" in set(table[ES("Country")]) and "mar, 3 sept 2013" in set(table[ES("Date")])
    assert at.selectbox(key="language").value == "es"


def test_the_map_page_in_english_is_unchanged():
    at = app({"lang": "en"})
    at.run()
    assert not at.exception
    assert at.title[0].value == "Speak Out For Russia — events worldwide"
    assert at.multiselect(key="countries").label == "Countries"
    assert at.date_input(key="dates").proto.format == "YYYY-MM-DD"
    table = at.dataframe[0].value
    assert list(table.columns) == ["Date", "Time", "City", "Country", "Event", "Venue", "Status", "Link", "Calendar",
                                   "Calendar file", "Going"]
    assert "Spain" in set(table["Country"]) and "Tue 3 Sep 2013" in set(table["Date"])


def test_no_choice_and_no_browser_hint_is_english_and_keeps_the_address_clean():
    at = app()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Speak Out For Russia — events worldwide"
    assert "lang" not in at.query_params


def test_the_language_survives_filtering():
    at = app({"lang": "es"})
    at.run()
    at.multiselect(key="countries").set_value(["ES"]).run()
    assert not at.exception
    assert at.query_params["country"] == "ES"
    assert at.query_params["lang"] == "es"
    assert at.title[0].value == spanish("{campaign} — events worldwide", campaign="Speak Out For Russia")


def test_the_switch_changes_the_language_and_puts_it_in_the_address():
    at = app()
    at.run()
    at.selectbox(key="language").set_value("es").run()
    assert not at.exception
    assert at.query_params["lang"] == "es"
    assert at.title[0].value == spanish("{campaign} — events worldwide", campaign="Speak Out For Russia")
    at.selectbox(key="language").set_value("en").run()
    assert at.query_params["lang"] == "en"
    assert at.title[0].value == "Speak Out For Russia — events worldwide"


def test_the_language_survives_moving_to_another_page():
    at = app({"lang": "es"})
    at.run()
    at.switch_page(GUIDE)
    at.run()
    assert not at.exception
    assert at.query_params["lang"] == "es"
    assert at.selectbox(key="language").value == "es"
    assert any("horario de oficina del martes 3 de septiembre" in m.value for m in at.markdown)


@pytest.mark.parametrize("value", ["xx", "<b>fr</b>", "tlh"])
def test_a_language_we_do_not_have_is_ignored_with_a_notice(value):
    at = app({"lang": value})
    at.run()
    assert not at.exception
    (warning,) = at.warning
    assert "not available in the language" in warning.value and "<b>" not in warning.value
    assert "lang" not in at.query_params
    assert at.title[0].value == "Speak Out For Russia — events worldwide"


@pytest.mark.parametrize(
    ("language", "facts"),
    [
        ("en", ("permit", "after office hours", "Love Always Wins", "GLAAD")),
        ("es", ("permiso", "horario de oficina del martes 3 de septiembre", "Love Always Wins", "GLAAD")),
    ],
)
def test_the_guide_in_each_language(language, facts):
    at = app({"lang": language})
    at.run()
    at.switch_page(GUIDE)
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    for fact in facts:
        assert fact in text
    assert not at.info  # no fallback note: each has its own guide


def test_a_language_without_its_own_guide_gets_the_english_one_with_a_note(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("# Our own guide\n\nMeet at noon.", encoding="utf-8")
    at = app({"lang": "es"}, secrets={"guide_file": str(guide)})
    at.run()
    at.switch_page(GUIDE)
    at.run()
    assert not at.exception
    assert any("Meet at noon." in m.value for m in at.markdown)
    (note,) = at.info
    assert note.value == spanish("This guide is not written in {language} yet, so here it is in {shown}.",
                                 language="Español", shown="English")


def test_the_organisers_page_in_spanish(alice_hash, tmp_path):
    at = organiser_app(alice_hash)
    at.query_params["lang"] = "es"
    at.run()
    assert at.text_input(key="sign-in-name").label == spanish("Organiser name")
    sign_in(at)
    assert not at.exception
    assert at.title[0].value == spanish("Organisers")
    assert spanish("Signed in as **{organiser}**", organiser="alice") in all_text(at)
    at.get("file_uploader")[0].upload("bad.csv", b"city,country,date\nMadrid,Narnia,2013-09-03\n,ES,2013-09-03\n",
                                      "text/csv").run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert ES.plural("{count:,} problem to fix in {source}. Nothing is published until the file is clean; "
                     "the published map is unchanged.",
                     "{count:,} problems to fix in {source}. Nothing is published until the file is clean; "
                     "the published map is unchanged.", 2, source=escape_markdown("bad.csv")) in errors
    problems = next(d.value for d in at.dataframe if "fila" in d.value.columns)
    assert list(problems.columns) == [spanish("row"), spanish("column"), spanish("problem")]
    english_problems = {str(p) for p in problems[ES("problem")]}
    assert not any("is empty" in p or "not a country we recognise" in p for p in english_problems), english_problems


def test_notices_and_the_empty_map_in_spanish(tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("city,country,date\nMadrid,ES,2013-09-03\nDublin,IE,2013-09-20\n", encoding="utf-8")
    at = app({"lang": "es", "country": "Narnia", "from": "2013-09-04", "to": "2013-09-19"},
             secrets={"events_file": str(events)})
    at.run()
    assert not at.exception
    (warning,) = at.warning
    assert warning.value == escape_markdown(spanish("Ignored country {country!r} in the address: not a country we know.",
                                                    country="Narnia"))
    (info,) = at.info
    assert info.value == spanish("No events match these filters. Clear a filter, or host an event of your own.")
    assert [link.label for link in at.get("page_link")][-1] == spanish("How to host your own event")


def test_near_a_place_in_spanish():
    at = app({"lang": "es", "near": "Nueva York", "radius": "500"})
    at.run()
    assert not at.exception
    assert at.text_input(key="near").label == spanish("Near a town or city")
    assert at.selectbox(key="radius").label == spanish("Within")
    summary = ES.plural("**{count:,}** event within {radius} of {place}, nearest first",
                        "**{count:,}** events within {radius} of {place}, nearest first", 1,
                        radius="500 km", place="New York City, Estados Unidos")
    assert any(m.value == summary for m in at.markdown), [m.value for m in at.markdown]
    table = at.dataframe[0].value
    assert list(table[ES("City")]) == ["New York"]
    assert table[ES("Distance")][0] == "0 km"  # the seed places New York at the gazetteer's New York City
