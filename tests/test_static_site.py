"""The static export (speakout_map.maps.static_site): the folder, its relative addresses, its data, hostile text,
filters, and writing it atomically.

What it does in a browser opened from file:// is tested in tests/e2e/test_static_export_browser.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from speakout_map.errors import FeedQueryError
from speakout_map.events.export import events_to_geojson
from speakout_map.events.model import Status
from speakout_map.languages.translator import translator_for
from speakout_map.maps import assets as asset_files
from speakout_map.maps import static_site
from speakout_map.maps.basemap import OUTLINES_GLOBAL, OUTLINES_SCRIPT
from speakout_map.maps.build import map_options
from speakout_map.maps.display import Display
from speakout_map.maps.filters import EventFilter, apply_filter
from speakout_map.maps.standalone import LIST_ID
from speakout_map.maps.static_site import (
    CSV_FILE,
    GEOJSON_FILE,
    INDEX_FILE,
    SiteAssetsMissingError,
    SiteExistsError,
    full_map_url,
    guide_url,
    site_files,
    site_map_settings,
    write_site,
)
from speakout_map.settings import Settings
from tests.map_support import (
    FIELD,
    PAYLOADS,
    PRIVATE_EMAIL,
    TEXT_FIELDS,
    WORLD,
    extract_rows,
    make_event,
    options_of,
    place,
    scripts_of,
    start_tags_of,
)

TITLE = "Speak Out For Russia"
PUBLIC = "https://map.example.org/campaign"
ATLAS = {"type": "Topology", "objects": {"countries": {"type": "GeometryCollection", "geometries": []}},
         "arcs": []}  # fmt: skip
MAP_FILES = asset_files.map_vendor_files()
SITE_FILES = sorted([INDEX_FILE, GEOJSON_FILE, CSV_FILE, f"vendor/{OUTLINES_SCRIPT}",
                     *(f"vendor/{name}" for name in MAP_FILES)])
needs_installed_assets = pytest.mark.skipif(
    bool(asset_files.missing_files()), reason="the map's npm files are not installed; run `make install`"
)


@pytest.fixture
def static_dir(tmp_path: Path) -> Path:
    """A static folder holding every vendored file (the proposal form's widget too), each with its own bytes."""
    static = tmp_path / "static"
    for name in asset_files.vendor_files():
        path = static / "vendor" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(ATLAS) if name.endswith(".json") else f"/* {name} */", encoding="utf-8")
    return static


def export(tmp_path: Path, static_dir: Path, placed=WORLD, name: str = "site", **options):
    options.setdefault("title", TITLE)
    site = write_site(tmp_path / name, placed, static_dir=static_dir, **options)
    return site, tmp_path / name


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def index_of(folder: Path) -> str:
    return (folder / INDEX_FILE).read_text(encoding="utf-8")


def csv_rows(folder: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / CSV_FILE).read_bytes().decode("utf-8-sig"), newline="")))


def geojson_of(folder: Path) -> dict:
    return json.loads((folder / GEOJSON_FILE).read_text(encoding="utf-8"))


def bar_links(html: str) -> list[tuple[str, str]]:
    bar = re.search(r'<span class="speakout-bar-links">(.*?)</span>', html, re.S)
    assert bar is not None
    return re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', bar.group(1))


# --- the folder --------------------------------------------------------------------------------


def test_the_folder_holds_the_page_the_data_and_exactly_the_maps_files(tmp_path, static_dir):
    site, folder = export(tmp_path, static_dir)
    assert listing(folder) == SITE_FILES == list(site.files)
    assert not [name for name in listing(folder) if "altcha" in name], "the proposal form's widget is not the map's"
    for name in MAP_FILES:  # copies, licences included
        assert (folder / "vendor" / name).read_bytes() == (static_dir / "vendor" / name).read_bytes(), name
    assert (site.path, site.shown, site.total, site.full_map_url, site.language) == (folder, 6, 6, "", "en")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "static"], "no temporary folder left behind"
    assert oct(folder.stat().st_mode & 0o777) == "0o755"


def test_the_outlines_script_defines_the_global_basemap_js_reads(tmp_path, static_dir):
    _, folder = export(tmp_path, static_dir)
    text = (folder / "vendor" / OUTLINES_SCRIPT).read_text(encoding="ascii")
    assert text.startswith(f"window.{OUTLINES_GLOBAL} = ")
    assert json.loads(text.split(" = ", 1)[1].rstrip(";\n")) == ATLAS
    assert options_of(index_of(folder), "speakoutOfflineBasemap")["dataGlobal"] == OUTLINES_GLOBAL


