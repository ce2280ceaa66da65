"""The static export: the map as a folder of files for any static host, or opened from ``file://`` with no server.

``python -m speakout_map export --format html -o DIR`` writes::

    DIR/index.html         the map (maps.standalone: the app's map, script and escaping) and its bar
    DIR/events.geojson     the shown events, public columns only (as the feeds)
    DIR/events.csv         the same as a spreadsheet, formula-safe (UTF-8 with a BOM, as the app's downloads)
    DIR/vendor/...         the map's files copied from static/vendor (Leaflet, markercluster,
                           topojson-client, the Natural Earth outlines), each package's licence,
                           and the outlines again as a script (browsers refuse fetch from file://)

Every file the page loads comes from the folder by a relative address
(``vendor/leaflet/leaflet.js``); only the tiles come from elsewhere (none
with ``tiles_url = none``). Besides the credits and the events' own links,
the page links to ``./events.geojson`` and ``./events.csv`` and, with the
``public_url`` setting, back to the app ("Open the full map" with the same
filter, the guide). The local files are used even with ``assets = "cdn"``: a
folder someone uploads should not depend on a CDN.

The folder is written into a fresh temporary folder next to ``DIR`` and
renamed into place, so a failure never leaves half a site. An existing
``DIR`` that is not empty is refused unless ``force``; even then only a
folder that holds a previous export is replaced (a mistyped ``-o ~`` must not
delete a home folder).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from geopy.geocoders.base import Geocoder

from speakout_map.errors import SpeakOutError
from speakout_map.events.export import events_to_csv, geojson_text
from speakout_map.events.identity import uids_within
from speakout_map.languages.choosing import LANG_PARAMETER
from speakout_map.languages.translator import translator_for
from speakout_map.maps import assets as asset_files
from speakout_map.maps.basemap import OUTLINES_SCRIPT, outlines_script
from speakout_map.maps.display import Display
from speakout_map.maps.filters import EventFilter
from speakout_map.maps.focus import Focus
from speakout_map.maps.rows import counts_of
from speakout_map.maps.standalone import PageLink, standalone_html
from speakout_map.places.nearby import place_label
from speakout_map.places.place import PlacedEvent
from speakout_map.web.embed import EmbedQuery
from speakout_map.web.feeds import filtered_events

INDEX_FILE = "index.html"
GEOJSON_FILE = "events.geojson"
CSV_FILE = "events.csv"
#: The vendor folder, next to index.html; the page's asset address.
VENDOR_FOLDER = asset_files.VENDOR_FOLDER
#: Every file an export holds besides the vendor folder's.
DATA_FILES = (INDEX_FILE, GEOJSON_FILE, CSV_FILE)
#: What a folder holds when it is a previous export (``force`` replaces only such a folder).
EXPORT_SIGNS = (INDEX_FILE, f"{VENDOR_FOLDER}/leaflet/leaflet.js")


class SiteError(SpeakOutError):
    """The static export cannot be written; the text says why and what to do."""


class SiteExistsError(SiteError):
    """The target folder exists and is not empty (and ``force`` was not given, or it is not a previous export)."""


class SiteAssetsMissingError(SiteError):
    """The map's files are not installed in ``static/vendor``: ``make install`` copies them."""


@dataclass(frozen=True)
class ExportedSite:
    """What was written: where, how many events of how many, every file (relative), the full map's address."""

    path: Path
    shown: int
    total: int
    files: tuple[str, ...]
    #: The "Open the full map" link ("" without ``public_url``).
    full_map_url: str = ""
    #: The page's words' language.
    language: str = "en"
    #: The searched place's name, with ``near``.
    near_place: str = ""


def full_map_url(public_url: str, event_filter: EventFilter, language: str) -> str:
    """The app's map with the same filter and language (``public_url`` + ``/map?...``); "" without ``public_url``."""
    if not public_url:
        return ""
    query = EmbedQuery(event_filter, language, Display()).map_query()  # the light embed's link, the same way
    return f"{public_url.rstrip('/')}/map?{urlencode(query)}"


