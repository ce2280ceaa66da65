"""What a shared file really is, by its content: PDF, PNG, JPEG or SVG; and whether its name agrees.

A file's extension says only what its sender believes. :func:`sniff` reads
the content: a PDF starts with ``%PDF-``, a PNG with its 8-byte signature, a
JPEG with ``FF D8 FF``, an SVG is XML whose first element is ``<svg>``
(checked roughly here, parsed for real by :mod:`speakout_map.materials.svg`).
:func:`check_file` refuses, with a message saying what to do, a file that is
empty, too large, none of the accepted kinds (naming the kind when it is a
known other one, such as a GIF or a Word file), or named for another kind
than its content ("this file is a PNG image but is named .pdf").
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass

from speakout_map.errors import SpeakOutError
from speakout_map.languages.message import Message, msg
from speakout_map.materials.svg import looks_like_svg


class MaterialRefusedError(SpeakOutError):
    """A file (or its title) that cannot be shared as a material; the message says why and what to do."""


@dataclass(frozen=True)
class _KindInfo:
    media_type: str
    extensions: tuple[str, ...]
    label: Message
    icon: str


class Kind(enum.Enum):
    """The kinds of file organisers may share."""

    PDF = _KindInfo("application/pdf", (".pdf",), msg("a PDF document"), "📄")
    PNG = _KindInfo("image/png", (".png",), msg("a PNG image"), "🖼️")
    JPEG = _KindInfo("image/jpeg", (".jpg", ".jpeg"), msg("a JPEG image"), "🖼️")
    SVG = _KindInfo("image/svg+xml", (".svg",), msg("an SVG image"), "✏️")

    @property
    def media_type(self) -> str:
        return self.value.media_type

    @property
    def extensions(self) -> tuple[str, ...]:
        """The extensions a file of this kind may have, the usual one first."""
        return self.value.extensions

    @property
    def label(self) -> Message:
        """What it is, for sentences: "a PNG image"."""
        return self.value.label

    @property
    def icon(self) -> str:
        """An emoji standing for a file of this kind where it has no thumbnail."""
        return self.value.icon

    @property
    def short_name(self) -> str:
        """``PDF``, ``PNG``, ``JPEG``, ``SVG``: the same in every language."""
        return self.name


#: The kinds by media type (as the store keeps them).
KINDS_BY_MEDIA_TYPE = {kind.media_type: kind for kind in Kind}

#: Other kinds of file people send by mistake, known by their first bytes, so the refusal can name them.
_OTHER_KINDS: tuple[tuple[bytes, Message], ...] = (
    (b"GIF87a", msg("a GIF image")),
    (b"GIF89a", msg("a GIF image")),
    (b"PK\x03\x04", msg("a ZIP archive (or a Word, Excel or PowerPoint file)")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", msg("an old Word, Excel or PowerPoint file")),
    (b"%!PS", msg("a PostScript file")),
    (b"II*\x00", msg("a TIFF image")),
    (b"MM\x00*", msg("a TIFF image")),
    (b"BM", msg("a BMP image")),
    (b"\x1f\x8b", msg("a compressed (gzip) file")),
    (b"8BPS", msg("a Photoshop file")),
)
_HTML = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body|script)[\s>]", re.IGNORECASE)
_ACCEPTED = msg("upload a PDF, PNG, JPEG or SVG file")


def sniff(data: bytes) -> Kind | None:
    """The accepted kind ``data`` is, by its content; None if it is none of them."""
    if data.startswith(b"%PDF-"):
        return Kind.PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if looks_like_svg(data):
        return Kind.SVG
    return None


def _other_kind(data: bytes) -> Message | None:
    """What a refused file seems to be ("a GIF image"), when its first bytes say so."""
    for magic, label in _OTHER_KINDS:
        if data.startswith(magic):
            return label
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return msg("a WebP image")
    if _HTML.match(data[:1024]):
        return msg("a web page (HTML)")
    return None


def extension_of(file_name: str) -> str:
    """The file name's extension, lower case with its dot (``.pdf``), or ``""``."""
    base = file_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    return f".{suffix.lower()}" if dot and stem.strip(".") and suffix else ""


def megabytes(size: int, *, up: bool = False) -> str:
    """A byte count in megabytes, as messages show it: ``"10"``, ``"2.5"``, ``"0.01"``.

    ``up`` rounds up (a file just over a limit must not read as the limit).
    """
    value = size / (1024 * 1024)
    digits = 2 if value < 0.1 else 1
    if up:
        value = math.ceil(value * 10**digits) / 10**digits
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".")


def size_text(size: int) -> Message:
    """A file's size for people: ``820 KB``, ``2.5 MB``."""
    if size < 1024 * 1024:
        return msg("{count:,} KB", count=max(1, round(size / 1024)))
    return msg("{size} MB", size=megabytes(size))


def check_file(data: bytes, file_name: str, *, max_bytes: int) -> Kind:
    """The kind of a file to share; MaterialRefusedError if it may not be shared as it is.

    Checks, in this order: not empty, at most ``max_bytes``, an accepted kind
    by its content, and an extension that agrees with that content. The
    content's own checks (SVG safety, images that decode) come after, in
    :mod:`speakout_map.materials.intake`.
    """
    if not data:
        raise MaterialRefusedError(msg("the file is empty; upload the poster or document itself"))
    if len(data) > max_bytes:
        raise MaterialRefusedError(
            # Translators: {size} and {limit} are numbers of megabytes, e.g. "12.3" and "10".
            msg("the file is {size} MB, more than the {limit} MB allowed; make it smaller (for a PDF, export it "
                "for screen or print at a lower resolution) or ask the site's operator to raise max_material_mb",
                size=megabytes(len(data), up=True), limit=megabytes(max_bytes)))
    kind = sniff(data)
    if kind is None:
        other = _other_kind(data)
        if other is not None:
            # Translators: {kind} is what the file is, e.g. "a GIF image"; {accepted} says what to upload.
            raise MaterialRefusedError(msg("this file is {kind}, which cannot be shared here; {accepted}",
                                           kind=other, accepted=_ACCEPTED))
        raise MaterialRefusedError(msg("this file is not a PDF, PNG, JPEG or SVG file, whatever its name says (its "
                                       "content is none of them, or it is damaged); {accepted}", accepted=_ACCEPTED))
    extension = extension_of(file_name)
    if extension not in kind.extensions:
        if not extension:
            # Translators: {kind} is e.g. "a PNG image"; {extension} the extension to add, e.g. ".png".
            raise MaterialRefusedError(msg("this file is {kind} but its name has no extension; name it with "
                                           "{extension} at the end", kind=kind.label, extension=kind.extensions[0]))
        # Translators: {kind} is what the file's content is, e.g. "a PNG image"; {extension} its name's, e.g. ".pdf".
        raise MaterialRefusedError(msg("this file is {kind} but is named {extension}; rename it or upload the right "
                                       "file", kind=kind.label, extension=extension))
    return kind
