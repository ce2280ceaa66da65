"""From an organiser's file (or edited table) to a new published version.

The same steps serve the organiser page and the command line:

1. :func:`prepare_upload` / :func:`prepare_rows` read and validate the rows,
   place every event (the slow part, reported through ``progress``), and
   compare them with the published version: a :class:`Preview`.
2. :func:`publish` turns a preview without errors into a new version, but
   only if nobody published since the preview was made.

Nothing is written before step 2, and step 2 is one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from speakout_map.places import geocoding
from speakout_map.events.diff import EventDiff, diff_events
from speakout_map.errors import NotPublishableError
from speakout_map.events.model import COLUMNS, ParseResult, Problem
from speakout_map.places.place import PlacedEvent
from speakout_map.events.reading import parse_events_text, read_upload
from speakout_map.store.store import Store, VersionInfo

#: Events placed between two progress reports.
PROGRESS_CHUNK = 50

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Preview:
    """A validated, placed change, not yet published."""

    source: str
    rows: int
    placed: tuple[PlacedEvent, ...]
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    #: The version the change was compared with (None: the store was empty).
    based_on: int | None
    diff: EventDiff
    #: Why the online geocoder failed while placing, if it did (its rows are among the errors).
    geocoder_unavailable: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.placed)


def place_with_progress(events, geocoder, progress: Progress | None = None, online_failures: list | None = None):
    """Place events as one batch, reporting (done, total) every PROGRESS_CHUNK events.

    One batch, so that a dead online geocoder is waited for once, not once per chunk.
    """
    return geocoding.place_events(
        events, geocoder, progress=progress, progress_every=PROGRESS_CHUNK, online_failures=online_failures
    )


def _sorted(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))


def prepare(
    result: ParseResult,
    source: str,
    *,
    store: Store,
    geocoder,
    progress: Progress | None = None,
) -> Preview:
    """Place a parsed file's events and compare them with the published version."""
    based_on = store.latest_number()
    published = store.get(based_on).events if based_on is not None else ()
    failures: list[Exception] = []
    placed, problems = place_with_progress(result.events, geocoder, progress, failures) if result.events else ((), ())
    errors = _sorted(tuple(result.errors) + tuple(problems))
    if not result.events and not errors:
        errors = (Problem(None, None, "the file has no events; add one row per event under the header"),)
    diff = diff_events([p.event for p in published], [p.event for p in placed])
    unavailable = str(failures[0]) if failures else None
    return Preview(source, result.rows, placed, errors, tuple(result.warnings), based_on, diff, unavailable)


def prepare_upload(
    data: bytes,
    filename: str,
    *,
    store: Store,
    geocoder,
    max_bytes: int,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Preview:
    """Validate and place an uploaded CSV or xlsx file."""
    result = read_upload(data, filename, max_bytes=max_bytes, today=today)
    return prepare(result, filename, store=store, geocoder=geocoder, progress=progress)


def rows_to_csv_text(rows: Sequence[Mapping[str, object]]) -> str:
    """Rows of the CSV format (e.g. from an edited table) as CSV text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else str(row.get(c)) for c in COLUMNS})
    return buffer.getvalue()


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
    result = parse_events_text(rows_to_csv_text(rows), today=today)
    return prepare(result, source, store=store, geocoder=geocoder, progress=progress)


def publish(preview: Preview, *, store: Store, by: str) -> VersionInfo:
    """Publish a preview as a new version; StaleVersionError if someone published meanwhile."""
    if not preview.ok:
        count = len(preview.errors)
        raise NotPublishableError(
            f"{count} problem(s) must be fixed before publishing; nothing was published" if count
            else "there are no events to publish; nothing was published"
        )
    return store.publish(preview.placed, by=by, source=preview.source, based_on=preview.based_on)


def seed_if_empty(store: Store, seed_file, geocoder) -> VersionInfo | None:
    """Publish the seed events as version 1 into an empty store."""
    from speakout_map.events.reading import read_events_file

    def seed() -> Sequence[PlacedEvent]:
        result = read_events_file(seed_file)
        placed, problems = geocoding.place_events(result.events, geocoder)
        errors = tuple(result.errors) + tuple(problems)
        if errors:
            raise NotPublishableError(
                f"the seed file {seed_file} has problems ({'; '.join(map(str, errors[:3]))}); fix it first"
            )
        return placed

    return store.ensure_seeded(seed, source=str(getattr(seed_file, "name", seed_file)))
