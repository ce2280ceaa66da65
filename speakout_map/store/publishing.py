"""From an organiser's file (or edited table) to a new published version.

The same steps serve the organiser page and the command line:

1. :func:`check` places every event of a read file (the slow part, reported
   through ``progress``) and gathers every problem: a :class:`Checked`. The
   CLI's ``validate`` stops here, so it runs exactly what ``publish`` runs
   short of writing, with the same readers, limits and messages.
2. :func:`prepare` (and :func:`prepare_upload`, :func:`prepare_rows`,
   :func:`prepare_rollback`, :func:`prepare_addition`) also compares the change with the published
   version: a :class:`Preview`, which remembers the version it was made
   against. An upload is published in either :class:`Mode`: it *replaces*
   the whole list (the default), or it *adds and updates*
   (:func:`speakout_map.events.merging.merge`: matching events updated, new
   ones added, the rest left as they are). :func:`compare` makes either
   preview from a checked change, and :func:`choices` both at once (the
   page shows what each would do without placing the events twice).
3. :func:`publish` turns a preview without errors into a new version, but
   only if nobody published since the preview was made: the version a
   publish replaces is always the one its preview was compared with, the one
   the organiser saw (a rollback too).

Nothing is written before step 3, and step 3 is one transaction.
:func:`open_published_store` opens the store that the pages and the CLI
share, publishing the seed events into it the first time.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

from speakout_map.places.placing import Placing, place_events
from speakout_map.errors import NotPublishableError
from speakout_map.events.model import FIRST_EVENT_ROW, ParseResult, Problem, by_row
from speakout_map.places.place import PlacedEvent
from speakout_map.languages.message import Text, msg, nmsg
from speakout_map.settings import Settings

# Checking (the CLI's validate) needs neither the store's engine (SQLAlchemy) nor the diff: those are
# imported by the steps that compare and write, when they run.
if TYPE_CHECKING:
    from speakout_map.events.diff import EventDiff
    from speakout_map.events.sheet_reading import SheetReading
    from speakout_map.store.store import Store, VersionInfo

#: Events placed between two progress reports.
PROGRESS_CHUNK = 50

Progress = Callable[[int, int], None]


class Mode(str, enum.Enum):
    """What publishing an upload does to the published list."""

    #: The upload is the whole new list: published events not in it are removed.
    REPLACE = "replace"
    #: Add and update: events matched by ``id`` (or country, city and date) updated, others added, none removed.
    MERGE = "merge"


@dataclass(frozen=True)
class Checked:
    """A change read, validated and placed: everything short of comparing and writing it."""

    source: str
    rows: int
    placed: tuple[PlacedEvent, ...]
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    #: Why the online geocoder failed while placing, if it did (its rows are among the errors);
    #: a Message, rendered in the reader's language when shown.
    geocoder_unavailable: Text | None = None
    #: (row, "id" cell) of the rows with an id (:attr:`ParseResult.ids`): what adding and updating matches first.
    ids: tuple[tuple[int, str], ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.placed)


@dataclass(frozen=True, kw_only=True)
class Preview(Checked):
    """A checked change compared with the published version, not yet published."""

    #: The version the change was compared with (None: the store was empty).
    based_on: int | None
    #: What publishing would add, change and remove (a merge removes nothing).
    diff: EventDiff
    #: Whether the change replaces the published list or adds to and updates it (:attr:`placed` is the new list).
    mode: Mode = Mode.REPLACE


@dataclass(frozen=True)
class Choices:
    """One checked upload compared with the same published version both ways: replacing it, adding and updating."""

    replace: Preview
    merge: Preview

    def of(self, mode: Mode) -> Preview:
        return self.replace if mode is Mode.REPLACE else self.merge

    @property
    def based_on(self) -> int | None:
        """The version both were compared with."""
        return self.replace.based_on


def check(result: ParseResult, source: str, *, geocoder, progress: Progress | None = None) -> Checked:
    """Place a read file's events; every problem of reading and placing, sorted by row."""
    # One batch, so that a dead online geocoder is waited for once, not once per chunk.
    placing = (
        place_events(result.events, geocoder, progress=progress, progress_every=PROGRESS_CHUNK)
        if result.events else Placing((), ())
    )
    errors = by_row(tuple(result.errors) + placing.problems)
    if not result.events and not errors:
        errors = (Problem(None, None, msg("the file has no events; add one row per event under the header")),)
    return Checked(source, result.rows, placing.placed, errors, tuple(result.warnings), placing.online_failure,
                   ids=tuple(result.ids))


