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
    assert json.loads(out) == {"ok": True, "rows": 19, "errors": [], "warnings": []}


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
        {"row": 1, "column": "colour", "message": report["warnings"][0]["message"]}
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
