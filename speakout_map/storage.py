"""Where the published events and the guide are read from.

For now the published events are the CSV file named by the
``events_file`` setting (``data/events.csv`` by default), and the guide is
a Markdown file organisers edit without touching code.
"""

from __future__ import annotations

from pathlib import Path

from .errors import EventFileError
from .events import ParseResult, read_events_file
from .settings import Settings


def load_published_events(settings: Settings) -> ParseResult:
    """Read and validate the published events file."""
    path = Path(settings.events_file)
    try:
        return read_events_file(path)
    except FileNotFoundError:
        raise EventFileError(f"the events file {path} does not exist; set SPEAKOUT_EVENTS_FILE to an events CSV") from None
    except OSError as exc:
        raise EventFileError(f"the events file {path} could not be read ({exc.strerror}); check its permissions") from None


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
