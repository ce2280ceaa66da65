"""The quality gate of the catalogues: every text in the code translated, with the same fields, in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from speakout_map.languages.catalogues import DOMAIN, available_languages, catalogue_dir, po_path
from speakout_map.languages.extraction import KEYWORDS, catalogue_problems, extract, fields, pybabel_keywords

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [language for language in available_languages() if language != "en"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_of_the_app_is_translated_with_the_same_fields(language):
    problems = catalogue_problems(language, ROOT)
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} in all)"


def test_the_template_lists_every_text_of_the_code():
    with (catalogue_dir() / f"{DOMAIN}.pot").open("rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert committed == set(extract(ROOT)), "run make messages: speakout.pot is not up to date with the code"


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_language_has_its_own_guide(language):
    assert (ROOT / "data" / f"guide.{language}.md").is_file()


def test_extraction_finds_the_library_and_page_texts():
    found = extract(ROOT)
    assert "Countries" in found  # a page label: t("Countries")
    assert "Speak out in {city}" in found  # a library message: msg(...)
    assert any(isinstance(key, tuple) for key in found)  # plurals: nmsg / t.plural
    assert all(text.locations for text in found.values())


# --- the gate fails on a bad catalogue ----------------------------------------------------------------------

CODE = '''
from speakout_map.languages.message import msg, nmsg

def page(t):
    t("Countries")
    # Translators: {column} is a column of the events file.
    msg("{column} is empty", column="city")
    nmsg("{count:,} event", "{count:,} events", 3)
    t.plural("{count} problem in {source}", "{count} problems in {source}", 2, source="x.csv")
'''

GOOD = {
    "Countries": "Países",
    "{column} is empty": "{column} está vacía",
    ("{count:,} event", "{count:,} events"): ("{count:,} evento", "{count:,} eventos"),
    ("{count} problem in {source}", "{count} problems in {source}"): ("un problema en {source}", "{count} problemas en {source}"),
}


def project_with(tmp_path: Path, entries: dict, *, fuzzy: tuple = ()) -> Path:
    (tmp_path / "app.py").write_text(CODE)
    catalog = Catalog(locale="es", domain=DOMAIN)
    for key, value in entries.items():
        catalog.add(key, value, flags=("fuzzy",) if key in fuzzy else ())
    po = po_path("es", tmp_path / "locales")
    po.parent.mkdir(parents=True)
    with po.open("wb") as handle:
        write_po(handle, catalog)
    return tmp_path


def test_a_complete_catalogue_passes(tmp_path):
    root = project_with(tmp_path, GOOD)
    assert catalogue_problems("es", root, root / "locales") == []
    assert extract(root)["{column} is empty"].comments == ("{column} is a column of the events file.",)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"Countries": None}, "no es translation of 'Countries'"),
        ({"Countries": ""}, "no es translation of 'Countries'"),
        ({"{column} is empty": "{columna} está vacía"}, "has fields ('columna',)"),
        ({"{column} is empty": "{column!r} está vacía"}, "has fields ('column!r',)"),
        ({"{column} is empty": "{column está vacía"}, "not a valid format string"),
        ({("{count:,} event", "{count:,} events"): ("{count:,} evento", "")}, "no es translation"),
        ({("{count:,} event", "{count:,} events"): ("{count:,} evento", "{count} eventos")}, "has fields ('count',)"),
        ({("{count} problem in {source}", "{count} problems in {source}"): ("un problema", "{count} problemas")},
         "has fields ()"),
    ],
)
def test_the_gate_fails_on_a_missing_or_mismatched_translation(tmp_path, change, needle):
    entries = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    root = project_with(tmp_path, entries)
    problems = catalogue_problems("es", root, root / "locales")
    assert any(needle in p for p in problems), problems
    assert all(p.startswith("app.py:") for p in problems)


def test_the_gate_fails_on_a_fuzzy_translation(tmp_path):
    root = project_with(tmp_path, GOOD, fuzzy=("Countries",))
    assert any("marked fuzzy" in p for p in catalogue_problems("es", root, root / "locales"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{column} is empty", ("column",)),
        ("{count:,} of {total:,}", ("count:,", "total:,")),
        ("{text!r} twice {text!r}", ("text!r",)),
        ("braces {{like this}}", ()),
        ("nothing", ()),
    ],
)
def test_fields(text, expected):
    assert fields(text) == expected


def test_pybabel_gets_the_same_marking_names():
    assert pybabel_keywords() == "--no-default-keywords -k msg -k nmsg:1,2 -k t -k plural:1,2"
    assert KEYWORDS == {"msg": None, "nmsg": (1, 2), "t": None, "plural": (1, 2)}
