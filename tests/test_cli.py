"""The command line: output formats and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from speakout_map.cli import main
from speakout_map.settings import PROJECT_ROOT

SEED = str(PROJECT_ROOT / "data" / "events.csv")


pytestmark = pytest.mark.usefixtures("isolated_cache")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_validate_seed_is_clean():
    code, out = run("validate", SEED, "--json")
    assert code == 0
    report = json.loads(out)
    assert {key: report[key] for key in ("ok", "rows", "errors")} == {"ok": True, "rows": 19, "errors": []}
    # As publish does, validate warns of dates before today: the seed's day of action was in 2013.
    assert [(w["row"], w["column"], w["message"]) for w in report["warnings"]] == [
        (row, "date", "2013-09-03 is in the past; check the year") for row in range(2, 21)
    ]


def test_validate_reports_rows_columns_and_unplaceable_events(tmp_path):
    path = write(
        tmp_path,
        "city,country,date,url,colour\n"
        "Madrid,ES,2013-09-03,,red\n"
        "Qwertyville,ES,2013-09-03,,\n"
        "Dublin,IE,03/09/2013,javascript:alert(1),\n",
    )
    code, out = run("validate", path, "--json")
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False and report["rows"] == 3
    where = [(e["row"], e["column"]) for e in report["errors"]]
    assert where == [(3, "city"), (4, "date"), (4, "url")]
    assert "Qwertyville" in report["errors"][0]["message"]
    assert "latitude and longitude" in report["errors"][0]["message"]
    assert report["warnings"] == [
        {"row": 1, "column": "colour", "message": report["warnings"][0]["message"]},
        {"row": 2, "column": "date", "message": "2013-09-03 is in the past; check the year"},
        {"row": 3, "column": "date", "message": "2013-09-03 is in the past; check the year"},
    ]


def test_validate_text_output(tmp_path):
    path = write(tmp_path, "city,country,date\nMadrid,ES,2013-02-30\n")
    code, out = run("validate", path)
    assert code == 1
    assert "error: row 2, date: 2013-02-30 is not a date; write it as YYYY-MM-DD" in out
    assert "1 error(s)" in out


def test_validate_coordinates_place_an_unknown_city(tmp_path):
    path = write(tmp_path, "city,country,date,latitude,longitude\nQwertyville,ES,2013-09-03,40.0,-3.5\n")
    assert run("validate", path, "--json")[0] == 0


def test_validate_missing_file_is_a_usage_error(tmp_path, capsys):
    code, _ = run("validate", str(tmp_path / "nope.csv"))
    assert code == 2
    assert "cannot read" in capsys.readouterr().err


def test_geocode_json():
    code, out = run("geocode", "Valencia, Spain", "Valencia, VE", "Nueva York, USA", "--json")
    assert code == 0
    answers = json.loads(out)
    assert [a["query"] for a in answers] == ["Valencia, Spain", "Valencia, VE", "Nueva York, USA"]
    assert [a["country_code"] for a in answers] == ["ES", "VE", "US"]
    assert answers[0]["timezone"] == "Europe/Madrid"
    assert answers[2]["timezone"] == "America/New_York"
    assert answers[0]["source"] == "gazetteer"
    assert set(answers[0]) == {"query", "name", "country_code", "latitude", "longitude", "timezone", "source"}
    assert answers[0]["latitude"] == pytest.approx(39.47, abs=0.1)


def test_geocode_not_found_exits_1():
    code, out = run("geocode", "Madrid, ES", "Qwertyville, Spain", "Madrid, Narnia", "--json")
    assert code == 1
    answers = json.loads(out)
    assert "error" not in answers[0]
    assert set(answers[1]) == {"query", "error"} and set(answers[2]) == {"query", "error"}


def test_geocode_text_output():
    code, out = run("geocode", "Göteborg, Sverige")
    assert code == 0
    assert "Gothenburg, SE" in out and "Europe/Stockholm" in out


@pytest.mark.parametrize("argv", [[], ["validate"], ["frobnicate"], ["geocode"]])
def test_usage_errors_exit_2(argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2


def test_module_entry_point():
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "speakout_map", "validate", SEED, "--json"],
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True


# --- the store commands: publish, history, rollback, export --------------------

UPDATE = (
    "city,country,date,title,venue,contact_email,description\n"
    "Madrid,España,2013-09-03,Madrid rally,Russian Embassy,host@example.org,=HYPERLINK(\"http://x\")\n"
    "Berlin,Deutschland,2013-09-03,Berlin rally,Brandenburg Gate,,\n"
)


def test_history_starts_with_the_seed():
    code, out = run("history", "--json")
    assert code == 0
    (seed,) = json.loads(out)
    assert (seed["version"], seed["by"], seed["rows"]) == (1, "seed", 19)
    assert set(seed) == {"version", "created_at", "by", "source", "rows"}


def test_publish_history_rollback_export(tmp_path):
    code, out = run("publish", write(tmp_path, UPDATE), "--by", "alice")
    assert code == 0, out
    assert "published version 2: 2 events" in out
    versions = json.loads(run("history", "--json")[1])
    assert [(v["version"], v["by"], v["source"], v["rows"]) for v in versions] == [
        (1, "seed", "events.csv", 19), (2, "alice", "events.csv", 2)]

    code, public = run("export")
    assert code == 0
    assert "contact_email" not in public and "host@example.org" not in public
    assert "'=HYPERLINK" in public, "formulas are neutralised"
    code, private = run("export", "--include-private")
    assert "host@example.org" in private

    code, geo = run("export", "--format", "geojson", "--version", "1")
    features = json.loads(geo)["features"]
    assert len(features) == 19 and features[0]["geometry"]["type"] == "Point"

    code, out = run("rollback", "1", "--by", "bob")
    assert code == 0 and "published version 3" in out
    latest = json.loads(run("history", "--json")[1])[-1]
    assert (latest["version"], latest["by"], latest["rows"]) == (3, "bob", 19)


def test_export_to_file(tmp_path):
    target = tmp_path / "out.csv"
    assert run("export", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8-sig").startswith("city,country,date")


def test_export_ics(tmp_path):
    import icalendar

    assert run("publish", write(tmp_path, UPDATE), "--by", "alice")[0] == 0
    code, text = run("export", "--format", "ics")
    assert code == 0
    assert "host@example.org" not in text, "a calendar never carries contact_email"
    calendar = icalendar.Calendar.from_ical(text)
    summaries = sorted(str(v["SUMMARY"]) for v in calendar.walk("VEVENT"))
    assert summaries == ["Berlin rally", "Madrid rally"]
    assert [str(v["DESCRIPTION"]) for v in calendar.walk("VEVENT") if v["SUMMARY"] == "Madrid rally"] == [
        '=HYPERLINK("http://x")'], "text as written (a calendar is not a spreadsheet)"
    assert all(v["DTSTART"].params.get("VALUE") == "DATE" for v in calendar.walk("VEVENT")), "no times: all-day"
    assert run("export", "--format", "ics")[1] == text, "the same version, the same file (DTSTAMP: its publication)"

    # an earlier version, to a file: CRLF lines kept, the seed's 19 events, UIDs stable across versions
    target = tmp_path / "seed.ics"
    assert run("export", "--format", "ics", "--version", "1", "-o", str(target))[0] == 0
    data = target.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    seed = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(seed) == 19
    assert any(v["STATUS"] == "TENTATIVE" for v in seed) and any(v["STATUS"] == "CONFIRMED" for v in seed)
    madrid_uid = {str(v["UID"]) for v in calendar.walk("VEVENT") if v["SUMMARY"] == "Madrid rally"}
    assert madrid_uid <= {str(v["UID"]) for v in seed}, "the seed's Madrid event, retitled, keeps its UID"


def test_export_ics_refuses_private_fields(capsys):
    assert run("export", "--format", "ics", "--include-private") == (2, "")
    assert "contact_email" in capsys.readouterr().err


def test_publish_with_errors_changes_nothing(tmp_path):
    code, out = run("publish", write(tmp_path, "city,country,date\nMadrid,ES,2013-02-30\nQwertyville,ES,2013-09-03\n"))
    assert code == 1
    assert "error: row 2, date:" in out and "error: row 3, city:" in out
    assert "not published" in out
    assert [v["version"] for v in json.loads(run("history", "--json")[1])] == [1]


@pytest.mark.parametrize("argv", [["rollback", "99"], ["export", "--version", "42"]])
def test_unknown_version_is_a_usage_error(argv, capsys):
    assert run(*argv)[0] == 2
    assert "version" in capsys.readouterr().err


def test_hash_password_reads_stdin():
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "speakout_map", "hash-password"], input="s3cret pass\n",
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    from speakout_map.organisers.passwords import verify_password

    assert verify_password(done.stdout.strip(), "s3cret pass")


# --- validate runs what publish runs, short of writing ----------------------------------

BAD_ROWS = [
    ["city", "country", "date", "url"],
    ["Madrid", "ES", "2013-02-30", ""],
    ["Qwertyville", "ES", "2113-09-03", ""],
    ["Dublin", "IE", "2113-09-03", "javascript:alert(1)"],
]


def write_table(tmp_path: Path, rows: list[list[str]], suffix: str) -> str:
    path = tmp_path / f"events{suffix}"
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    else:
        path.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_validate_and_publish_report_the_same_problems(tmp_path, suffix):
    path = write_table(tmp_path, BAD_ROWS, suffix)
    code, out = run("validate", path, "--json")
    assert code == 1
    report = json.loads(out)
    found = [(e["row"], e["column"]) for e in report["errors"]]
    assert found == [(2, "date"), (3, "city"), (4, "url")]
    code, published = run("publish", path)
    assert code == 1
    assert [line for line in published.splitlines() if line.startswith("error: ")] == [
        f"error: row {e['row']}, {e['column']}: {e['message']}" for e in report["errors"]
    ]
    assert run("history", "--json")[1].count('"version"') == 1  # only the seed: nothing was published


def test_validate_xlsx_works_like_the_csv(tmp_path):
    rows = [["city", "country", "date", "title"], ["Madrid", "España", "2113-09-03", "Rally"], ["Pristina", "Kosovo", "2113-09-03", ""]]
    csv_report = run("validate", write_table(tmp_path, rows, ".csv"), "--json")
    xlsx_report = run("validate", write_table(tmp_path, rows, ".xlsx"), "--json")
    assert csv_report == xlsx_report
    assert csv_report[0] == 0 and json.loads(csv_report[1]) == {"ok": True, "rows": 2, "errors": [], "warnings": []}


@pytest.mark.parametrize("command", ["validate", "publish"])
def test_too_large_a_file_is_refused_with_its_real_size(tmp_path, monkeypatch, command):
    monkeypatch.setenv("SPEAKOUT_MAX_UPLOAD_MB", "1")
    path = tmp_path / "big.csv"
    path.write_bytes(b"city,country,date,description\n" + b"Madrid,ES,2113-09-03," + b"x" * 3 * 1024 * 1024 + b"\n")
    code, out = run(command, str(path))
    assert code == 1
    assert "the file is too large (3.1 MB; the limit is 1 MB)" in out


def test_an_event_in_kosovo_validates_publishes_and_is_placed_in_kosovo(tmp_path):
    path = write_table(tmp_path, [["city", "country", "date"], ["Pristina", "Kosovo", "2113-09-03"]], ".csv")
    assert run("validate", path)[0] == 0
    code, out = run("publish", path, "--by", "test")
    assert code == 0, out
    (feature,) = json.loads(run("export", "--format", "geojson")[1])["features"]
    longitude, latitude = feature["geometry"]["coordinates"]
    assert feature["properties"]["country"] == "XK"
    assert abs(latitude - 42.67) < 0.1 and abs(longitude - 21.17) < 0.1


def test_output_closed_early_is_quiet(tmp_path):
    """``validate --json | head -c 1``: no BrokenPipe traceback, the shell's SIGPIPE exit code."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    reader_closes = subprocess.Popen(
        [sys.executable, "-m", "speakout_map", "validate", SEED, "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    reader_closes.stdout.close()  # the reader is gone before anything was written
    err = reader_closes.stderr.read().decode()
    assert reader_closes.wait(timeout=120) == 141, err
    assert "Traceback" not in err and "BrokenPipe" not in err


# --- near: the published events nearest a place ---------------------------------------------


def test_near_text_lists_the_nearest_first():
    code, out = run("near", "Cork")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2 event(s) within 250 km of Cork, Ireland, nearest first:"
    assert "Galway, IE" in lines[1] and "Dublin, IE" in lines[2], "Galway is nearer Cork than Dublin"
    assert lines[1].split()[:2] == ["157.8", "km"]


def test_near_json_has_the_issues_shape():
    code, out = run("near", "Cork, Ireland", "--radius-km", "300", "--json")
    assert code == 0
    payload = json.loads(out)
    assert set(payload) == {"place", "radius_km", "events", "none_within", "candidates"}
    assert payload["place"] == {"name": "Cork", "country_code": "IE", "latitude": pytest.approx(51.898, abs=0.01),
                                "longitude": pytest.approx(-8.471, abs=0.01)}
    assert payload["radius_km"] == 300 and payload["none_within"] is False
    events = payload["events"]
    assert [e["city"] for e in events] == ["Galway", "Dublin"]
    assert list(events[0])[:5] == ["city", "country_code", "date", "title", "distance_km"]
    assert events[0]["country_code"] == "IE" and events[0]["date"] == "2013-09-03"
    assert events[0]["title"] == "Speak Out For Russia – Galway"
    assert events[0]["distance_km"] < events[1]["distance_km"] < 300
    assert all(e["within_radius"] for e in events)
    assert payload["candidates"] == [payload["place"]]


def test_near_an_ambiguous_name_uses_the_first_and_says_so():
    code, out = run("near", "Valencia", "--radius-km", "20")
    assert code == 0
    first = out.splitlines()[0]
    assert "using Valencia, Venezuela" in first and "Valencia, Spain" in first
    payload = json.loads(run("near", "Valencia", "--radius-km", "20", "--json")[1])
    assert [c["country_code"] for c in payload["candidates"]][:2] == ["VE", "ES"]
    assert payload["place"] == payload["candidates"][0]


def test_near_with_none_within_shows_the_three_nearest():
    code, out = run("near", "Toledo, Spain", "--radius-km", "5", "--json")
    assert code == 0
    payload = json.loads(out)
    events = payload["events"]
    assert payload["none_within"] is True and len(events) == 3
    assert [e["city"] for e in events] == ["Madrid", "Valencia", "Barcelona"]
    assert not any(e["within_radius"] for e in events) and events[0]["distance_km"] > 5
    code, out = run("near", "Toledo, Spain", "--radius-km", "5")
    assert out.splitlines()[0] == "no events within 5 km of Toledo, Spain; the nearest:"
    assert len(out.splitlines()) == 4


@pytest.mark.parametrize(
    ("place", "needle"),
    [("Plughville", "'Plughville' could not be found"), ("Plughville, Spain", "could not be found in Spain"),
     ("   ", "write a town or city")],
)
def test_near_a_place_not_found_exits_1(place, needle, capsys):
    code, out = run("near", place, "--json")
    assert code == 1 and out == ""
    assert needle in capsys.readouterr().err


@pytest.mark.parametrize("radius", ["0", "abc", "20001", "-3"])
def test_near_a_bad_radius_is_a_usage_error(radius, capsys):
    with pytest.raises(SystemExit) as info:
        main(["near", "Cork", "--radius-km", radius])
    assert info.value.code == 2
    assert "radius must be a number of kilometres from 1 to 20,000" in capsys.readouterr().err


def test_near_reads_the_latest_version_and_no_private_column(tmp_path):
    assert run("publish", write(tmp_path, UPDATE), "--by", "alice")[0] == 0
    code, out = run("near", "Toledo, Spain", "--json")
    assert code == 0
    payload = json.loads(out)
    assert [e["city"] for e in payload["events"]] == ["Madrid"]
    assert "contact_email" not in out and "host@example.org" not in out
    assert payload["events"][0]["description"] == "=HYPERLINK(\"http://x\")", "JSON keeps the text as it is"


def test_export_ics_is_named_after_the_campaign(monkeypatch, capsys):
    import icalendar

    monkeypatch.setenv("SPEAKOUT_CAMPAIGN_NAME", "Stand Up For X")
    code, text = run("export", "--format", "ics")
    assert code == 0
    assert icalendar.Calendar.from_ical(text)["X-WR-CALNAME"].to_ical().decode() == "Stand Up For X"
    monkeypatch.setenv("SPEAKOUT_CAMPAIGN_DATES", "soon")
    assert run("export", "--format", "ics") == (2, "")
    assert "campaign_dates" in capsys.readouterr().err


#: What validate has no use for: the maps' and other commands' packages, the event store's engine (validate
#: writes nothing) and pycountry (country names are read from the stored data of speakout_map/places).
HEAVY = ("pandas", "folium", "numpy", "streamlit", "icalendar", "argon2", "sqlalchemy", "pycountry")


@pytest.mark.parametrize(("argv", "loaded"), [
    (["validate", SEED], ()),
    (["validate", SEED, "--json"], ()),
    (["export", "--help"], ("folium",)),
])
def test_validate_starts_without_what_only_other_commands_use(argv, loaded):
    code = ("import sys\nfrom speakout_map.cli import main\n"
            f"try:\n    main({argv!r}, out=open('/dev/null', 'w'))\nexcept SystemExit:\n    pass\n"
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    env = {**os.environ, "SPEAKOUT_GEOCODER_ONLINE": "false"}
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert set(done.stdout.split()) >= set(loaded)
    if not loaded:
        assert done.stdout.split() == []


@pytest.mark.parametrize(("argv", "needle"), [
    (["near", "--help"], "--radius-km"),
    (["export", "--help"], "--no-legend"),
    (["import-text", "--help"], "--year"),
    (["--help"], "import-text"),
])
def test_each_commands_options_are_there_when_it_is_asked_for(argv, needle, capsys):
    with pytest.raises(SystemExit):
        main(argv)
    assert needle in capsys.readouterr().out


def test_a_mistyped_command_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["valdate", SEED])
    assert "import-text" in capsys.readouterr().err


# --- publish --merge, what a replace removed, --map and --date-format ----------------------------------------


def test_publish_merge_keeps_the_other_events(tmp_path):
    code, out = run("publish", write(tmp_path, UPDATE), "--merge", "--by", "alice")
    assert code == 0, out
    assert "published version 2: 20 events from events.csv (added and updated) " \
           "(1 added, 0 removed, 1 changed, 18 unchanged)" in out
    assert "removed" not in out.replace("0 removed", "")
    header, *rows = [line.split(",") for line in run("export")[1].lstrip("\ufeff").splitlines()]
    assert len(rows) == 20 and rows[-1][0] == "Berlin"


def test_publish_replacing_says_what_it_removed(tmp_path):
    code, out = run("publish", write(tmp_path, UPDATE))
    assert code == 0, out
    assert "published version 2: 2 events from events.csv (1 added, 18 removed, 1 changed, 0 unchanged)" in out
    assert ("removed 18 event(s): Asunción (PY) 2013-09-03, Barcelona (ES) 2013-09-03, Buenos Aires (AR) 2013-09-03, "
            "Dublin (IE) 2013-09-03, Galway (IE) 2013-09-03, and 13 more") in out


def test_an_export_edited_and_published_with_merge_updates_by_id(tmp_path):
    import csv

    exported = tmp_path / "export.csv"
    assert run("export", "--include-private", "-o", str(exported))[0] == 0
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[-2:] == ["going", "id"]
    (madrid,) = [row for row in rows if row[0] == "Madrid"]
    madrid[header.index("city")] = "Toledo"
    madrid[header.index("date")] = "2113-09-04"
    with exported.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, madrid])
    code, report = run("validate", str(exported), "--merge", "--json")
    assert code == 0 and json.loads(report)["merge"] == {"based_on": 1, "added": 0, "changed": 1, "unchanged": 18}
    code, out = run("publish", str(exported), "--merge")
    assert code == 0, out
    assert "(0 added, 0 removed, 1 changed, 18 unchanged)" in out and "warning" not in out
    cities = [row.split(",")[0] for row in run("export")[1].lstrip("\ufeff").splitlines()[1:]]
    assert len(cities) == 19 and cities[8] == "Toledo", "moved, in its place"