@needs_installed_assets
def test_with_the_installed_files(tmp_path):
    _, folder = export(tmp_path, asset_files.STATIC_DIR)
    atlas = asset_files.STATIC_DIR / "vendor" / "world-atlas" / "countries-110m.json"
    text = (folder / "vendor" / OUTLINES_SCRIPT).read_text(encoding="ascii")
    assert json.loads(text.split(" = ", 1)[1].rstrip(";\n")) == json.loads(atlas.read_text(encoding="utf-8"))
    for name in MAP_FILES:
        assert (folder / "vendor" / name).read_bytes() == (asset_files.STATIC_DIR / "vendor" / name).read_bytes()


_ADDRESSES = re.compile(r'<(script|link)\b[^>]*?\b(?:src|href)="([^"]*)"')


@pytest.mark.parametrize("assets", ["self", "cdn"])
@pytest.mark.parametrize("base", ["/app/static/vendor", "https://static.example.org/vendor"])
def test_every_file_the_page_loads_is_in_the_folder_by_a_relative_address(assets, base, tmp_path, static_dir):
    settings = Settings(assets=assets, asset_base_url=base)
    _, folder = export(tmp_path, static_dir, map_settings=map_options(settings))
    html = index_of(folder)
    loaded = _ADDRESSES.findall(html)
    assert len(loaded) == 7, loaded  # 4 scripts (the outlines' too), 3 stylesheets, and nothing else
    for _tag, address in loaded:
        assert address.startswith("vendor/") and (folder / address).is_file(), address
    assert "/app/static" not in html and "static.example.org" not in html and "cdn.jsdelivr" not in html
    assert "integrity=" not in html, "local files: no CDN pins"
    options = options_of(html, "speakoutOfflineBasemap")
    assert options["dataUrl"] == "vendor/world-atlas/countries-110m.json" and "integrity" not in options


def test_nothing_but_the_tiles_comes_from_elsewhere(tmp_path, static_dir):
    settings = Settings(tiles_url="https://tiles.example.net/{z}/{x}/{y}.png", tiles_attribution="Tiles")
    _, folder = export(tmp_path, static_dir, map_settings=map_options(settings))
    html = index_of(folder)
    code = "\n".join(body for attrs, body in scripts_of(html) if "src" not in attrs)
    assert "https://tiles.example.net/{z}/{x}/{y}.png" in code
    assert not re.search(r"fetch\(\s*['\"]https?:", code)
    # every absolute address in the page is the tiles', a credit's or an event's own link
    events = {p.event.url for p in WORLD if p.event.url}
    allowed = ("https://tiles.example.net/", "https://www.naturalearthdata.com/", "https://leafletjs.com")
    for address in re.findall(r"https?://[^\s\"'<>\\]+", html):
        assert address.startswith(allowed) or address in events, address
    off = map_options(Settings(tiles_url="none"))
    _, bare = export(tmp_path, static_dir, name="bare", map_settings=off)
    assert "{z}" not in index_of(bare) and "tiles.example.net" not in index_of(bare)


# --- the data ---------------------------------------------------------------------------------


def test_the_data_files_hold_the_shown_events_public_columns_only(tmp_path, static_dir):
    counts = {}
    site, folder = export(tmp_path, static_dir, going=counts)
    geo = geojson_of(folder)
    shown = apply_filter(WORLD, EventFilter())  # in the table's order
    assert geo == json.loads(json.dumps(events_to_geojson(shown, going=[0] * len(WORLD))))
    rows = csv_rows(folder)
    assert [r["city"] for r in rows] == [f["properties"]["city"] for f in geo["features"]]
    assert "contact_email" not in rows[0] and "contact_email" not in geo["features"][0]["properties"]
    assert (folder / CSV_FILE).read_bytes().startswith("\ufeffcity,country,date".encode())
    for path in folder.rglob("*"):
        if path.is_file():
            assert PRIVATE_EMAIL.encode() not in path.read_bytes(), path


def test_the_going_counts_are_each_events(tmp_path, static_dir):
    from speakout_map.events.identity import event_uids

    uids = event_uids([p.event for p in WORLD])
    counts = {uids[0]: 7, uids[2]: 2}
    _, folder = export(tmp_path, static_dir, going=counts, event_filter=EventFilter(countries=frozenset({"ES", "JP"})))
    assert {r["city"]: r["going"] for r in csv_rows(folder)} == {"Madrid": "7", "Tokyo": "2"}
    assert {f["properties"]["city"]: f["properties"]["going"] for f in geojson_of(folder)["features"]} == {
        "Madrid": 7, "Tokyo": 2}
    _, without = export(tmp_path, static_dir, name="none")
    assert "going" not in csv_rows(without)[0]


