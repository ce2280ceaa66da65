"""The command line's ``import-text``: a campaign's announcement (text) to the events file (CSV).

``python -m speakout_map import-text FILE [--year YYYY] [-o OUT.csv]`` reads the
announcement as the organisers' "Import from text" tab does
(:func:`speakout_map.events.announcement.parse_announcement`), places every
event as a publish would (:func:`speakout_map.store.publishing.check`), and
writes the events in the upload format, ``contact_email`` column included (the
organiser wrote them), to standard output (no byte order mark) or to ``OUT.csv``
(with one, for spreadsheets). Problems go to standard error, each naming its
line: ``error: line 7, date: ...``. Exit code 1 if any line could not be read
as an event or placed (the events understood are written all the same), 0
otherwise; warnings do not change it. ``FILE`` may be ``-`` for standard input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from speakout_map.campaign import campaign_from_settings
from speakout_map.cli_support import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from speakout_map.events import export
from speakout_map.events.announcement import MAX_ANNOUNCEMENT_CHARS, parse_announcement
from speakout_map.events.announcement_dates import lacks_year
from speakout_map.events.decoding import decode_bytes
from speakout_map.events.model import Problem
from speakout_map.places.chain import build_geocoder, gazetteer_of
from speakout_map.settings import Settings
from speakout_map.store import publishing

#: Most bytes read from the file (UTF-8 takes up to 4 bytes a character).
MAX_TEXT_BYTES = 4 * MAX_ANNOUNCEMENT_CHARS


def _year_argument(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        year = 0
    if not 1 <= year <= 9999:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year; write it as YYYY, e.g. 2013")
    return year


def _problem_line(label: str, problem: Problem) -> str:
    where = [f"line {problem.row}"] if problem.row is not None else []
    if problem.column:
        where.append(problem.column)
    return f"{label}: {', '.join(where)}: {problem.message}" if where else f"{label}: {problem.message}"


def print_line_problems(label: str, problems: Sequence[Problem], err: TextIO) -> None:
    """Each problem on a line of its own, naming the line of the text: ``error: line 7, date: ...``."""
    for problem in problems:
        print(_problem_line(label, problem), file=err)


def _read_input(path: str) -> bytes:
    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read(MAX_TEXT_BYTES + 1) if stream is not None else sys.stdin.read().encode("utf-8")
    with open(path, "rb") as handle:
        return handle.read(MAX_TEXT_BYTES + 1)


def campaign_year(settings: Settings) -> int | None:
    """The year of the campaign's first day of action (the ``campaign_dates`` setting), if it has one."""
    return campaign_from_settings(settings).year


def cmd_import_text(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    data = _read_input(args.file)
    if len(data) > MAX_TEXT_BYTES:
        print(f"error: {args.file} is larger than {MAX_TEXT_BYTES:,} bytes; split the announcement into smaller "
              "files and import each", file=sys.stderr)
        return EXIT_USAGE
    text = decode_bytes(data)
    year = args.year if args.year is not None else campaign_year(settings)
    geocoder = build_geocoder(settings)
    result = parse_announcement(text, year=year, gazetteer=gazetteer_of(geocoder), today=dt.date.today())
    source = "standard input" if args.file == "-" else os.path.basename(args.file)
    checked = publishing.check(result, source, geocoder=geocoder)
    print_line_problems("error", checked.errors, sys.stderr)
    print_line_problems("warning", checked.warnings, sys.stderr)
    if checked.geocoder_unavailable:
        print(f"warning: the online geocoder is unavailable ({checked.geocoder_unavailable}); try again later",
              file=sys.stderr)
    if year is None and any(lacks_year(p) for p in checked.errors):
        print("hint: give the year of dates written without one with --year YYYY", file=sys.stderr)
    to_file = args.output not in (None, "-")
    csv_text = export.events_to_csv(result.events, include_private=True, bom=to_file)
    if to_file:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            handle.write(csv_text)
    else:
        out.write(csv_text)
    verdict = "no errors" if not checked.errors else f"{len(checked.errors)} error(s)"
    print(f"{source}: {len(result.events)} event(s) from {result.rows} line(s) read as events, {verdict}"
          + (f"; wrote {args.output}" if to_file else ""), file=sys.stderr)
    return EXIT_PROBLEMS if checked.errors else EXIT_OK


def add_import_commands(sub) -> None:
    """Add ``import-text`` to the CLI's subcommands."""
    importer = sub.add_parser(
        "import-text",
        help="read a campaign's announcement (one event per line) and write its events as an events CSV",
        description=(
            "Read an announcement, such as a bulleted list of 'City, Country – September 3: Click here' lines, as "
            "the organisers' Import from text tab does, place every event, and write the events in the upload "
            "format (contact_email included). Problems go to standard error, naming their line. Exit 1 if a line "
            "could not be read as an event or placed."
        ),
    )
    importer.add_argument("file", metavar="FILE",
                          help="the announcement as a text file (UTF-8), or - for standard input")
    importer.add_argument("--year", type=_year_argument, metavar="YYYY",
                          help="the year of dates written without one (default: the campaign's year, from the "
                               "campaign_dates setting)")
    importer.add_argument("-o", "--output", metavar="OUT.csv", help="output file (default: standard output)")
    importer.set_defaults(handler=cmd_import_text)
