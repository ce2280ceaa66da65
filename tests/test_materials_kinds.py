"""What a shared file is by its content, and whether its name agrees (kinds.py)."""

from __future__ import annotations

import pytest

from speakout_map.materials.kinds import (
    KINDS_BY_MEDIA_TYPE,
    Kind,
    MaterialRefusedError,
    check_file,
    extension_of,
    megabytes,
    size_text,
    sniff,
)
from tests.i18n_support import fake_translator
from tests.materials_support import jpeg_bytes, pdf_bytes, png_bytes, svg_bytes

MB = 1024 * 1024


@pytest.mark.parametrize(("data", "kind"), [
    (pdf_bytes(), Kind.PDF),
    (b"%PDF-1.4\n%minimal", Kind.PDF),
    (png_bytes(), Kind.PNG),
    (jpeg_bytes(), Kind.JPEG),
    (svg_bytes(), Kind.SVG),
    (b"GIF89a...", None),
    (b"", None),
    (b"\x00" * 64, None),
    (b" %PDF-1.4", None),  # not at the start
    (b"\x89PNG\r\n", None),  # a signature cut short
])
def test_the_content_says_what_a_file_is(data, kind):
    assert sniff(data) is kind


@pytest.mark.parametrize(("data", "name", "kind"), [
    (pdf_bytes(), "poster.pdf", Kind.PDF),
    (pdf_bytes(), "POSTER.PDF", Kind.PDF),
    (png_bytes(), "Love Always Wins.png", Kind.PNG),
    (jpeg_bytes(), "photo.jpg", Kind.JPEG),
    (jpeg_bytes(), "photo.JPEG", Kind.JPEG),
    (svg_bytes(), "logo.svg", Kind.SVG),
    (png_bytes(), "folder/sub.dir/poster.png", Kind.PNG),
])
def test_a_file_whose_name_agrees_with_its_content_is_accepted(data, name, kind):
    assert check_file(data, name, max_bytes=MB) is kind


@pytest.mark.parametrize(("data", "name", "expected"), [
    (png_bytes(), "poster.pdf", "this file is a PNG image but is named .pdf; rename it or upload the right file"),
    (jpeg_bytes(), "poster.png", "this file is a JPEG image but is named .png; rename it or upload the right file"),
    (pdf_bytes(), "poster.jpg", "this file is a PDF document but is named .jpg; rename it or upload the right file"),
    (svg_bytes(), "poster.pdf", "this file is an SVG image but is named .pdf; rename it or upload the right file"),
    (png_bytes(), "poster.svg", "this file is a PNG image but is named .svg; rename it or upload the right file"),
    (png_bytes(), "poster.png.exe", "this file is a PNG image but is named .exe; rename it or upload the right file"),
    (png_bytes(), "poster", "this file is a PNG image but its name has no extension; name it with .png at the end"),
    (pdf_bytes(), ".pdf", "this file is a PDF document but its name has no extension; name it with .pdf at the end"),
    (pdf_bytes(), "poster.", "this file is a PDF document but its name has no extension; name it with .pdf at the end"),
])
def test_a_name_that_disagrees_with_the_content_is_refused_saying_both(data, name, expected):
    with pytest.raises(MaterialRefusedError) as caught:
        check_file(data, name, max_bytes=MB)
    assert str(caught.value) == expected


@pytest.mark.parametrize(("data", "name", "expected"), [
    (b"", "poster.pdf", "the file is empty; upload the poster or document itself"),
    (b"GIF89a\x01\x00\x01\x00", "poster.gif", "this file is a GIF image, which cannot be shared here; upload a PDF, "
                                              "PNG, JPEG or SVG file"),
    (b"PK\x03\x04rest", "poster.docx", "this file is a ZIP archive (or a Word, Excel or PowerPoint file), which"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "poster.webp", "this file is a WebP image, which cannot be shared here"),
    (b"<!DOCTYPE html><html><script>alert(1)</script>", "poster.pdf", "this file is a web page (HTML), which"),
    (b"\x00\x01garbage\xff" * 10, "poster.pdf", "this file is not a PDF, PNG, JPEG or SVG file, whatever its name "
                                                "says (its content is none of them, or it is damaged); upload a PDF, "
                                                "PNG, JPEG or SVG file"),
    ("Speak Out For Russia".encode(), "poster.svg", "this file is not a PDF, PNG, JPEG or SVG file"),
])
def test_empty_other_kinds_and_garbage_are_refused(data, name, expected):
    with pytest.raises(MaterialRefusedError) as caught:
        check_file(data, name, max_bytes=MB)
    assert str(caught.value).startswith(expected)


def test_the_size_limit_is_exact_and_the_refusal_says_both_sizes():
    data = png_bytes()
    assert check_file(data, "a.png", max_bytes=len(data)) is Kind.PNG
    with pytest.raises(MaterialRefusedError) as caught:
        check_file(data + b"\x00" * (12 * MB), "a.png", max_bytes=10 * MB)
    assert str(caught.value).startswith("the file is 12.1 MB, more than the 10 MB allowed; make it smaller")
    assert "max_material_mb" in str(caught.value)
    with pytest.raises(MaterialRefusedError) as caught:
        check_file(b"\x00" * (10 * MB + 1), "a.png", max_bytes=10 * MB)
    assert str(caught.value).startswith("the file is 10.1 MB, more than the 10 MB allowed")
    with pytest.raises(MaterialRefusedError):
        check_file(data, "a.png", max_bytes=len(data) - 1)


def test_the_size_is_checked_before_the_content():
    with pytest.raises(MaterialRefusedError) as caught:
        check_file(b"garbage" * 100, "a.pdf", max_bytes=10)
    assert "more than the" in str(caught.value)


@pytest.mark.parametrize(("name", "extension"), [
    ("a.pdf", ".pdf"), ("A.PNG", ".png"), ("a.tar.gz", ".gz"), ("a", ""), (".pdf", ""), ("a.", ""),
    ("dir.v2/a", ""), ("C:\\x.y\\poster", ""), ("..pdf", ""),
])
def test_the_extension_is_the_last_part_of_the_last_path_part(name, extension):
    assert extension_of(name) == extension


@pytest.mark.parametrize(("size", "text"), [
    (10 * MB, "10"), (int(2.5 * MB), "2.5"), (MB // 100, "0.01"), (12 * MB + 1, "12"), (MB + MB // 10, "1.1"),
    (MB + MB // 50, "1"),
])
def test_megabytes_for_messages(size, text):
    assert megabytes(size) == text


@pytest.mark.parametrize(("size", "text"), [
    (10 * MB, "10"), (10 * MB + 1, "10.1"), (MB // 100, "0.01"), (MB // 100 + 2, "0.02"), (1, "0.01"),
])
def test_megabytes_rounded_up_never_read_as_the_limit(size, text):
    assert megabytes(size, up=True) == text


@pytest.mark.parametrize(("size", "english", "spanish"), [
    (500, "1 KB", "1 KB"), (820 * 1024, "820 KB", "820 KB"), (int(2.5 * MB), "2.5 MB", "2.5 MB"),
    (1023 * 1024, "1,023 KB", "1.023 KB"),
])
def test_sizes_for_people(size, english, spanish):
    assert str(size_text(size)) == english
    assert fake_translator({}, language="es").text(size_text(size)) == spanish


def test_every_kind_has_its_media_type_and_a_label():
    assert {k.media_type for k in Kind} == {"application/pdf", "image/png", "image/jpeg", "image/svg+xml"}
    assert all(KINDS_BY_MEDIA_TYPE[k.media_type] is k and str(k.label) and k.icon for k in Kind)
