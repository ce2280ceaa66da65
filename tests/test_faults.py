"""Faults where the app meets the world: the online geocoder, the event store, hostile uploads.

Each fault must give a loud, clear message saying what happened and what to
do, and must leave the published events exactly as they were; the supporters'
map keeps serving the last published version throughout.

* Geocoder faults (timeout, HTTP 429, HTTP 5xx, connection refused) come from
  the fake Nominatim of ``tests/places_support.py`` on 127.0.0.1.
* Store faults: a read-only SQLite file (``mode=ro`` URL), a database locked
  by another connection, a failure injected in the middle of a publish, and a
  database that cannot be opened at all.
* Upload limits through the organisers' page: a file over the size limit, a
  10 MB cell, an .xlsx zip bomb, binary junk.

Nothing here talks to anything but 127.0.0.1 and files in ``tmp_path``.
"""

from __future__ import annotations

import io
import os
import sqlite3
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from speakout_map.store import publishing
from speakout_map.store import store as storage
from speakout_map.organisers.roster import Organiser
from speakout_map.organisers.session import password_session
from speakout_map.cli import main as cli_main
from speakout_map.events.reading import parse_events_text
from speakout_map.places.chain import GeocoderChain
from speakout_map.store.store import Store
from tests.page_support import APP, ORGANISER, PASSWORD, confirm_removal
from tests.places_support import closed_port, make_online

MB = 1024 * 1024

pytestmark = pytest.mark.usefixtures("isolated_cache")

#: Madrid is in the gazetteer; Xyzzyville only the (fake) online service knows.
ONLINE_ONLY = b"city,country,date,title\nMadrid,ES,2013-09-03,Madrid rally\nXyzzyville,ES,2013-09-03,Xyzzyville rally\n"
GOOD = b"city,country,date,title\nMadrid,ES,2013-09-03,Madrid rally\nBerlin,DE,2013-09-03,Berlin rally\n"


# --- helpers -----------------------------------------------------------------------------------


