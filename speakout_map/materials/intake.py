"""An organiser's upload made ready to keep: its title and description, its name, its kind, checked; its thumbnail.

:func:`prepare_material` runs every check before anything is written, so a
refused file leaves nothing behind, and says why in a
:class:`~speakout_map.materials.kinds.MaterialRefusedError`. Titles,
descriptions and file names are kept exactly as given (trimmed): they are
hostile text, escaped wherever they are shown.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from speakout_map.languages.message import msg
from speakout_map.materials.kinds import Kind, MaterialRefusedError, check_file
from speakout_map.materials.svg import svg_problem
from speakout_map.materials.thumbnails import make_thumbnail
from speakout_map.settings import Settings

MAX_TITLE_CHARS = 120
MAX_DESCRIPTION_CHARS = 1_000
MAX_FILE_NAME_CHARS = 200


@dataclass(frozen=True)
class NewMaterial:
    """A checked upload, ready for :meth:`speakout_map.store.materials.MaterialStore.add`."""

    title: str
    description: str
    file_name: str
    kind: Kind
    data: bytes
    sha256: str
    #: A small JPEG or PNG; None where the page shows an icon.
    thumbnail: bytes | None

    def __repr__(self) -> str:  # no megabytes of bytes in logs and test output
        return (f"NewMaterial(title={self.title!r}, file_name={self.file_name!r}, kind={self.kind.name}, "
                f"size={len(self.data)}, sha256={self.sha256[:12]}..., thumbnail={self.thumbnail is not None})")


def max_material_bytes(settings: Settings) -> int:
    """The ``max_material_mb`` setting in bytes."""
    return int(settings.max_material_mb * 1024 * 1024)


def _unprintable(text: str, *, newlines: bool = False) -> str | None:
    """The first character that has no place in the text (controls, NUL, lone surrogates), or None."""
    for char in text:
        if newlines and char in "\n\t":
            continue
        if unicodedata.category(char) in ("Cc", "Cs") or char in "\u2028\u2029":
            return char
    return None


def _bad_character(field: object, char: str) -> MaterialRefusedError:
    # Translators: {field} is "the title", "the description" or "the file name"; {code} a character's code.
    return MaterialRefusedError(msg("{field} holds an invisible control character (U+{code}); type it again",
                                    field=field, code=f"{ord(char):04X}"))


def clean_title(title: str) -> str:
    """The title as kept (trimmed); MaterialRefusedError if it is empty, too long, or holds control characters."""
    text = " ".join(title.split()) if isinstance(title, str) else ""
    if not text:
        raise MaterialRefusedError(msg("the title is empty; give the file a title supporters will understand, such "
                                       "as the poster's slogan"))
    if len(text) > MAX_TITLE_CHARS:
        raise MaterialRefusedError(msg("the title is {count:,} characters long, more than the {limit:,} allowed; "
                                       "shorten it", count=len(text), limit=MAX_TITLE_CHARS))
    bad = _unprintable(text)
    if bad is not None:
        raise _bad_character(msg("the title"), bad)
    return text


def clean_description(description: str) -> str:
    """The description as kept (trimmed, line ends ``\\n``; may be empty); MaterialRefusedError if it cannot be."""
    text = (description or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise MaterialRefusedError(msg("the description is {count:,} characters long, more than the {limit:,} "
                                       "allowed; shorten it", count=len(text), limit=MAX_DESCRIPTION_CHARS))
    bad = _unprintable(text, newlines=True)
    if bad is not None:
        raise _bad_character(msg("the description"), bad)
    return text


def clean_file_name(file_name: str) -> str:
    """The name the file is downloaded as: its last path part, trimmed; MaterialRefusedError if none is left."""
    base = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    bad = _unprintable(base)
    if bad is not None:
        raise _bad_character(msg("the file name"), bad)
    if not base or base in (".", ".."):
        raise MaterialRefusedError(msg("the file has no name; name it, e.g. poster.pdf, and upload it again"))
    if len(base) > MAX_FILE_NAME_CHARS:
        raise MaterialRefusedError(msg("the file name is {count:,} characters long, more than the {limit:,} allowed; "
                                       "rename the file", count=len(base), limit=MAX_FILE_NAME_CHARS))
    return base


def prepare_material(data: bytes, file_name: str, *, title: str, description: str = "",
                     max_bytes: int) -> NewMaterial:
    """An upload checked and made ready to keep; MaterialRefusedError (saying what to do) if it cannot be shared.

    The text fields first (cheap), then the file: size, kind by content,
    extension, then the content itself (an SVG's safety, an image or PDF
    that decodes, with its thumbnail).
    """
    title = clean_title(title)
    description = clean_description(description)
    name = clean_file_name(file_name)
    kind = check_file(data, name, max_bytes=max_bytes)
    if kind is Kind.SVG:
        problem = svg_problem(data)
        if problem is not None:
            raise MaterialRefusedError(problem)
    thumbnail = make_thumbnail(data, kind)
    return NewMaterial(title=title, description=description, file_name=name, kind=kind, data=bytes(data),
                       sha256=hashlib.sha256(data).hexdigest(), thumbnail=thumbnail)
