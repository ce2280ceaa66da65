"""An organiser's upload checked and made ready to keep (intake.py): accepted files, refused ones, hostile text."""

from __future__ import annotations

import hashlib

import pytest

from speakout_map.materials.intake import (
    MAX_DESCRIPTION_CHARS,
    MAX_TITLE_CHARS,
    clean_file_name,
    max_material_bytes,
    prepare_material,
)
from speakout_map.materials.kinds import Kind, MaterialRefusedError
from speakout_map.settings import Settings
from tests.materials_support import GOOD_FILES, HOSTILE_SVGS, jpeg_bytes, pdf_bytes, png_bytes, svg_bytes

MB = 1024 * 1024
HOSTILE_TEXT = '<img src=x onerror="alert(1)"> **bold** [link](javascript:alert(2)) =HYPERLINK("x")'


@pytest.mark.parametrize("which", sorted(GOOD_FILES))
def test_a_real_file_of_each_kind_is_accepted_with_its_checksum_and_thumbnail(which):
    name, make = GOOD_FILES[which]
    data = make()
    new = prepare_material(data, name, title="Love Always Wins", description="Print it A3.", max_bytes=MB)
    assert new.kind is {"png": Kind.PNG, "jpeg": Kind.JPEG, "pdf": Kind.PDF, "svg": Kind.SVG}[which]
    assert new.data == data and new.file_name == name
    assert new.sha256 == hashlib.sha256(data).hexdigest()
    assert (new.thumbnail is None) == (which == "svg")  # an SVG only ever gets an icon
    assert new.title == "Love Always Wins" and new.description == "Print it A3."
    assert str(len(data)) in repr(new) and "b'" not in repr(new)


@pytest.mark.parametrize(("data", "name", "expected"), [
    (png_bytes(), "poster.pdf", "this file is a PNG image but is named .pdf; rename it or upload the right file"),
    (svg_bytes("<script>alert(1)</script>"), "poster.svg", "this SVG image contains a script (<script>)"),
    (svg_bytes(attributes=' onload="alert(1)"'), "poster.svg", "this SVG image contains an event handler (onload)"),
    (svg_bytes('<image href="https://example.org/x.png"/>'), "poster.svg", "this SVG image contains a reference "
                                                                          "outside the file"),
    (png_bytes() + b"\x00" * (2 * MB), "poster.png", "the file is 2.1 MB, more than the 1 MB allowed"),
    (b"", "poster.pdf", "the file is empty"),
    (b"\x13\x37garbage" * 99, "poster.pdf", "this file is not a PDF, PNG, JPEG or SVG file"),
    (b"%PDF-1.4 but nothing else", "poster.pdf", "this PDF cannot be opened"),
    (png_bytes()[:40], "poster.png", "this file starts like a PNG image but cannot be read as one"),
    (jpeg_bytes()[:20], "photo.jpg", "this file starts like a JPEG image but cannot be read as one"),
], ids=["png named pdf", "svg script", "svg onload", "svg external", "oversized", "empty", "garbage", "broken pdf",
        "broken png", "broken jpeg"])
def test_a_file_that_may_not_be_shared_is_refused_saying_why(data, name, expected):
    with pytest.raises(MaterialRefusedError) as caught:
        prepare_material(data, name, title="Poster", max_bytes=MB)
    assert str(caught.value).startswith(expected)


@pytest.mark.parametrize("name", sorted(HOSTILE_SVGS))
def test_every_hostile_svg_is_refused(name):
    with pytest.raises(MaterialRefusedError):
        prepare_material(HOSTILE_SVGS[name][1], "x.svg", title="x", max_bytes=MB)


@pytest.mark.parametrize(("title", "description", "expected"), [
    ("", "", "the title is empty; give the file a title"),
    ("  \n\t ", "", "the title is empty"),
    ("x" * (MAX_TITLE_CHARS + 1), "", f"the title is 121 characters long, more than the {MAX_TITLE_CHARS} allowed"),
    ("bell\x07", "", "the title holds an invisible control character (U+0007); type it again"),
    ("ok", "y" * (MAX_DESCRIPTION_CHARS + 1), "the description is 1,001 characters long, more than the 1,000"),
    ("ok", "nul\x00", "the description holds an invisible control character (U+0000)"),
    ("ok", "line\u2028separator", "the description holds an invisible control character (U+2028)"),
])
def test_bad_titles_and_descriptions_are_refused_before_the_file_is_read(title, description, expected):
    with pytest.raises(MaterialRefusedError) as caught:
        prepare_material(b"", "never-read.pdf", title=title, description=description, max_bytes=MB)
    assert str(caught.value).startswith(expected)


def test_hostile_text_is_kept_as_given_trimmed_for_escaping_where_shown():
    new = prepare_material(png_bytes(), "a.png", title=f"  {HOSTILE_TEXT}\n", description=f"\r\n{HOSTILE_TEXT}\r\n"
                           "second line\tand tab  ", max_bytes=MB)
    assert new.title == HOSTILE_TEXT
    assert new.description == f"{HOSTILE_TEXT}\nsecond line\tand tab"


@pytest.mark.parametrize(("given", "kept"), [
    ("poster.pdf", "poster.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\ana\\Love Always Wins.pdf", "Love Always Wins.pdf"),
    ("  «Speak Out» 🌍.pdf  ", "«Speak Out» 🌍.pdf"),
    ('"><img src=x onerror=alert(1)>.pdf', '"><img src=x onerror=alert(1)>.pdf'),
])
def test_the_download_name_is_the_last_part_of_the_name_given(given, kept):
    assert clean_file_name(given) == kept
    assert prepare_material(pdf_bytes(), given, title="t", max_bytes=MB).file_name == kept


@pytest.mark.parametrize(("given", "expected"), [
    ("", "the file has no name"),
    ("folder/", "the file has no name"),
    ("..", "the file has no name"),
    ("a\nb.pdf", "the file name holds an invisible control character (U+000A)"),
    ("x" * 200 + ".pdf", "the file name is 204 characters long"),
])
def test_a_name_that_cannot_be_a_download_name_is_refused(given, expected):
    with pytest.raises(MaterialRefusedError) as caught:
        clean_file_name(given)
    assert str(caught.value).startswith(expected)


@pytest.mark.parametrize(("megabytes", "expected"), [(10.0, 10 * MB), (0.5, MB // 2), (25, 25 * MB)])
def test_the_size_limit_comes_from_the_settings(megabytes, expected):
    assert max_material_bytes(Settings(max_material_mb=megabytes)) == expected