def prepare(
    result: ParseResult,
    source: str,
    *,
    store: Store,
    geocoder,
    progress: Progress | None = None,
    mode: Mode = Mode.REPLACE,
) -> Preview:
    """Check a read file and compare its events with the published version, replacing it or adding to it."""
    based_on = store.latest_number()
    return _compared(check(result, source, geocoder=geocoder, progress=progress), store, based_on, mode)


def compare(checked: Checked, store: Store, *, mode: Mode = Mode.REPLACE) -> Preview:
    """An already checked change compared with the version published now, in ``mode``."""
    return _compared(checked, store, store.latest_number(), mode)


def choices(checked: Checked, store: Store) -> Choices:
    """An already checked upload compared with the version published now both ways (that version read once)."""
    based_on = store.latest_number()
    published = _published(store, based_on)
    return Choices(replace=_replacing(checked, published, based_on), merge=_merging(checked, published, based_on))


def _published(store: Store, based_on: int | None) -> tuple[PlacedEvent, ...]:
    return store.get(based_on).events if based_on is not None else ()


def _compared(checked: Checked, store: Store, based_on: int | None, mode: Mode = Mode.REPLACE) -> Preview:
    """``checked`` compared with version ``based_on`` (read before the change was checked)."""
    published = _published(store, based_on)
    return (_replacing if mode is Mode.REPLACE else _merging)(checked, published, based_on)


def _preview(checked: Checked, **more) -> Preview:
    return Preview(**{f.name: getattr(checked, f.name) for f in fields(Checked)}, **more)


def _replacing(checked: Checked, published: Sequence[PlacedEvent], based_on: int | None) -> Preview:
    """``checked``'s events as the whole new list."""
    from speakout_map.events.diff import diff_events
    diff = diff_events([p.event for p in published], [p.event for p in checked.placed])
    return _preview(checked, based_on=based_on, diff=diff)


def _merging(checked: Checked, published: Sequence[PlacedEvent], based_on: int | None) -> Preview:
    """The published events with ``checked``'s added and updated; the merge's problems among the others, by row.

    Its :attr:`~Checked.placed` is the merged list and :attr:`~Checked.rows` its length (as for an addition).
    """
    from speakout_map.events.merging import merge
    merged = merge(published, checked.placed, dict(checked.ids))
    whole = replace(checked, rows=len(merged.placed), placed=merged.placed,
                    errors=by_row(checked.errors + merged.errors),
                    warnings=by_row(checked.warnings + merged.warnings))
    return _preview(whole, based_on=based_on, diff=merged.diff, mode=Mode.MERGE)


def prepare_upload(
    data: bytes,
    filename: str,
    *,
    store: Store,
    geocoder,
    max_bytes: int,
    today: dt.date | None = None,
    progress: Progress | None = None,
    reading: SheetReading | None = None,
    mode: Mode = Mode.REPLACE,
) -> Preview:
    """Validate and place an uploaded CSV or xlsx file (read as ``reading`` says), replacing or adding in ``mode``."""
    from speakout_map.events.reading import read_upload
    from speakout_map.events.sheet_reading import PLAIN
    result = read_upload(data, filename, max_bytes=max_bytes, today=today, reading=reading or PLAIN)
    return prepare(result, filename, store=store, geocoder=geocoder, progress=progress, mode=mode)


