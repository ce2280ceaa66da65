"""'I'll be there' at campaign scale: counting the marks of the events a page shows, and a click.

    python bench/bench_going.py [EVENTS] [MARKS]      (defaults 10000 and 100000)

An SQLite store in a temporary folder gets EVENTS event UIDs and MARKS marks
spread over them (some events popular, most with a few). Then, in this
process, best of a few runs each:

* the map page's count for every shown event, as it is done
  (``GoingStore.counts(uids)``: a grouped query over chunks of UIDs, or for
  many UIDs the whole table grouped once and filtered) against the baseline
  of one COUNT query per event;
* the whole table grouped at once (``counts()``), as the feeds do;
* one "I'll be there" click through the library (``say_going``: the rate
  limits' check and record, the mark, the new count), per second.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from speakout_map.events.identity import UID_DOMAIN  # noqa: E402
from speakout_map.store.schema import going_marks_table  # noqa: E402
from speakout_map.store.store import Store  # noqa: E402
from speakout_map.supporters.going import say_going  # noqa: E402

RUNS = 3
UTC = dt.timezone.utc


def best(job) -> tuple[float, object]:
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), result


def fill(store: Store, uids: list[str], marks: int) -> None:
    rng = random.Random(20130903)
    now = dt.datetime(2013, 9, 1, tzinfo=UTC)
    rows, seen = [], set()
    while len(rows) < marks:
        uid = uids[min(int(rng.paretovariate(1.2)) - 1, len(uids) - 1)] if rng.random() < 0.5 else rng.choice(uids)
        session = f"{rng.getrandbits(64):016x}"
        if (uid, session) not in seen:
            seen.add((uid, session))
            rows.append({"event_uid": uid, "session_digest": session, "marked_at": now})
    with store._writer.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(going_marks_table.insert(), rows[start:start + 5000])


def one_query_per_event(store: Store, uids: list[str]) -> dict[str, int]:
    t = going_marks_table
    found = {}
    with store._engine.connect() as conn:
        for uid in uids:
            n = conn.execute(select(func.count()).select_from(t).where(t.c.event_uid == uid)).scalar_one()
            if n:
                found[uid] = n
    return found


def main(events: int, marks: int) -> None:
    uids = [f"{i:032x}@{UID_DOMAIN}" for i in range(events)]
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/bench.sqlite3")
        fill(store, uids, marks)
        grouped_s, grouped = best(lambda: store.going().counts(uids))
        baseline_s, baseline = best(lambda: one_query_per_event(store, uids))
        assert grouped == baseline, "the two counts disagree"
        whole_s, whole = best(lambda: store.going().counts())
        assert whole == grouped
        published = frozenset(uids)
        clicks = 200
        start = time.perf_counter()
        for i in range(clicks):
            say_going(uids[i % events], session=f"bench-{i}", client=(f"session:bench-{i}",), store=store,
                      published_uids=published, secret="bench secret")
        click_s = (time.perf_counter() - start) / clicks
        store.close()
    print(f"{events:,} events, {marks:,} marks (SQLite file), best of {RUNS}:")
    print(f"  counts of the shown events, grouped   {grouped_s * 1000:8.1f} ms")
    print(f"  baseline: one COUNT per event         {baseline_s * 1000:8.1f} ms   ({baseline_s / grouped_s:.0f}x slower)")
    print(f"  the whole table grouped (feeds)       {whole_s * 1000:8.1f} ms")
    print(f"  one click (limits, mark, new count)   {click_s * 1000:8.2f} ms   ({1 / click_s:,.0f} clicks a second)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
