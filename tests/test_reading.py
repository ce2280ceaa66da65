"""The entry points: uploads (bytes or a path), CSV text and bytes, the seed file."""

from __future__ import annotations

import datetime as dt
import io
import logging

import openpyxl
import pytest

from speakout_map.errors import EventFileError
from speakout_map.events import reading
from speakout_map.events.model import Status
from speakout_map.events.reading import parse_events_bytes, read_events_file, read_upload, read_upload_file
from speakout_map.settings import PROJECT_ROOT
from tests.events_support import HEADER, check_message, check_problems, only_error
from tests.i18n_support import fake_translator


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


# --- whole-file problems in the reader's language -----------------------------------------------


def _sheet(rows) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Eventos"
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


EMPTY_FILE = ("el archivo está vacío; necesita una fila de cabecera (city,country,date,...) y una fila por evento")


@pytest.mark.parametrize(
    ("data", "filename", "translation", "nested", "expected"),
    [
        (b"x" * (6 * MB), "e.csv",
         "el archivo es demasiado grande ({size}; el límite es {limit}): divídelo en archivos más pequeños "
         "(p. ej. por país o por mes) y sube cada uno", {},
         "el archivo es demasiado grande (6 MB; el límite es 5 MB): divídelo en archivos más pequeños "
         "(p. ej. por país o por mes) y sube cada uno"),
        (b"", "e.csv", EMPTY_FILE, {}, EMPTY_FILE),
        (b"  \n\n", "e.csv", EMPTY_FILE, {}, EMPTY_FILE),
        ((HEADER + "\nMadrid,ES,2013-09-03\n").encode(), "events",
         "no se pueden leer archivos de tipo {extension}; sube un archivo {accepted} (en tu hoja de cálculo: "
         "Guardar como → CSV UTF-8, o Libro de Excel .xlsx)",
         {"(no extension)": "(sin extensión)", "{extensions} or {last}": "{extensions} o {last}"},
         "no se pueden leer archivos de tipo (sin extensión); sube un archivo .csv, .tsv, .txt o .xlsx (en tu hoja "
         "de cálculo: Guardar como → CSV UTF-8, o Libro de Excel .xlsx)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "e.csv",
         "el archivo contiene datos binarios, no texto; exporta la hoja como CSV (UTF-8) y sube eso", {},
         "el archivo contiene datos binarios, no texto; exporta la hoja como CSV (UTF-8) y sube eso"),
        ((HEADER + "\nMadrid,ES,2013-09-03\n").encode(), "e.xlsx",
         "el archivo no es un .xlsx legible; guárdalo de nuevo desde tu hoja de cálculo o expórtalo como CSV", {},
         "el archivo no es un .xlsx legible; guárdalo de nuevo desde tu hoja de cálculo o expórtalo como CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "e.xls",
         "el archivo es un libro antiguo de Excel 97-2003 (.xls) o uno protegido con contraseña", {},
         "el archivo es un libro antiguo de Excel 97-2003 (.xls) o uno protegido con contraseña"),
        (_sheet([]), "e.xlsx",
         "la hoja {sheet!r} está vacía; necesita una fila de cabecera (city,country,date,...) y una fila por evento",
         {}, "la hoja 'Eventos' está vacía; necesita una fila de cabecera (city,country,date,...) y una fila por evento"),
        (_sheet([["city", "country", "date"]]), "e.xlsx",
         "la hoja {sheet!r} tiene cabecera pero no eventos; añade una fila por evento debajo de la cabecera", {},
         "la hoja 'Eventos' tiene cabecera pero no eventos; añade una fila por evento debajo de la cabecera"),
    ],
    ids=["too large", "empty", "only blank lines", "no extension", "binary", "not an xlsx", "legacy xls",
         "empty sheet", "sheet without events"],
)
def test_whole_file_errors_render_in_the_readers_language(data, filename, translation, nested, expected):
    problem = only_error(read_upload(data, filename))
    assert (problem.row, problem.column) == (None, None)
    check_message(problem.text)
    spanish = fake_translator({problem.text.source: translation, **nested})
    assert spanish.text(problem.text) == expected
    assert problem.message == str(problem.text) != expected


def test_the_rest_of_a_mixed_file_is_one_warning_with_counts_in_the_readers_language():
    utf8 = "".join(f"München {i},DE,2013-09-03\n" for i in range(1100)).encode()
    cp1252 = "".join(f"Zürich {i},CH,2013-09-03\n" for i in range(1025)).encode("cp1252")
    result = parse_events_bytes(HEADER.encode() + b"\n" + utf8 + cp1252)
    assert result.ok
    check_problems(result)
    assert len(result.warnings) == reading.MAX_ENCODING_WARNINGS + 1
    rest = result.warnings[-1]
    assert rest.message.startswith("1,005 more lines (from line 1,122) were saved as Windows-1252 while the rest "
                                   "of the file is UTF-8;")
    spanish = fake_translator({rest.text.source: "{count:,} líneas más (desde la línea {line:,}) se guardaron como "
                                                 "{odd} y el resto del archivo es {rest}"})
    assert spanish.text(rest.text) == ("1.005 líneas más (desde la línea 1.122) se guardaron como Windows-1252 y el "
                                       "resto del archivo es UTF-8")


def test_a_file_error_without_a_message_is_logged_and_answered_by_the_last_resort(monkeypatch, caplog):
    """Every EventFileError of the reading modules carries a Message; one without is a bug, never a crash."""
    def plain_error(data):
        raise EventFileError("a plain English string")

    monkeypatch.setattr(reading, "decode_table", plain_error)
    with caplog.at_level(logging.ERROR, logger=reading.__name__):
        problem = only_error(read_upload(b"city,country,date\n", "e.csv"))
    assert problem.message == "the file could not be read (EventFileError); export it again as CSV UTF-8 and upload that"
    assert "without a Message" in caplog.text