#: A sheet in German with one platform header ("Event Name", read as title without being told), semicolons, day first.
PLATFORM = "Ort;Land;Datum;Event Name\nMadrid;Spain;03/09/2113;Rally\nBerlin;Germany;13/09/2113;\n"
READING = ("--map", "Ort=city", "--map", "Land=country", "--map", "Datum=date", "--date-format", "dd/mm/yyyy")


def test_map_and_date_format_make_a_platform_file_publishable_and_validate_agrees(tmp_path):
    path = write(tmp_path, PLATFORM)
    assert run("validate", path)[0] == 1, "unknown headers: not without the mapping"
    code, out = run("validate", path, "--json", *READING)
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["rows"] == 2, report
    code, published = run("publish", path, *READING)
    assert code == 0, published
    assert [line for line in published.splitlines() if line.startswith(("error: ", "warning: "))] == [
        f"warning: row {w['row']}, {w['column']}: {w['message']}" for w in report["warnings"]]
    assert "published version 2: 2 events" in published
    exported = run("export")[1]
    assert "Madrid,ES,2113-09-03,Rally" in exported and "Berlin,DE,2113-09-13" in exported


def test_a_date_that_contradicts_the_declared_format_is_a_row_error_in_both(tmp_path):
    path = write(tmp_path, "Ort,Land,Datum\nMadrid,Spain,09/13/2113\n")
    code, out = run("validate", path, "--json", *READING)
    assert code == 1
    assert [(e["row"], e["column"]) for e in json.loads(out)["errors"]] == [(2, "date")]
    code, out = run("publish", path, *READING)
    assert code == 1 and "error: row 2, date:" in out and "no month 13" in out


@pytest.mark.parametrize("command", ["validate", "publish"])
@pytest.mark.parametrize(("options", "needle"), [
    (("--map", "Ort"), "is not a mapping"),
    (("--map", "Ort=town"), "'town' is not one of our columns"),
    (("--date-format", "YYYY/DD/MM"), "is not a date format we read; use one of DD/MM/YYYY, MM/DD/YYYY, D.M.YYYY"),
])
def test_a_bad_map_or_date_format_is_a_usage_error(tmp_path, capsys, command, options, needle):
    path = write(tmp_path, "city,country,date\nMadrid,ES,2113-09-03\n")
    assert run(command, path, *options) == (2, "")
    error = capsys.readouterr().err
    assert error.startswith("error: ") and needle in error
    assert run("history", "--json")[1].count('"version"') == 1, "nothing published"
