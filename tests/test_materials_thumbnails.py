"""Thumbnails of shared files, and the decoding checks they make (thumbnails.py)."""

from __future__ import annotations

import io
import sys
import zlib

import pytest
from PIL import Image

from speakout_map.materials import thumbnails
from speakout_map.materials.kinds import Kind, MaterialRefusedError
from speakout_map.materials.thumbnails import MAX_PIXELS, THUMBNAIL_BOX, make_thumbnail
from tests.materials_support import jpeg_bytes, pdf_bytes, png_bytes, svg_bytes


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(("size", "expected"), [
    ((60, 40), (60, 40)),  # small images stay as they are
    ((2000, 1000), (480, 240)),
    ((1000, 3000), (160, 480)),
    ((5000, 10), (480, 1)),
])
def test_an_image_thumbnail_fits_the_box_and_keeps_its_shape(size, expected):
    made = opened(make_thumbnail(png_bytes(size), Kind.PNG))
    assert made.size == expected


def test_a_thumbnail_is_a_jpeg_or_a_png_where_the_image_has_transparency():
    assert opened(make_thumbnail(jpeg_bytes(), Kind.JPEG)).format == "JPEG"
    assert opened(make_thumbnail(png_bytes(), Kind.PNG)).format == "JPEG"
    clear = opened(make_thumbnail(png_bytes(color=(255, 0, 0, 0), mode="RGBA"), Kind.PNG))
    assert clear.format == "PNG" and clear.getpixel((0, 0))[3] == 0


def test_the_thumbnail_shows_the_picture():
    made = opened(make_thumbnail(png_bytes((300, 300), color=(0, 128, 255)), Kind.PNG)).convert("RGB")
    assert all(abs(a - b) <= 8 for a, b in zip(made.getpixel((150, 150)), (0, 128, 255)))


def test_a_photo_is_turned_the_way_its_camera_says():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    made = opened(make_thumbnail(jpeg_bytes((60, 40), exif=exif.tobytes()), Kind.JPEG))
    assert made.size == (40, 60)
    assert not made.getexif()  # made anew: nothing of the original's metadata


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded():
    huge = png_bytes((8000, 5001), color=0, mode="1")  # a few kilobytes, 40 million pixels
    assert len(huge) < 100_000 and 8000 * 5001 > MAX_PIXELS
    with pytest.raises(MaterialRefusedError) as caught:
        make_thumbnail(huge, Kind.PNG)
    assert str(caught.value).startswith("this image is 8,000 × 5,001 pixels, more than the 40 million allowed; "
                                        "export it smaller")


def test_a_decompression_bomb_beyond_pillows_own_limit_is_refused():
    bomb = png_bytes((20000, 10000), color=0, mode="1")  # 200 million pixels: Pillow itself refuses to open it
    with pytest.raises(MaterialRefusedError) as caught:
        make_thumbnail(bomb, Kind.PNG)
    assert "more than 40 million pixels, the most allowed" in str(caught.value)


def _png_with_bad_checksum() -> bytes:
    data = bytearray(png_bytes())
    ihdr_crc = 8 + 8 + 13  # signature, IHDR length and type, IHDR data
    data[ihdr_crc] ^= 0xFF
    return bytes(data)


def _png_with_corrupt_pixels() -> bytes:
    data = png_bytes((50, 50))
    start = data.index(b"IDAT") + 4
    length = int.from_bytes(data[start - 8:start - 4], "big")
    garbage = b"\x00" * length
    crc = zlib.crc32(b"IDAT" + garbage).to_bytes(4, "big")
    return data[:start] + garbage + crc + data[start + length + 4:]


@pytest.mark.parametrize(("data", "kind"), [
    (png_bytes()[:60], Kind.PNG),
    (_png_with_bad_checksum(), Kind.PNG),
    (_png_with_corrupt_pixels(), Kind.PNG),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, Kind.PNG),
    (jpeg_bytes((200, 200))[:300], Kind.JPEG),
    (b"\xff\xd8\xff" + b"garbage" * 20, Kind.JPEG),
], ids=["cut short", "bad checksum", "corrupt pixels", "signature only", "jpeg cut short", "jpeg garbage"])
def test_an_image_that_does_not_decode_is_refused_as_damaged(data, kind):
    with pytest.raises(MaterialRefusedError) as caught:
        make_thumbnail(data, kind)
    assert str(caught.value).startswith(f"this file starts like {kind.label} but cannot be read as one (it is "
                                        "damaged or cut short)")


def test_a_pdf_thumbnail_is_its_first_page():
    made = opened(make_thumbnail(pdf_bytes("red", "blue", size=(200, 280)), Kind.PDF)).convert("RGB")
    assert max(made.size) == max(THUMBNAIL_BOX) and made.size[0] < made.size[1]  # portrait, as the page
    red, green, blue = made.getpixel((made.size[0] // 2, made.size[1] // 2))
    assert red > 200 and green < 60 and blue < 60


def test_a_landscape_pdf_fits_the_box_too():
    made = opened(make_thumbnail(pdf_bytes("green", size=(600, 200)), Kind.PDF))
    assert made.size[0] == THUMBNAIL_BOX[0] and made.size[1] < THUMBNAIL_BOX[1]


@pytest.mark.parametrize(("data", "expected"), [
    (b"%PDF-1.4\n" + b"garbage " * 50, "this PDF cannot be opened (it is damaged, or protected by a password)"),
    (b"%PDF-", "this PDF cannot be opened"),
    (pdf_bytes()[:-200], "this PDF cannot be opened"),
    (None, "this PDF cannot be opened"),  # no pages: PDFium refuses to open it
])
def test_a_pdf_that_cannot_be_opened_is_refused(data, expected):
    if data is None:
        import pypdfium2

        empty = io.BytesIO()
        pypdfium2.PdfDocument.new().save(empty)
        data = empty.getvalue()
    with pytest.raises(MaterialRefusedError) as caught:
        make_thumbnail(data, Kind.PDF)
    assert str(caught.value).startswith(expected)


def test_without_pypdfium2_a_pdf_has_no_thumbnail(monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # import pypdfium2 now fails
    assert thumbnails.pdf_thumbnail(pdf_bytes()) is None


def test_an_svg_never_has_a_thumbnail():
    assert make_thumbnail(svg_bytes(), Kind.SVG) is None
