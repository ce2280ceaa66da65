"""From an uploaded CSV's bytes to its text, or a clear error when the bytes are not text.

Spreadsheet apps save "CSV" in several encodings; :func:`decode_table` reads
UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"), else
Windows-1252, else Latin-1. Bytes that are not text at all (NUL bytes, the
signature of an image, a PDF or an archive, many control characters) are
refused with an :class:`~speakout_map.errors.EventFileError` that says how to
export the sheet instead.

**Mixed encodings.** Two spreadsheets pasted together can leave a file mostly
UTF-8 with a few Windows-1252 lines, or the reverse; decoded whole in either
encoding, "München" would show as "MÃ¼nchen". The rule: a file that decodes
as UTF-8 is UTF-8; a file holding no valid UTF-8 sequence of two or more bytes
is Windows-1252 (Latin-1 if it has bytes Windows-1252 leaves undefined); any
other file is mixed, and each valid UTF-8 sequence in it is read as UTF-8,
every other byte as Windows-1252. A :class:`DecodedText` then names the lines
in the less used encoding, which the reader reports as warnings by row, so
that nothing is published mis-decoded without a word. (Windows-1252 text can
by chance form valid UTF-8, "Ã©" for "é"; in a mixed file it is read as UTF-8,
the likelier reading, and its row is named.)

**Mojibake.** Text that was mis-decoded before it was saved ("MÃ¼nchen" typed
or pasted into a UTF-8 file) is valid in any encoding. :func:`find_mojibake`
recognises it: characters that, written back in Windows-1252, are the UTF-8 of
a letter or a sign of the scripts whose mojibake is common (Latin, Greek,
Cyrillic, Hebrew, Arabic; any character of three or four bytes). Validation
warns about it by row and column, with the text it probably meant.
"""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass

from speakout_map.errors import EventFileError
from speakout_map.languages.message import msg

#: The start of a zip archive (an .xlsx is one).
ZIP_MAGIC = b"PK\x03\x04"
#: The start of an OLE2 compound file (an Excel 97-2003 .xls, or an encrypted workbook).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8 = "UTF-8"
WINDOWS_1252 = "Windows-1252"
LATIN_1 = "Latin-1"

