"""Text for people, kept in its source language (English) until someone reads it.

The library never translates: it builds a :class:`Message` (with
:func:`msg` or :func:`nmsg`) and the page edge renders it with the reader's
own :class:`~speakout_map.languages.translator.Translator`. So one process
can serve a Spanish and an English session at once, and the CLI and the logs
get English from ``str(message)``.

Sources are ``str.format`` templates with named fields: ``{column}``,
``{count:,}`` (a number grouped the reader's way), ``{text!r}`` (quoted as
Python would, showing invisible characters). Field values are text, numbers,
other messages, or a :class:`CountryName` (named in the reader's language).

``pybabel extract`` finds the sources by the names ``msg`` and ``nmsg``
(see ``babel.cfg`` and the Makefile's ``messages`` target).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class CountryName:
    """A country, to be named in the reader's language (an ISO 3166-1 alpha-2 code, or XK)."""

    code: str


#: What a message's fields may hold.
Value = Union[str, int, float, "Message", CountryName, None]


@dataclass(frozen=True)
class Message:
    """A sentence to show someone: its English source, its fields, and for plurals the count that picks the form."""

    source: str
    params: tuple[tuple[str, Value], ...] = ()
    plural: str | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.source, str) or not self.source:
            raise TypeError("a message needs its English source text")
        if (self.plural is None) != (self.count is None):
            raise TypeError("a plural message needs both its plural source and its count")

    @property
    def fields(self) -> dict[str, Value]:
        values = dict(self.params)
        if self.count is not None:
            values["count"] = self.count
        return values

    def with_fields(self, **params: Value) -> Message:
        """The same message with more fields filled in (e.g. a number known only after publishing)."""
        return Message(self.source, self.params + tuple(params.items()), self.plural, self.count)

    def __str__(self) -> str:
        from speakout_map.languages.translator import english  # the translator imports this module

        return english().text(self)


def msg(source: str, /, **params: Value) -> Message:
    """A message to translate when shown: ``msg("{column} is empty", column="city")``."""
    return Message(source, tuple(params.items()))


def nmsg(singular: str, plural: str, count: int, /, **params: Value) -> Message:
    """A message with plural forms chosen by ``count`` (also its ``{count}`` field)."""
    return Message(singular, tuple(params.items()), plural, count)


Text = Union[Message, str]
