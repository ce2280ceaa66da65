"""A pasted announcement ("• Asunción, Paraguay – September 3: Click here") read as the events table.

Campaigns announce their events as text: a list of lines, one per event, with
the place, the date, maybe a time, a link, or "details to come".
:func:`parse_announcement` reads such text line by line and gives the same
:class:`~speakout_map.events.model.ParseResult` as an upload: each line read as
an event becomes a record of the events table, validated by
:func:`~speakout_map.events.validation.validate_records` with every cell rule
and message of an upload, and the rest of the road (placing, the preview, the
diff, publishing; :func:`speakout_map.store.publishing.prepare`) is the
upload's. A problem's ``row`` is the **line** of the pasted text (the first
line is 1).

What a line may hold, in any order after an optional bullet (``•``, ``-``,
``*``, ``–``, ``1.``, ``2)``):

* its place: ``City, Country``, ``City (Country)``, or a city alone the
  gazetteer is sure of (see :mod:`speakout_map.events.announcement_places`);
* its date, in English or Spanish words or ISO (see
  :mod:`speakout_map.events.announcement_dates`), a year missing taken from
  ``year``; a line holding only a date is a heading, whose date the lines
  after it without one take;
* a time or a time range;
* a link: the first ``https://`` or ``www.`` address anywhere on the line, or
  the target of a Markdown link ``[Click here](https://...)``. Link text whose
  target was lost ("Click here", "Haz clic aquí") is dropped: the event has no
  link (the map says "link to come"). A Markdown link to anything but a web
  address (``javascript:``) is never a link: it stays on the line as text,
  with a warning;
* "details to come", "TBC", "por confirmar", "a confirmar": that status;
* anything else, separated by `` – ``, `` - ``, ``:`` or ``|``: the
  description (after ``City, Country,`` more comma parts: the venue).

Text is data: ``<script>``, ``=HYPERLINK(...)`` or a Markdown link to
``javascript:`` are kept as the literal text they are. Invisible format
characters (zero-width spaces, direction overrides), private use characters
(icon fonts) and control characters are dropped, runs of spaces made one,
Markdown bold (``**``) too.

Lines that are not events (headings, paragraphs, blank lines, a list of
partners) are skipped silently. A line that looks like an attempted event is
an error of its line saying what to write when it cannot be read as one: a
date with a place before it written like one ("Valencia", "Santa Cruz de la
Sierra, Bolivia", not "The following events are happening"); any short
bulleted line with a date; under a date heading, a place with its country, or
a bulleted place the gazetteer knows; without any date, a bulleted "City,
Country". A place the gazetteer does not know, without a country and a bullet
("Speak Out For Russia – September 3"), is taken for a title.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from speakout_map.events.announcement_dates import DateFound, find_dates, find_times
from speakout_map.events.announcement_places import PlaceKind, PlaceRead, place_like, read_place
from speakout_map.events.cells import typed_cell
from speakout_map.events.limits import MAX_CELL_CHARS
from speakout_map.events.model import COLUMNS, HEADER_ROW, ParseResult, Problem
from speakout_map.events.validation import Record, validate_records
from speakout_map.languages.message import msg
from speakout_map.places.gazetteer import GazetteerGeocoder

#: Most characters of pasted text read at once.
MAX_ANNOUNCEMENT_CHARS = 200_000
#: Most words of a bulleted line with a date that is taken for an attempted event even when its start is not
#: written like a place ("• london, uk – 3 sept").
MAX_SHORT_LINE_WORDS = 12
#: Most words of a line holding a date that is taken for a heading (its date is for the lines after it).
MAX_HEADING_WORDS = 8
#: What a preview and the history call pasted text.
PASTED_SOURCE = "pasted text"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SPACES = re.compile(r"\s+")
_BULLET = re.compile(r"^(?:[•·▪◦●‣○■□➢➤►▶→✓✔☐]\s*|[-*+–—]\s+|\(?\d{1,3}[.)]\s+)")
_HEADING = re.compile(r"^#{1,6}\s+")
#: [text](target "title"): the target may hold one level of brackets (javascript:alert(1)).
_MARKDOWN_LINK = re.compile(
    r"\[([^\[\]]{0,500})\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_BARE_URL = re.compile(r"(?<![^\s(<\[])(?:https?://|www\.)[^\s<>\"'\[\]{}|\\^`]+", re.IGNORECASE)
#: Text kept whole, never split into parts: quoted text and addresses of any scheme (=HYPERLINK("http://...")).
_PROTECTED = re.compile(
    r"\"[^\"\n]{0,200}\"|“[^”\n]{0,200}”"
    r"|(?<![\w])(?:(?:javascript|vbscript|data|file|mailto|tel|ftp|https?):|[a-z][\w+.\-]*://)\S+",
    re.IGNORECASE,
)
_STATUS = re.compile(
    r"(?<!\w)(?:(?:date|time|venue|place|fecha|hora|lugar)\s+)?(?:(?:more\s+)?details\s+(?:to\s+come|tbc|tba|"
    r"to\s+be\s+confirmed|coming\s+soon)|to\s+be\s+(?:confirmed|announced)|tbc|tba|tbd|coming\s+soon|"
    r"(?:detalles\s+)?(?:por|a)\s+(?:confirmar|anunciar|definir)|pendiente\s+de\s+confirmar|pr[oó]ximamente|"
    r"m[aá]s\s+detalles\s+pronto)(?!\w)",
    re.IGNORECASE,
)
_LINK_TEXT = re.compile(
    r"(?:(?:please\s+)?click(?:\s+here)?|here|link|more\s+info(?:rmation)?|info|details|rsvp|register|sign\s+up|"
    r"join|event\s+page|facebook(?:\s+event)?|(?:haz|hac[eé]|pincha|pinch[aá])\s+(?:clic|click)\s+aqu[ií]|"
    r"(?:clic|click)\s+aqu[ií]|aqu[ií]|m[aá]s\s+info(?:rmaci[oó]n)?|enlace|inscr[ií]bete|ver\s+evento|"
    r"evento\s+(?:de|en)\s+facebook)(?:\s+(?:for|to|para|por)\b.{0,40})?[\s.!→»>]*",
    re.IGNORECASE,
)
#: Stands where a date, a time, a link or a status was taken out: it separates parts like " – ".
_CUT = "\x1f"
_SEPARATOR = re.compile(rf"(\s+[-–—]+\s+|[–—]+|:|\||;|\s+•\s+|{_CUT})")
#: Placeholders of kept text: characters of a private use plane, dropped from the pasted text first.
_HOLES = 0xF0000
_HOLE = re.compile("[\U000F0000-\U000FFFFD]")
#: What a part's ends lose: spaces, separators, and a hyphen standing alone ("- x", "x -"; "-x" stays).
_EDGE = re.compile(r"(?:[\s,.;:|–—\x1f]|-(?=\s))*")


def _clean_line(text: str) -> str:
    """A line as read: format, private use and control characters dropped, spaces made one, Markdown bold dropped."""
    kept = "".join(
        " " if unicodedata.category(c) == "Cc" else c
        for c in text
        if unicodedata.category(c) not in ("Cf", "Co")
    )
    return _SPACES.sub(" ", kept.replace("**", "").replace("__", "")).strip()


@dataclass
class _Line:
    """One line being read: its text with the parts found cut out, and what was found."""

    number: int
    text: str
    bullet: bool = False
    url: str = ""
    details_to_come: bool = False
    kept: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def keep(self, text: str) -> str:
        """A placeholder for ``text``, put back as it is when the parts are read."""
        self.kept.append(text)
        return chr(_HOLES + len(self.kept) - 1)

    def restore(self, text: str) -> str:
        return _HOLE.sub(lambda m: self.kept[ord(m.group(0)) - _HOLES], text)

    def take_links(self) -> None:
        def markdown(match: re.Match[str]) -> str:
            target = match.group(2).strip()
            if target.lower().startswith(("http://", "https://")):
                self.url = self.url or target
                return match.group(1)
            if target:
                # Translators: link is the target of a Markdown link, as written ("javascript:...").
                self.warnings.append(Problem(self.number, "url", msg(
                    "the link {link!r} is not a web address (https://...), so it is not the event's link; "
                    "it is kept as text", link=target[:80])))
            return self.keep(match.group(0))

        def bare(match: re.Match[str]) -> str:
            address = match.group(0).rstrip(".,;:!?)")
            tail = match.group(0)[len(address):]
            if address.lower().startswith("www."):
                address = "https://" + address
            if self.url:
                return self.keep(match.group(0))
            self.url = address
            return _CUT + tail

        self.text = _MARKDOWN_LINK.sub(markdown, self.text)
        self.text = _BARE_URL.sub(bare, self.text)
        self.text = _PROTECTED.sub(lambda m: self.keep(m.group(0)), self.text)

    def take_status(self) -> None:
        text, count = _STATUS.subn(_CUT, self.text)
        self.text, self.details_to_come = text, bool(count)


def _cut(text: str, start: int, end: int) -> str:
    return text[:start] + _CUT + text[end:]


def _trim(part: str) -> str:
    """A part without the separators, spaces and empty brackets at its ends (a lone hyphen too; "-x" stays)."""
    part = re.sub(r"\(\s*\)|\[\s*\]", "", part)
    part = part[_EDGE.match(part).end():]
    return part[:len(part) - _EDGE.match(part[::-1]).end()]


@dataclass(frozen=True)
class _Parts:
    """A line's text split at its separators: the place part, the rest, and whether link text was dropped."""

    place: str
    rest: str
    link_text: bool


