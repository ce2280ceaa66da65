"""Organisers' materials in the store: posters and files to share, with their thumbnails.

A material is kept once and never changed: its title, description, file
name, kind, size, SHA-256, thumbnail, who shared it and when. Removing it
only marks it removed (by whom, when), so it can be restored.

Its bytes are kept in the database (the ``content`` column) unless the
``materials_dir`` setting names a folder: then they are written there,
named by their SHA-256, before the row is inserted, so that every app
server sharing that folder (a network volume) serves them; the row's
``content`` is then NULL. A file is read back from wherever its row says,
and checked against its SHA-256 on the way out. Files are written once, by
temporary name then renamed, and never deleted (others may share the same
bytes).

Checking an upload is :func:`speakout_map.materials.intake.prepare_material`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from speakout_map.errors import StoreError
from speakout_map.languages.message import msg
from speakout_map.materials.intake import NewMaterial
from speakout_map.materials.kinds import KINDS_BY_MEDIA_TYPE, Kind, MaterialRefusedError
from speakout_map.settings import PROJECT_ROOT, Settings
from speakout_map.store.schema import materials_table

if TYPE_CHECKING:
    from speakout_map.store.store import Store

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Every column but the file's bytes and the thumbnail (a listing reads these only).
_LISTED = [c for c in materials_table.columns if c.name not in ("content", "thumbnail")]


class MaterialNotFoundError(StoreError, LookupError):
    """No material has that number."""


class MaterialFileMissingError(StoreError):
    """A material's bytes are not where its row says (the folder lost or changed them)."""


@dataclass(frozen=True)
class Material:
    """One shared file, without its bytes (:meth:`MaterialStore.content`) or its thumbnail
    (:meth:`MaterialStore.thumbnail`)."""

    id: int
    title: str
    description: str
    file_name: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    by: str
    has_thumbnail: bool
    removed_at: datetime | None = None
    removed_by: str = ""

    @property
    def kind(self) -> Kind:
        return KINDS_BY_MEDIA_TYPE[self.media_type]

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


def materials_folder(settings: Settings) -> Path | None:
    """The ``materials_dir`` setting as a folder (relative to the project), or None for the database."""
    text = settings.materials_dir.strip()
    if not text:
        return None
    folder = Path(text).expanduser()
    return folder if folder.is_absolute() else PROJECT_ROOT / folder


def _material(row: Mapping[str, Any]) -> Material:
    return Material(id=int(row["id"]), title=row["title"], description=row["description"],
                    file_name=row["file_name"], media_type=row["media_type"], size=int(row["size"]),
                    sha256=row["sha256"], created_at=row["created_at"], by=row["created_by"],
                    has_thumbnail=bool(row["has_thumbnail"]), removed_at=row["removed_at"],
                    removed_by=row["removed_by"] or "")


def _no_material(material_id: int) -> MaterialNotFoundError:
    return MaterialNotFoundError(msg("there is no material {id}; reload the page to see the materials as they are "
                                     "now", id=material_id))


