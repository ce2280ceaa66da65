"""One reader's translator: their language's catalogue, and their forms of numbers, dates and countries.

Each session makes its own (:func:`translator_for`) and hands it to what it
shows; there is no process-wide ``_``. A translator is immutable and cheap:
the catalogues behind it are loaded once and shared read-only.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import logging
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_decimal

from speakout_map.languages import localising
from speakout_map.languages.catalogues import SOURCE_LANGUAGE, available_languages, translations
from speakout_map.languages.message import CountryName, Message, Text, Value

log = logging.getLogger(__name__)


class _Formatter(string.Formatter):
    """``str.format`` whose ``{n:,}`` groups digits the reader's way (``20,000``, ``20.000``)."""

    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "," and isinstance(value, int) and not isinstance(value, bool):
            return format_decimal(value, locale=localising.locale_of(self.language))
        return super().format_field(value, format_spec)

    def get_field(self, field_name: str, args, kwargs):
        if not field_name.isidentifier():  # no attribute or index lookups, even from a catalogue
            raise KeyError(field_name)
        return super().get_field(field_name, args, kwargs)


@functools.lru_cache(maxsize=4096)
def _plain(template: str) -> bool:
    """Whether ``str.format_map`` fills ``template`` as :class:`_Formatter` would: plain named fields, no ``{n:,}``."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return False  # let the formatter raise it, in the caller's error handling
    return all(name is None or (name.isidentifier() and spec != ",") for _, name, spec, _ in parsed)


@dataclass(frozen=True)
class Translator:
    """Renders messages, labels, country names and dates in one language."""

    language: str
    catalogue: gettext.NullTranslations = field(repr=False, compare=False)

    # --- labels of the pages (extracted by the names ``t`` and ``plural``) ---

    def __call__(self, source: str, /, **params: Value) -> str:
        """``t("Countries")``, ``t("Version {number}", number=3)``: a label in this language."""
        return self._fill(self.catalogue.gettext(source), source, params)

    def plural(self, singular: str, plural: str, count: int, /, **params: Value) -> str:
        """The form of ``singular``/``plural`` this language uses for ``count`` (also its ``{count}``)."""
        template = self.catalogue.ngettext(singular, plural, count)
        return self._fill(template, singular if count == 1 else plural, {**params, "count": count})

    def text(self, message: Text) -> str:
        """A library :class:`Message` in this language (plain strings are shown as they are)."""
        if not isinstance(message, Message):
            return str(message)
        if message.plural is None:
            return self(message.source, **dict(message.params))
        return self.plural(message.source, message.plural, message.count, **dict(message.params))

    # --- data in this language ---

    def country(self, code: str) -> str:
        return localising.country_name(code, self.language)

    def countries(self, codes: Iterable[str]) -> list[str]:
        """``codes`` sorted by their names in this language."""
        return localising.sorted_countries(codes, self.language)

    def date(self, day: dt.date) -> str:
        return localising.format_date(day, self.language)

    @property
    def date_picker_format(self) -> str:
        return localising.date_picker_format(self.language)

    # --- filling in ---

    def _value(self, value: Value) -> Any:
        if isinstance(value, Message):
            return self.text(value)
        if isinstance(value, CountryName):
            return self.country(value.code)
        return value

    def _fill(self, template: str, source: str, params: Mapping[str, Value]) -> str:
        values = {name: self._value(value) for name, value in params.items()}
        try:
            if _plain(template):  # the common case, filled by str.format_map (a map draws thousands)
                return template.format_map(values)
            return _Formatter(self.language).vformat(template, (), values)
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            if template == source:
                raise
            log.error("the %s translation of %r cannot be filled in (%s); showing the English", self.language,
                      source, exc)
            return _Formatter(SOURCE_LANGUAGE).vformat(source, (), values)


@functools.lru_cache(maxsize=16)
def translator_for(language: str) -> Translator:
    """The translator of an available language (a ``LookupError`` for any other)."""
    if language not in available_languages():
        raise LookupError(f"{language!r} is not one of the app's languages {available_languages()}")
    return Translator(language, translations(language))


def english() -> Translator:
    """The source language's translator: the texts as written (the CLI and the logs use it)."""
    return translator_for(SOURCE_LANGUAGE)
