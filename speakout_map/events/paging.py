"""A long list of events shown a page at a time: the map page's events table at campaign scale.

A table of thousands of rows costs every visitor the whole table (sent,
converted, kept while the session lasts) for the few rows they read; a page
of :data:`TABLE_PAGE_ROWS` costs the same whatever the campaign's size. The
filters, the near-me search and the map narrow the list; the pages walk it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Rows of the events table on one page.
TABLE_PAGE_ROWS = 500


@dataclass(frozen=True)
class Page:
    """Page ``number`` (from 1) of ``pages``: the rows ``start`` (included) to ``stop`` (excluded) of ``total``."""

    number: int
    pages: int
    start: int
    stop: int
    total: int

    @property
    def size(self) -> int:
        return self.stop - self.start


def page_of(total: int, number: int = 1, size: int = TABLE_PAGE_ROWS) -> Page:
    """Page ``number`` of ``total`` rows, ``size`` a page; a number past either end is the first or the last page
    (a list that became shorter since the page was picked shows its last page). There is always one page."""
    if size < 1:
        raise ValueError(f"a page holds at least one row, not {size}")
    if total < 0:
        raise ValueError(f"a list has no fewer than no rows, not {total}")
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(number, pages, start, min(total, start + size), total)
