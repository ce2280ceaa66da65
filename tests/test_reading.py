"""The entry points: uploads (bytes or a path), CSV text and bytes, the seed file."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events.model import Status
from speakout_map.events.reading import parse_events_bytes, read_events_file, read_upload, read_upload_file
from speakout_map.settings import PROJECT_ROOT
from tests.events_support import HEADER, only_error


def test_seed_file_is_valid_and_complete():
    result = read_events_file(PROJECT_ROOT / "data" / "events.csv")
    assert result.ok, result.errors
    assert result.warnings == ()
    assert result.rows == 19
    cities = {e.city for e in result.events}
    assert cities == {
        "Asunción", "Barcelona", "Buenos Aires", "Dublin", "Galway", "Gothenburg", "La Paz", "London",
        "Madrid", "Manchester", "Mexico City", "Monterrey", "Naples", "New York", "Ottawa", "Seattle",
        "Toronto", "Valencia", "Vancouver",
    }
    assert {e.date for e in result.events} == {dt.date(2013, 9, 3)}
    to_come = {e.city for e in result.events if e.status is Status.DETAILS_TO_COME}
    assert to_come == {"Buenos Aires", "La Paz", "Ottawa"}
    assert all(e.url == "" for e in result.events), "the announcement's links carried no address"
    assert [e.row for e in result.events] == list(range(2, 21))

def test_past_date_warning_through_every_entry_point(tmp_path):
    data = (HEADER + "\nMadrid,ES,2013-09-03\n").encode()
    path = tmp_path / "e.csv"
    path.write_bytes(data)
    today = dt.date(2014, 1, 1)
    for result in (parse_events_bytes(data, today=today), read_events_file(path, today=today),
                   read_upload(data, "e.csv", today=today)):
        assert [(w.row, w.column) for w in result.warnings] == [(2, "date")]

def test_upload_size_limit_message():
    problem = only_error(read_upload(b"x" * (6 * 1024 * 1024), "e.csv"))
    assert problem.message.startswith("the file is too large (6 MB; the limit is 5 MB)")
    assert "split it" in problem.message
    problem = only_error(read_upload(b"x" * 3000, "e.csv", max_bytes=2 * 1024 * 1024 // 1000))
    assert "MB" in problem.message

def test_read_upload_reads_csv_like_parse_events_bytes():
    data = (HEADER + ",title\nMadrid,ES,2013-09-03,'=1+1\n").encode("cp1252")
    assert read_upload(data, "events.CSV") == parse_events_bytes(data)


# --- uploads read from a path: read_upload_file --------------------------------------------

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("size", "max_bytes", "shown"),
    [
        (7 * MB, 5 * MB, "the file is too large (7 MB; the limit is 5 MB)"),
        (5 * MB + 1, 5 * MB, "the file is too large (5.1 MB; the limit is 5 MB)"),
        (12 * MB, 2 * MB, "the file is too large (12 MB; the limit is 2 MB)"),
        (3000, 2000, "the file is too large (0.002861 MB; the limit is 0.001907 MB)"),
    ],
)
def test_read_upload_file_reports_the_real_size(tmp_path, size, max_bytes, shown):
    path = tmp_path / "big.csv"
    line = b"Madrid,ES,2013-09-03\n"
    path.write_bytes((HEADER.encode() + b"\n" + line * (size // len(line) + 1))[:size])
    assert path.stat().st_size == size
    problem = only_error(read_upload_file(path, max_bytes=max_bytes))
    assert (problem.row, problem.column) == (None, None)
    assert problem.message.startswith(shown + " — split it")


def test_a_7_mb_file_is_not_reported_as_5_1_mb(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"x" * (7 * MB))
    message = only_error(read_upload_file(path)).message
    assert "(7 MB;" in message and "5.1 MB" not in message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("events.csv", (HEADER + ",title\nMadrid,ES,2013-09-03,'=1+1\nDublin,IE,2013-09-03,x\n").encode("cp1252")),
        ("events.TSV", "city\tcountry\tdate\nAsunción\tPY\t2013-09-03\n".encode("utf-16")),
        ("events.csv", (HEADER + "\nMadrid,ES,03/09/2013\n").encode()),
        ("events.pdf", b"%PDF-1.4"),
        ("events.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("no_extension", (HEADER + "\nMadrid,ES,2013-09-03\n").encode()),
        ("empty.csv", b""),
    ],
)
def test_read_upload_file_reads_like_read_upload(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    today = dt.date(2014, 1, 1)
    assert read_upload_file(path, today=today) == read_upload(data, name, today=today)
    assert read_upload_file(str(path), today=today) == read_upload(data, name, today=today)


def test_read_upload_file_at_the_limit(tmp_path):
    data = (HEADER + "\nMadrid,ES,2013-09-03\n").encode()
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    assert read_upload_file(path, max_bytes=len(data)).ok
    assert "too large" in only_error(read_upload_file(path, max_bytes=len(data) - 1)).message


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: tmp / "missing.csv", "No such file or directory"),
        (lambda tmp: tmp, "Is a directory"),
        (lambda tmp: tmp / "missing" / "events.csv", "No such file or directory"),
    ],
    ids=["missing", "a folder", "missing folder"],
)
def test_read_upload_file_that_cannot_be_read(tmp_path, make, reason):
    path = make(tmp_path)
    with pytest.raises(OSError) as raised:
        read_upload_file(path)
    assert raised.value.strerror == reason
