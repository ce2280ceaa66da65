"""The map's browser assets: which files, where they are served from, whether they are installed.

The map needs Leaflet, Leaflet.markercluster and, for the offline basemap,
topojson-client and Natural Earth's country outlines (world-atlas). They
come from the npm registry at install time (``package.json`` and the
committed ``package-lock.json``; ``make install`` runs ``npm ci``) and
:func:`copy_assets` copies just the files the map uses, with their licences,
into ``static/vendor/``. Streamlit serves that folder at
``/app/static/vendor/`` (``server.enableStaticServing``). Nothing there is
committed: it is rebuilt from the lock file.

The same copy brings the ALTCHA widget (npm package ``altcha``), the optional
proof-of-work check of the public proposal form (``app_pages/challenge.py``).
It is always loaded from this app's copy, in "cdn" mode too.

With ``assets = "cdn"`` the same pinned versions are loaded from jsDelivr
instead and nothing needs to be installed. Each file then carries its
Subresource Integrity hash (``integrity="sha384-..."``), pinned here with
its version: the browser refuses a file whose bytes are not the ones we
pinned. The files in ``node_modules`` are the bytes the CDN serves, so
``python -m speakout_map.maps.assets integrity`` prints the hashes to pin
after a version change (tests/test_assets.py checks them).

``python -m speakout_map.maps.assets copy`` copies (the Makefile runs it);
``python -m speakout_map.maps.assets check`` lists missing files (exit code 1);
``python -m speakout_map.maps.assets integrity`` prints each file's SRI hash, from ``node_modules``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from speakout_map.errors import SettingsError, SpeakOutError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Streamlit serves ``static/`` next to app.py at ``/app/static/``.
STATIC_DIR = PROJECT_ROOT / "static"
#: The folder of ``STATIC_DIR`` that holds the copied npm files (git-ignored).
VENDOR_FOLDER = "vendor"
NODE_MODULES = PROJECT_ROOT / "node_modules"

SELF = "self"
CDN = "cdn"
MODES = (SELF, CDN)
#: Where the browser finds the vendor folder in "self" mode. Behind a proxy
#: that adds a path prefix (or with Streamlit's baseUrlPath), put it in front.
DEFAULT_BASE_URL = "/app/static/vendor"
#: The public CDN of "cdn" mode; it serves every npm package by name and version.
CDN_BASE_URL = "https://cdn.jsdelivr.net/npm"

#: Natural Earth outlines in world-atlas: the 1:110m countries (small, about 105 KB).
COUNTRIES_OBJECT = "countries"


class AssetsMissingError(SpeakOutError):
    """The npm packages the map's assets are copied from are not installed (or are the wrong versions)."""


@dataclass(frozen=True)
class Asset:
    """One file of an npm package that the browser loads."""

    #: The name folium gives the link (so ours replace its CDN defaults).
    name: str
    package: str
    version: str
    #: Path inside the package.
    source: str
    #: "js", "css" or "data".
    kind: str
    #: Subresource Integrity of the file at this version: ``sha384-`` and the base64 digest.
    integrity: str

    @property
    def target(self) -> str:
        """Path under the vendor folder: ``<package>/<file name>``."""
        return f"{self.package}/{Path(self.source).name}"

    def url(self, mode: str = SELF, base_url: str = DEFAULT_BASE_URL) -> str:
        if mode == CDN:
            return f"{CDN_BASE_URL}/{self.package}@{self.version}/{self.source}"
        return f"{base_url.rstrip('/')}/{self.target}"


#: Exact versions; tests/test_assets.py checks they match package.json and package-lock.json.
VERSIONS = {
    "altcha": "3.2.2",
    "leaflet": "1.9.4",
    "leaflet.markercluster": "1.5.3",
    "topojson-client": "3.1.0",
    "world-atlas": "2.0.2",
}