def prepare_rows(
    rows: Sequence[Mapping[str, object]],
    *,
    store: Store,
    geocoder,
    source: str = "edit in app",
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Preview:
    """Validate and place rows edited in the app's table (row 2 = first event, as in a spreadsheet)."""
    from speakout_map.events.validation import parse_rows
    result = parse_rows(rows, today=today)
    return prepare(result, source, store=store, geocoder=geocoder, progress=progress)


def rollback_source(number: int) -> str:
    """The ``source`` of a version that republishes version ``number``."""
    return f"rollback to version {number}"


def prepare_rollback(number: int, *, store: Store) -> Preview:
    """Publishing the events of version ``number`` again, compared with the published version.

    Its events are already placed, so nothing is read or geocoded;
    VersionNotFoundError if there is no version ``number``.
    """
    based_on = store.latest_number()
    events = store.get(number).events
    checked = Checked(rollback_source(number), len(events), events, (), ())
    return _compared(checked, store, based_on)


def prepare_addition(checked: Checked, *, store: Store) -> Preview:
    """The published events with ``checked``'s events added at the end (an approved proposal), compared.

    Its events are already placed; the new ones are numbered as rows after the published ones.
    """
    based_on = store.latest_number()
    published = store.get(based_on).events if based_on is not None else ()
    first_row = len(published) + FIRST_EVENT_ROW
    added = tuple(PlacedEvent(replace(p.event, row=first_row + i), p.place) for i, p in enumerate(checked.placed))
    whole = replace(checked, rows=len(published) + len(added), placed=published + added)
    return _compared(whole, store, based_on)


def publish(preview: Preview, *, store: Store, by: str, also=None) -> VersionInfo:
    """Publish a preview as a new version; StaleVersionError if someone published meanwhile.

    ``also(connection, version_info)`` writes what goes with this version in
    the same transaction (see :meth:`Store.publish`).
    """
    if not preview.ok:
        count = len(preview.errors)
        raise NotPublishableError(
            nmsg("{count:,} problem must be fixed before publishing; nothing was published",
                 "{count:,} problems must be fixed before publishing; nothing was published", count) if count
            else msg("there are no events to publish; nothing was published")
        )
    return store.publish(preview.placed, by=by, source=version_source(preview), based_on=preview.based_on, also=also)


def version_source(preview: Preview) -> str:
    """What the history says a version came from: the file (and, when it added and updated, that it did)."""
    return preview.source if preview.mode is Mode.REPLACE else f"{preview.source} (added and updated)"


def seed_if_empty(store: Store, seed_file, geocoder) -> VersionInfo | None:
    """Publish the seed events as version 1 into an empty store."""
    from speakout_map.events.reading import read_events_file

    def seed() -> Sequence[PlacedEvent]:
        result = read_events_file(seed_file)
        placing = place_events(result.events, geocoder)
        errors = tuple(result.errors) + placing.problems
        if errors:
            raise NotPublishableError(
                f"the seed file {seed_file} has problems ({'; '.join(map(str, errors[:3]))}); fix it first"
            )
        return placing.placed

    return store.ensure_seeded(seed, source=str(getattr(seed_file, "name", seed_file)))


def open_store(settings: Settings) -> Store:
    """The event store of ``settings`` (:func:`speakout_map.store.store.open_store`), its engine imported now."""
    from speakout_map.store.store import open_store as open_settings_store
    return open_settings_store(settings)


def open_published_store(settings: Settings) -> Store:
    """The event store of ``settings``, with the seed events published into it if it is empty."""
    from speakout_map.places.chain import build_geocoder
    store = open_store(settings)
    try:
        seed_if_empty(store, settings.events_file, build_geocoder(settings, cache=store.geocode_cache()))
    except BaseException:
        store.close()
        raise
    return store
