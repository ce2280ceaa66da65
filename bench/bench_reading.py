"""Reading an upload: the app's reader against the csv module alone, on the same bytes.

    python bench/bench_reading.py [ROWS]

The baseline is the floor any CSV reader pays: decode the bytes as UTF-8 and
split them with :mod:`csv`. The app's :func:`read_upload` also guesses the
encoding (mixed UTF-8/Windows-1252 files line by line), checks quotes that
swallow rows, applies the limits and validates every cell. Three files of
ROWS events each (20,000 by default, the upload limit), measured in this
process, best of three: plain UTF-8, a mix of UTF-8 and Windows-1252 lines,
and multi-line quoted descriptions.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speakout_map.events.reading import read_upload  # noqa: E402

HEADER = "city,country,date,title,venue,description\n"
CITIES = (("Madrid", "ES"), ("München", "DE"), ("Göteborg", "SE"), ("Asunción", "PY"), ("Zürich", "CH"))


def make_file(rows: int, kind: str) -> bytes:
    lines = [HEADER.encode()]
    for n in range(rows):
        city, code = CITIES[n % len(CITIES)]
        description = f'"Meet at the square,\nbring a sign {n}"' if kind == "multi-line" else f"Rally number {n}"
        line = f"{city},{code},2113-09-03,Speak out {n},Town square,{description}\n"
        encoding = "cp1252" if kind == "mixed" and n % 10 == 0 else "utf-8"
        lines.append(line.encode(encoding))
    return b"".join(lines)


def baseline(data: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""))) - 1


def ours(data: bytes) -> int:
    result = read_upload(data, "events.csv", max_bytes=len(data))
    assert not result.errors, result.errors[:3]
    return len(result.events)


def best_of(runs: int, action, data: bytes) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = action(data)
        times.append(time.perf_counter() - start)
    return min(times), count


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"{rows} events per file, Python {sys.version.split()[0]}")
    print(f"{'file':<14}{'MB':>6}{'csv module s':>14}{'read_upload s':>15}{'ratio':>8}")
    for kind in ("utf-8", "mixed", "multi-line"):
        data = make_file(rows, kind)
        floor, _ = best_of(3, baseline, data)
        seconds, events = best_of(3, ours, data)
        assert events == rows
        print(f"{kind:<14}{len(data) / 1e6:>6.2f}{floor:>14.3f}{seconds:>15.3f}{seconds / floor:>7.1f}x")


if __name__ == "__main__":
    main()