ASSETS: tuple[Asset, ...] = (
    Asset("leaflet", "leaflet", VERSIONS["leaflet"], "dist/leaflet.js", "js",
          "sha384-cxOPjt7s7Iz04uaHJceBmS+qpjv2JkIHNVcuOrM+YHwZOmJGBXI00mdUXEq65HTH"),
    Asset("leaflet_css", "leaflet", VERSIONS["leaflet"], "dist/leaflet.css", "css",
          "sha384-sHL9NAb7lN7rfvG5lfHpm643Xkcjzp4jFvuavGOndn6pjVqS6ny56CAt3nsEVT4H"),
    Asset("markerclusterjs", "leaflet.markercluster", VERSIONS["leaflet.markercluster"],
          "dist/leaflet.markercluster.js", "js",
          "sha384-eXVCORTRlv4FUUgS/xmOyr66XBVraen8ATNLMESp92FKXLAMiKkerixTiBvXriZr"),
    Asset("markerclustercss", "leaflet.markercluster", VERSIONS["leaflet.markercluster"],
          "dist/MarkerCluster.css", "css",
          "sha384-pmjIAcz2bAn0xukfxADbZIb3t8oRT9Sv0rvO+BR5Csr6Dhqq+nZs59P0pPKQJkEV"),
    Asset("markerclusterdefaultcss", "leaflet.markercluster", VERSIONS["leaflet.markercluster"],
          "dist/MarkerCluster.Default.css", "css",
          "sha384-wgw+aLYNQ7dlhK47ZPK7FRACiq7ROZwgFNg0m04avm4CaXS+Z9Y7nMu8yNjBKYC+"),
    Asset("topojson_client", "topojson-client", VERSIONS["topojson-client"], "dist/topojson-client.min.js", "js",
          "sha384-Ukv1p/xTma6P4/2bY5KzWBw+ydSpXmhCMtyciIQVDJ1RmOxtCYNMF1uXT9T63H67"),
    Asset("world_countries", "world-atlas", VERSIONS["world-atlas"], "countries-110m.json", "data",
          "sha384-yOCJ+8ShBm8UDqtAVtAvxTDDf4gXo5edxl/YG0FmVC5OTmqVLl7utuVGBDEeZWHf"),
    # The proof-of-work widget: one ES module with its styles and its SHA/PBKDF2 workers inside.
    Asset("altcha", "altcha", VERSIONS["altcha"], "dist/main/altcha.min.js", "js",
          "sha384-jLDlAN4sNEyVuoXL4XWR9bYCXmPdWJF8pbfHbHBAqpWh3En8WFppYuHzwVVFMQO3"),
)
ASSETS_BY_NAME = {asset.name: asset for asset in ASSETS}

#: Each package's licence file, served next to its files (the licences ask for it).
LICENSE_FILES = {
    "altcha": "LICENSE.txt",
    "leaflet": "LICENSE",
    "leaflet.markercluster": "MIT-LICENCE.txt",
    "topojson-client": "LICENSE",
    "world-atlas": "LICENSE",
}

#: Which assets each part of the map loads, in load order.
MAP_ASSETS = ("leaflet", "leaflet_css")
CLUSTER_ASSETS = ("markerclusterjs", "markerclustercss", "markerclusterdefaultcss")
BASEMAP_ASSETS = ("topojson_client",)
BASEMAP_DATA = "world_countries"
#: The proposal form's proof-of-work widget (not part of the map; never from the CDN).
CHALLENGE_ASSET = "altcha"

_URL_FORBIDDEN = set(" \t\r\n\"'<>`{}\\^|")

#: A relative address's parts: plain folder names (letters, digits, ``.``, ``_``, ``-``), never ``..``.
_RELATIVE_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


