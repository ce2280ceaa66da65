"""One row to one event: the RowReader's cells and events, and what it remembers per distinct text."""

from __future__ import annotations

import datetime as dt

import pytest

from speakout_map.events import cells as cells_module
from speakout_map.events.cells import CellError, clean_cell, parse_country, parse_date, parse_time, typed_cell
from speakout_map.events.model import COLUMNS, Status
from speakout_map.events.reading import parse_events_text
from speakout_map.events.row_event import REMEMBERED, RowReader, mojibake_warnings

ALL = {name: index for index, name in enumerate(COLUMNS)}
GOOD = {"city": "Madrid", "country": "Spain", "date": "2113-09-03", "start_time": "18:30", "status": "tbc"}


def test_a_good_row_gives_its_event():
    event, errors, warnings = RowReader(ALL).event(7, GOOD)
    assert (errors, warnings) == ([], [])
    assert (event.city, event.country_code, event.date, event.start_time, event.status, event.row) == (
        "Madrid", "ES", dt.date(2113, 9, 3), dt.time(18, 30), Status.DETAILS_TO_COME, 7)


@pytest.mark.parametrize(("column", "text", "needle"), [
    ("country", "Narnia", "is not a country we recognise"),
    ("date", "03/04/2113", "could be day/month or month/day"),
    ("start_time", "25:00", "is not a time"),
    ("status", "maybe", "is not a status"),
    ("url", "example.org", "is not a web address"),
])
def test_a_bad_cell_gives_the_same_problem_every_time_it_is_met(column, text, needle):
    reader = RowReader(ALL)
    problems = [reader.event(row, {**GOOD, column: text})[1] for row in (2, 3, 4)]
    assert [[(p.row, p.column) for p in found] for found in problems] == [[(2, column)], [(3, column)], [(4, column)]]
    assert len({found[0].text for found in problems}) == 1
    assert needle in problems[0][0].message


@pytest.mark.parametrize(("parser", "text"), [
    (parse_country, "España"), (parse_country, "Narnia"), (parse_date, "2113-09-03"), (parse_date, "2113-02-30"),
    (parse_time, "18:30"), (parse_time, "18h"),
])
def test_a_remembered_parser_runs_once_per_distinct_text(parser, text):
    calls = []

    def counted(value):
        calls.append(value)
        return parser(value)

    reader = RowReader(ALL)
    reader._seen[counted] = {}
    answers = {reader.parse(counted, text) for _ in range(5)}
    assert calls == [text]
    assert len(answers) == 1
    ((value, problem),) = answers
    try:
        expected = (parser(text), None)
    except CellError as exc:
        expected = (None, exc.text)
    assert (value, problem) == expected


def test_remembered_answers_agree_with_the_parsers_over_a_whole_file():
    rows = [
        ("Madrid", "España", "2113-09-03", "18:30"), ("Lyon", "FR", "2113-9-3", "7:05"),
        ("Oslo", "Narnia", "2113-09-03", "18:30"), ("Cork", "Ireland", "3/9/2113", "24:00"),
        ("Madrid", "España", "2113-09-03", "18:30"), ("Oslo", "Narnia", "3/9/2113", "24:00"),
    ]
    text = "city,country,date,start_time\n" + "".join(",".join(r) + "\n" for r in rows)
    result = parse_events_text(text)
    by_row = {}
    for problem in result.errors:
        by_row.setdefault(problem.row, []).append((problem.column, problem.message))
    for row, (city, country, date, time) in enumerate(rows, start=2):
        expected = []
        for column, parser, cell in (("country", parse_country, country), ("date", parse_date, date),
                                     ("start_time", parse_time, time)):
            try:
                parser(cell)
            except CellError as exc:
                expected.append((column, str(exc.text)))
        assert by_row.get(row, []) == expected, row
    assert len(result.events) == 3


def test_only_parsers_of_few_distinct_texts_are_remembered():
    assert set(REMEMBERED) == {parse_country, parse_date, parse_time, cells_module.parse_status}


@pytest.mark.parametrize(("texts", "expected"), [
    ([" Madrid ", "ES", "'=1+1"], {"city": "Madrid", "country": "ES", "title": "=1+1"}),
    (["Madrid", " ES ", "It's  "], {"city": "Madrid", "country": "ES", "title": "It's"}),
    (["  a  ", "b", "c", "ignored"], {"city": "a", "country": "b", "title": "c"}),
    (["Madrid"], {"city": "Madrid"}),
    ([], {}),
])
def test_cells_are_cleaned_by_name_as_clean_cell_does(texts, expected):
    columns = {"city": 0, "country": 1, "title": 2}
    found = RowReader(columns).cells(texts)
    assert found == expected
    assert found == {name: clean_cell(texts[i]) for name, i in columns.items() if i < len(texts)}
    assert list(found) == [name for name in columns if name in found]


def test_typed_cells_are_kept_as_typed():
    assert RowReader({"city": 0, "title": 1}, typed_cell).cells([" Madrid ", "'=1"]) == {
        "city": " Madrid ", "title": "'=1"}


@pytest.mark.parametrize(("cells", "columns"), [
    ({"city": "MÃ¼nchen", "country": "DE"}, ["city"]),
    ({"city": "München", "country": "DE"}, []),
    ({"city": "Madrid", "colour": "MÃ¼nchen"}, []),  # not a column of the format
    ({"city": "Madrid"}, []),
])
def test_mojibake_warnings(cells, columns):
    assert [p.column for p in mojibake_warnings(2, cells)] == columns
