"""Which language a visitor gets: the address's ``?lang=``, then the browser's preferences, then English.

Pure: the page edge passes what it knows (the query's ``lang``, the
``Accept-Language`` header, the browser's locale) and gets a
:class:`LanguageChoice` back.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError, negotiate_locale

from speakout_map.languages.catalogues import SOURCE_LANGUAGE

#: The URL query parameter that carries a language choice.
LANG_PARAMETER = "lang"
#: Longest header or tag considered (longer ones are ignored, not parsed).
MAX_HEADER_CHARS = 1000
MAX_PREFERENCES = 32


class ChosenBy(str, enum.Enum):
    """Where the language came from."""

    ADDRESS = "address"
    BROWSER = "browser"
    LOCALE = "locale"
    DEFAULT = "default"


@dataclass(frozen=True)
class LanguageChoice:
    """The language to speak, why, and the ``lang`` value of the address if it named none we have."""

    language: str
    chosen_by: ChosenBy
    ignored: str | None = None


def normalise_tag(tag: str) -> str:
    """``es-ES`` → ``es_ES``; ``""`` for what is not a language tag at all."""
    tag = tag.strip().replace("-", "_")
    if not tag or len(tag) > 35 or not all(ch.isalnum() or ch == "_" for ch in tag):
        return ""
    return tag


def accept_language_preferences(header: str | None) -> list[str]:
    """The tags of an ``Accept-Language`` header, most preferred first (``q=0`` and ``*`` left out)."""
    if not header or len(header) > MAX_HEADER_CHARS:
        return []
    weighted = []
    for position, part in enumerate(header.split(",")[:MAX_PREFERENCES]):
        tag, _, params = part.partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        tag = normalise_tag(tag)
        if tag and tag != "*" and 0 < quality <= 1:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def best_language(preferred: Sequence[str], available: Sequence[str]) -> str | None:
    """The first available language matching one of ``preferred`` (``es_AR`` matches ``es``)."""
    for tag in preferred:
        found = negotiate_locale([tag], list(available), sep="_")
        if found is None:
            try:
                found = negotiate_locale([Locale.parse(tag).language], list(available), sep="_")
            except (ValueError, UnknownLocaleError):
                found = None
        # negotiate_locale ignores case and answers in the preferred tag's: answer with the available one
        match = next((language for language in available if found and language.lower() == found.lower()), None)
        if match is not None:
            return match
    return None


def choose_language(
    requested: str | None,
    accept_language: str | None,
    browser_locale: str | None,
    available: Sequence[str],
) -> LanguageChoice:
    """The visitor's language: ``requested`` (from ``?lang=``) if available, else negotiated, else English."""
    ignored = None
    if requested:
        tag = normalise_tag(requested[:40])
        if tag in available:
            return LanguageChoice(tag, ChosenBy.ADDRESS)
        found = best_language([tag], available) if tag else None
        if found is not None:
            return LanguageChoice(found, ChosenBy.ADDRESS)
        ignored = requested[:40]
    found = best_language(accept_language_preferences(accept_language), available)
    if found is not None:
        return LanguageChoice(found, ChosenBy.BROWSER, ignored)
    tag = normalise_tag(browser_locale or "")
    found = best_language([tag], available) if tag else None
    if found is not None:
        return LanguageChoice(found, ChosenBy.LOCALE, ignored)
    return LanguageChoice(SOURCE_LANGUAGE, ChosenBy.DEFAULT, ignored)
