"""Organisers' materials in the store (store/materials.py), on SQLite and PostgreSQL.

Their bytes in the database or in a folder shared by the app servers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from speakout_map.errors import StoreError
from speakout_map.materials.intake import prepare_material
from speakout_map.materials.kinds import Kind, MaterialRefusedError
from speakout_map.settings import PROJECT_ROOT, Settings
from speakout_map.store.materials import MaterialFileMissingError, MaterialNotFoundError, materials_folder
from speakout_map.store.schema import materials_table
from speakout_map.store.store import Store
from tests.materials_support import jpeg_bytes, pdf_bytes, png_bytes, svg_bytes

MB = 1024 * 1024
AT = dt.datetime(2013, 9, 1, 12, 0, tzinfo=dt.timezone.utc)
HOSTILE = '<img src=x onerror="alert(1)"> **bold** =cmd|\' /C calc\'!A0'


def new(data: bytes | None = None, name: str = "poster.png", title: str = "Love Always Wins", description: str = ""):
    return prepare_material(png_bytes() if data is None else data, name, title=title, description=description,
                            max_bytes=MB)


@pytest.fixture(params=["database", "folder"])
def materials(request, store: Store, tmp_path):
    """The materials, their bytes in the database or in a folder."""
    return store.materials(tmp_path / "shared" if request.param == "folder" else None)


def content_column(store: Store, material_id: int) -> bytes | None:
    t = materials_table
    with store._engine.connect() as conn:
        return conn.execute(select(t.c.content).where(t.c.id == material_id)).scalar_one()


def test_a_material_is_kept_with_its_bytes_and_thumbnail_and_listed(materials, store):
    data = pdf_bytes()
    kept = materials.add(new(data, "leaflet.pdf", HOSTILE, f"{HOSTILE}\nline two"), by="alice", at=AT)
    assert (kept.title, kept.description, kept.file_name) == (HOSTILE, f"{HOSTILE}\nline two", "leaflet.pdf")
    assert (kept.kind, kept.media_type, kept.size) == (Kind.PDF, "application/pdf", len(data))
    assert kept.sha256 == hashlib.sha256(data).hexdigest()
    assert (kept.by, kept.created_at, kept.removed, kept.has_thumbnail) == ("alice", AT, False, True)
    assert materials.content(kept.id) == data
    assert materials.thumbnail(kept.id)[:3] == b"\xff\xd8\xff"  # a JPEG of the first page
    assert materials.list() == [kept] == [materials.get(kept.id)]
    assert (content_column(store, kept.id) is None) == (materials.folder is not None)


def test_materials_are_listed_oldest_first_and_an_svg_has_no_thumbnail(materials):
    first = materials.add(new(svg_bytes(), "logo.svg", "Logo"), by="alice", at=AT)
    second = materials.add(new(jpeg_bytes(), "photo.jpg", "Photo"), by="bob", at=AT + dt.timedelta(minutes=1))
    assert [m.id for m in materials.list()] == [first.id, second.id]
    assert not first.has_thumbnail and materials.thumbnail(first.id) is None
    assert materials.content(first.id) == svg_bytes()


def test_every_byte_comes_back_as_uploaded(materials):
    data = png_bytes() + bytes(range(256)) * 40  # bytes after the image's end are the file's too
    kept = materials.add(new(data), by="alice", at=AT)
    assert materials.content(kept.id) == data


def test_the_same_file_is_not_shared_twice_but_may_be_again_once_removed(materials):
    kept = materials.add(new(title="First"), by="alice", at=AT)
    with pytest.raises(MaterialRefusedError) as caught:
        materials.add(new(title="Second"), by="bob", at=AT)
    assert str(caught.value) == ("this very file is shared already, as “First”; remove that one first if you want "
                                 "to share it again")
    materials.remove(kept.id, by="alice", at=AT)
    again = materials.add(new(title="Second"), by="bob", at=AT)
    assert [m.title for m in materials.list()] == ["Second"] and again.id != kept.id


def test_remove_and_restore(materials):
    kept = materials.add(new(), by="alice", at=AT)
    later = AT + dt.timedelta(hours=1)
    assert materials.remove(kept.id, by="bob", at=later) is True
    assert materials.remove(kept.id, by="bob", at=later) is False  # removed already
    assert materials.list() == []
    (removed,) = materials.list(removed=True)
    assert (removed.removed_at, removed.removed_by, removed.removed) == (later, "bob", True)
    assert materials.content(kept.id) == png_bytes()  # kept, to be restored
    assert materials.restore(kept.id) is True and materials.restore(kept.id) is False
    assert materials.list() == [kept]


@pytest.mark.parametrize("action", ["get", "thumbnail", "content", "remove", "restore"])
def test_a_material_that_does_not_exist(materials, action):
    call = {
        "get": lambda: materials.get(99),
        "thumbnail": lambda: materials.thumbnail(99),
        "content": lambda: materials.content(99),
        "remove": lambda: materials.remove(99, by="a", at=AT),
        "restore": lambda: materials.restore(99),
    }[action]
    with pytest.raises(MaterialNotFoundError) as caught:
        call()
    assert str(caught.value).startswith("there is no material 99")


# --- the folder ------------------------------------------------------------------------------------------


def test_in_a_folder_the_bytes_are_a_file_named_by_their_checksum_that_every_server_reads(store_url, tmp_path):
    folder, data = tmp_path / "shared", pdf_bytes()  # made once: a PDF holds the time it was made
    with Store.open(store_url) as one, Store.open(store_url) as two:
        kept = one.materials(folder).add(new(data, "a.pdf"), by="alice", at=AT)
        path = folder / kept.sha256
        assert path.read_bytes() == data and oct(path.stat().st_mode & 0o777) == "0o644"
        assert [p.name for p in folder.iterdir()] == [kept.sha256]  # no temporary file left
        assert two.materials(folder).content(kept.id) == data


def test_bytes_kept_in_the_database_stay_readable_when_a_folder_is_set_later(store, tmp_path):
    kept = store.materials().add(new(), by="alice", at=AT)
    assert store.materials(tmp_path / "later").content(kept.id) == png_bytes()


def test_bytes_kept_in_a_folder_need_the_folder(store, tmp_path):
    kept = store.materials(tmp_path / "shared").add(new(), by="alice", at=AT)
    with pytest.raises(MaterialFileMissingError, match="set it to the folder the materials were kept in"):
        store.materials().content(kept.id)


@pytest.mark.parametrize("damage", ["deleted", "changed"])
def test_a_file_lost_or_changed_in_the_folder_is_an_error_not_other_bytes(store, tmp_path, damage):
    folder = tmp_path / "shared"
    kept = store.materials(folder).add(new(), by="alice", at=AT)
    if damage == "deleted":
        (folder / kept.sha256).unlink()
        expected = "cannot be read"
    else:
        (folder / kept.sha256).write_bytes(b"not the poster")
        expected = "has changed since it was shared; upload the material again"
    with pytest.raises(MaterialFileMissingError, match=expected):
        store.materials(folder).content(kept.id)


def test_a_folder_that_cannot_be_written_keeps_nothing(store, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    with pytest.raises(StoreError) as caught:
        store.materials(blocker / "sub").add(new(), by="alice", at=AT)
    assert "could not keep the file in the materials folder" in str(caught.value)
    assert "Nothing was shared" in str(caught.value)
    assert store.materials().list() == []


def test_a_file_already_in_the_folder_with_the_same_bytes_is_reused(store, tmp_path):
    folder = tmp_path / "shared"
    kept = store.materials(folder).add(new(), by="alice", at=AT)
    before = (folder / kept.sha256).stat().st_mtime_ns
    store.materials(folder).remove(kept.id, by="alice", at=AT)
    store.materials(folder).add(new(title="Again"), by="alice", at=AT)
    assert (folder / kept.sha256).stat().st_mtime_ns == before


@pytest.mark.parametrize(("setting", "expected"), [
    ("", None), ("   ", None), ("/srv/materials", Path("/srv/materials")), ("var/materials", PROJECT_ROOT / "var" /
                                                                              "materials"),
])
def test_the_folder_setting(setting, expected):
    assert materials_folder(Settings(materials_dir=setting)) == expected


def test_the_folder_setting_expands_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert materials_folder(Settings(materials_dir="~/posters")) == tmp_path / "posters"
