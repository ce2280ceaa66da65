"""The guide's versions in the store: one history per language, kept for good, like the events'.

* Every publish of a language's guide adds version 1, 2, ... of that
  language: when (UTC), by whom, from what (``edit in app``, ``rollback to
  version N``, the file it was seeded from) and its Markdown. Rows are only
  ever inserted; the newest version of a language is its published guide.
* Publishing is optimistic, as for the events: the organiser's change says
  which version it was started from (``based_on``); if another was published
  meanwhile nothing is written and :class:`StaleGuideError` is raised. The
  primary key (language, number) settles two publishers racing from the
  same version: one inserts ``based_on + 1``, the other gets the error.
* A rollback publishes an old version's Markdown again as a new version, so
  it can itself be undone.
* A fresh store needs no setup: the first time a language is asked for
  (:func:`latest_or_seeded`), its file (``data/guide.md`` for English,
  ``data/guide.<language>.md`` beside it) is published as its version 1, by
  ``seed``. Two servers seeding at once publish it once. After that the
  file is not read again for that language: the store's versions rule.

The Markdown is the organisers' own (trusted to write a guide, not to run
code in visitors' browsers): pages render it with ``st.markdown`` and never
allow raw HTML.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from speakout_map.errors import NotPublishableError, StoreError, VersionNotFoundError
from speakout_map.languages.catalogues import SOURCE_LANGUAGE
from speakout_map.languages.message import Message, msg
from speakout_map.settings import Settings
from speakout_map.store.guide import guide_file_text, guide_path, is_language_tag, load_guide
from speakout_map.store.schema import guide_versions_table

if TYPE_CHECKING:
    from speakout_map.store.store import Store

log = logging.getLogger(__name__)

#: Who publishes a language's first version from its file.
SEED_BY = "seed"
#: The source of a version published from the organisers' editor.
EDIT_SOURCE = "edit in app"
#: The longest guide kept, in characters (the seed is about 4,000).
MAX_GUIDE_CHARS = 200_000


class StaleGuideError(StoreError):
    """Someone published the guide (in this language) since this change was started; nothing was written."""

    def __init__(self, language: str, based_on: int | None, latest: int | None) -> None:
        self.language = language
        self.based_on = based_on
        self.latest = latest
        if based_on is None:
            text = msg("the guide changed meanwhile: version {latest} was published while you wrote yours; your "
                       "text is kept: compare it with that version, then publish again if you still want to",
                       latest=latest)
        else:
            # Translators: {based_on} and {latest} are version numbers of the guide.
            text = msg("the guide changed meanwhile: you started from version {based_on}, but version {latest} is "
                       "now published; your text is kept: compare it with that version, then publish again if you "
                       "still want to", based_on=based_on, latest=latest)
        super().__init__(text)


class GuideVersionNotFoundError(VersionNotFoundError, LookupError):
    """A guide version number that the store does not have for that language."""


@dataclass(frozen=True)
class GuideVersion:
    """One published version of the guide in one language."""

    language: str
    number: int
    created_at: datetime
    by: str
    source: str
    markdown: str


def _version(row: Mapping[str, Any]) -> GuideVersion:
    return GuideVersion(language=row["language"], number=int(row["number"]), created_at=row["created_at"],
                        by=row["published_by"], source=row["source"], markdown=row["markdown"])


def check_language(language: str) -> str:
    """``language`` if it is a language tag (``es``, ``pt_BR``); ValueError otherwise."""
    if not is_language_tag(language):
        raise ValueError(f"{language!r} is not a language tag (such as es or pt_BR)")
    return language


def unstorable_character(text: str) -> str | None:
    """The first character no database column can keep (NUL, a lone surrogate), or None."""
    for char in text:
        if char == "\x00" or "\ud800" <= char <= "\udfff":
            return char
    return None


def check_markdown(markdown: str) -> str:
    """The guide as it is kept (line ends made ``\\n``); NotPublishableError saying what to change if it cannot be."""
    text = markdown.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise NotPublishableError(msg("the guide is empty; write it (or roll back to an earlier version) before "
                                      "publishing"))
    if len(text) > MAX_GUIDE_CHARS:
        raise NotPublishableError(msg("the guide is {count:,} characters long, more than the {limit:,} allowed; "
                                      "shorten it", count=len(text), limit=MAX_GUIDE_CHARS))
    bad = unstorable_character(text)
    if bad is not None:
        raise NotPublishableError(msg("the guide holds a character that cannot be kept (U+{code}); remove it and "
                                      "publish again", code=f"{ord(bad):04X}"))
    return text


def _unchanged(number: int) -> Message:
    return msg("the guide is the same as the published version {number}: there is nothing to publish", number=number)


class GuideStore:
    """The guide's versions in the store (thread-safe, shared by every app server)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # --- reading

    def latest_number(self, language: str) -> int | None:
        """The published version of ``language``'s guide, None while it has none."""
        t = guide_versions_table
        with self._store._reading("read the guide's version") as conn:
            return conn.execute(select(func.max(t.c.number)).where(t.c.language == check_language(language))) \
                .scalar_one_or_none()

    def latest(self, language: str) -> GuideVersion | None:
        """The published guide in ``language``, None while it has none."""
        t = guide_versions_table
        query = (select(t).where(t.c.language == check_language(language)).order_by(t.c.number.desc()).limit(1))
        with self._store._reading("read the guide") as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else _version(row)

    def get(self, language: str, number: int) -> GuideVersion:
        """Version ``number`` of ``language``'s guide; GuideVersionNotFoundError if there is none."""
        t = guide_versions_table
        query = select(t).where(t.c.language == check_language(language), t.c.number == number)
        with self._store._reading("read a version of the guide") as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise GuideVersionNotFoundError(msg("there is no version {number} of the guide in {language}",
                                                number=number, language=language))
        return _version(row)

    def history(self, language: str) -> list[GuideVersion]:
        """Every version of ``language``'s guide, oldest first."""
        t = guide_versions_table
        query = select(t).where(t.c.language == check_language(language)).order_by(t.c.number)
        with self._store._reading("read the guide's history") as conn:
            return [_version(row) for row in conn.execute(query).mappings()]

    def languages(self) -> list[str]:
        """The languages that have a guide in the store, by code."""
        t = guide_versions_table
        with self._store._reading("read the guide's languages") as conn:
            return list(conn.execute(select(t.c.language).distinct().order_by(t.c.language)).scalars())

    # --- publishing

    def publish(self, language: str, markdown: str, *, by: str, based_on: int | None,
                source: str = EDIT_SOURCE) -> GuideVersion:
        """Publish ``markdown`` as the next version of ``language``'s guide, if ``based_on`` is still the latest.

        Raises StaleGuideError (nothing written) if another version was
        published since ``based_on``, NotPublishableError if the text cannot
        be published (empty, too long, the same as the published version),
        StoreError if the database failed (nothing written either).
        """
        language = check_language(language)
        text = check_markdown(markdown)
        number = 1 if based_on is None else based_on + 1
        t = guide_versions_table
        try:
            with self._store._writing("publish the guide") as conn:
                latest = conn.execute(select(t.c.number, t.c.markdown).where(t.c.language == language)
                                      .order_by(t.c.number.desc()).limit(1)).first()
                latest_number = None if latest is None else int(latest[0])
                if latest_number != based_on:
                    raise StaleGuideError(language, based_on, latest_number)
                if latest is not None and latest[1] == text:
                    raise NotPublishableError(_unchanged(latest_number))
                created_at = self._store._clock()
                conn.execute(t.insert().values(language=language, number=number, created_at=created_at,
                                               published_by=by, source=source, markdown=text))
        except StoreError as exc:
            if isinstance(exc, StaleGuideError) or not isinstance(exc.__cause__, IntegrityError):
                raise
            latest_number = self.latest_number(language)
            if latest_number == based_on:  # not a lost race: something else is wrong
                raise
            raise StaleGuideError(language, based_on, latest_number) from exc
        log.info("published version %d of the %s guide by %s (%s)", number, language, by, source)
        return GuideVersion(language, number, created_at, by, source, text)

    def rollback(self, language: str, number: int, *, by: str, based_on: int | None) -> GuideVersion:
        """Publish version ``number``'s Markdown again, as a new version (refused like :meth:`publish`)."""
        old = self.get(language, number)
        return self.publish(language, old.markdown, by=by, based_on=based_on, source=f"rollback to version {number}")

    def seed(self, language: str, markdown: str, *, source: str) -> GuideVersion | None:
        """Publish ``markdown`` as version 1 of ``language`` (by "seed") if it has none; else None.

        If another server seeds it first, this one publishes nothing and returns None.
        """
        try:
            return self.publish(language, markdown, by=SEED_BY, based_on=None, source=source)
        except (StaleGuideError, NotPublishableError):
            return None