def _parts(line: _Line) -> _Parts:
    """The first part (the place) and the rest as written, link text and what was cut out dropped."""
    tokens = _SEPARATOR.split(line.text)
    place_at, link_text = None, False
    for index in range(0, len(tokens), 2):
        part = _trim(tokens[index])
        if part and _LINK_TEXT.fullmatch(part):
            tokens[index], link_text = _CUT, True
        elif part and place_at is None:
            place_at = index
    if place_at is None:
        return _Parts("", "", link_text)
    # What was cut out, with the separators around it, becomes one " – " between what remains around it.
    remains = (_trim(piece) for piece in "".join(tokens[place_at + 1:]).split(_CUT))
    rest = " – ".join(piece for piece in remains if piece)
    return _Parts(line.restore(_trim(tokens[place_at])), line.restore(rest), link_text)


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@dataclass(frozen=True)
class _Reading:
    """What one line gave: the cells of its event, or errors, and warnings; or nothing (not an event)."""

    cells: dict[str, str] | None = None
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    #: The line is a heading holding only a date, for the lines after it.
    heading: DateFound | None = None

    @property
    def attempted(self) -> bool:
        return self.cells is not None or bool(self.errors)


_NOTHING = _Reading()


def _attempted(line: _Line, written: str, place: PlaceRead | None, *, own: DateFound | None,
               heading: DateFound | None, signals: bool, short: bool) -> bool:
    """Whether a line looks like an event (so what is wrong with it is an error), or is prose to skip."""
    kind = place.kind if place else None
    looks = place_like(written)
    if own is not None:
        # A date, and before it a place we know of or a place's name with its country; any short bulleted line.
        return (line.bullet and short) or (looks and kind is not PlaceKind.UNKNOWN)
    if heading is not None:
        # Under a date heading: a place with its country, or on a bullet a place the gazetteer knows of.
        return looks and (kind in (PlaceKind.NAMED, PlaceKind.UNKNOWN_COUNTRY)
                          or (line.bullet and kind is not PlaceKind.UNKNOWN))
    # No date at all: a bulleted "City, Country", or a known city with a link or a status.
    return line.bullet and (kind is PlaceKind.NAMED or (kind is PlaceKind.KNOWN and signals))


