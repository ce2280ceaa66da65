"""The host-your-own-event guide file, and a version token for caching files.

The guide is a Markdown file (``guide_file`` setting, ``SPEAKOUT_GUIDE_FILE``)
that the guide page shows; :func:`file_version` lets the page cache it until
the file changes.
"""

from __future__ import annotations

from pathlib import Path

from speakout_map.errors import EventFileError
from speakout_map.settings import Settings


def file_version(path: Path) -> str:
    """A token that changes whenever the file changes (for caches)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{stat.st_mtime_ns}:{stat.st_size}"


def load_guide(settings: Settings) -> str:
    """The host-your-own-event guide, as Markdown."""
    path = Path(settings.guide_file)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EventFileError(f"the guide file {path} could not be read ({exc.strerror}); set SPEAKOUT_GUIDE_FILE") from None
