"""The command line's static export: ``python -m speakout_map export --format html -o DIR [filters]``.

The filter and display options are the light embed's query parameters
(``--country ES`` is ``country=ES``, ``--no-legend`` is ``legend=0``), read
by the same parsers (:func:`~speakout_map.maps.filters.filter_from_query`,
:func:`~speakout_map.maps.display.display_from_query`); each value they would
ignore with a notice is an error here (exit 2). The folder itself is written
by :func:`speakout_map.maps.static_site.write_site`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import TextIO

from speakout_map.campaign import campaign_from_settings
from speakout_map.cli_support import EXIT_OK, EXIT_USAGE
from speakout_map.errors import FeedQueryError
from speakout_map.events.identity import event_uids
from speakout_map.languages.catalogues import available_languages
from speakout_map.languages.choosing import ChosenBy, choose_language
from speakout_map.languages.message import Message
from speakout_map.maps.build import map_options
from speakout_map.maps.display import Display, display_from_query
from speakout_map.maps.filters import EventFilter, filter_from_query
from speakout_map.maps.static_site import SiteError, write_site
from speakout_map.places.chain import build_geocoder
from speakout_map.settings import Settings
from speakout_map.store import publishing

HTML = "html"
#: Each option of the static export and the query parameter it gives the parsers.
OPTION_KEYS = {"--country": "country", "--from": "from", "--to": "to", "--near": "near", "--radius": "radius",
               "--height": "height", "--zoom": "zoom", "--center": "center", "--no-legend": "legend",
               "--list": "list", "--no-scroll": "scroll"}
#: The options only the static export takes (with --format html), by their argparse names.
_SITE_DESTS = ("country", "date_from", "date_to", "near", "radius", "lang", "height", "zoom", "center",
               "no_legend", "list", "no_scroll", "force")


def add_site_arguments(exporter: argparse.ArgumentParser) -> None:
    """The static export's options, on the ``export`` command's parser."""
    group = exporter.add_argument_group(
        "static export (--format html)",
        "With --format html, -o names a folder: index.html (the map, its bar and, with --list, the list of "
        "events), events.geojson and events.csv of the shown events (public columns only) and vendor/ (the map's "
        "scripts and outlines, with their licences, copied from static/vendor; the local copies even with "
        "assets = cdn, so the folder needs no CDN). It works from any static host and opened from a disk "
        "(file://). The filters and display options are the light embed's (/embed?country=ES&list=1); with the "
        "public_url setting the page links back to the full map with the same filter.",
    )
    group.add_argument("--country", action="append", metavar="CODE",
                       help="only these countries: a code or name, repeated or comma-separated (ES,GB)")
    group.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="only events on or after this date")
    group.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="only events on or before this date")
    group.add_argument("--near", metavar="PLACE",
                       help='only events within the radius of a town or city ("Cork, Ireland"; offline gazetteer)')
    group.add_argument("--radius", metavar="KM", help="the radius around --near in km, 1 to 20000 (default 250)")
    group.add_argument("--lang", metavar="TAG", help="the page's language (en, es; default en)")
    group.add_argument("--height", metavar="PX", help="the map's height in pixels, 200 to 2000 (default: the window)")
    group.add_argument("--zoom", metavar="N", help="the starting zoom, 1 to 18 (default: fitted to the events)")
    group.add_argument("--center", metavar="LAT,LON",
                       help="the starting centre, e.g. --center=40.42,-3.70 (write = before a negative latitude)")
    group.add_argument("--no-legend", action="store_true", default=None, help="leave the legend out")
    group.add_argument("--list", action="store_true", default=None,
                       help="an accessible list of the events below the map")
    group.add_argument("--no-scroll", action="store_true", default=None,
                       help="the map never takes the page's scrolling (zoom with + and -)")
    group.add_argument("--force", action="store_true", default=None,
                       help="replace the folder if it holds a previous export (everything in it is deleted)")


def site_params(args: argparse.Namespace) -> dict[str, list[str]]:
    """The options as the light embed's query parameters (each a list of values, as a URL query gives them)."""
    values = {
        "country": args.country or [],
        "from": [args.date_from] if args.date_from is not None else [],
        "to": [args.date_to] if args.date_to is not None else [],
        "near": [args.near] if args.near is not None else [],
        "radius": [args.radius] if args.radius is not None else [],
        "height": [args.height] if args.height is not None else [],
        "zoom": [args.zoom] if args.zoom is not None else [],
        "center": [args.center] if args.center is not None else [],
        "legend": ["0"] if args.no_legend else [],
        "list": ["1"] if args.list else [],
        "scroll": ["0"] if args.no_scroll else [],
    }
    return {key: found for key, found in values.items() if found}


