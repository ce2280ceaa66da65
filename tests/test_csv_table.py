"""CSV text to records: separators, line ends, and cells longer than the csv module reads."""

from __future__ import annotations

import pytest

from speakout_map.events.reading import parse_events_bytes, parse_events_text
from tests.events_support import HEADER


@pytest.mark.parametrize(
    "data",
    [
        "city,country,date\r\nDublin,IE,2013-09-03\r\n".encode("utf-8"),
        "\ufeffcity,country,date\nDublin,IE,2013-09-03\n".encode("utf-8"),
        "city;country;date\nDublin;IE;2013-09-03\n".encode("utf-8"),
        "city\tcountry\tdate\nDublin\tIE\t2013-09-03\n".encode("utf-8"),
    ],
    ids=["crlf", "bom", "semicolon", "tab"],
)
def test_file_variants(data):
    result = parse_events_bytes(data)
    assert result.ok and [e.city for e in result.events] == ["Dublin"]

def test_rows_after_an_over_long_cell_keep_their_numbers():
    text = HEADER + ",title\nMadrid,ES,2013-09-03,\"" + "q\n" * 100_000 + "\"\nDublin,IE,2013-09-03,x\nParis,FR,2013-09-03,y\n"
    result = parse_events_text(text)
    assert [(p.row, p.column) for p in result.errors] == [(2, "title")]
    assert [(e.city, e.row) for e in result.events] == [("Dublin", 3), ("Paris", 4)]