def _read_line(number: int, raw: str, *, year: int | None, heading: DateFound | None,
               gazetteer: GazetteerGeocoder | None) -> _Reading:
    text = _clean_line(raw)
    if not text:
        return _NOTHING
    bullet = _BULLET.match(text)
    line = _Line(number, _HEADING.sub("", text[bullet.end():] if bullet else text), bullet=bool(bullet))
    if len(line.text) > MAX_CELL_CHARS:
        if not line.bullet:
            return _NOTHING
        return _Reading(errors=(Problem(number, None, msg(
            "the line has {length:,} characters; the limit is {limit:,} — shorten it",
            length=len(line.text), limit=MAX_CELL_CHARS)),))
    short = _words(_BARE_URL.sub(" ", line.text)) <= MAX_SHORT_LINE_WORDS
    line.take_links()
    dates = find_dates(line.text, year)
    own = dates[0] if dates else None
    if own is not None:
        line.text = _cut(line.text, own.start, own.end)
    times = find_times(line.text)
    if times is not None:
        line.text = _cut(line.text, times.start, times.end)
    line.take_status()
    parts = _parts(line)
    signals = bool(line.url or line.details_to_come or parts.link_text or times)
    if own is not None and not parts.place and not signals:
        return _Reading(heading=own)  # "3 September:", "• martes 3 de septiembre"
    place = read_place(parts.place, gazetteer) if parts.place else None
    if not _attempted(line, parts.place, place, own=own, heading=heading, signals=signals, short=short):
        heading_like = not line.bullet and (_words(line.text) <= MAX_HEADING_WORDS or text.endswith(":"))
        return _Reading(heading=own) if own is not None and not signals and heading_like else _NOTHING
    date = own or heading
    errors: list[Problem] = []
    if place is None:
        errors.append(Problem(number, "city", msg(
            "no place found on this line; write the city and its country before the date, e.g. {example}",
            example=msg("Valencia, Spain – 3 September"))))
    elif place.problem is not None:
        errors.append(Problem(number, place.column, place.problem))
    if date is None:
        errors.append(Problem(number, "date", msg(
            "no date found on this line; write the date after the place, e.g. {example}, or on a line of its own "
            "above the list", example=msg("Valencia, Spain – 3 September"))))
    elif date.problem is not None:
        errors.append(Problem(number, "date", date.problem))
    if errors:
        return _Reading(errors=tuple(errors), warnings=tuple(line.warnings))
    warnings = list(line.warnings)
    if date.wrong_weekday:
        # Translators: written is the date as the announcement writes it, with its weekday; date is YYYY-MM-DD.
        warnings.append(Problem(number, "date", msg(
            "{written!r} names a weekday that {date} is not; check the day and the year", written=date.written,
            date=date.date.isoformat())))
    if len(dates) > 1:
        # Translators: date is the first date of the line, as YYYY-MM-DD.
        warnings.append(Problem(number, "date", msg(
            "the line has more than one date; the event is on the first ({date}) — write one event per line",
            date=date.date.isoformat())))
    cells = {
        "city": place.city,
        "country": place.country,
        "date": date.date.isoformat(),
        "start_time": f"{times.begins:%H:%M}" if times else "",
        "end_time": f"{times.ends:%H:%M}" if times and times.ends else "",
        "venue": place.venue,
        "url": line.url,
        "status": "details_to_come" if line.details_to_come else "",
        "description": parts.rest,
    }
    return _Reading(cells=cells, warnings=tuple(warnings))


