"""Shared helpers of the events format's tests (test_cells.py, test_validation.py, test_decoding.py, test_reading.py,
test_upload_corpus.py, test_fuzz.py)."""

from __future__ import annotations

import functools


from speakout_map.events.model import ParseResult
from speakout_map.events.reading import parse_events_text
from speakout_map.languages.extraction import extract
from speakout_map.languages.message import Message
from speakout_map.settings import PROJECT_ROOT
from tests.i18n_support import fake_translator

HEADER = "city,country,date"


def parse_one(extra_header: str = "", extra_cells: str = "", base: str = "Madrid,Spain,2013-09-03"):
    header = HEADER + ("," + extra_header if extra_header else "")
    row = base + ("," + extra_cells if extra_header else "")
    return parse_events_text(f"{header}\n{row}\n")

def only_error(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# --- messages: literal sources, rendered in another language ---------------------------------


@functools.cache
def extracted_sources() -> frozenset[str]:
    """Every English source the catalogues' extraction finds (as ``make messages`` does): both forms of plurals."""
    sources: set[str] = set()
    for key in extract(PROJECT_ROOT):
        sources.update([key] if isinstance(key, str) else key)
    return frozenset(sources)


@functools.cache
def _untranslated():
    return fake_translator({}, language="es")


def check_message(message: Message) -> None:
    """A message a translator can translate: its sources (and its nested messages') are literals of the library's
    msg()/nmsg() calls, and it renders in another language (Spanish numbers, an empty catalogue) without error."""
    assert isinstance(message, Message), message
    assert message.source in extracted_sources(), f"not a literal msg()/nmsg() source: {message.source!r}"
    if message.plural is not None:
        assert message.plural in extracted_sources(), f"not a literal nmsg() plural: {message.plural!r}"
    for value in message.fields.values():
        if isinstance(value, Message):
            check_message(value)
    assert _untranslated().text(message).strip()


def check_problems(result: ParseResult) -> None:
    """Every error and warning of a result has a translatable Message (see check_message)."""
    for problem in (*result.errors, *result.warnings):
        check_message(problem.text)
