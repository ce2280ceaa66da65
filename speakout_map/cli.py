"""Command line: ``python -m speakout_map COMMAND``.

A thin shell over the library: it parses arguments, calls the same
functions the pages call, and turns errors into messages and exit codes
(0 fine, 1 problems found, 2 usage error or unreadable input, 130
interrupted, 141 output closed early, e.g. by ``| head``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from speakout_map.cli_events import add_publish_command, add_validate_command
from speakout_map.cli_proposals import add_proposal_commands
from speakout_map.cli_support import (
    EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT_CLOSED, EXIT_PROBLEMS, EXIT_USAGE, default_by,
)
from speakout_map.errors import (
    NotPublishableError, PlaceNotFoundError, ProposalError, ProposalNotFoundError, SpeakOutError, StaleVersionError,
    StoreError, VersionNotFoundError,
)
from speakout_map.settings import Settings, load_settings
from speakout_map.store import publishing

# Each command imports what only it uses (maps, numpy, calendars...) when it runs: `validate` starts without them.
if TYPE_CHECKING:
    from speakout_map.places.nearby import Nearby, NearbyEvent, PlaceMatches


def cmd_geocode(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from speakout_map.places.chain import build_geocoder
    from speakout_map.places.placing import geocode_query
    geocoder = build_geocoder(settings)
    answers = [geocode_query(query, geocoder) for query in args.queries]
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


def _radius_argument(text: str) -> float:
    from speakout_map.places.distance import parse_radius
    try:
        return parse_radius(text)
    except SpeakOutError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _place_dict(place) -> dict[str, object]:
    return {"name": place.name, "country_code": place.country_code, "latitude": place.latitude,
            "longitude": place.longitude}


def _near_event_dict(item: NearbyEvent) -> dict[str, object]:
    from speakout_map.events import export

    event = item.placed.event
    (row,) = export.events_to_rows([event])  # the public columns only, never contact_email
    for key in ("title", "latitude", "longitude"):
        row.pop(key)
    return {
        "city": row.pop("city"),
        "country_code": row.pop("country"),
        "date": row.pop("date"),
        "title": event.display_title,
        "distance_km": round(item.distance_km, 1),
        "within_radius": item.within_radius,
        **row,
        "latitude": item.placed.place.latitude,  # where the map shows it
        "longitude": item.placed.place.longitude,
    }


def near_payload(matches: PlaceMatches, nearby: Nearby) -> dict[str, object]:
    """The JSON of ``near``: the place used, the radius, the events nearest first, every candidate place."""
    return {
        "place": _place_dict(nearby.origin),
        "radius_km": nearby.radius_km,
        "none_within": nearby.none_within,
        "events": [_near_event_dict(item) for item in nearby.items()],
        "candidates": [_place_dict(place) for place in matches.places],
    }


def cmd_near(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from speakout_map.places.chain import build_geocoder
    from speakout_map.places.distance import radius_text
    from speakout_map.places.nearby import events_near, place_label, resolve_place
    store = publishing.open_published_store(settings)
    try:
        matches = resolve_place(args.place, build_geocoder(settings, cache=store.geocode_cache()))
    except PlaceNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    version = store.latest()
    nearby = events_near(version.events if version is not None else (), matches.best, args.radius_km)
    if args.json:
        json.dump(near_payload(matches, nearby), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    where = place_label(nearby.origin)
    if matches.ambiguous:
        others = "; ".join(place_label(place) for place in matches.places[1:])
        print(f"{args.place!r} may be several places: using {where} (also: {others}); "
              f'add the country to choose, e.g. "{place_label(matches.places[1])}"', file=out)
    radius = radius_text(nearby.radius_km)
    if nearby.none_within:
        print(f"no events within {radius} km of {where}; the nearest:", file=out)
    else:
        print(f"{len(nearby.events)} event(s) within {radius} km of {where}, nearest first:", file=out)
    for item in nearby.items():
        event = item.placed.event
        print(f"{item.distance_km:>8.1f} km  {event.date.isoformat()}  {event.city}, {event.country_code}  "
              f"{event.display_title}", file=out)
    return EXIT_OK


def cmd_build_index(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from speakout_map.places.gazetteer_index import ensure_index
    path = ensure_index(settings.cache_dir)
    print(f"gazetteer index ready: {path}", file=out)
    return EXIT_OK


def _info_dict(info) -> dict[str, object]:
    return {
        "version": info.number,
        "created_at": info.created_at.isoformat(),
        "by": info.by,
        "source": info.source,
        "rows": info.rows,
    }


def cmd_history(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    versions = [_info_dict(info) for info in publishing.open_published_store(settings).history()]
    if args.json:
        json.dump(versions, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for v in versions:
            print(f"{v['version']:>4}  {v['created_at']}  {v['rows']:>6} rows  by {v['by']}  from {v['source']}", file=out)
    return EXIT_OK


def cmd_rollback(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    store = publishing.open_published_store(settings)
    preview = publishing.prepare_rollback(args.version, store=store)
    info = publishing.publish(preview, store=store, by=args.by or default_by())
    print(f"published version {info.number}: the {info.rows} events of version {args.version}", file=out)
    return EXIT_OK


def cmd_export(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from speakout_map.campaign import campaign_from_settings
    from speakout_map.cli_site import export_site
    from speakout_map.events import export
    from speakout_map.events.calendar import calendar_ics
    from speakout_map.supporters.going import version_going
    if (site_code := export_site(args, settings, out)) is not None:  # --format html: a folder (cli_site.py)
        return site_code
    store = publishing.open_published_store(settings)
    number = args.version if args.version is not None else store.latest_number()
    version = store.get(number)
    if args.format == "ics":
        if args.include_private:
            print("error: a calendar never carries contact_email; export without --include-private", file=sys.stderr)
            return EXIT_USAGE
        # Decoded to text for the output; its CRLF lines are kept (files are opened with newline="").
        text = calendar_ics(version.events, stamp=version.info.created_at,
                            name=campaign_from_settings(settings).name).decode("utf-8")
    elif args.format == "geojson":
        text = export.geojson_text(version.events, include_private=args.include_private,
                                   going=version_going(store, version.events))
    else:  # with each event's id, so that an edited export can be uploaded to add and update (publish --merge)
        from speakout_map.events.identity import event_uids
        events = [p.event for p in version.events]
        text = export.events_to_csv(events, include_private=args.include_private,
                                    going=version_going(store, version.events), ids=event_uids(events))
    if args.output in (None, "-"):
        out.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        print(f"wrote version {number} ({len(version.events)} events) to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_hash_password(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from speakout_map.organisers.passwords import hash_password
    if sys.stdin.isatty():
        password = getpass.getpass("New organiser password: ")
        if getpass.getpass("Again: ") != password:
            print("error: the two passwords differ; nothing was printed", file=sys.stderr)
            return EXIT_USAGE
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        print(hash_password(password), file=out)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; given the ``command`` word, the options of ``near``, ``export`` and ``import-text`` (whose
    modules import numpy, folium...) are added only for that command (all of them without one, e.g. --help)."""
    parser = argparse.ArgumentParser(prog="python -m speakout_map", description="SpeakOut Map tools for organisers.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add_validate_command(sub)

    geocode = sub.add_parser("geocode", help='place "City, Country" queries')
    geocode.add_argument("queries", nargs="+", metavar="QUERY", help='"City, Country" (the country after the last comma)')
    geocode.add_argument("--json", action="store_true", help="print a JSON list")
    geocode.set_defaults(handler=cmd_geocode)

    near = sub.add_parser(
        "near",
        help="the published events nearest a town or city, within a radius",
        description=(
            "List the published events within a radius of a place, nearest first; with none within it, the three "
            "nearest. An ambiguous name (Valencia) uses its most likely place and says so; add the country to "
            'choose ("Valencia, Spain"). JSON: {"place": {name, country_code, latitude, longitude}, "radius_km", '
            '"none_within", "events": [{city, country_code, date, title, ..., distance_km, within_radius}], '
            '"candidates": [every place the name may mean, the one used first]}. Exit 1 if the place is not found.'
        ),
    )
    near.add_argument("place", metavar="PLACE", help='a town or city, in any language: "Cork", "Cork, Ireland"')
    if command in (None, "near"):
        from speakout_map.places.distance import DEFAULT_RADIUS_KM

        near.add_argument("--radius-km", type=_radius_argument, default=DEFAULT_RADIUS_KM, metavar="R",
                          help=f"search radius in km, 1 to 20000 (default {DEFAULT_RADIUS_KM:g})")
    near.add_argument("--json", action="store_true", help="print JSON (see above)")
    near.set_defaults(handler=cmd_near)

    add_publish_command(sub)

    history = sub.add_parser("history", help="list the published versions, newest last")
    history.add_argument("--json", action="store_true", help="print a JSON list")
    history.set_defaults(handler=cmd_history)

    rollback = sub.add_parser("rollback", help="publish an earlier version again, as a new version")
    rollback.add_argument("version", type=int, help="the version number to bring back")
    rollback.add_argument("--by", help="who rolls back (default: $SPEAKOUT_BY or $USER)")
    rollback.set_defaults(handler=cmd_rollback)

    exporter = sub.add_parser(
        "export", help="write a version as CSV (the upload format), GeoJSON, iCalendar (ics) or a static map (html)"
    )
    exporter.add_argument("--format", choices=("csv", "geojson", "ics", "html"), default="csv")
    exporter.add_argument("--version", type=int, help="the version (default: the published one)")
    exporter.add_argument("-o", "--output", help="output file (default: standard output); a folder for html")
    exporter.add_argument(
        "--include-private", action="store_true", help="organiser export: include contact_email (never publish it)"
    )
    if command in (None, "export"):
        from speakout_map.cli_site import add_site_arguments

        add_site_arguments(exporter)
    exporter.set_defaults(handler=cmd_export)

    add_proposal_commands(sub)

    hasher = sub.add_parser("hash-password", help="print the hash of an organiser password, for the secrets")
    hasher.set_defaults(handler=cmd_hash_password)

    index = sub.add_parser("build-index", help="build the offline gazetteer index now (else built on first use)")
    index.set_defaults(handler=cmd_build_index)
    if command is None or command not in sub.choices:  # import-text, or a mistyped command (all are listed)
        from speakout_map.cli_import import add_import_commands

        add_import_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = sys.stdout if out is None else out
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and not argv[0].startswith("-") else None
    args = build_parser(command).parse_args(argv)
    try:
        settings = load_settings()
        code = args.handler(args, settings, out)
        out.flush()  # a reader that went away is noticed here, not at exit
        return code
    except (StaleVersionError, NotPublishableError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except (VersionNotFoundError, ProposalNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ProposalError as exc:  # no longer pending: decided or withdrawn meanwhile
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except SpeakOutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return _output_closed()
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot read{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # A publish in progress is one transaction, rolled back as the interrupt unwinds it.
        print("interrupted; nothing more was done (a publish in progress was undone)", file=sys.stderr)
        return EXIT_INTERRUPTED


def _output_closed() -> int:
    """The reader of our output went away (``... --json | head``): stop quietly, as Unix tools do."""
    # Python flushes stdout again at exit; point it at /dev/null so that flush cannot fail too.
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (e.g. captured in tests)
        pass
    finally:
        os.close(devnull)
    return EXIT_OUTPUT_CLOSED
