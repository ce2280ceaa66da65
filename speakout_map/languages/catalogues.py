"""The message catalogues: which languages the app speaks, and each one's translations.

English is the source language: its texts are in the code. Every other
language is a gettext catalogue, ``locales/<language>/LC_MESSAGES/speakout.po``
in this package, compiled to ``speakout.mo`` by ``make`` (``pybabel
compile``). A language is available as soon as its ``.po`` file exists: adding
one is a file, not code. When the ``.mo`` is missing or older than its
``.po`` (a checkout without ``make``), the ``.po`` is compiled in memory, with
a warning in the log.

The loaded catalogues are read-only and shared by every session; each
session picks its own through a :class:`~speakout_map.languages.translator.Translator`.
"""

from __future__ import annotations

import functools
import gettext
import io
import logging
from importlib import resources
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

#: The language the texts are written in (in the code and in ``data/guide.md``).
SOURCE_LANGUAGE = "en"
#: The gettext domain: the catalogue files' name.
DOMAIN = "speakout"

log = logging.getLogger(__name__)


def catalogue_dir() -> Path:
    """The ``locales`` folder of this package."""
    return Path(str(resources.files("speakout_map.languages") / "locales"))


def po_path(language: str, root: Path | None = None) -> Path:
    return (root or catalogue_dir()) / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _is_language(name: str) -> bool:
    try:
        Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return False
    return True


@functools.lru_cache(maxsize=4)
def available_languages(root: Path | None = None) -> tuple[str, ...]:
    """The source language first, then every language with a catalogue, by code."""
    root = root or catalogue_dir()
    found = sorted(
        entry.name for entry in (root.iterdir() if root.is_dir() else ())
        if entry.name != SOURCE_LANGUAGE and po_path(entry.name, root).is_file() and _is_language(entry.name)
    )
    return (SOURCE_LANGUAGE, *found)


def _compiled_from_po(po: Path) -> Translations:
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@functools.lru_cache(maxsize=16)
def translations(language: str, root: Path | None = None) -> gettext.NullTranslations:
    """The compiled catalogue of ``language``; no translations (the source texts) for the source language."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    po = po_path(language, root)
    mo = po.with_suffix(".mo")
    if not po.is_file():
        raise LookupError(f"there is no catalogue for language {language!r}; add {po}")
    if mo.is_file() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    log.warning("%s is missing or older than its .po; compiled in memory (run make to compile it)", mo)
    return _compiled_from_po(po)
