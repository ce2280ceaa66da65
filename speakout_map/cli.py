"""Command line: ``python -m speakout_map COMMAND``.

A thin shell over the library: it parses arguments, calls the same
functions the pages call, and turns errors into messages and exit codes
(0 fine, 1 problems found, 2 usage error or unreadable input).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from . import geocoding
from .errors import SpeakOutError
from .events import ParseResult, Problem, read_events_file
from .settings import Settings, load_settings

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def validate_file(path: str, settings: Settings) -> ParseResult:
    """Validate an events file, including placing every event on the map."""
    result = read_events_file(path)
    if not result.events:
        return result
    geocoder = geocoding.build_geocoder(settings)
    _placed, problems = geocoding.place_events(result.events, geocoder)
    errors = sorted(result.errors + tuple(problems), key=lambda p: (p.row or 0, p.column or ""))
    return ParseResult(result.events, tuple(errors), result.warnings, result.rows)


def _print_problems(label: str, problems: Sequence[Problem], out: TextIO) -> None:
    for problem in problems:
        print(f"{label}: {problem}", file=out)


def cmd_validate(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    try:
        result = validate_file(args.file, settings)
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        payload = {
            "ok": result.ok,
            "rows": result.rows,
            "errors": [p.as_dict() for p in result.errors],
            "warnings": [p.as_dict() for p in result.warnings],
        }
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _print_problems("error", result.errors, out)
        _print_problems("warning", result.warnings, out)
        verdict = "valid" if result.ok else f"{len(result.errors)} error(s); nothing is wrong with the other rows"
        print(f"{args.file}: {result.rows} event row(s), {verdict}", file=out)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def cmd_geocode(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    geocoder = geocoding.build_geocoder(settings)
    answers = [geocoding.geocode_query(query, geocoder) for query in args.queries]
    if args.json:
        json.dump(answers, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for answer in answers:
            if "error" in answer:
                print(f"{answer['query']}: not found: {answer['error']}", file=out)
            else:
                print(
                    f"{answer['query']}: {answer['name']}, {answer['country_code']} "
                    f"({answer['latitude']:.4f}, {answer['longitude']:.4f}) {answer['timezone']} [{answer['source']}]",
                    file=out,
                )
    return EXIT_PROBLEMS if any("error" in a for a in answers) else EXIT_OK


def cmd_build_index(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    path = geocoding.ensure_index(settings.cache_dir)
    print(f"gazetteer index ready: {path}", file=out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m speakout_map", description="SpeakOut Map tools for organisers.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check an events CSV: every row, column and place")
    validate.add_argument("file", help="the events CSV")
    validate.add_argument("--json", action="store_true", help="print a JSON report")
    validate.set_defaults(handler=cmd_validate)

    geocode = sub.add_parser("geocode", help='place "City, Country" queries')
    geocode.add_argument("queries", nargs="+", metavar="QUERY", help='"City, Country" (the country after the last comma)')
    geocode.add_argument("--json", action="store_true", help="print a JSON list")
    geocode.set_defaults(handler=cmd_geocode)

    index = sub.add_parser("build-index", help="build the offline gazetteer index now (else built on first use)")
    index.set_defaults(handler=cmd_build_index)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = sys.stdout if out is None else out
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return args.handler(args, settings, out)
    except SpeakOutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
