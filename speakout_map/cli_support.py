"""What every command of the command line shares: exit codes, printing problems, who did it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from speakout_map.events.model import Problem

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # as shells report Ctrl-C
EXIT_OUTPUT_CLOSED = 141  # as shells report a reader that closed the pipe (SIGPIPE)


def print_problems(label: str, problems: Sequence[Problem], out: TextIO) -> None:
    """Each problem on a line of its own: ``error: row 3, date: ...``."""
    for problem in problems:
        print(f"{label}: {problem}", file=out)


def default_by() -> str:
    """Who a publish or a decision is recorded as, without --by: $SPEAKOUT_BY, $USER, or "command line"."""
    return os.environ.get("SPEAKOUT_BY") or os.environ.get("USER") or "command line"
