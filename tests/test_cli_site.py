"""The command line's static export: ``export --format html -o DIR [filters]`` (speakout_map/cli_site.py)."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from speakout_map import cli_site
from speakout_map.cli import main
from speakout_map.maps import assets as asset_files
from speakout_map.maps import static_site
from speakout_map.maps.standalone import LIST_ID
from speakout_map.settings import PROJECT_ROOT
from tests.map_support import options_of

pytestmark = pytest.mark.usefixtures("isolated_cache")

SEED_TOTAL = 19


@pytest.fixture(autouse=True)
def fake_vendor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The export copies from a static folder of this test's own (every vendored file, small)."""
    static = tmp_path / "static"
    for name in asset_files.vendor_files():
        path = static / "vendor" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"type": "Topology", "objects": {}}' if name.endswith(".json") else "/* x */")
    monkeypatch.setattr(cli_site, "write_site", functools.partial(static_site.write_site, static_dir=static))
    return static


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def export(target: Path, *options: str) -> int:
    return run("export", "--format", "html", "-o", str(target), *options)[0]


def cities(folder: Path) -> list[str]:
    text = (folder / "events.csv").read_bytes().decode("utf-8-sig")
    return sorted(row["city"] for row in csv.DictReader(io.StringIO(text, newline="")))


def nothing_written(tmp_path: Path) -> bool:
    return sorted(p.name for p in tmp_path.iterdir() if p.name not in ("static", "store")) == []


def test_the_seed_exported_with_one_line_of_summary(tmp_path, capsys):
    site = tmp_path / "site"
    code, out = run("export", "--format", "html", "-o", str(site))
    assert (code, out) == (0, "")
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"wrote {SEED_TOTAL} events (of {SEED_TOTAL} in version 1) to {site}/index.html")
    assert "public_url" in err[0] and "SPEAKOUT_PUBLIC_URL" in err[0], "says why there is no link to the app"
    assert len(err) == 2
    assert len(cities(site)) == SEED_TOTAL
    assert (site / "vendor" / "leaflet" / "leaflet.js").is_file() and (site / "index.html").is_file()
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "Open the full map" not in html and options_of(html)["guideUrl"] == ""


def test_with_public_url_the_page_links_back_and_nothing_is_noted(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SPEAKOUT_PUBLIC_URL", "https://map.example.org/campaign/")
    assert export(tmp_path / "site", "--country", "ES", "--lang", "es") == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("wrote 3 events") and "language es" in err[0]
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://map.example.org/campaign/map?country=ES&amp;lang=es"' in html
    assert options_of(html)["guideUrl"] == "https://map.example.org/campaign/guide?lang=es"
    assert options_of(html)["lang"] == "es"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--country", "ES"], ["Barcelona", "Madrid", "Valencia"]),
        (["--country", "ES", "--country", "ie"], ["Barcelona", "Dublin", "Galway", "Madrid", "Valencia"]),
        (["--country", "Spain,Ireland"], ["Barcelona", "Dublin", "Galway", "Madrid", "Valencia"]),
        (["--country", "FR"], []),
        (["--from", "2013-09-04"], []),
        (["--from", "2013-09-03", "--to", "2013-09-03", "--country", "IE"], ["Dublin", "Galway"]),
        (["--near", "Cork, Ireland", "--radius", "300"], ["Dublin", "Galway"]),
        (["--near", "Cork"], ["Dublin", "Galway"]),
        (["--near", "Toledo, Spain", "--radius", "5"], []),
    ],
)
def test_filters(options, expected, tmp_path, capsys):
    assert export(tmp_path / "site", *options) == 0
    assert cities(tmp_path / "site") == expected
    summary = capsys.readouterr().err.splitlines()[-1]
    assert summary.startswith(f"wrote {len(expected)} events")
    if "--near" in options:
        assert " km of " in summary


def test_display_options(tmp_path):
    assert export(tmp_path / "site", "--list", "--no-legend", "--no-scroll", "--height", "300", "--zoom", "4",
                  "--center=-33.9,18.4") == 0
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f'<ol id="{LIST_ID}"></ol>' in html and "height: 300px" in html
    assert options_of(html)["legend"] is False and options_of(html, "speakoutStandalone")["scroll"] is False
    assert "center: [-33.9, 18.4]," in html and '"zoom": 4,' in html


