"""``python -m speakout_map.languages extract [ROOT]``: write the template of the texts to translate."""

from __future__ import annotations

import sys
from pathlib import Path

from speakout_map.languages.extraction import write_template


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "extract" or len(argv) > 2:
        print("usage: python -m speakout_map.languages extract [PROJECT_ROOT]", file=sys.stderr)
        return 2
    root = Path(argv[1]) if len(argv) == 2 else Path.cwd()
    print(f"wrote {write_template(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