def _readings(text: str, year: int | None, gazetteer: GazetteerGeocoder | None) -> Iterator[tuple[int, _Reading]]:
    heading: DateFound | None = None
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        reading = _read_line(number, raw, year=year, heading=heading, gazetteer=gazetteer)
        if reading.heading is not None:
            heading = reading.heading
        yield number, reading


def parse_announcement(
    text: str,
    *,
    year: int | None = None,
    gazetteer: GazetteerGeocoder | None = None,
    today: dt.date | None = None,
) -> ParseResult:
    """Read pasted announcement text as the events table (see the module's docs); problems name the line.

    ``year`` is the year of dates written without one (the campaign's);
    ``gazetteer`` finds the country of a city written alone (without it, such
    a line asks for the country); with ``today``, events dated before it get a
    warning, as in an upload. Nothing is placed here: the result goes on to
    :func:`speakout_map.store.publishing.prepare` like an upload's.
    """
    if year is not None and not 1 <= year <= 9999:
        raise ValueError(f"year {year} is not a year of the calendar (1 to 9999)")
    if len(text) > MAX_ANNOUNCEMENT_CHARS:
        return ParseResult((), (Problem(None, None, msg(
            "the text has {length:,} characters; the limit is {limit:,} — paste it in parts",
            length=len(text), limit=MAX_ANNOUNCEMENT_CHARS)),))
    errors: list[Problem] = []
    warnings: list[Problem] = []
    records = [Record(HEADER_ROW, list(COLUMNS))]
    attempted = 0
    for number, reading in _readings(text, year, gazetteer):
        attempted += reading.attempted
        errors.extend(reading.errors)
        warnings.extend(reading.warnings)
        if reading.cells is not None:
            records.append(Record(number, [reading.cells.get(column, "") for column in COLUMNS]))
    if attempted == 0:
        return ParseResult((), (Problem(None, None, msg(
            "no events were found in the text; write one event per line, e.g. {example}",
            example=msg("Valencia, Spain – 3 September"))),))
    if len(records) > 1:
        table = validate_records(records, today=today, clean=typed_cell)
        errors.extend(table.errors)
        warnings.extend(table.warnings)
        events = table.events
    else:
        events = ()

    def by_line(problem: Problem) -> tuple[int, str]:
        return problem.row or 0, problem.column or ""

    return ParseResult(tuple(events), tuple(sorted(errors, key=by_line)), tuple(sorted(warnings, key=by_line)),
                       rows=attempted)
