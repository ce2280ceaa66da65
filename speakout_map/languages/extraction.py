"""Finding the texts to translate in the code, and checking a catalogue against them.

The library marks texts with ``msg``/``nmsg``; the pages and ``app.py`` with
the session's translator, ``t("...")`` and ``t.plural(...)``. Those names are
:data:`KEYWORDS`, in one place: ``make messages`` gives them to ``pybabel
extract`` (:func:`pybabel_keywords`), which writes the template
``speakout.pot`` that ``pybabel update`` merges into every ``.po``.
:func:`extract` collects the same texts with Babel's extractor, and
:func:`catalogue_problems` says what a language's catalogue lacks: the quality
gate that the tests run for every language.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from speakout_map.languages.catalogues import DOMAIN, po_path

#: The marking names and which arguments hold the texts (babel's keyword spec).
KEYWORDS: dict[str, tuple[int, ...] | None] = {"msg": None, "nmsg": (1, 2), "t": None, "plural": (1, 2)}
#: Comments above a marked text that reach the translators.
COMMENT_TAG = "Translators:"
#: Where, from the project's root, the texts are.
SOURCES: tuple[str, ...] = ("speakout_map", "app_pages", "app.py")


@dataclass(frozen=True)
class SourceText:
    """One text to translate: its English (and plural) source, and where it is used."""

    singular: str
    plural: str | None
    locations: tuple[tuple[str, int], ...]
    comments: tuple[str, ...]


def _python_files(root: Path) -> Iterator[Path]:
    for source in SOURCES:
        path = root / source
        yield from sorted(path.rglob("*.py")) if path.is_dir() else ([path] if path.is_file() else [])


def extract(root: Path) -> dict[str | tuple[str, str], SourceText]:
    """Every marked text under ``root``, keyed by its singular (or (singular, plural)) source."""
    found: dict[str | tuple[str, str], SourceText] = {}
    for path in _python_files(root):
        relative = path.relative_to(root).as_posix()
        for lineno, message, comments, _context in extract_from_file(
            "python", path, keywords=KEYWORDS, comment_tags=(COMMENT_TAG,), strip_comment_tags=True
        ):
            if isinstance(message, tuple):
                if len(message) != 2 or not all(message):
                    continue
                key: str | tuple[str, str] = (message[0], message[1])
                singular, plural = message
            else:
                if not message:
                    continue
                key, singular, plural = message, message, None
            earlier = found.get(key)
            locations = (earlier.locations if earlier else ()) + ((relative, lineno),)
            notes = tuple(dict.fromkeys((earlier.comments if earlier else ()) + tuple(comments)))
            found[key] = SourceText(singular, plural, locations, notes)
    return found


def pybabel_keywords() -> str:
    """The marking names as ``pybabel extract`` options: ``--no-default-keywords -k msg -k nmsg:1,2 ...``."""
    options = ["--no-default-keywords"]
    for name, spec in KEYWORDS.items():
        options.append(f"-k {name}" + (":" + ",".join(map(str, spec)) if spec else ""))
    return " ".join(options)


def fields(text: str) -> tuple[str, ...]:
    """A format string's fields with their conversion and spec, sorted: ``("count:,", "text!r")``."""
    found = []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            found.append(name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else ""))
    return tuple(sorted(set(found)))


def catalogue_problems(language: str, root: Path, catalogues: Path | None = None) -> list[str]:
    """What ``language``'s catalogue lacks for the texts under ``root``: one line per missing or wrong entry."""
    path = po_path(language, catalogues)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    forms = catalog.num_plurals
    problems = []
    for key, text in extract(root).items():
        where = f"{text.locations[0][0]}:{text.locations[0][1]}"
        entry = catalog.get(key)
        if entry is None or not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            problems.append(f"{where}: no {language} translation of {text.singular!r} (run make messages, then "
                            f"translate it in {path.name})")
            continue
        if entry.fuzzy:
            problems.append(f"{where}: the {language} translation of {text.singular!r} is marked fuzzy; check it")
        translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if text.plural is not None and len(translations) != forms:
            problems.append(f"{where}: {text.singular!r} needs {forms} plural forms in {language}")
        for translation in translations:
            try:
                got = fields(translation)
            except ValueError as exc:
                problems.append(f"{where}: the {language} translation of {text.singular!r} is not a valid "
                                f"format string ({exc}); write braces as {{{{ and }}}}")
                continue
            expected = set(fields(text.singular)) | set(fields(text.plural or text.singular))
            if text.plural is not None:  # a language's form for one may say "one" in words, not {count}
                expected_any = expected - {f for f in expected if f.split("!")[0].split(":")[0] == "count"}
                if not set(got) >= expected_any or not set(got) <= expected:
                    problems.append(f"{where}: the {language} translation {translation!r} has fields {got}, "
                                    f"the source {sorted(expected)}")
            elif set(got) != expected:
                problems.append(f"{where}: the {language} translation {translation!r} has fields {got}, "
                                f"the source {sorted(expected)}")
    return problems
