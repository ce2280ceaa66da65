"""The guide file and the version token that lets pages cache files (guide.py)."""

from __future__ import annotations

import os

import pytest

from speakout_map.errors import EventFileError
from speakout_map.settings import Settings
from speakout_map.store.guide import file_version, load_guide


def test_file_helpers_still_work(tmp_path):
    settings = Settings()
    assert "#" in load_guide(settings)
    path = tmp_path / "x.txt"
    assert file_version(path).endswith(":missing")
    path.write_text("hello")
    assert file_version(path) != file_version(tmp_path / "y")


@pytest.mark.parametrize("text", ["# Host an event\n\nBring «friends» 🌍\n", ""])
def test_the_guide_is_read_as_utf8_markdown(tmp_path, text):
    guide = tmp_path / "guide.md"
    guide.write_text(text, encoding="utf-8")
    assert load_guide(Settings(guide_file=guide)) == text


@pytest.mark.parametrize("name", ["missing.md", "a-folder"])
def test_an_unreadable_guide_says_which_file_and_what_to_set(tmp_path, name):
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(EventFileError) as caught:
        load_guide(Settings(guide_file=tmp_path / name))
    message = str(caught.value)
    assert f"the guide file {tmp_path / name} could not be read" in message
    assert "SPEAKOUT_GUIDE_FILE" in message


@pytest.mark.parametrize(
    "change",
    [
        lambda path: path.write_text("hello!"),  # another size
        lambda path: os.utime(path, ns=(0, 1_000_000_000)),  # another modification time
        lambda path: path.unlink(),  # gone
    ],
)
def test_file_version_changes_when_the_file_changes(tmp_path, change):
    path = tmp_path / "x.txt"
    path.write_text("hello")
    before = file_version(path)
    assert file_version(path) == before  # stable while nothing changes
    change(path)
    assert file_version(path) != before
