"""An event's region (state, province, county...) read as the GeoNames first-level region its city is in.

Organisers write a region the way they say it: "Illinois", "IL", "US-IL",
"Ontario", "ON", "Andalucía", "Andalusia", "ES-AN", or a province or county
("Sevilla", "Cook County"), which stands for the first-level region it is
part of. The gazetteer index keeps, for each country, every such name and
code under its folded key (:func:`region_key`, the countries' folding) with
the GeoNames admin1 code of its region; see
:mod:`speakout_map.places.region_data`, which makes them when the index is
built. :func:`choose_region` picks the answer among the index's rows, or
raises :class:`UnknownRegionError` with a message that says what to write
instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from speakout_map.errors import SpeakOutError
from speakout_map.languages.message import CountryName, msg
from speakout_map.places.countries import fold_name

#: How many of a country's regions an error message names as examples.
EXAMPLES = 4


def region_key(text: str) -> str:
    """A region as matched: case, accents, punctuation and spaces do not count ("ES-AN" → "es an")."""
    return fold_name(text)


class UnknownRegionError(SpeakOutError, ValueError):
    """A region that is not one of its country's, or that names several of them."""

    def __init__(self, text, written: str, country_code: str) -> None:
        #: The region and the country code as they were given (``text`` says what to do).
        self.written, self.country_code = written, country_code
        super().__init__(text)


def _examples(examples: Sequence[tuple[str, str]]) -> str:
    """"Illinois (IL), Ohio (OH)": a few regions of the country, each with its code where it has one."""
    return ", ".join(f"{name} ({code})" if code else name for name, code in examples[:EXAMPLES])


def unknown_region(written: str, country_code: str, examples: Sequence[tuple[str, str]]) -> UnknownRegionError:
    """The error for a region the country does not have; ``examples`` are (name, code) of a few it has."""
    if examples:
        # Translators: {region!r} is the region as the organiser wrote it, in quotes; {country} its country's
        # name; {examples} a few regions of that country with their codes ("Illinois (IL), Ohio (OH)").
        text = msg("{region!r} is not a state, province or region of {country}; write one of its regions' "
                   "names or codes (e.g. {examples}), or leave region empty",
                   region=written, country=CountryName(country_code), examples=_examples(examples))
    else:
        # Translators: {region!r} is the region as the organiser wrote it, in quotes; {country} its country's name.
        text = msg("{region!r} is not a region we know in {country}; leave region empty",
                   region=written, country=CountryName(country_code))
    return UnknownRegionError(text, written, country_code)


def ambiguous_region(written: str, country_code: str, choices: Sequence[tuple[str, str]]) -> UnknownRegionError:
    """The error for a name that several regions of the country share (``choices``: their names and codes)."""
    # Translators: {region!r} is the region as written, in quotes; {country} its country's name; {choices} the
    # regions it could be, with their codes ("Washington (WA), Oregon (OR)").
    text = msg("{region!r} is the name of places in several regions of {country} ({choices}); write the "
               "state, province or region itself, or its code", region=written, country=CountryName(country_code),
               choices=_examples(choices))
    return UnknownRegionError(text, written, country_code)


def choose_region(written: str, country_code: str, rows: Sequence[tuple[str, int]]) -> str | None:
    """The admin1 code that ``written`` names, from the index's ``(admin1 code, rank)`` rows for its key.

    The best-ranked rows decide (a region's own name or code, then its other
    names, then a part of it such as a province). Returns None when no row
    names it, or when the best rows name several regions (the caller raises
    :func:`unknown_region` or :func:`ambiguous_region`).
    """
    if not rows:
        return None
    best = min(rank for _, rank in rows)
    codes = {code for code, rank in rows if rank == best}
    return next(iter(codes)) if len(codes) == 1 else None


class RegionIndex:
    """The gazetteer index's regions (tables ``regions`` and ``region_names``), read through ``fetch(sql, params)``.

    Each (country, region as written) is looked up once; the answer, or the
    error, is remembered for the process.
    """

    def __init__(self, fetch) -> None:
        self._fetch = fetch
        self._memo: dict[tuple[str, str], str | UnknownRegionError] = {}

    def admin1_code(self, written: str, country_code: str) -> str:
        """The admin1 code of the region ``written`` in the country; raises UnknownRegionError."""
        at = (region_key(written), country_code.upper())
        found = self._memo.get(at)
        if found is None:
            found = self._memo[at] = self._look_up(written, *at)
        if isinstance(found, UnknownRegionError):
            raise found
        return found

    def _look_up(self, written: str, key: str, country_code: str) -> str | UnknownRegionError:
        rows = self._fetch("SELECT admin1_code, rank FROM region_names WHERE key = ? AND country_code = ?",
                           (key, country_code)) if key else []
        code = choose_region(written, country_code, rows)
        if code is not None:
            return code
        if not rows:
            return unknown_region(written, country_code, self.examples(country_code))
        best = min(rank for _, rank in rows)
        codes = sorted({c for c, rank in rows if rank == best})
        return ambiguous_region(written, country_code, self.examples(country_code, codes))

    def examples(self, country_code: str, admin1_codes: Sequence[str] = ()) -> list[tuple[str, str]]:
        """(name, ISO code) of a few of the country's regions (of ``admin1_codes`` only, if given), coded first."""
        sql = "SELECT name, iso_suffix, admin1_code FROM regions WHERE country_code = ?"
        params: list[object] = [country_code]
        if admin1_codes:
            sql += f" AND admin1_code IN ({', '.join('?' * len(admin1_codes))})"
            params.extend(admin1_codes)
        rows = self._fetch(sql + " ORDER BY iso_suffix = '', name", params)
        seen: set[str] = set()
        found = []
        for name, suffix, code in rows:  # one name per region (Ireland's counties share their province's code)
            if code not in seen:
                seen.add(code)
                found.append((name, suffix))
        return found
