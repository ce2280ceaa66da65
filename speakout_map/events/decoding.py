"""From an uploaded CSV's bytes to its text, or a clear error when the bytes are not text.

Spreadsheet apps save "CSV" in several encodings; :func:`decode_bytes` reads
UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"), else
Windows-1252, else Latin-1. Bytes that are not text at all (NUL bytes, the
signature of an image, a PDF or an archive, many control characters) are
refused with an :class:`~speakout_map.errors.EventFileError` that says how to
export the sheet instead.
"""

from __future__ import annotations

import codecs
import re

from speakout_map.errors import EventFileError

#: The start of a zip archive (an .xlsx is one).
ZIP_MAGIC = b"PK\x03\x04"
#: The start of an OLE2 compound file (an Excel 97-2003 .xls, or an encrypted workbook).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_BINARY_MAGIC = (b"\x89PNG", b"%PDF-", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", ZIP_MAGIC, OLE2_MAGIC, b"\x1f\x8b")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BINARY_MESSAGE = "the file contains binary data, not text; export the spreadsheet as CSV (UTF-8) and upload that"


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = len(_CONTROL_CHARS.findall(sample))
    return controls >= 8 and controls * 100 > len(sample)


def decode_bytes(data: bytes) -> str:
    """Decode a spreadsheet export: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252/Latin-1.

    Raises ``EventFileError`` for data that is not text (NUL bytes, image or
    archive signatures, many control characters).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise EventFileError(
                "the file says it is UTF-16 text but is damaged; save it again as CSV UTF-8 and upload that"
            ) from None
        if "\x00" in text or _looks_binary(text):
            raise EventFileError(_BINARY_MESSAGE)
        return text.lstrip("\ufeff")
    if b"\x00" in data or data.startswith(_BINARY_MAGIC):
        raise EventFileError(_BINARY_MESSAGE)
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise EventFileError(_BINARY_MESSAGE)
        return text
    raise EventFileError("the file's text encoding is not readable; save it as CSV UTF-8")  # pragma: no cover