def test_the_csv_is_formula_safe(tmp_path, static_dir):
    placed = [place(make_event(title="=HYPERLINK(\"http://x\")", organiser="@SUM(1)", description="+1"))]
    _, folder = export(tmp_path, static_dir, placed=placed)
    (row,) = csv_rows(folder)
    assert (row["title"], row["organiser"], row["description"]) == ("'=HYPERLINK(\"http://x\")", "'@SUM(1)", "'+1")
    assert geojson_of(folder)["features"][0]["properties"]["title"] == '=HYPERLINK("http://x")', "data as written"


# --- hostile text -------------------------------------------------------------------------------

#: Ordinary characters only: the reference page's tags.
_PLAIN = [place(make_event(**{field: f"plain {field}" for field in TEXT_FIELDS}), 10.0 + i, 20.0 + i)
          for i in range(len(PAYLOADS))]


def _hostile() -> list:
    return [place(make_event(**{field: payload for field in TEXT_FIELDS}, url=f"https://example.org/{i}?q={payload}"
                             if "\x00" not in payload and " " not in payload else ""), 10.0 + i, 20.0 + i)
            for i, payload in enumerate(PAYLOADS)]


def test_hostile_text_is_inert_in_the_page_and_exact_in_the_data(tmp_path, static_dir):
    hostile = _hostile()
    _, plain = export(tmp_path, static_dir, placed=_PLAIN, name="plain", display=Display(list=True))
    _, folder = export(tmp_path, static_dir, placed=hostile, name="hostile", display=Display(list=True),
                       title=PAYLOADS[0] + " " + PAYLOADS[2])
    html = index_of(folder)
    # the same elements as a page of plain text: nothing a payload wrote became a tag
    assert start_tags_of(html) == start_tags_of(index_of(plain))
    assert len(scripts_of(html)) == len(scripts_of(index_of(plain)))
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in html, payload
    # the text comes back exactly, from the map's data and from the files
    def as_utf8(text: str) -> str:  # a lone surrogate cannot be UTF-8: the files have "?"
        return text.encode("utf-8", "replace").decode("utf-8")

    wanted = [as_utf8(payload) for payload in PAYLOADS]
    assert sorted(as_utf8(row[FIELD["title"]]) for row in extract_rows(html)) == sorted(wanted)
    titles = [f["properties"]["title"] for f in geojson_of(folder)["features"]]
    assert sorted(titles) == sorted(wanted)
    assert sorted(r["title"] for r in csv_rows(folder)) == sorted(
        ("'" + w if re.match(r"'*[=+\-@\t\r]", w) else w) for w in wanted)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "&lt;" in title


# --- filters, display, language and links ---------------------------------------------------------


@pytest.mark.parametrize(
    ("event_filter", "cities"),
    [
        (EventFilter(), ["Madrid", "Buenos Aires", "Tokyo", "Sydney", "Reykjavík", "Anchorage"]),
        (EventFilter(countries=frozenset({"ES", "JP"})), ["Madrid", "Tokyo"]),
        (EventFilter(countries=frozenset({"FR"})), []),
        (EventFilter(date_from=dt.date(2013, 9, 4)), []),
        (EventFilter(date_to=dt.date(2013, 9, 3), countries=frozenset({"IS"})), ["Reykjavík"]),
    ],
)
def test_the_filter_chooses_the_events_of_the_page_and_the_data(event_filter, cities, tmp_path, static_dir):
    site, folder = export(tmp_path, static_dir, event_filter=event_filter)
    assert sorted(r["city"] for r in csv_rows(folder)) == sorted(cities)
    assert sorted(f["properties"]["city"] for f in geojson_of(folder)["features"]) == sorted(cities)
    assert sorted(row[FIELD["city"]] for row in extract_rows(index_of(folder))) == sorted(cities)
    assert (site.shown, site.total) == (len(cities), len(WORLD))


@pytest.mark.parametrize(("near", "radius", "cities"), [("Toledo, Spain", 200.0, ["Madrid"]),
                                                        ("Toledo, Spain", 5.0, []),
                                                        ("Tokyo", None, ["Tokyo"])])
def test_near_keeps_the_events_within_the_radius(near, radius, cities, tmp_path, static_dir, gazetteer):
    site, folder = export(tmp_path, static_dir, event_filter=EventFilter(near=near, radius_km=radius),
                          geocoder=gazetteer)
    assert [r["city"] for r in csv_rows(folder)] == cities
    assert site.near_place.startswith(near.split(",")[0])
    focus = options_of(index_of(folder))["focus"]
    assert focus["label"] == site.near_place and focus["radiusM"] == round((radius or 250.0) * 1000)