# --- the guide to show, seeded from its file the first time ------------------------------------


def latest_or_seeded(guides: GuideStore, settings: Settings, language: str) -> int | None:
    """The published version of ``language``'s guide; the first time, its file published as version 1.

    None when the store has no guide in ``language`` and there is no file
    for it. The English guide's file must be readable when it seeds
    (EventFileError otherwise).
    """
    number = guides.latest_number(language)
    if number is not None:
        return number
    if language == SOURCE_LANGUAGE:
        text: str | None = load_guide(settings, SOURCE_LANGUAGE).markdown
    else:
        text = guide_file_text(settings, language)
    if text is None or not text.strip():
        return None
    seeded = guides.seed(language, text, source=guide_path(settings, language).name)
    if seeded is not None:
        log.info("seeded the %s guide from %s", language, guide_path(settings, language))
    return guides.latest_number(language)


def guide_to_show(guides: GuideStore, settings: Settings, language: str) -> tuple[str, int]:
    """(the language shown, its published version) for a visitor reading ``language``.

    The guide in ``language`` where there is one (in the store, or its file);
    else the English one. Raises EventFileError if English is needed, the
    store has none and its file cannot be read.
    """
    number = latest_or_seeded(guides, settings, language)
    if number is not None:
        return language, number
    english = latest_or_seeded(guides, settings, SOURCE_LANGUAGE)
    if english is None:  # an empty English file
        raise NotPublishableError(msg("the guide file {path} is empty; write the guide in it, or publish one from "
                                      "the organisers' page", path=str(guide_path(settings, SOURCE_LANGUAGE))))
    return SOURCE_LANGUAGE, english