_BINARY_MAGIC = (b"\x89PNG", b"%PDF-", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", ZIP_MAGIC, OLE2_MAGIC, b"\x1f\x8b")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BINARY_MESSAGE = msg("the file contains binary data, not text; export the spreadsheet as CSV (UTF-8) and upload that")
#: Runs of valid UTF-8 sequences of two to four bytes (no overlong forms, no surrogates).
_UTF8_MULTIBYTE = re.compile(
    rb"(?:[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2})+"
)
#: Line ends as the CSV reader splits text: CRLF, CR or LF.
_BYTE_BREAK = re.compile(rb"\r\n|\r|\n")
_NON_ASCII = re.compile(rb"[\x80-\xff]+")


@dataclass(frozen=True)
class DecodedText:
    """A file's text, and for a file of mixed encodings which lines are in the less used one."""

    text: str
    #: The encoding of (most of) the file: "UTF-8", "UTF-16", "Windows-1252" or "Latin-1".
    encoding: str
    #: In a mixed file, the other encoding, and the 0-based lines (split at CRLF, CR or LF) holding text in it.
    odd_encoding: str = ""
    odd_lines: tuple[int, ...] = ()


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = len(_CONTROL_CHARS.findall(sample))
    return controls >= 8 and controls * 100 > len(sample)


def _legacy_encoding(data: bytes) -> str:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return LATIN_1
    return WINDOWS_1252


_CODECS = {WINDOWS_1252: "cp1252", LATIN_1: "latin-1"}


def _lines_of(positions: list[int], line_starts: list[int]) -> tuple[int, ...]:
    """The 0-based lines (each once, in order) of these byte positions, given where each line starts."""
    return tuple(sorted({bisect.bisect_right(line_starts, p) - 1 for p in positions}))


def _decode_mixed(data: bytes) -> DecodedText:
    """Each valid UTF-8 sequence as UTF-8, every other byte in the legacy encoding; the odd lines named."""
    utf8 = list(_UTF8_MULTIBYTE.finditer(data))
    masked = _UTF8_MULTIBYTE.sub(lambda m: b" " * len(m.group()), data)  # only the legacy bytes left non-ASCII
    legacy = _legacy_encoding(masked)
    codec = _CODECS[legacy]
    parts: list[str] = []
    pos = 0
    for match in utf8:
        parts += (data[pos : match.start()].decode(codec), match.group().decode("utf-8"))
        pos = match.end()
    parts.append(data[pos:].decode(codec))
    line_starts = [0] + [m.end() for m in _BYTE_BREAK.finditer(data)]
    utf8_lines = _lines_of([m.start() for m in utf8], line_starts)
    legacy_lines = _lines_of([m.start() for m in _NON_ASCII.finditer(masked)], line_starts)
    text = "".join(parts)
    if len(legacy_lines) <= len(utf8_lines):
        return DecodedText(text, UTF8, legacy, legacy_lines)
    return DecodedText(text, legacy, UTF8, utf8_lines)


def decode_table(data: bytes) -> DecodedText:
    """Decode a spreadsheet export (see the module's rules), naming the odd lines of a file of mixed encodings.

    Raises ``EventFileError`` for data that is not text (NUL bytes, image or
    archive signatures, many control characters).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise EventFileError(
                msg("the file says it is UTF-16 text but is damaged; save it again as CSV UTF-8 and upload that")
            ) from None
        if "\x00" in text or _looks_binary(text):
            raise EventFileError(_BINARY_MESSAGE)
        return DecodedText(text.lstrip("\ufeff"), "UTF-16")
    if b"\x00" in data or data.startswith(_BINARY_MAGIC):
        raise EventFileError(_BINARY_MESSAGE)
    try:
        decoded = DecodedText(data.decode("utf-8-sig"), UTF8)
    except UnicodeDecodeError:
        if _UTF8_MULTIBYTE.search(data) is None:
            legacy = _legacy_encoding(data)
            decoded = DecodedText(data.decode(_CODECS[legacy]), legacy)
        else:
            decoded = _decode_mixed(data)
    if _looks_binary(decoded.text):
        raise EventFileError(_BINARY_MESSAGE)
    return decoded


def decode_bytes(data: bytes) -> str:
    """The text of :func:`decode_table`, for callers that do not report mixed encodings."""
    return decode_table(data).text


# --- mojibake: text mis-decoded before it came into the file ------------------------------------

#: Each character Windows-1252 (or Latin-1, for the bytes 0x80-0x9F) decodes a byte of 0x80-0xFF to, and that byte.
_BYTE_OF = {bytes([b]).decode("latin-1"): b for b in range(0x80, 0x100)} | {
    bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_TAIL = "[" + "".join(re.escape(c) for c, b in _BYTE_OF.items() if b < 0xC0) + "]"
_MOJIBAKE = re.compile(f"[\u00c2-\u00df]{_TAIL}|[\u00e0-\u00ef]{_TAIL}{{2}}|[\u00f0-\u00f4]{_TAIL}{{3}}")
#: What a two-byte sequence must decode to, to count as mojibake: common letters and signs of
#: Latin-1 and Latin Extended-A, Greek, Cyrillic, Hebrew and Arabic (not the rarer characters that
#: real text such as «SÍ» or „Gruß“ spells, read back as Windows-1252).
_TWO_BYTE_MEANINGS = re.compile("[\u00a0-\u017f\u0391-\u03ce\u0400-\u045f\u05d0-\u05ea\u0621-\u064a]")
_WORD = re.compile(r"\S+")
_SHOWN_CHARS = 40


@dataclass(frozen=True)
class Mojibake:
    """A word that looks mis-decoded, and what it probably meant."""

    shown: str
    meant: str


def _meaning(match: re.Match[str]) -> str | None:
    raw = bytes(_BYTE_OF[c] for c in match.group())
    try:
        meant = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(raw) == 2 and not _TWO_BYTE_MEANINGS.fullmatch(meant):
        return None
    return meant


def _repair_once(text: str) -> str:
    return _MOJIBAKE.sub(lambda m: _meaning(m) or m.group(), text)


def find_mojibake(text: str) -> Mojibake | None:
    """The first word of ``text`` that looks mis-decoded ("MÃ¼nchen"), and its repair ("München"); else None."""
    if text.isascii():
        return None
    for match in _MOJIBAKE.finditer(text):
        if _meaning(match) is None:
            continue
        word = next(w for w in _WORD.finditer(text) if w.start() <= match.start() < w.end()).group()
        meant = word
        for _ in range(3):  # text mis-decoded twice or three times
            repaired = _repair_once(meant)
            if repaired == meant:
                break
            meant = repaired
        if len(word) > _SHOWN_CHARS:
            word, meant = word[: _SHOWN_CHARS - 3] + "...", meant[: _SHOWN_CHARS - 3] + "..."
        return Mojibake(word, meant)
    return None
