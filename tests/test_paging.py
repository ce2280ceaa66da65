"""Pages of a long list of events (events/paging.py)."""

from __future__ import annotations

import pytest

from speakout_map.events.paging import TABLE_PAGE_ROWS, Page, page_of


@pytest.mark.parametrize(
    ("total", "number", "size", "expected"),
    [
        (0, 1, 500, Page(1, 1, 0, 0, 0)),
        (19, 1, 500, Page(1, 1, 0, 19, 19)),
        (500, 1, 500, Page(1, 1, 0, 500, 500)),
        (501, 2, 500, Page(2, 2, 500, 501, 501)),
        (10_000, 7, 500, Page(7, 20, 3000, 3500, 10_000)),
        (10_000, 99, 500, Page(20, 20, 9500, 10_000, 10_000)),  # past the end: the last page
        (10_000, 0, 500, Page(1, 20, 0, 500, 10_000)),
        (10_000, -3, 500, Page(1, 20, 0, 500, 10_000)),
        (5, 3, 2, Page(3, 3, 4, 5, 5)),
    ],
)
def test_pages(total, number, size, expected):
    page = page_of(total, number, size)
    assert page == expected and page.size == expected.stop - expected.start


def test_every_row_is_on_exactly_one_page():
    total = 1234
    rows = [i for n in range(1, page_of(total).pages + 1) for i in range(page_of(total, n).start,
                                                                       page_of(total, n).stop)]
    assert rows == list(range(total)) and TABLE_PAGE_ROWS == 500


@pytest.mark.parametrize(("total", "size"), [(10, 0), (10, -1), (-1, 10)])
def test_nonsense_is_refused(total, size):
    with pytest.raises(ValueError):
        page_of(total, 1, size)