def _parse(params: Mapping[str, list[str]]) -> tuple[EventFilter, Display, tuple[Message, ...]]:
    event_filter, filter_notices = filter_from_query(params)
    display, display_notices = display_from_query(params)
    return event_filter, display, filter_notices + display_notices


def parse_site_options(params: Mapping[str, list[str]]) -> tuple[EventFilter, Display, list[str]]:
    """The filter and display of the options, and an error line per notice, naming its option where it has one."""
    event_filter, display, notices = _parse(params)
    options = {key: option for option, key in OPTION_KEYS.items()}
    errors = []
    for notice in notices:
        keys = [key for key in params if notice in _parse({key: params[key]})[2]]
        where = f"{options[keys[0]]}: " if len(keys) == 1 else ""
        errors.append(f"{where}{notice}")
    return event_filter, display, errors


def site_language(requested: str | None) -> str:
    """The language of ``--lang`` (the nearest the app has: es_MX is es); ValueError if it has none near it."""
    if requested is None:
        return "en"
    choice = choose_language(requested, None, None, available_languages())
    if choice.chosen_by is not ChosenBy.ADDRESS:
        raise ValueError(f"--lang {requested[:40]!r}: the map has no such language; "
                         f"choose one of {', '.join(available_languages())}")
    return choice.language


def _fail(text: str) -> int:
    print(f"error: {text}", file=sys.stderr)
    return EXIT_USAGE


def export_site(args: argparse.Namespace, settings: Settings, out: TextIO) -> int | None:
    """The ``export`` command's part for ``--format html``: its exit code; None for another format (the caller's).

    The static export's options with another format are refused (exit 2).
    """
    if args.format != HTML:
        used = [dest for dest in _SITE_DESTS if getattr(args, dest, None) is not None]
        if not used:
            return None
        names = ", ".join("--" + dest.removeprefix("date_").replace("_", "-") for dest in used)
        return _fail(f"{names}: only for the static export; add --format html -o DIR")
    return cmd_export_html(args, settings, out)


def cmd_export_html(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Write the static export (see the module's docstring); 0, or 2 with the reason on standard error."""
    if args.output in (None, "-"):
        return _fail("--format html writes a folder: give it with -o DIR (a new or empty folder)")
    if args.include_private:
        return _fail("a static export is public and never carries contact_email; export without --include-private")
    event_filter, display, errors = parse_site_options(site_params(args))
    try:
        language = site_language(args.lang)
    except ValueError as exc:
        errors.append(str(exc))
    if errors:
        for line in errors:
            print(f"error: {line}", file=sys.stderr)
        print("nothing was written; fix the options above", file=sys.stderr)
        return EXIT_USAGE
    store = publishing.open_published_store(settings)
    number = args.version if args.version is not None else store.latest_number()
    version = store.get(number)
    placed = version.events
    geocoder = build_geocoder(settings, cache=store.geocode_cache()) if event_filter.near else None
    going = store.going().counts(event_uids([p.event for p in placed]))
    try:
        site = write_site(args.output, placed, title=campaign_from_settings(settings).name,
                          event_filter=event_filter, display=display, language=language,
                          public_url=settings.public_url, map_settings=map_options(settings), geocoder=geocoder,
                          going=going, force=bool(args.force))
    except FeedQueryError as exc:  # a --near place that cannot be found
        return _fail(f"--near: {str(exc).removeprefix('Bad query: ')} Write a town or city and its country, "
                     'like "Cork, Ireland"; nothing was written')
    except SiteError as exc:
        return _fail(str(exc))
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        return _fail(f"cannot write{where}: {exc.strerror or exc}; nothing was written to {args.output}")
    if not site.full_map_url:
        print('note: the public_url setting is empty, so the page has no "Open the full map" link (nor a link to '
              "the guide); set SPEAKOUT_PUBLIC_URL to the app's address (https://map.example.org) to add them",
              file=sys.stderr)
    near = f" within {event_filter.radius_or_default:g} km of {site.near_place}" if site.near_place else ""
    print(f"wrote {site.shown} events{near} (of {site.total} in version {number}) to {args.output}/index.html, "
          f"with events.geojson, events.csv and the map's files ({len(site.files)} files in all, "
          f"language {site.language}); open index.html in a browser or upload the folder", file=sys.stderr)
    return EXIT_OK
