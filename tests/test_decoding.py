"""Bytes to text: the encodings spreadsheet apps write, and binary data refused clearly."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings, strategies as st

from speakout_map.events.decoding import decode_table
from speakout_map.events.reading import parse_events_bytes, read_upload
from speakout_map.events.validation import parse_rows
from tests.events_support import only_error


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings(encoding):
    result = parse_events_bytes("city,country,date\nAsunción,Paraguay,2013-09-03\n".encode(encoding))
    assert result.ok and result.events[0].city == "Asunción"

def test_binary_junk_is_a_clear_error():
    problem = only_error(parse_events_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00"))
    assert "binary data" in problem.message and "export the spreadsheet as CSV" in problem.message

def test_utf16_with_bom_is_decoded():
    data = "\ufeffcity\tcountry\tdate\nAsunción\tPY\t2013-09-03\n".encode("utf-16")
    result = parse_events_bytes(data)
    assert result.ok and result.events[0].city == "Asunción"

@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ("city,country,date\nMadrid,ES,2013-09-03\n".encode("utf-16-le"), "binary data"),
        (b"\xfe\xff\x00", "damaged"),
        (bytes(range(1, 32)) * 4, "binary data"),
    ],
)
def test_undecodable_bytes(data, needle):
    problem = only_error(parse_events_bytes(data))
    assert needle in problem.message and problem.row is None

def test_a_few_control_characters_are_still_text():
    result = parse_events_bytes(b"city,country,date,title\nMadrid,ES,2013-09-03,a\x0bb\n")
    assert result.ok and result.events[0].title == "a\x0bb"


# --- mixed encodings: each row read in its own, the odd ones named -------------------------------

UTF8_ROWS = ["München,DE,2013-09-03,Kundgebung", "Göteborg,SE,2013-09-04,Manifestation", "Asunción,PY,2013-09-05,Marcha"]
CP1252_ROWS = ["Málaga,ES,2013-09-06,“Marcha” €0", "Zürich,CH,2013-09-07,Demo", "Besançon,FR,2013-09-08,Rassemblement"]
MIXED_MESSAGE = "this row was saved as {odd} while the rest of the file is {rest}, and was read as {odd}; check its accents"


def _lines(*parts: tuple[str, str]) -> bytes:
    return b"city,country,date,title\n" + b"".join((text + "\n").encode(encoding) for text, encoding in parts)


@pytest.mark.parametrize(
    ("parts", "odd", "rest", "odd_rows"),
    [
        ([(UTF8_ROWS[0], "utf-8"), (UTF8_ROWS[1], "utf-8"), (CP1252_ROWS[0], "cp1252"), (UTF8_ROWS[2], "utf-8"),
          (CP1252_ROWS[1], "cp1252")], "Windows-1252", "UTF-8", [4, 6]),
        ([(CP1252_ROWS[0], "cp1252"), (UTF8_ROWS[0], "utf-8"), (CP1252_ROWS[1], "cp1252"),
          (CP1252_ROWS[2], "cp1252")], "UTF-8", "Windows-1252", [3]),
        ([(UTF8_ROWS[0], "utf-8"), ("Bern,CH,2013-09-09,plain ASCII", "ascii"), (CP1252_ROWS[2], "cp1252"),
          (UTF8_ROWS[1], "utf-8")], "Windows-1252", "UTF-8", [4]),
    ],
    ids=["mostly-utf8", "mostly-cp1252", "ascii-rows-count-for-neither"],
)
def test_mixed_encodings_are_read_row_by_row_and_the_odd_rows_named(parts, odd, rest, odd_rows):
    result = parse_events_bytes(_lines(*parts))
    assert result.ok, result.errors
    assert [e.city for e in result.events] == [text.split(",")[0] for text, _ in parts]
    assert [e.title for e in result.events] == [text.split(",")[3] for text, _ in parts]
    message = MIXED_MESSAGE.format(odd=odd, rest=rest)
    assert [(w.row, w.column) for w in result.warnings] == [(row, None) for row in odd_rows]
    assert all(w.message.startswith(message) and "CSV UTF-8" in w.message for w in result.warnings)


def test_mixed_encodings_inside_one_row_and_across_a_multi_line_cell():
    data = (b"city,country,date,description\n"
            + "München,DE,2013-09-03,\"zwei\nZeilen\"\n".encode("utf-8")
            + "Zürich,CH,2013-09-07,".encode("cp1252") + "Grüße\n".encode("utf-8")
            + "Göteborg,SE,2013-09-04,\"två\nrader\"\n".encode("cp1252"))
    result = read_upload(data, "events.csv")
    assert result.ok, result.errors
    assert [(e.city, e.description, e.row) for e in result.events] == [
        ("München", "zwei\nZeilen", 2), ("Zürich", "Grüße", 3), ("Göteborg", "två\nrader", 4)]
    assert [w.row for w in result.warnings] == [3, 4]


@pytest.mark.parametrize(
    "data",
    [
        "city,country,date,title\nMünchen,DE,2013-09-03,“Rally” €5\nGöteborg,SE,2013-09-04,Möte\n".encode("cp1252"),
        "city,country,date,title\nMünchen,DE,2013-09-03,“Rally” €5\nGöteborg,SE,2013-09-04,Möte\n".encode("utf-8"),
        "city,country,date,title\nMünchen,DE,2013-09-03,“Rally” €5\n".encode("utf-8-sig"),
    ],
    ids=["cp1252", "utf-8", "utf-8-sig"],
)
def test_a_file_in_one_encoding_has_no_encoding_warning(data):
    result = parse_events_bytes(data)
    assert result.ok and result.warnings == ()
    assert result.events[0].city == "München" and result.events[0].title == "“Rally” €5"


# --- mojibake already in the text ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "shown", "meant"),
    [
        ("MÃ¼nchen,DE,2013-09-03,Rally", "city", "MÃ¼nchen", "München"),
        ("Madrid,ES,2013-09-03,Itâ€™s on", "title", "Itâ€™s", "It’s"),
        ("ÐšÐ¸ÐµÐ²,UA,2013-09-03,Rally", "city", "ÐšÐ¸ÐµÐ²", "Киев"),
        ("Madrid,ES,2013-09-03,Ã‰tÃ© 2013", "title", "Ã‰tÃ©", "Été"),
        ("Madrid,ES,2013-09-03,KrakÃ³w", "title", "KrakÃ³w", "Kraków"),
        ("Madrid,ES,2013-09-03,ZÃƒÂ¼rich", "title", "ZÃƒÂ¼rich", "Zürich"),
    ],
)
def test_text_already_mis_encoded_is_a_warning_naming_row_and_column(cells, column, shown, meant):
    result = parse_events_bytes(f"city,country,date,title\nDublin,IE,2013-09-02,fine\n{cells}\n".encode("utf-8"))
    assert result.ok, result.errors
    assert [(w.row, w.column) for w in result.warnings] == [(3, column)]
    assert result.warnings[0].message == (
        f"the text {shown!r} looks mis-encoded (saved in the wrong encoding before it came into this file); "
        f"if it should read {meant!r}, correct it in your spreadsheet"
    )


@pytest.mark.parametrize(
    "title",
    ["São Paulo", "«ÉTÉ»", "„Gruß“", "Ñandú", "Ärzte", "DÜSSELDORF”", "Øresund", "naïve café", "Ελλάδα", "Москва",
     "2×3", "½ day", "°C", "Straße", "ÀÁÂÃÄÅ", "ÈÉÊË«»", "Ça va", "Œuvre"],
)
def test_real_accented_text_is_not_mistaken_for_mojibake(title):
    result = parse_events_bytes(f"city,country,date,title\nMadrid,ES,2013-09-03,{title}\n".encode("utf-8"))
    assert result.ok and result.warnings == (), result.warnings


def test_mojibake_is_caught_in_rows_edited_in_the_app_too():
    result = parse_rows([{"city": "MÃ¼nchen", "country": "DE", "date": "2013-09-03"}])
    assert [(w.row, w.column) for w in result.warnings] == [(2, "city")]


def _holds_utf8(data: bytes) -> bool:
    """Whether the bytes hold a valid UTF-8 sequence of two to four bytes anywhere."""
    for i in range(len(data)):
        for size in (2, 3, 4):
            chunk = data[i : i + size]
            if len(chunk) == size and chunk[0] >= 0x80:
                try:
                    chunk.decode("utf-8")
                    return True
                except UnicodeDecodeError:
                    pass
    return False


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.text("abz ,;éüöñçßÅøŒ€“”’…ÃÂ©", max_size=12), st.booleans()), min_size=1, max_size=6))
def test_any_mix_of_utf8_and_cp1252_lines_decodes_line_by_line(lines):
    encoded = [text.encode("utf-8" if utf8 else "cp1252") for text, utf8 in lines]
    assume(not any(_holds_utf8(data) for data, (_, utf8) in zip(encoded, lines) if not utf8))
    decoded = decode_table(b"\n".join(encoded))
    assert decoded.text == "\n".join(text for text, _ in lines)
    utf8 = {i for i, (text, is_utf8) in enumerate(lines) if is_utf8 and not text.isascii()}
    legacy = {i for i, (text, is_utf8) in enumerate(lines) if not is_utf8 and not text.isascii()}
    if not legacy or not utf8:
        assert decoded.odd_lines == ()
    else:
        assert set(decoded.odd_lines) == (legacy if len(legacy) <= len(utf8) else utf8)