def organiser_app(alice_hash: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["organisers"] = {"alice": alice_hash}
    at.run()  # st.navigation registers the pages' url paths on the first run
    at.switch_page(ORGANISER)
    return at


def submit_sign_in(at: AppTest) -> AppTest:
    """Run the organisers' page and sign in as alice (whether that works is the caller's to check)."""
    at.run()
    at.text_input(key="sign-in-name").input("alice")
    at.text_input(key="sign-in-password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def signed_in(alice_hash: str) -> AppTest:
    at = organiser_app(alice_hash)
    submit_sign_in(at)
    assert at.get("file_uploader"), "signed in"
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.get("file_uploader")[0].upload(name, data, "application/octet-stream").run()
    assert not at.exception, at.exception
    return at


def publish_button(at: AppTest, context: str = "upload"):
    return at.button(key=f"{context}-publish")


def problems(at: AppTest) -> list[tuple[object, str, str]]:
    """The preview's table of errors: (row, column, message); row None for the whole file.

    The page shows the errors' table (under its "problems to fix" error) before the warnings' one.
    """
    if not any(" to fix in " in e for e in texts(at.error)):
        return []
    for frame in at.dataframe:
        value = frame.value
        if list(value.columns) == ["row", "column", "problem"]:
            rows = [None if r is None or r != r else int(r) for r in value["row"]]  # None or NaN: the whole file
            return list(zip(rows, value["column"], value["problem"]))
    raise AssertionError("errors announced but no table of them")


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def store_url() -> str:
    return os.environ["SPEAKOUT_DATABASE_URL"]


def published_state(url: str | None = None) -> tuple[int | None, tuple]:
    """The published version's number and events, read through a fresh connection."""
    with Store.open(url or store_url()) as store:
        latest = store.latest()
        return (None, ()) if latest is None else (latest.info.number, latest.events)


def supporters_map() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    return at


def shown_cities(at: AppTest) -> list[str]:
    assert not at.exception, at.exception
    assert at.dataframe, ("no events table", texts(at.error))
    return sorted(at.dataframe[0].value["City"])


# --- the online geocoder fails ------------------------------------------------------------------


def use_online_geocoder(monkeypatch, domain: str, *, timeout: float = 0.5) -> None:
    monkeypatch.setenv("SPEAKOUT_GEOCODER_ONLINE", "1")
    monkeypatch.setenv("SPEAKOUT_GEOCODER_DOMAIN", domain)
    monkeypatch.setenv("SPEAKOUT_GEOCODER_SCHEME", "http")
    monkeypatch.setenv("SPEAKOUT_GEOCODER_MIN_DELAY", "0")
    monkeypatch.setenv("SPEAKOUT_GEOCODER_TIMEOUT", str(timeout))
    monkeypatch.setenv("SPEAKOUT_GEOCODER_USER_AGENT", "speakout-map-tests/1 (loopback only)")


FAULTS = {
    "timeout": ("did not answer in time", lambda fake: setattr(fake, "delay", 1.5)),
    "429": ("rate limited", lambda fake: fake.statuses.extend([429] * 10)),
    "500": ("failed", lambda fake: fake.statuses.extend([500] * 10)),
    "503": ("did not answer in time", lambda fake: fake.statuses.extend([503] * 10)),  # geopy reads 503 as a timeout
    "refused": ("could not be reached (connection refused)", None),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_online_geocoder_failure_blocks_the_upload_and_the_map_keeps_its_events(
    fault, alice_hash, nominatim, monkeypatch
):
    words, break_it = FAULTS[fault]
    use_online_geocoder(monkeypatch, f"127.0.0.1:{closed_port()}" if fault == "refused" else nominatim.domain)
    at = signed_in(alice_hash)  # the store is seeded now (the gazetteer knows every seed city)
    before = published_state()
    assert before[0] == 1
    if break_it:
        break_it(nominatim)

    upload(at, "rallies.csv", ONLINE_ONLY)

    preview = at.session_state["upload-checked"][1]
    assert not preview.ok
    assert [p.event.city for p in preview.placed] == ["Madrid"]  # Xyzzyville is not placed anywhere
    ((row, column, message),) = problems(at)
    assert (row, column) == (3, "city")
    assert "is not in the offline gazetteer" in message
    assert "the online geocoder nominatim at 127.0.0.1" in message
    assert words in message
    assert "try again later" in message and "add latitude and longitude" in message
    assert any("problem to fix" in e and "the published map is unchanged" in e for e in texts(at.error))
    assert any("online geocoder" in w and "unavailable" in w and "published map is unchanged" in w
               for w in texts(at.warning)), texts(at.warning)
    assert publish_button(at).disabled
    assert published_state() == before

    supporter = supporters_map()
    assert len(shown_cities(supporter)) == 19
    assert not any("cannot be shown" in e for e in texts(supporter.error))


def test_the_map_keeps_serving_the_last_published_version_while_the_geocoder_is_down(
    alice_hash, nominatim, monkeypatch
):
    use_online_geocoder(monkeypatch, nominatim.domain)
    at = signed_in(alice_hash)
    upload(at, "v2.csv", ONLINE_ONLY)  # the service is up: Xyzzyville is placed online
    assert problems(at) == []
    confirm_removal(at)  # two events replacing nineteen
    publish_button(at).click().run()
    assert any("Published version 2" in s for s in texts(at.success))
    published = published_state()
    assert published[0] == 2
    assert {p.event.city: p.place.source for p in published[1]} == {"Madrid": "gazetteer", "Xyzzyville": "nominatim"}

    nominatim.statuses.extend([503] * 10)
    nominatim.add("Quuxton", 40.3, -3.5, "Quuxton, España")
    upload(at, "v3.csv", ONLINE_ONLY.replace(b"Xyzzyville", b"Quuxton"))
    assert [(r, c) for r, c, _ in problems(at)] == [(3, "city")]
    assert publish_button(at).disabled
    assert published_state() == published

    assert shown_cities(supporters_map()) == ["Madrid", "Xyzzyville"]


def test_a_dead_geocoder_costs_one_wait_per_upload_not_one_per_chunk(gazetteer, nominatim, tmp_path):
    """Progress is reported every PROGRESS_CHUNK events; a dead service is not asked again for each chunk."""
    nominatim.statuses.extend([500] * 50)
    chain = GeocoderChain(gazetteer, [make_online(nominatim, tmp_path)])
    size = publishing.PROGRESS_CHUNK
    lines = ["city,country,date"] + [
        f"{'Xyzzyville' if i % size == 0 else 'Madrid'},ES,2013-09-03" for i in range(3 * size)
    ]
    result = parse_events_text("\n".join(lines))
    reports: list[tuple[int, int]] = []
    with Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}") as store:
        preview = publishing.prepare(result, "big.csv", store=store, geocoder=chain, progress=lambda *a: reports.append(a))
    assert len(nominatim.requests) == 1
    assert [(p.row, p.column) for p in preview.errors] == [(2, "city"), (2 + size, "city"), (2 + 2 * size, "city")]
    assert all("online geocoder" in p.message and "failed" in p.message for p in preview.errors)
    assert reports == [(0, 3 * size), (size, 3 * size), (2 * size, 3 * size), (3 * size, 3 * size)]
    assert preview.geocoder_unavailable and "failed" in str(preview.geocoder_unavailable)


# --- the event store fails -------------------------------------------------------------------

TWELVE = ("city,country,date,title\n" + "".join(f"Madrid,ES,2013-09-{d:02d},Rally {d}\n" for d in range(1, 13))).encode()


def seeded_store(path: Path, monkeypatch) -> str:
    """A seeded SQLite store at ``path`` (through the CLI, as an operator would), used from now on; its URL."""
    url = f"sqlite:///{path}"
    monkeypatch.setenv("SPEAKOUT_DATABASE_URL", url)
    assert cli_main(["history"], out=io.StringIO()) == 0
    return url


def read_only_url(path: Path) -> str:
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another connection holding the database's write lock (BEGIN EXCLUSIVE) until closed."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def short_busy_timeout(monkeypatch, seconds: float = 0.2) -> None:
    """Stores opened by the app and the CLI wait this long for a lock (15 s by default)."""
    monkeypatch.setattr(publishing, "open_store", lambda settings: Store.open(settings.database_url, busy_timeout=seconds))


def fail_mid_publish(monkeypatch) -> list[int]:
    """The first chunk of rows goes in, then the disk fills up."""
    real, calls = storage._insert_event_rows, []

    def disk_fills_up(conn, rows):
        calls.append(len(rows))
        if len(calls) == 1:
            return real(conn, rows)
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(storage, "INSERT_CHUNK", 5)
    monkeypatch.setattr(storage, "_insert_event_rows", disk_fills_up)
    return calls


STORE_FAULTS = ["read-only", "locked", "mid-publish"]
FAULT_WORDS = {
    "read-only": "could not publish: the database is read-only",
    "locked": "could not publish: the database is busy",
    "mid-publish": "could not publish: the disk is full",
}


@pytest.mark.parametrize("fault", STORE_FAULTS)
def test_cli_publish_into_a_failing_store_exits_1_loudly_and_changes_nothing(fault, tmp_path, monkeypatch, capsys):
    path = tmp_path / "store.sqlite3"
    url = seeded_store(path, monkeypatch)
    before = published_state(url)
    events_file = tmp_path / "twelve.csv"
    events_file.write_bytes(TWELVE)
    holder = None
    capsys.readouterr()
    with monkeypatch.context() as patch:
        if fault == "read-only":
            patch.setenv("SPEAKOUT_DATABASE_URL", read_only_url(path))
        elif fault == "locked":
            short_busy_timeout(patch)
            holder = hold_write_lock(path)
        else:
            calls = fail_mid_publish(patch)
        started = time.monotonic()
        try:
            code = cli_main(["publish", str(events_file), "--by", "alice"], out=io.StringIO())
        finally:
            if holder is not None:
                holder.rollback()
                holder.close()
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: ") and FAULT_WORDS[fault] in err
    assert "Nothing was published; the published events are unchanged" in err
    assert "Traceback" not in err
    assert time.monotonic() - started < 10
    if fault == "mid-publish":
        assert calls == [5, 5]  # it failed halfway through
    assert published_state(url) == before
    with Store.open(url) as store:  # nothing half-written is left in the way
        assert store.history()[-1].number == before[0]



def test_ctrl_c_during_a_cli_publish_undoes_it(tmp_path, monkeypatch, capsys):
    path = tmp_path / "store.sqlite3"
    url = seeded_store(path, monkeypatch)
    before = published_state(url)
    events_file = tmp_path / "twelve.csv"
    events_file.write_bytes(TWELVE)
    real, calls = storage._insert_event_rows, []

    def interrupted(conn, rows):
        calls.append(len(rows))
        if len(calls) == 1:
            return real(conn, rows)
        raise KeyboardInterrupt

    monkeypatch.setattr(storage, "INSERT_CHUNK", 5)
    monkeypatch.setattr(storage, "_insert_event_rows", interrupted)
    capsys.readouterr()
    assert cli_main(["publish", str(events_file), "--by", "alice"], out=io.StringIO()) == 130
    err = capsys.readouterr().err
    assert err.startswith("interrupted;") and "Traceback" not in err
    assert calls == [5, 5]  # the first rows were written before the interrupt
    assert published_state(url) == before


@pytest.mark.parametrize("fault", STORE_FAULTS)
def test_publish_button_on_a_failing_store_shows_an_error_and_changes_nothing(
    fault, alice_hash, tmp_path, monkeypatch, caplog
):
    path = tmp_path / "store.sqlite3"
    short_busy_timeout(monkeypatch)
    seeded_store(path, monkeypatch)
    at = signed_in(alice_hash)
    upload(at, "twelve.csv", TWELVE)
    assert problems(at) == []
    confirm_removal(at)  # twelve events replacing nineteen
    assert not publish_button(at).disabled
    before = published_state()
    holder = None
    if fault == "read-only":  # e.g. the disk was remounted read-only after the preview
        monkeypatch.setenv("SPEAKOUT_DATABASE_URL", read_only_url(path))
    elif fault == "locked":
        holder = hold_write_lock(path)
    else:
        fail_mid_publish(monkeypatch)
    try:
        publish_button(at).click().run()
    finally:
        if holder is not None:
            holder.rollback()
            holder.close()
    assert not at.exception, at.exception
    (error,) = [e for e in texts(at.error) if e.startswith("Not published")]
    assert "Nothing was published" in error.replace("\\", "")
    # The cause is for the operator, in the server log; the page gives the short message.
    assert FAULT_WORDS[fault] in caplog.text and FAULT_WORDS[fault] not in error.replace("\\", "")
    assert not at.success
    monkeypatch.setenv("SPEAKOUT_DATABASE_URL", f"sqlite:///{path}")
    assert published_state() == before
    assert len(shown_cities(supporters_map())) == 19


def test_sign_in_on_a_read_only_store_is_a_clear_error_not_a_crash(alice_hash, tmp_path, monkeypatch, caplog):
    path = tmp_path / "store.sqlite3"
    seeded_store(path, monkeypatch)
    monkeypatch.setenv("SPEAKOUT_DATABASE_URL", read_only_url(path))
    at = organiser_app(alice_hash)
    submit_sign_in(at)
    (error,) = texts(at.error)
    assert error.startswith("Signing in is not possible right now")
    assert "the database is read-only" in caplog.text and "read-only" not in error  # the cause: in the log
    assert not at.get("file_uploader")


def test_a_store_that_fails_after_sign_in_gives_errors_in_the_tabs_not_a_traceback(
    alice_hash, tmp_path, monkeypatch, caplog
):
    path = tmp_path / "store.sqlite3"
    seeded_store(path, monkeypatch)
    at = signed_in(alice_hash)
    before = published_state()
    assert at.dataframe, "the history table shows while the store works"

    def gone(self, *args, **kwargs):
        raise storage.StoreError("could not read the events: the database server stopped answering; try again shortly")

    # The page's first check (latest_number) still answers; every later read fails, as when a
    # database server goes away halfway through a run.
    for method in ("latest", "history", "get"):
        monkeypatch.setattr(Store, method, gone)
    upload(at, "twelve.csv", TWELVE)
    assert not at.exception, at.exception
    failures = [e for e in texts(at.error) if e.startswith("The event store failed")]
    assert len(failures) == 3, texts(at.error)  # upload, edit and history tabs, each on its own
    assert all("The published events are unchanged" in e and "stopped answering" not in e for e in failures)
    assert caplog.text.count("stopped answering") == len(failures)  # each cause, in the server log
    assert "upload-publish" not in [b.key for b in at.button]  # no preview, so nothing to publish
    monkeypatch.undo()
    monkeypatch.setenv("SPEAKOUT_DATABASE_URL", f"sqlite:///{path}")
    assert published_state() == before


def unopenable_urls(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Database URLs that cannot be opened at all, each with words its error must contain."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not an SQLite database, just text that goes on and on" * 100)
    folder = tmp_path / "a-folder.sqlite3"
    folder.mkdir()
    return {
        "garbage url": ("not a url at all", "is not a database address"),
        "folder is a file": (f"sqlite:///{a_file / 'sub' / 'store.sqlite3'}", "could not create the folder"),
        "not a database": (f"sqlite:///{garbage}", "could not be opened"),
        "a folder": (f"sqlite:///{folder}", "could not be opened"),
        "missing read-only file": (read_only_url(tmp_path / "missing" / "store.sqlite3"), "could not be opened"),
        "no server": (f"postgresql://nobody:secret@127.0.0.1:{closed_port()}/none?connect_timeout=2",
                      "could not be reached"),
        "unknown driver": ("nosuchdb://host/db", "could not open the event store"),
    }


UNOPENABLE = ["garbage url", "folder is a file", "not a database", "a folder", "missing read-only file", "no server",
              "unknown driver"]


@pytest.mark.parametrize("case", UNOPENABLE)
def test_map_page_with_a_store_that_cannot_be_opened_shows_a_clear_error(case, tmp_path, monkeypatch, caplog):
    url, words = unopenable_urls(tmp_path)[case]
    monkeypatch.setenv("SPEAKOUT_DATABASE_URL", url)
    at = supporters_map()
    assert not at.exception, at.exception
    (error,) = texts(at.error)
    assert error.startswith("The events cannot be shown right now")
    assert words in caplog.text and words not in error.replace("\\", "")  # the cause: in the server log
    assert "secret" not in error and "nobody:secret" not in caplog.text
    assert not at.dataframe


@pytest.mark.parametrize("case", ["garbage url", "not a database", "no server"])
def test_organiser_page_with_a_store_that_cannot_be_opened_shows_a_clear_error(
    case, alice_hash, tmp_path, monkeypatch, caplog
):
    url, words = unopenable_urls(tmp_path)[case]
    monkeypatch.setenv("SPEAKOUT_DATABASE_URL", url)
    at = organiser_app(alice_hash)
    submit_sign_in(at)
    (error,) = texts(at.error)
    assert error.startswith("Signing in is not possible right now") and words not in error.replace("\\", "")
    assert words in caplog.text  # the cause: in the server log
    caplog.clear()
    # Already signed in when the store goes away: the page says so instead of crashing.
    at.session_state["organiser"] = password_session(Organiser("alice", alice_hash), datetime.now(timezone.utc))
    at.run()
    assert not at.exception, at.exception
    (error,) = texts(at.error)
    assert error.startswith("The event store cannot be used right now") and words not in error.replace("\\", "")
    assert words in caplog.text and "nobody:secret" not in caplog.text
    assert not at.get("file_uploader")


# --- hostile uploads on the organisers' page ---------------------------------------------------


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bomb(padding_mb: int) -> bytes:
    """A real workbook whose sheet XML is padded with ``padding_mb`` MB of spaces (they deflate ~1000:1)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["city", "country", "date"], ["Madrid", "ES", "2013-09-03"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info.filename, data)
                continue
            head, tail = data.split(b"</worksheet>")
            entry = zipfile.ZipInfo(info.filename)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(entry, "w", force_zip64=True) as part:
                part.write(head)
                block = b" " * MB
                for _ in range(padding_mb):
                    part.write(block)
                part.write(b"</worksheet>" + tail)
    return out.getvalue()


def junk(size: int, seed: int = 0) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


def hostile_uploads() -> list[tuple[str, bytes, str, dict[str, str]]]:
    """(file name, content, words of the one whole-file error, settings) for each hostile upload."""
    row = b"Madrid,ES,2013-09-03,Rally\n"
    too_big = b"city,country,date,title\n" + row * (5 * MB // len(row) + 10)
    ten_mb_cell = b"city,country,date,description\nMadrid,ES,2013-09-03," + b"x" * (10 * MB) + b"\n"
    return [
        ("too-big.csv", too_big, "the file is too large (5.1 MB; the limit is 5 MB)", {}),
        ("ten-mb-cell.csv", ten_mb_cell, "the cell has 10,485,760 characters; the limit is 5,000", {"MAX_UPLOAD_MB": "11"}),
        ("bomb.xlsx", xlsx_bomb(60), "would unpack to 60 MB; the limit is 50 MB", {}),
        ("dense-bomb.xlsx", xlsx_bomb(10), "refused as a possible zip bomb", {}),
        ("junk.csv", junk(200_000), "binary data, not text", {}),
        ("junk.xlsx", junk(200_000, seed=1), "not a readable .xlsx", {}),
        ("picture.csv", b"\x89PNG\r\n\x1a\n" + junk(5_000, seed=2), "binary data, not text", {}),
        ("zip-of-junk.xlsx", b"PK\x03\x04" + junk(5_000, seed=3), "not a readable .xlsx", {}),
    ]


def test_hostile_uploads_are_clear_errors_and_cannot_be_published(alice_hash, monkeypatch):
    at = signed_in(alice_hash)
    before = published_state()
    for name, content, words, changes in hostile_uploads():
        with monkeypatch.context() as patch:
            for setting, value in changes.items():
                patch.setenv(f"SPEAKOUT_{setting}", value)
            started = time.monotonic()
            upload(at, name, content)
            elapsed = time.monotonic() - started
        found = problems(at)
        assert len(found) == 1, (name, found)
        ((row, column, message),) = found
        assert words in message, (name, message)
        if name == "ten-mb-cell.csv":
            assert (row, column) == (2, "description")
        else:
            assert (row, column) == (None, None), (name, found)
        assert any(f"1 problem to fix in {name}".replace(".", "\\.").replace("-", "\\-") in e for e in texts(at.error)), (
            name, texts(at.error))
        assert publish_button(at).disabled, name
        assert not at.session_state["upload-checked"][1].ok
        assert elapsed < 20, (name, elapsed)
    assert published_state() == before
    assert len(shown_cities(supporters_map())) == 19
