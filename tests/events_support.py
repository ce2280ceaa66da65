"""Shared helpers of the events format's tests (test_cells.py, test_validation.py, test_decoding.py, test_reading.py)."""

from __future__ import annotations

from speakout_map.events.reading import parse_events_text

HEADER = "city,country,date"


def parse_one(extra_header: str = "", extra_cells: str = "", base: str = "Madrid,Spain,2013-09-03"):
    header = HEADER + ("," + extra_header if extra_header else "")
    row = base + ("," + extra_cells if extra_header else "")
    return parse_events_text(f"{header}\n{row}\n")

def only_error(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]