class RelativeBaseUrl(str):
    """The vendor folder's address relative to the page (``vendor``): a page opened from a folder of files.

    The static export's ``index.html`` loads its files from ``vendor/`` next
    to it, so it works from any static host and from ``file://``. Only code
    makes one (:func:`check_base_url` accepts a relative address only as this
    type); a setting is always a plain string, so ``asset_base_url`` stays a
    path or an http(s) URL. The offline basemap then loads its outlines from a
    script file instead of fetching them (:mod:`speakout_map.maps.basemap`).
    """

    __slots__ = ()


def is_relative(url: str) -> bool:
    """Whether ``url`` is a :class:`RelativeBaseUrl` (a page opened from a folder of files)."""
    return isinstance(url, RelativeBaseUrl)


def _check_relative(url: RelativeBaseUrl) -> RelativeBaseUrl:
    text = str(url).strip().removeprefix("./").rstrip("/")
    parts = text.split("/")
    if not text or any(part == ".." or not _RELATIVE_PART.fullmatch(part) for part in parts):
        raise SettingsError(f"a relative asset address must be folder names like vendor or assets/vendor; got {url!r}")
    return RelativeBaseUrl(text)


def check_mode(mode: str) -> str:
    """``"self"`` or ``"cdn"`` (any case, spaces ignored), else :class:`SettingsError`."""
    text = str(mode).strip().lower()
    if text not in MODES:
        raise SettingsError(f"setting assets must be 'self' (served by the app) or 'cdn', not {mode!r}")
    return text


