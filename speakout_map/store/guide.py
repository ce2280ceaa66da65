"""The host-your-own-event guide's files in each language, and a version token for caching files.

The guide the site shows is kept in the store, a version per publish
(:mod:`speakout_map.store.guide_versions`); the files here seed a language's
version 1 the first time it is asked for, and stand in when the store cannot
be read. The English file, the source, is the ``guide_file`` setting
(``SPEAKOUT_GUIDE_FILE``, by default ``data/guide.md``); another language's
sits beside it with the language before the suffix (``data/guide.es.md``).
A language without its own file gets the English guide
(:attr:`Guide.language` then says ``"en"``, so the page can say so).
:func:`file_version` and :func:`guide_version` let the page cache a guide
until its files change.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from speakout_map.errors import EventFileError
from speakout_map.languages.catalogues import SOURCE_LANGUAGE
from speakout_map.languages.message import msg
from speakout_map.settings import Settings

log = logging.getLogger(__name__)

#: What a language tag in a guide's file name may look like (``es``, ``pt_BR``, ``zh-Hant``): no path parts.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Guide:
    """The guide's Markdown, and the language it is written in."""

    markdown: str
    #: The language of ``markdown``: the one asked for, or the source language where that has no guide.
    language: str
    #: Its version number in the store; None when it was read from a file.
    version: int | None = None


def is_language_tag(language: str) -> bool:
    """Whether ``language`` looks like a language tag (``es``, ``pt_BR``, ``zh-Hant``): never a path."""
    return isinstance(language, str) and _LANGUAGE_TAG.fullmatch(language) is not None


def file_version(path: Path) -> str:
    """A token that changes whenever the file changes (for caches)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{stat.st_mtime_ns}:{stat.st_size}"


def guide_path(settings: Settings, language: str) -> Path:
    """Where the guide in ``language`` is: the ``guide_file`` for English, ``<stem>.<language><suffix>`` beside it."""
    english = Path(settings.guide_file)
    if language == SOURCE_LANGUAGE:
        return english
    if not is_language_tag(language):
        raise ValueError(f"{language!r} is not a language tag (such as es or pt_BR)")
    return english.with_name(f"{english.stem}.{language}{english.suffix}")


def guide_version(settings: Settings, language: str) -> str:
    """A token that changes whenever the guide :func:`load_guide` gives for ``language`` may change (for caches)."""
    paths = dict.fromkeys((guide_path(settings, language), guide_path(settings, SOURCE_LANGUAGE)))
    return "|".join(file_version(path) for path in paths)


def guide_file_text(settings: Settings, language: str) -> str | None:
    """The guide file of ``language`` (not English): its text, or None where it has none or it cannot be read."""
    path = guide_path(settings, language)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None  # not translated yet
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("the %s guide %s could not be read (%s); showing the English one", language, path, exc)
        return None


def load_guide(settings: Settings, language: str) -> Guide:
    """The host-your-own-event guide file in ``language``, else in English.

    Raises EventFileError if the English guide is needed and cannot be read.
    """
    if language != SOURCE_LANGUAGE:
        text = guide_file_text(settings, language)
        if text is not None:
            return Guide(text, language)
    path = guide_path(settings, SOURCE_LANGUAGE)
    try:
        return Guide(path.read_text(encoding="utf-8"), SOURCE_LANGUAGE)
    except OSError as exc:
        raise EventFileError(
            # Translators: {path} is the guide's file name; {reason} the system's reason, in English.
            msg("the guide file {path} could not be read ({reason}); set SPEAKOUT_GUIDE_FILE",
                path=str(path), reason=exc.strerror or type(exc).__name__)
        ) from None