def test_a_near_place_not_found_writes_nothing(tmp_path, static_dir, gazetteer):
    with pytest.raises(FeedQueryError, match="Plughville"):
        export(tmp_path, static_dir, event_filter=EventFilter(near="Plughville"), geocoder=gazetteer)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["static"]


def test_display_options_reach_the_page(tmp_path, static_dir):
    _, folder = export(tmp_path, static_dir, display=Display(height=420, zoom=5, center=(40.4, -3.7), legend=False,
                                                             list=True, scroll=False))
    html = index_of(folder)
    assert f'<ol id="{LIST_ID}"></ol>' in html and "height: 420px" in html
    options = options_of(html)
    assert options["legend"] is False and options["list"] == LIST_ID
    assert options_of(html, "speakoutStandalone")["scroll"] is False
    _, plain = export(tmp_path, static_dir, name="plain")
    assert f'id="{LIST_ID}"' not in index_of(plain) and options_of(index_of(plain))["legend"] is True


def test_with_public_url_the_bar_links_to_the_full_map_with_the_same_filter(tmp_path, static_dir):
    event_filter = EventFilter(countries=frozenset({"ES", "GB"}), date_from=dt.date(2013, 9, 1))
    site, folder = export(tmp_path, static_dir, event_filter=event_filter, public_url=PUBLIC, language="es")
    t = translator_for("es")
    full = f"{PUBLIC}/map?country=ES%2CGB&amp;from=2013-09-01&amp;lang=es"
    assert bar_links(index_of(folder)) == [(full, t("Open the full map")), ("./events.geojson", t("Events as GeoJSON")),
                                           ("./events.csv", t("Events as CSV"))]
    assert site.full_map_url == f"{PUBLIC}/map?country=ES%2CGB&from=2013-09-01&lang=es"
    assert options_of(index_of(folder))["guideUrl"] == f"{PUBLIC}/guide?lang=es"
    assert 'href="./events.csv" target="_blank"' in index_of(folder), "the map stays where it is (maybe framed)"


def test_without_public_url_there_is_no_link_to_the_app(tmp_path, static_dir):
    site, folder = export(tmp_path, static_dir)
    html = index_of(folder)
    assert [href for href, _ in bar_links(html)] == ["./events.geojson", "./events.csv"]
    assert options_of(html)["guideUrl"] == "" and site.full_map_url == ""
    assert "Open the full map" not in html


@pytest.mark.parametrize(("public_url", "expected"), [("", ""), (PUBLIC, f"{PUBLIC}/map?country=ES&lang=en"),
                                                      (PUBLIC + "/", f"{PUBLIC}/map?country=ES&lang=en")])
def test_full_map_url(public_url, expected):
    assert full_map_url(public_url, EventFilter(countries=frozenset({"ES"})), "en") == expected
    assert guide_url(public_url, "es") == (f"{PUBLIC}/guide?lang=es" if public_url else "")


def test_the_page_speaks_the_language_asked_for(tmp_path, static_dir):
    _, folder = export(tmp_path, static_dir, language="es")
    html = index_of(folder)
    assert options_of(html)["lang"] == "es"
    count = translator_for("es").plural("{count:,} event", "{count:,} events", 6)
    assert f'<span class="speakout-bar-count">{count}</span>' in html
    _, english = export(tmp_path, static_dir, name="en")
    assert options_of(index_of(english))["lang"] == "en"


def test_site_map_settings_keep_tiles_and_basemap_but_always_the_local_files():
    options = site_map_settings(map_options(Settings(assets="cdn", tiles_url="none", basemap=False)))
    assert options["assets"] == "self" and options["asset_base_url"] == "vendor"
    assert asset_files.is_relative(options["asset_base_url"])
    assert options["tiles"] is None and options["basemap"] is False


def test_site_files_without_writing(static_dir):
    files, shown, near = site_files(WORLD, title=TITLE, event_filter=EventFilter(countries=frozenset({"AR"})))
    assert sorted(files) == sorted([INDEX_FILE, GEOJSON_FILE, CSV_FILE])
    assert [p.event.city for p in shown] == ["Buenos Aires"] and near == ""
    assert all(isinstance(data, bytes) for data in files.values())


# --- writing: refusing, replacing, never half a site ----------------------------------------------


