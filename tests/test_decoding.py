"""Bytes to text: the encodings spreadsheet apps write, and binary data refused clearly."""

from __future__ import annotations

import pytest

from speakout_map.events.reading import parse_events_bytes
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
