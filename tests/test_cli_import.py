"""The command line's ``import-text``: an announcement to the events CSV, problems naming their line."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from speakout_map.cli import main
from speakout_map.events.reading import parse_events_text
from tests.announcement_support import SEED_CITIES, seed_text

pytestmark = pytest.mark.usefixtures("isolated_cache")

ROOT = Path(__file__).resolve().parent.parent


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    path = tmp_path / "announcement.txt"
    path.write_text(seed_text(), encoding="utf-8")
    return path


def test_the_seed_comes_out_as_its_19_events(seed_file, capsys):
    code, out = run("import-text", str(seed_file), "--year", "2013")
    assert code == 0
    events = rows(out)
    assert [(r["city"], r["country"]) for r in events] == SEED_CITIES
    assert {r["date"] for r in events} == {"2013-09-03"}
    assert [r["city"] for r in events if r["status"] == "details_to_come"] == ["Buenos Aires", "La Paz", "Ottawa"]
    assert "contact_email" in events[0], "the organiser's export: the private column is there"
    assert not out.startswith("\ufeff"), "no byte order mark on standard output"
    err = capsys.readouterr().err
    assert "error:" not in err
    assert "19 event(s) from 19 line(s) read as events, no errors" in err


def test_the_year_defaults_to_the_campaigns(seed_file, monkeypatch):
    monkeypatch.setenv("SPEAKOUT_CAMPAIGN_DATES", "2014-09-03")
    code, out = run("import-text", str(seed_file))
    assert code == 0
    assert {r["date"] for r in rows(out)} == {"2014-09-03"}


def test_without_any_year_every_event_line_is_an_error(seed_file, monkeypatch, capsys):
    monkeypatch.setenv("SPEAKOUT_CAMPAIGN_DATES", "")
    code, out = run("import-text", str(seed_file))
    assert code == 1
    assert rows(out) == []
    err = capsys.readouterr().err
    assert "error: line 3, date: the date 'September 3' has no year" in err
    assert err.count("error: line") == 19
    assert "--year YYYY" in err


def test_problems_name_their_line_and_the_rest_is_written(tmp_path, capsys):
    text = ("Our events\n\n• Madrid, Spain – 3 September, 19:00 – Puerta del Sol\n• Valencia – 3 September\n"
            "• Xyzzyville, Spain – 3 September\n")
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    code, out = run("import-text", str(path), "--year", "2013")
    assert code == 1
    assert [(r["city"], r["start_time"], r["description"]) for r in rows(out)] == [
        ("Madrid", "19:00", "Puerta del Sol"), ("Xyzzyville", "", "")]
    err = capsys.readouterr().err
    assert "error: line 4, country: 'Valencia' is the name of places in Venezuela and in Spain" in err
    assert "error: line 5, city: 'Xyzzyville' could not be found in Spain" in err, "placed like a publish"


def test_standard_input_and_an_output_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        "• Galway, Ireland – 3 September – =HYPERLINK(\"http://evil.example\",\"x\")\n".encode("utf-8"))))
    target = tmp_path / "out.csv"
    code, out = run("import-text", "-", "--year", "2013", "-o", str(target))
    assert code == 0 and out == ""
    written = target.read_text(encoding="utf-8")
    assert written.startswith("\ufeff"), "a file for spreadsheets has a byte order mark"
    assert rows(written)[0]["description"] == "'=HYPERLINK(\"http://evil.example\",\"x\")", "neutralised"
    (event,) = parse_events_text(written).events
    assert event.description == "=HYPERLINK(\"http://evil.example\",\"x\")" and event.url == ""
    assert f"wrote {target}" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["import-text"], ["import-text", "a.txt", "--year", "13th"],
                                  ["import-text", "a.txt", "--year", "0"]])
def test_usage_errors_exit_2(argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_a_missing_or_binary_file_is_a_usage_error(tmp_path, capsys):
    assert run("import-text", str(tmp_path / "missing.txt"))[0] == 2
    assert "cannot read" in capsys.readouterr().err
    binary = tmp_path / "poster.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert run("import-text", str(binary))[0] == 2


def test_text_without_events(tmp_path, capsys):
    path = tmp_path / "prose.txt"
    path.write_text("Just some prose about September 3.\n", encoding="utf-8")
    code, out = run("import-text", str(path), "--year", "2013")
    assert code == 1 and rows(out) == []
    assert "error: no events were found in the text" in capsys.readouterr().err


def test_module_entry_point(seed_file):
    done = subprocess.run([sys.executable, "-m", "speakout_map", "import-text", str(seed_file), "--year", "2013"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(rows(done.stdout)) == 19
