"""The command line's ``validate`` and ``publish``: an events file checked, and published as a new version.

Both read a file exactly as the organisers' page reads an upload (same
readers, limits and messages), as the organiser says to read it: ``--map
"Their header=our column"`` (repeatable) and ``--date-format`` (a
:class:`~speakout_map.events.sheet_reading.SheetReading`); a bad one is a
usage error (exit 2). ``publish`` replaces the published list by default
(scripts rely on it) and says what that removed; ``--merge`` adds and
updates instead (:mod:`speakout_map.events.merging`). ``validate`` writes
nothing and, without ``--merge``, needs no event store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from speakout_map.cli_support import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, default_by, print_problems
from speakout_map.errors import MappingError
from speakout_map.settings import Settings
from speakout_map.store import publishing

if TYPE_CHECKING:
    from speakout_map.events.model import Event, ParseResult
    from speakout_map.events.sheet_reading import SheetReading

#: Removed events named one by one after a replace; the rest are counted.
REMOVED_SHOWN = 5


def sheet_reading(args: argparse.Namespace) -> SheetReading:
    """What ``--map`` and ``--date-format`` say about the file; MappingError if either is wrong."""
    from speakout_map.events.sheet_reading import DateFormat, SheetReading, parse_mapping
    date_format = DateFormat.named(args.date_format) if args.date_format is not None else None
    return SheetReading(parse_mapping(args.map or ()), date_format)


def read_file(path: str, settings: Settings, reading: SheetReading | None = None) -> ParseResult:
    """An events file (CSV or xlsx) read as the organisers' page reads an upload: same readers, limits, messages."""
    from speakout_map.events.reading import read_upload_file
    from speakout_map.events.sheet_reading import PLAIN
    return read_upload_file(path, max_bytes=settings.max_upload_bytes, today=dt.date.today(), reading=reading or PLAIN)


def validate_file(path: str, settings: Settings, reading: SheetReading | None = None) -> publishing.Checked:
    """Everything ``publish`` does to a file short of comparing and writing it: read, validate, place."""
    from speakout_map.places.chain import build_geocoder
    return publishing.check(read_file(path, settings, reading), os.path.basename(path),
                            geocoder=build_geocoder(settings))


def _reading_or_usage_error(args: argparse.Namespace) -> SheetReading | None:
    try:
        return sheet_reading(args)
    except MappingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def cmd_validate(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    if (reading := _reading_or_usage_error(args)) is None:
        return EXIT_USAGE
    try:
        result = validate_file(args.file, settings, reading)
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    rows = result.rows
    merged = None
    if args.merge:  # what publish --merge would do: the merge's own problems too
        merged = publishing.compare(result, publishing.open_published_store(settings), mode=publishing.Mode.MERGE)
        result = merged
    if args.json:
        payload: dict[str, object] = {
            "ok": result.ok,
            "rows": rows,
            "errors": [p.as_dict() for p in result.errors],
            "warnings": [p.as_dict() for p in result.warnings],
        }
        if merged is not None:
            payload["merge"] = {"based_on": merged.based_on, "added": len(merged.diff.added),
                                "changed": len(merged.diff.changed), "unchanged": merged.diff.unchanged}
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        print_problems("error", result.errors, out)
        print_problems("warning", result.warnings, out)
        verdict = "valid" if result.ok else f"{len(result.errors)} error(s); nothing is wrong with the other rows"
        print(f"{args.file}: {rows} event row(s), {verdict}", file=out)
        if merged is not None and result.ok:
            print(f"publish --merge would publish {len(merged.placed)} events against version {merged.based_on} "
                  f"({merged.diff.summary()})", file=out)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def removed_text(removed: Sequence[Event], shown: int = REMOVED_SHOWN) -> str:
    """ "removed 18 event(s): Madrid (ES) 2013-09-03, ..., and 13 more": the count and the first few."""
    names = ", ".join(f"{e.city} ({e.country_code}) {e.date.isoformat()}" for e in removed[:shown])
    more = f", and {len(removed) - shown} more" if len(removed) > shown else ""
    return f"removed {len(removed)} event(s): {names}{more}"


def cmd_publish(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from speakout_map.places.chain import build_geocoder
    if (reading := _reading_or_usage_error(args)) is None:
        return EXIT_USAGE
    store = publishing.open_published_store(settings)
    geocoder = build_geocoder(settings, cache=store.geocode_cache())
    mode = publishing.Mode.MERGE if args.merge else publishing.Mode.REPLACE
    preview = publishing.prepare(read_file(args.file, settings, reading), os.path.basename(args.file), store=store,
                                 geocoder=geocoder, mode=mode)
    print_problems("error", preview.errors, out)
    print_problems("warning", preview.warnings, out)
    if not preview.ok:
        print(f"{args.file}: not published; fix the errors above (the published events are unchanged)", file=out)
        return EXIT_PROBLEMS
    info = publishing.publish(preview, store=store, by=args.by or default_by())
    print(f"published version {info.number}: {info.rows} events from {info.source} ({preview.diff.summary()})",
          file=out)
    if preview.diff.removed:
        print(removed_text(preview.diff.removed), file=out)
    return EXIT_OK


def _add_reading_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--map", action="append", default=[], metavar='"HEADER=COLUMN"',
        help='read the file\'s column HEADER as our COLUMN, or leave it out with "HEADER=ignore" (repeatable), '
             'e.g. --map "Start Date=date" --map "Town=city"',
    )
    parser.add_argument(
        "--date-format", metavar="FORMAT",
        help="the file's date format: DD/MM/YYYY, MM/DD/YYYY or D.M.YYYY (YYYY-MM-DD cells are always read)",
    )


def add_validate_command(sub) -> None:
    validate = sub.add_parser(
        "validate", help="check an events file as publish would, without publishing: every row, column and place"
    )
    validate.add_argument("file", help="the events CSV or xlsx")
    validate.add_argument("--json", action="store_true", help="print a JSON report")
    _add_reading_arguments(validate)
    validate.add_argument("--merge", action="store_true",
                          help="also check it as publish --merge would, against the published events")
    validate.set_defaults(handler=cmd_validate)


def add_publish_command(sub) -> None:
    publish = sub.add_parser("publish", help="validate, place and publish an events file as a new version")
    publish.add_argument("file", help="the events CSV or xlsx")
    publish.add_argument("--by", help="who publishes (default: $SPEAKOUT_BY or $USER)")
    _add_reading_arguments(publish)
    publish.add_argument(
        "--merge", action="store_true",
        help="add and update: update the published events the file's rows match (by their id column, else by "
             "country, city and date), add the others, remove none (default: the file replaces the whole list)",
    )
    publish.set_defaults(handler=cmd_publish)