def test_an_empty_folder_is_filled(tmp_path, static_dir):
    (tmp_path / "site").mkdir()
    _, folder = export(tmp_path, static_dir)
    assert listing(folder) == SITE_FILES


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_with_other_files_is_refused_and_untouched(force, tmp_path, static_dir):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "thesis.docx").write_text("years of work")
    with pytest.raises(SiteExistsError, match="--force" if not force else "does not hold a previous export"):
        export(tmp_path, static_dir, force=force)
    assert listing(tmp_path / "site") == ["thesis.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "static"]


def test_a_file_is_refused(tmp_path, static_dir):
    (tmp_path / "site").write_text("x")
    with pytest.raises(SiteExistsError, match="not a folder"):
        export(tmp_path, static_dir, force=True)
    assert (tmp_path / "site").read_text() == "x"


def test_force_replaces_a_previous_export(tmp_path, static_dir):
    export(tmp_path, static_dir)
    with pytest.raises(SiteExistsError, match="add --force"):
        export(tmp_path, static_dir, event_filter=EventFilter(countries=frozenset({"JP"})))
    (tmp_path / "site" / "stale.txt").write_text("old")
    _, folder = export(tmp_path, static_dir, event_filter=EventFilter(countries=frozenset({"JP"})), force=True)
    assert listing(folder) == SITE_FILES, "the old folder's files are gone"
    assert [r["city"] for r in csv_rows(folder)] == ["Tokyo"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "static"]


def test_a_failure_half_way_leaves_nothing_behind(tmp_path, static_dir, monkeypatch):
    copied = []

    def copy_then_fail(source, target):
        if len(copied) == 3:
            raise OSError(28, "No space left on device")
        copied.append(target)
        return shutil.copyfile(source, target)

    monkeypatch.setattr(static_site.shutil, "copyfile", copy_then_fail)
    with pytest.raises(OSError, match="No space"):
        export(tmp_path, static_dir)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["static"], "no site, no temporary folder"


def test_a_failure_while_replacing_keeps_the_previous_export(tmp_path, static_dir, monkeypatch):
    export(tmp_path, static_dir)
    before = {name: (tmp_path / "site" / name).read_bytes() for name in listing(tmp_path / "site")}
    monkeypatch.setattr(static_site, "outlines_script", lambda text: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(OSError):
        export(tmp_path, static_dir, event_filter=EventFilter(countries=frozenset({"JP"})), force=True)
    assert {name: (tmp_path / "site" / name).read_bytes() for name in listing(tmp_path / "site")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "static"]


def test_a_failed_rename_puts_the_previous_export_back(tmp_path, static_dir, monkeypatch):
    export(tmp_path, static_dir)
    before = listing(tmp_path / "site")
    real_rename = Path.rename

    def rename(self, target):
        if self.name.startswith(".site.new-"):
            raise OSError(18, "Invalid cross-device link")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="cross-device"):
        export(tmp_path, static_dir, force=True)
    assert listing(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "static"]


def test_missing_map_files_say_to_run_make_install(tmp_path, static_dir):
    (static_dir / "vendor" / "leaflet" / "leaflet.js").unlink()
    (static_dir / "vendor" / "world-atlas" / "LICENSE").write_text("")
    with pytest.raises(SiteAssetsMissingError, match=r"make install") as caught:
        export(tmp_path, static_dir)
    assert "vendor/leaflet/leaflet.js" in str(caught.value) and "vendor/world-atlas/LICENSE" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["static"]


@pytest.mark.parametrize("damage", [b"<html>404</html>", b"\xff\xfe", b"[1, 2]"])
def test_damaged_outlines_say_to_run_make_install(damage, tmp_path, static_dir):
    (static_dir / "vendor" / "world-atlas" / "countries-110m.json").write_bytes(damage)
    with pytest.raises(SiteAssetsMissingError, match=r"countries-110m\.json is not the country outlines.*make install"):
        export(tmp_path, static_dir)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["static"]


def test_the_proposal_widget_is_not_needed(tmp_path, static_dir):
    shutil.rmtree(static_dir / "vendor" / "altcha")
    _, folder = export(tmp_path, static_dir)
    assert listing(folder) == SITE_FILES


def test_the_new_folders_parents_are_made(tmp_path, static_dir):
    site = write_site(tmp_path / "a" / "b" / "site", WORLD[:1], title=TITLE, static_dir=static_dir)
    assert listing(site.path) == SITE_FILES


def test_statuses_and_empty_fields_survive(tmp_path, static_dir):
    _, folder = export(tmp_path, static_dir)
    statuses = {r["city"]: r["status"] for r in csv_rows(folder)}
    assert statuses["Buenos Aires"] == Status.DETAILS_TO_COME.value and statuses["Madrid"] == "confirmed"