def check_base_url(url: str) -> str:
    """The vendor folder's address without a trailing slash, if it is a same-site path or an http(s) URL.

    It goes into ``<script src>``/``<link href>`` and a script, so quotes,
    angle brackets, braces, backslashes and spaces are refused. A
    :class:`RelativeBaseUrl` (made by code, never a setting) may be relative
    (plain folder names) and stays one.
    """
    if isinstance(url, RelativeBaseUrl):
        return _check_relative(url)
    text = str(url).strip()
    if not text or any(ch in _URL_FORBIDDEN or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise SettingsError(
            f"setting asset_base_url must be a path like {DEFAULT_BASE_URL} or an https:// URL "
            f"without spaces, quotes, <, >, braces or backslashes; got {url!r}"
        )
    lowered = text.lower()
    is_path = text.startswith("/") and not text.startswith("//")
    is_web = lowered.startswith(("https://", "http://")) and len(text.split("/", 3)[2]) > 0
    if not (is_path or is_web):
        raise SettingsError(
            f"setting asset_base_url must start with / (this site) or https:// (another host); got {url!r}"
        )
    return text.rstrip("/") or "/"


def asset_links(names: Sequence[str], kind: str, mode: str = SELF,
                base_url: str = DEFAULT_BASE_URL) -> list[tuple[str, str]]:
    """``(name, url)`` of the named assets of one kind (``"js"`` or ``"css"``), as folium's default_js/default_css."""
    return [(a.name, a.url(mode, base_url)) for a in (ASSETS_BY_NAME[n] for n in names) if a.kind == kind]


def asset_url(name: str, mode: str = SELF, base_url: str = DEFAULT_BASE_URL) -> str:
    return ASSETS_BY_NAME[name].url(mode, base_url)


def integrity_of(url: str) -> str | None:
    """The pinned Subresource Integrity of a cdn-mode URL of one of :data:`ASSETS`, else None.

    Only the CDN's files get one: in "self" mode the app serves its own copies.
    """
    return _CDN_INTEGRITY.get(url)


def file_integrity(path: Path | str) -> str:
    """A file's Subresource Integrity value: ``sha384-`` and the base64 of its SHA-384 digest."""
    digest = hashlib.sha384(Path(path).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


_CDN_INTEGRITY = {asset.url(CDN): asset.integrity for asset in ASSETS}


def vendor_files() -> list[str]:
    """Every file the vendor folder must hold, relative to it."""
    files = [asset.target for asset in ASSETS]
    files.extend(f"{package}/{name}" for package, name in LICENSE_FILES.items())
    return files


def map_vendor_files() -> list[str]:
    """The files of the vendor folder the map itself needs (not the proposal form's widget), with their licences."""
    assets = [asset for asset in ASSETS if asset.name != CHALLENGE_ASSET]
    packages = dict.fromkeys(asset.package for asset in assets)
    return [asset.target for asset in assets] + [f"{package}/{LICENSE_FILES[package]}" for package in packages]


def missing_files(static_dir: Path | str = STATIC_DIR) -> list[str]:
    """The map's files that are not in ``static_dir`` (relative to it, e.g. ``vendor/leaflet/leaflet.js``).

    Empty when everything is installed. An empty file counts as missing.
    """
    vendor = Path(static_dir) / VENDOR_FOLDER
    missing = []
    for relative in vendor_files():
        path = vendor / relative
        try:
            if path.is_file() and path.stat().st_size > 0:
                continue
        except OSError:
            pass
        missing.append(f"{VENDOR_FOLDER}/{relative}")
    return missing


def missing_files_message(missing: Sequence[str], static_dir: Path | str = STATIC_DIR) -> str:
    """What to tell the operator when :func:`missing_files` found some (plain text, no Markdown)."""
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    return (
        f"The map cannot be drawn: its scripts and styles are not installed in {static_dir} "
        f"(missing: {shown}). Run `make install` in the project folder (it runs npm ci and copies "
        "them), then reload this page. Or set SPEAKOUT_ASSETS=cdn to load them from public CDNs instead."
    )


def _installed_version(package_dir: Path) -> str | None:
    try:
        return json.loads((package_dir / "package.json").read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None


def copy_assets(node_modules: Path | str = NODE_MODULES, static_dir: Path | str = STATIC_DIR) -> list[Path]:
    """Copy the map's files from the npm packages into ``static_dir/vendor`` (replacing what was there).

    Raises :class:`AssetsMissingError` if a package is missing or not the pinned version.
    """
    node_modules, vendor = Path(node_modules), Path(static_dir) / VENDOR_FOLDER
    problems = []
    for package, version in VERSIONS.items():
        found = _installed_version(node_modules / package)
        if found != version:
            problems.append(f"{package} {version} (found {found or 'nothing'})")
    if problems:
        raise AssetsMissingError(
            f"npm packages missing from {node_modules}: {', '.join(problems)}; run `npm ci` (or `make install`)"
        )
    sources = [(node_modules / a.package / a.source, vendor / a.target) for a in ASSETS]
    sources += [(node_modules / p / name, vendor / p / name) for p, name in LICENSE_FILES.items()]
    for source, _ in sources:
        if not source.is_file():
            raise AssetsMissingError(f"{source} is missing; run `npm ci` (or `make install`) again")
    staging = vendor.with_name(vendor.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    copied = []
    for source, target in sources:
        staged = staging / target.relative_to(vendor)
        staged.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staged)
        copied.append(target)
    shutil.rmtree(vendor, ignore_errors=True)
    staging.rename(vendor)
    return copied


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m speakout_map.maps.assets", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["copy", "check", "integrity"])
    parser.add_argument("--node-modules", type=Path, default=NODE_MODULES)
    parser.add_argument("--static-dir", type=Path, default=STATIC_DIR)
    args = parser.parse_args(argv)
    if args.command == "copy":
        try:
            copied = copy_assets(args.node_modules, args.static_dir)
        except AssetsMissingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        total = sum(path.stat().st_size for path in copied)
        print(f"copied {len(copied)} files ({total / 1024:.0f} KB) into {args.static_dir / VENDOR_FOLDER}")
        return 0
    if args.command == "integrity":
        for asset in ASSETS:
            print(f"{asset.name} {file_integrity(args.node_modules / asset.package / asset.source)}")
        return 0
    missing = missing_files(args.static_dir)
    if missing:
        print(missing_files_message(missing, args.static_dir), file=sys.stderr)
        return 1
    print(f"all {len(vendor_files())} files are in {args.static_dir / VENDOR_FOLDER}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
