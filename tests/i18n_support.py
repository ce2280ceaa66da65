"""Translators for tests: a catalogue made of a dict, so rendering is tested without the real catalogues."""

from __future__ import annotations

import gettext

from speakout_map.languages.translator import Translator


class DictCatalogue(gettext.NullTranslations):
    """A gettext catalogue from ``{source: translation}``; plurals as ``{(singular, 0 or 1): form}``."""

    def __init__(self, entries: dict) -> None:
        super().__init__()
        self.entries = entries

    def gettext(self, message: str) -> str:
        return self.entries.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        form = 0 if n == 1 else 1
        return self.entries.get((singular, form), singular if n == 1 else plural)


def fake_translator(entries: dict, language: str = "es") -> Translator:
    """A translator for ``language`` (its country names and dates are Babel's) with these translations."""
    return Translator(language, DictCatalogue(entries))