class MaterialStore:
    """Materials in the store (thread-safe, shared by every app server)."""

    def __init__(self, store: Store, *, folder: str | Path | None = None) -> None:
        self._store = store
        self._folder = Path(folder) if folder else None

    @property
    def folder(self) -> Path | None:
        """Where new materials' bytes go; None for the database."""
        return self._folder

    # --- the folder

    def _path(self, sha256: str) -> Path:
        if self._folder is None or not _SHA256.fullmatch(sha256):
            raise MaterialFileMissingError(f"material file {sha256!r} is kept in a folder, but the materials_dir "
                                           "setting names none; set it to the folder the materials were kept in")
        return self._folder / sha256

    def _write_file(self, data: bytes, sha256: str) -> None:
        path = self._path(sha256)
        temporary: str | None = None
        try:
            if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256:
                return  # the same bytes, shared already
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{sha256[:12]}-", delete=False) as out:
                temporary = out.name
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except OSError as exc:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            raise StoreError(f"could not keep the file in the materials folder {self._folder}: "
                             f"{exc.strerror or type(exc).__name__}. Nothing was shared; check that the folder "
                             "exists and the app may write there (the materials_dir setting)") from exc

    def _read_file(self, sha256: str) -> bytes:
        path = self._path(sha256)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MaterialFileMissingError(f"the material file {path} cannot be read "
                                           f"({exc.strerror or type(exc).__name__}); check the materials_dir "
                                           "setting and that every app server sees the same folder") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise MaterialFileMissingError(f"the material file {path} has changed since it was shared; upload the "
                                           "material again")
        return data

    # --- writing

    def add(self, material: NewMaterial, *, by: str, at: datetime) -> Material:
        """Keep a checked upload; MaterialRefusedError if the same file is shared already (not removed)."""
        t = materials_table
        shared = self._shared_with(material.sha256)
        if shared is not None:
            # Translators: {title} is the title of the material already shared.
            raise MaterialRefusedError(msg("this very file is shared already, as “{title}”; remove that one first "
                                           "if you want to share it again", title=shared.title))
        in_folder = self._folder is not None
        if in_folder:
            self._write_file(material.data, material.sha256)
        with self._store._writing("share the material") as conn:
            new_id = conn.execute(t.insert().values(
                title=material.title, description=material.description, file_name=material.file_name,
                media_type=material.kind.media_type, size=len(material.data), sha256=material.sha256,
                content=None if in_folder else material.data, thumbnail=material.thumbnail,
                created_at=at, created_by=by, removed_at=None, removed_by="",
            )).inserted_primary_key[0]
        log.info("material %s (%s, %d bytes) shared by %s", new_id, material.kind.name, len(material.data), by)
        return self.get(int(new_id))

    def _set_removed(self, material_id: int, removed_at: datetime | None, by: str) -> bool:
        t = materials_table
        now_removed = t.c.removed_at.is_(None) if removed_at is not None else t.c.removed_at.is_not(None)
        with self._store._writing("change the material") as conn:
            done = conn.execute(update(t).where(t.c.id == material_id, now_removed)
                                .values(removed_at=removed_at, removed_by=by))
            if done.rowcount:
                return True
            if conn.execute(select(t.c.id).where(t.c.id == material_id)).first() is None:
                raise _no_material(material_id)
        return False

    def remove(self, material_id: int, *, by: str, at: datetime) -> bool:
        """Take a material off the guide page (kept, and restorable); False if it was removed already."""
        return self._set_removed(material_id, at, by)

    def restore(self, material_id: int) -> bool:
        """Put a removed material back on the guide page; False if it was not removed."""
        return self._set_removed(material_id, None, "")

    # --- reading

    def _select(self):
        t = materials_table
        return select(*_LISTED, t.c.thumbnail.is_not(None).label("has_thumbnail"))

    def _shared_with(self, sha256: str) -> Material | None:
        t = materials_table
        query = self._select().where(t.c.sha256 == sha256, t.c.removed_at.is_(None)).limit(1)
        with self._store._reading("read the materials") as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else _material(row)

    def list(self, *, removed: bool = False) -> list[Material]:
        """The shared materials, oldest first (the removed ones instead with ``removed=True``)."""
        t = materials_table
        which = t.c.removed_at.is_not(None) if removed else t.c.removed_at.is_(None)
        with self._store._reading("list the materials") as conn:
            rows = conn.execute(self._select().where(which).order_by(t.c.created_at, t.c.id)).mappings()
            return [_material(row) for row in rows]

    def get(self, material_id: int) -> Material:
        """Material ``material_id`` (removed or not); MaterialNotFoundError if there is none."""
        with self._store._reading("read a material") as conn:
            row = conn.execute(self._select().where(materials_table.c.id == material_id)).mappings().first()
        if row is None:
            raise _no_material(material_id)
        return _material(row)

    def thumbnail(self, material_id: int) -> bytes | None:
        """The material's thumbnail (a small JPEG or PNG), None if it has none."""
        t = materials_table
        with self._store._reading("read a thumbnail") as conn:
            row = conn.execute(select(t.c.thumbnail).where(t.c.id == material_id)).first()
        if row is None:
            raise _no_material(material_id)
        return None if row[0] is None else bytes(row[0])

    def content(self, material_id: int) -> bytes:
        """The material's file, exactly as uploaded (from the database or the folder)."""
        t = materials_table
        with self._store._reading("read a material") as conn:
            row = conn.execute(select(t.c.content, t.c.sha256).where(t.c.id == material_id)).first()
        if row is None:
            raise _no_material(material_id)
        content, sha256 = row
        return bytes(content) if content is not None else self._read_file(sha256)
