"""Thumbnails of shared files: PNG and JPEG with Pillow, a PDF's first page with PDFium; SVG gets none.

Making the thumbnail is also how an image or a PDF is checked: a file that
does not decode is refused (:class:`~speakout_map.materials.kinds.MaterialRefusedError`),
damaged or not. Images larger than :data:`MAX_PIXELS` are refused before
they are decoded (decompression bombs: a few kilobytes of PNG can claim
billions of pixels); Pillow's own limit (``Image.MAX_IMAGE_PIXELS``) is
higher, and stays as a second guard. A thumbnail fits in
:data:`THUMBNAIL_BOX`, is made anew (no metadata of the original survives)
and is a JPEG, or a PNG where the image has transparency.

PDF pages are drawn by pypdfium2 (PDFium, the PDF engine of Chromium),
without forms and without JavaScript, one at a time (PDFium is not thread-
safe). Without pypdfium2 a PDF has no thumbnail and the page shows an icon.
An SVG never has one: see :mod:`speakout_map.materials.svg`.
"""

from __future__ import annotations

import io
import logging
import math
import threading

from PIL import Image, ImageOps, UnidentifiedImageError

from speakout_map.languages.message import msg
from speakout_map.materials.kinds import Kind, MaterialRefusedError

log = logging.getLogger(__name__)

#: The largest image accepted, in pixels (an A2 poster at 300 dpi is about 35 million).
MAX_PIXELS = 40_000_000
#: A thumbnail's largest width and height, in pixels.
THUMBNAIL_BOX = (480, 480)
_PILLOW_FORMATS = {Kind.PNG: "PNG", Kind.JPEG: "JPEG"}
#: What decoding a damaged image raises in Pillow.
_DECODING_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, UnidentifiedImageError)
_PDFIUM_LOCK = threading.Lock()


def _damaged(kind: Kind) -> MaterialRefusedError:
    # Translators: {kind} is e.g. "a PNG image".
    return MaterialRefusedError(msg("this file starts like {kind} but cannot be read as one (it is damaged or cut "
                                    "short); export or download it again, then upload the new file", kind=kind.label))


def _encoded(image: Image.Image) -> bytes:
    """``image`` as a small JPEG, or a PNG when it has transparency."""
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image.convert("RGBA").save(out, "PNG", optimize=True)
    else:
        image.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def image_thumbnail(data: bytes, kind: Kind) -> bytes:
    """The thumbnail of a PNG or JPEG file; MaterialRefusedError if it is too large or does not decode."""
    fmt = _PILLOW_FORMATS[kind]
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise MaterialRefusedError(
                    # Translators: {width} and {height} are numbers of pixels; {limit} is millions of pixels.
                    msg("this image is {width:,} × {height:,} pixels, more than the {limit:,} million allowed; "
                        "export it smaller (a poster to print needs no more than 300 dots per inch)",
                        width=width, height=height, limit=MAX_PIXELS // 1_000_000))
            image.verify()  # checksums and structure; leaves the image unusable
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            image.draft("RGB", THUMBNAIL_BOX)  # JPEG: decode at a fraction of the size
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMBNAIL_BOX)
            return _encoded(image)
    except MaterialRefusedError:
        raise
    except Image.DecompressionBombError:  # Pillow's own guard, at twice its MAX_IMAGE_PIXELS
        raise MaterialRefusedError(msg("this image has more than {limit:,} million pixels, the most allowed; export "
                                       "it smaller (a poster to print needs no more than 300 dots per inch)",
                                       limit=MAX_PIXELS // 1_000_000)) from None
    except _DECODING_ERRORS as exc:
        log.info("a %s upload did not decode: %s", kind.name, exc)
        raise _damaged(kind) from None


def pdf_thumbnail(data: bytes) -> bytes | None:
    """The first page of a PDF, drawn small; None without pypdfium2. MaterialRefusedError if it cannot be opened."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pypdfium2 is in requirements.txt; without it, an icon
        return None
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            log.info("a PDF upload could not be opened: %s", exc)
            raise MaterialRefusedError(msg("this PDF cannot be opened (it is damaged, or protected by a password); "
                                           "save it again as a PDF without a password, then upload the new file")) \
                from None
        try:
            if len(document) == 0:
                raise MaterialRefusedError(msg("this PDF has no pages; export the poster again"))
            page = document[0]
            try:
                width, height = page.get_size()
                if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
                    raise _damaged(Kind.PDF)
                scale = min(THUMBNAIL_BOX[0] / width, THUMBNAIL_BOX[1] / height)
                bitmap = page.render(scale=scale, may_draw_forms=False)
                image = bitmap.to_pil()
                return _encoded(image)
            finally:
                page.close()
        except pdfium.PdfiumError as exc:
            log.info("a PDF upload could not be drawn: %s", exc)
            raise _damaged(Kind.PDF) from None
        finally:
            document.close()


def make_thumbnail(data: bytes, kind: Kind) -> bytes | None:
    """The thumbnail of a file of ``kind`` (checked by :func:`~speakout_map.materials.kinds.check_file`), or None.

    None for an SVG (an icon stands for it), and for a PDF without pypdfium2.
    MaterialRefusedError when the file does not decode.
    """
    if kind in _PILLOW_FORMATS:
        return image_thumbnail(data, kind)
    if kind is Kind.PDF:
        return pdf_thumbnail(data)
    return None
