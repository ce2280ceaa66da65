"""Build speakout_map/places/country_names.json, the country names and codes the app reads (git-ignored).

    .venv/bin/python scripts/country_names.py           (writes the file)
    .venv/bin/python scripts/country_names.py --check   (exit 1 if the file is missing or out of date)

make install and make test run it whenever pycountry, Babel or the code that
builds the data (speakout_map/places/countries.py, country_data.py) changed.
It needs no network: the data comes from the two installed packages. Without
the file, or with a stale one, the app builds the same data in each process.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speakout_map.places.country_data import DATA_FILE, build_country_data, country_data_text  # noqa: E402


def main(argv: list[str]) -> int:
    text = country_data_text(build_country_data())
    if argv == ["--check"]:
        stored = DATA_FILE.read_text(encoding="utf-8") if DATA_FILE.exists() else ""
        if stored != text:
            print(f"{DATA_FILE} is out of date: run python scripts/country_names.py", file=sys.stderr)
            return 1
        print(f"{DATA_FILE} is up to date")
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    partial = DATA_FILE.with_suffix(".json.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(DATA_FILE)  # readers see the old file or the new one, never half of one
    print(f"wrote {DATA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
