"""Support for the end-to-end tests: the app server, the browser's record of a visit, constants.

Kept out of conftest.py so that the test module can import it by a name of its own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
SEED_EVENTS = ROOT / "data" / "events.csv"
GUIDE = ROOT / "data" / "guide.md"

ORGANISER = "alice"
PASSWORD = "e2e correct horse battery staple"

#: How Chromium is started: headless, no sandbox (CI runs as root), nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
CHROMIUM_MISSING = (
    "no Chromium found for the end-to-end tests (looked for $SPEAKOUT_TEST_CHROMIUM, "
    + ", ".join(CHROMIUM_NAMES)
    + " and Playwright's own browser); install Debian's chromium package "
    "(scripts/ensure-chromium.sh does as root) to run them"
)

#: Where a request may go: this machine only.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})

SERVER_START_TIMEOUT = 90.0
#: Streamlit's first render of a page (store seeding, imports) can take a while on a small machine.
PAGE_TIMEOUT_MS = 60_000
ACTION_TIMEOUT_MS = 30_000


def is_local(url: str) -> bool:
    """Whether a request's URL stays on this machine (loopback, or no network at all)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in LOCAL_HOSTS


# --- the browser -----------------------------------------------------------------


def find_chromium() -> str | None:
    """A Chromium binary on this machine, or None. ``$SPEAKOUT_TEST_CHROMIUM`` wins."""
    override = os.environ.get("SPEAKOUT_TEST_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Visit:
    """A browser context and its first page, with everything they did recorded."""

    context: object
    page: object
    name: str
    #: (resource type, method, URL) of every request any page or frame of the context made.
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    #: Messages of every alert/confirm/prompt any page opened (each was dismissed).
    dialogs: list[str] = field(default_factory=list)
    #: Uncaught JavaScript errors of any page.
    page_errors: list[str] = field(default_factory=list)
    shots: int = 0

    def non_local_requests(self, resource_types: frozenset[str] | None = None) -> list[tuple[str, str, str]]:
        return [
            r for r in self.requests if not is_local(r[2]) and (resource_types is None or r[0] in resource_types)
        ]

    def save_requests(self) -> Path:
        """The list of requests, one a line (type, method, URL), next to the screenshots."""
        path = ARTIFACTS / f"{self.name}-requests.txt"
        path.write_text("".join(f"{t}\t{m}\t{u}\n" for t, m, u in self.requests), encoding="utf-8")
        return path

    def screenshot(self, label: str, page=None) -> Path:
        """A screenshot of the page into test-artifacts/e2e/, named after the test."""
        self.shots += 1
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        (page or self.page).screenshot(path=str(path))
        return path


def artifact_name(node_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node_name).strip("_")[:120]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    """One running ``streamlit run app.py``."""

    name: str
    port: int
    process: subprocess.Popen
    log_path: Path
    workdir: Path
    base_path: str = ""  # Streamlit's server.baseUrlPath, as "/name", or "" at the root

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.base_path}"

    def url(self, path: str = "/", **query: str) -> str:
        return self.base_url + path + (f"?{urlencode(query)}" if query else "")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        if self.log_path.exists():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.log_path, ARTIFACTS / f"server-{self.name}.log")


def _wait_healthy(server: AppServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the app server {server.name!r} exited with {server.process.returncode} before it was ready:\n"
                + server.log_tail()
            )
        try:
            with urllib.request.urlopen(server.base_url + "/_stcore/health", timeout=2) as answer:
                if answer.status == 200 and answer.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.2)
    raise RuntimeError(f"the app server {server.name!r} was not healthy after {timeout:.0f} s ({last_error}):\n"
                       + server.log_tail())


def app_environment(workdir: Path, cache_dir: Path, events_file: Path, organisers: dict[str, str]) -> dict[str, str]:
    """The server's environment: none of the caller's SPEAKOUT_* settings, only the test's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPEAKOUT_", "STREAMLIT_"))}
    env.update(
        {
            "SPEAKOUT_DATABASE_URL": f"sqlite:///{workdir / 'store.sqlite3'}",
            "SPEAKOUT_CACHE_DIR": str(cache_dir),
            "SPEAKOUT_EVENTS_FILE": str(events_file),
            "SPEAKOUT_GUIDE_FILE": str(GUIDE),
            "SPEAKOUT_GEOCODER_ONLINE": "false",
            "SPEAKOUT_ORGANISERS": json.dumps(organisers),
            # No basemap tiles from the internet: the map must work, and be tested, without them.
            "SPEAKOUT_TILES_URL": "none",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def start_server(name: str, workdir: Path, cache_dir: Path, events_file: Path | None, organisers: dict[str, str],
                 base_path: str = "", script: str = "app.py", env: dict[str, str] | None = None) -> AppServer:
    """Start ``streamlit run app.py`` on 127.0.0.1 and a free port; return once it answers its health check.

    ``env`` adds settings (``SPEAKOUT_...``) to the test's own environment for this server.

    ``base_path`` (e.g. ``/campaign``) serves the app under that path, as behind a proxy's prefix.
    ``script`` (relative to the project) runs another script instead, e.g. a test-only page of one component.
    """
    # An empty secrets file: the developer's .streamlit/secrets.toml must not leak in.
    secrets = workdir / "secrets.toml"
    secrets.write_text("# end-to-end tests: no secrets; settings come from the environment\n", encoding="utf-8")
    env = {**app_environment(workdir, cache_dir, events_file or SEED_EVENTS, organisers), **(env or {})}
    log_path = workdir / "server.log"
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--secrets.files", str(secrets),
    ]  # fmt: skip
    base_name = base_path.strip("/")
    base_path = f"/{base_name}" if base_name else ""
    if base_name:
        command += ["--server.baseUrlPath", base_name]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = AppServer(name, port, process, log_path, workdir, base_path)
    try:
        _wait_healthy(server, SERVER_START_TIMEOUT)
    except BaseException:
        server.stop()
        raise
    return server