@pytest.mark.parametrize(
    ("options", "needles"),
    [
        (["--country", "XX"], ["--country: ", "'XX'", "not a country"]),
        (["--country", "ES,Atlantis"], ["--country: ", "Atlantis"]),
        (["--from", "2013-13-01"], ["--from: ", "YYYY-MM-DD"]),
        (["--to", "tomorrow"], ["--to: ", "YYYY-MM-DD"]),
        (["--from", "2013-09-05", "--to", "2013-09-01"], ["is after"]),
        (["--radius", "0"], ["--radius: ", "20,000"]),
        (["--radius", "far"], ["--radius: "]),
        (["--near", "x" * 300], ["--near: ", "overlong"]),
        (["--height", "50"], ["--height: ", "200 to 2000"]),
        (["--height", "tall"], ["--height: "]),
        (["--zoom", "30"], ["--zoom: ", "1 to 18"]),
        (["--center", "100,0"], ["--center: ", "latitude,longitude"]),
        (["--center=abc"], ["--center: "]),
        (["--lang", "xx"], ["--lang 'xx'", "en, es"]),
        (["--lang", "<b>"], ["--lang"]),
        (["--country", "XX", "--zoom", "0"], ["--country: ", "--zoom: "]),
    ],
)
def test_bad_options_are_usage_errors_and_write_nothing(options, needles, tmp_path, capsys):
    assert export(tmp_path / "site", *options) == 2
    err = capsys.readouterr().err
    for needle in needles:
        assert needle in err, err
    assert err.startswith("error: ") and err.rstrip().endswith("nothing was written; fix the options above")
    assert nothing_written(tmp_path)


def test_a_near_place_not_found(tmp_path, capsys):
    assert export(tmp_path / "site", "--near", "Plughville") == 2
    err = capsys.readouterr().err
    assert "--near" in err and "Plughville" in err and "Cork, Ireland" in err and "nothing was written" in err
    assert nothing_written(tmp_path)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["export", "--format", "html"], "-o DIR"),
        (["export", "--format", "html", "-o", "-"], "-o DIR"),
        (["export", "--format", "html", "-o", "{dir}", "--include-private"], "contact_email"),
        (["export", "--country", "ES"], "--country: only for the static export"),
        (["export", "--format", "geojson", "--list", "--from", "2013-09-01"], "--from, --list: only for"),
        (["export", "--format", "csv", "--force"], "--force: only for"),
    ],
)
def test_usage_errors(argv, needle, tmp_path, capsys):
    argv = [part.replace("{dir}", str(tmp_path / "site")) for part in argv]
    assert run(*argv) == (2, "")
    assert needle in capsys.readouterr().err
    assert nothing_written(tmp_path)


def test_the_other_formats_are_as_before(tmp_path):
    code, out = run("export", "--format", "geojson")
    assert code == 0 and len(json.loads(out)["features"]) == SEED_TOTAL


def test_a_folder_in_the_way_is_refused_unless_force_and_a_previous_export(tmp_path, capsys):
    site = tmp_path / "site"
    assert export(site) == 0
    capsys.readouterr()
    assert export(site, "--country", "ES") == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "--force" in err
    assert len(cities(site)) == SEED_TOTAL, "untouched"
    assert export(site, "--country", "ES", "--force") == 0
    assert cities(site) == ["Barcelona", "Madrid", "Valencia"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    assert export(other, "--force") == 2
    assert "does not hold a previous export" in capsys.readouterr().err
    assert [p.name for p in other.iterdir()] == ["notes.txt"]


def test_missing_map_files_say_to_run_make_install(tmp_path, fake_vendor, capsys):
    (fake_vendor / "vendor" / "leaflet" / "leaflet.js").unlink()
    assert export(tmp_path / "site") == 2
    err = capsys.readouterr().err
    assert "make install" in err and "vendor/leaflet/leaflet.js" in err
    assert nothing_written(tmp_path)


def test_a_folder_that_cannot_be_written(tmp_path, capsys):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    assert export(blocker / "site") == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "nothing was written" in err and "Traceback" not in err
    assert blocker.read_text() == "a file where a folder should be"


def test_an_earlier_version(tmp_path, capsys):
    upload = tmp_path / "update.csv"
    upload.write_text("city,country,date,title\nMadrid,ES,2013-09-03,Madrid rally\n", encoding="utf-8")
    assert run("publish", str(upload), "--by", "alice")[0] == 0
    assert export(tmp_path / "now") == 0
    assert cities(tmp_path / "now") == ["Madrid"]
    assert export(tmp_path / "then", "--version", "1") == 0
    assert len(cities(tmp_path / "then")) == SEED_TOTAL
    assert "in version 1)" in capsys.readouterr().err.splitlines()[-1]
    assert run("export", "--format", "html", "-o", str(tmp_path / "x"), "--version", "9")[0] == 2


def test_help_says_what_the_folder_holds_and_that_the_cdn_is_not_used(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "{csv,geojson,ics,html}" in text
    assert "assets = cdn" in text and "file://" in text and "--force" in text and "--no-legend" in text


@pytest.mark.skipif(bool(asset_files.missing_files()), reason="the map's npm files are not installed")
def test_the_command_as_people_run_it(tmp_path, isolated_cache):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "speakout_map", "export", "--format", "html", "-o", str(tmp_path / "site"),
         "--country", "ES,IE", "--list"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and "wrote 5 events" in done.stderr
    installed = asset_files.STATIC_DIR / "vendor" / "leaflet" / "leaflet.js"
    assert (tmp_path / "site" / "vendor" / "leaflet" / "leaflet.js").read_bytes() == installed.read_bytes()