def guide_url(public_url: str, language: str) -> str:
    """The app's guide in the page's language (for the "no events yet" note); "" without ``public_url``."""
    if not public_url:
        return ""
    return f"{public_url.rstrip('/')}/guide?{urlencode({LANG_PARAMETER: language})}"


def site_map_settings(map_settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """:func:`~speakout_map.maps.build.map_options` for the folder: the tiles and basemap as set, the files local."""
    options = dict(map_settings or {})
    options["assets"] = asset_files.SELF
    options["asset_base_url"] = asset_files.RelativeBaseUrl(VENDOR_FOLDER)
    return options


def check_vendor(static_dir: Path | str = asset_files.STATIC_DIR) -> list[str]:
    """The map's files (relative to the vendor folder) once checked present; :class:`SiteAssetsMissingError` if not."""
    vendor = Path(static_dir) / VENDOR_FOLDER
    wanted = asset_files.map_vendor_files()
    missing = [name for name in wanted if not _is_filled(vendor / name)]
    if missing:
        shown = ", ".join(f"{VENDOR_FOLDER}/{name}" for name in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise SiteAssetsMissingError(
            f"the map's files are not installed in {static_dir} (missing: {shown}{more}); "
            "run `make install` in the project folder (it runs npm ci and copies them), then export again")
    return wanted


def _is_filled(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def _looks_like_export(folder: Path) -> bool:
    return all((folder / sign).is_file() for sign in EXPORT_SIGNS)


def check_target(target: Path | str, *, force: bool = False) -> Path:
    """The target folder, if it may be written: absent, an empty folder, or (with ``force``) a previous export."""
    path = Path(os.path.abspath(target))
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise SiteExistsError(f"{path} exists and is not a folder; choose another -o folder")
    if not path.exists() or not any(path.iterdir()):
        return path
    if not force:
        raise SiteExistsError(f"{path} exists and is not empty; choose a new or empty folder, "
                              "or add --force to replace it (everything in it is deleted)")
    if not _looks_like_export(path):
        signs = " and ".join(EXPORT_SIGNS)
        raise SiteExistsError(f"{path} is not empty and does not hold a previous export (no {signs}), "
                              "so --force will not delete it; choose a new or empty folder")
    return path


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", errors="replace")  # a lone surrogate is not text: it becomes "?"


def site_files(
    placed: Sequence[PlacedEvent],
    *,
    title: str,
    event_filter: EventFilter = EventFilter(),
    display: Display = Display(),
    language: str = "en",
    public_url: str = "",
    map_settings: Mapping[str, Any] | None = None,
    geocoder: Geocoder | None = None,
    going: Mapping[str, int] | None = None,
) -> tuple[dict[str, bytes], tuple[PlacedEvent, ...], str]:
    """The export's own files (``index.html``, the data) by name, the shown events and the searched place's name.

    ``placed`` are one published version's events; the filter keeps some
    (with ``near``, those within the radius, found with ``geocoder``; a place
    it cannot find is a :class:`~speakout_map.errors.FeedQueryError`).
    ``going`` (counts by UID within ``placed``) shows each event's count.
    """
    t = translator_for(language)
    shown, origin = filtered_events(placed, event_filter, translator=t, geocoder=geocoder)
    focus = near = None
    if origin is not None:
        near = place_label(origin, t)
        focus = Focus(origin.latitude, origin.longitude, event_filter.radius_or_default, near)
    going_rows = counts = None
    if going is not None:
        going_rows = counts_of(placed, going)
        uids = uids_within([p.event for p in shown], [p.event for p in placed])
        counts = [int(going.get(uid, 0)) for uid in uids]
    links = []
    full_map = full_map_url(public_url, event_filter, language)
    if full_map:
        # Translators: the link under the exported map (a folder of files) to the whole app, in a new tab.
        links.append(PageLink(t("Open the full map"), full_map))
    # Translators: links under the exported map (a folder of files) to its events as data files.
    links.append(PageLink(t("Events as GeoJSON"), f"./{GEOJSON_FILE}"))
    # Translators: a link under the exported map to its events as a spreadsheet file.
    links.append(PageLink(t("Events as CSV"), f"./{CSV_FILE}"))
    html = standalone_html(shown, display=display, title=title, links=links, translator=t,
                           guide_url=guide_url(public_url, language), focus=focus, going=going_rows,
                           map_settings=site_map_settings(map_settings))
    files = {
        INDEX_FILE: _encoded(html),
        GEOJSON_FILE: _encoded(geojson_text(shown, include_private=False, going=counts)),
        CSV_FILE: _encoded(events_to_csv([p.event for p in shown], include_private=False, bom=True, going=counts,
                                         ids=uids_within([p.event for p in shown], [p.event for p in placed]))),
    }
    return files, shown, near or ""


def _fill(folder: Path, files: Mapping[str, bytes], vendor_names: Sequence[str], static_dir: Path) -> list[str]:
    written = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        written.append(name)
    source, vendor = static_dir / VENDOR_FOLDER, folder / VENDOR_FOLDER
    for name in vendor_names:
        (vendor / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, vendor / name)
        written.append(f"{VENDOR_FOLDER}/{name}")
    data_name = asset_files.ASSETS_BY_NAME[asset_files.BASEMAP_DATA].target
    try:
        outlines = outlines_script((source / data_name).read_text(encoding="utf-8"))
    except ValueError as exc:  # not JSON (nor UTF-8): a damaged copy
        raise SiteAssetsMissingError(f"{source / data_name} is not the country outlines ({exc}); run `make install` "
                                     "in the project folder to copy it again, then export again") from exc
    (vendor / OUTLINES_SCRIPT).write_text(outlines, encoding="ascii")
    written.append(f"{VENDOR_FOLDER}/{OUTLINES_SCRIPT}")
    return written


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``; an existing ``target`` is moved aside first and deleted once replaced."""
    if not target.exists():
        staging.rename(target)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    aside.rmdir()
    target.rename(aside)
    try:
        staging.rename(target)
    except BaseException:
        aside.rename(target)  # put the old folder back: the target is as it was
        raise
    shutil.rmtree(aside, ignore_errors=True)


def write_site(
    target: Path | str,
    placed: Sequence[PlacedEvent],
    *,
    title: str,
    event_filter: EventFilter = EventFilter(),
    display: Display = Display(),
    language: str = "en",
    public_url: str = "",
    map_settings: Mapping[str, Any] | None = None,
    geocoder: Geocoder | None = None,
    going: Mapping[str, int] | None = None,
    force: bool = False,
    static_dir: Path | str = asset_files.STATIC_DIR,
) -> ExportedSite:
    """Write the export of ``placed`` (one published version's events) into the folder ``target``.

    See the module's docstring; the options are :func:`site_files`'.
    ``map_settings`` (:func:`~speakout_map.maps.build.map_options`) give the
    tiles and basemap; the files are always the local copies in
    ``static_dir/vendor``. Raises :class:`SiteExistsError` (see
    :func:`check_target`), :class:`SiteAssetsMissingError`, FeedQueryError
    (a ``near`` place not found) and OSError; on any failure nothing changed.
    """
    static_dir = Path(static_dir)
    target = check_target(target, force=force)
    vendor_names = check_vendor(static_dir)
    files, shown, near = site_files(placed, title=title, event_filter=event_filter, display=display,
                                    language=language, public_url=public_url, map_settings=map_settings,
                                    geocoder=geocoder, going=going)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        written = _fill(staging, files, vendor_names, static_dir)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is for everyone to read
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ExportedSite(path=target, shown=len(shown), total=len(placed), files=tuple(sorted(written)),
                        full_map_url=full_map_url(public_url, event_filter, language), language=language,
                        near_place=near)
