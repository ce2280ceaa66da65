"""End-to-end fixtures: the real app on loopback, and headless Chromium driven by Playwright.

Each app server is ``python -m streamlit run app.py`` in its own process group,
on 127.0.0.1 and a free port, with a temporary event store, the session's
gazetteer index, one organiser (``alice``), no secrets file of the developer's
and the basemap tiles switched off; it is stopped (the whole group) when the
session ends. Servers are started on first use and shared by the tests that
only read; a test that publishes gets a server of its own.

The browser is a Chromium already on the machine (Debian's ``chromium``, which
``scripts/ensure-chromium.sh`` installs in CI), never one Playwright downloads.
Without one the e2e tests are skipped, with the reason.

Every page opened through ``open_page`` records every request, dialog and
uncaught page error; each test's screenshots and request list go to
``test-artifacts/e2e/`` (git-ignored), with a screenshot on failure too.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from e2e_support import (
    ACTION_TIMEOUT_MS,
    ARTIFACTS,
    CHROMIUM_ARGS,
    CHROMIUM_MISSING,
    ORGANISER,
    PAGE_TIMEOUT_MS,
    PASSWORD,
    AppServer,
    Visit,
    artifact_name,
    find_chromium,
    start_server,
)


# --- the browser -----------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_driver():
    pytest.importorskip("playwright", reason="Playwright for Python is not installed (requirements-dev.txt)")
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """Headless Chromium for the whole session (skips the e2e tests when there is none)."""
    executable = find_chromium()
    if executable is None:
        bundled = Path(playwright_driver.chromium.executable_path)
        if not bundled.exists():
            pytest.skip(CHROMIUM_MISSING)
        executable = str(bundled)
    chromium = playwright_driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"e2e_report_{report.when}", report)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/e2e/, emptied once per session so that it holds this run's files only."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture
def open_page(browser, artifacts, request) -> Iterator[Callable[..., Visit]]:
    """``open_page(**context_options)``: a fresh browser context and page, recorded (see ``Visit``)."""
    visits: list[Visit] = []

    def open_(**options) -> Visit:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
        name = artifact_name(request.node.name) + (f"-{len(visits) + 1}" if visits else "")
        visit = Visit(context=context, page=None, name=name)

        def on_dialog(dialog) -> None:
            visit.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def watch(page) -> None:
            page.on("dialog", on_dialog)
            page.on("pageerror", lambda error: visit.page_errors.append(str(error)))

        context.on("request", lambda r: visit.requests.append((r.resource_type, r.method, r.url)))
        context.on("page", watch)
        visit.page = context.new_page()
        visits.append(visit)
        return visit

    yield open_

    report = getattr(request.node, "e2e_report_call", None)
    failed = report is not None and report.failed
    for visit in visits:
        if failed:
            try:
                visit.screenshot("failure")
            except Exception:  # the page may be gone; the test's own error says more
                pass
        visit.save_requests()
        visit.context.close()


# --- the app ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def organiser_hash() -> str:
    from speakout_map.organisers.passwords import hash_password

    return hash_password(PASSWORD)


@pytest.fixture(scope="session")
def start_app(gazetteer_index: Path, organiser_hash: str, artifacts: Path, tmp_path_factory) -> Iterator[Callable[..., AppServer]]:
    """``start_app(name, events_file=None, base_path="", script="app.py", env=None)``: a new app server with an
    empty store (``env``: settings added to its environment).

    Its store is seeded from ``events_file`` (default: the project's seed events) on the first page view.
    ``script`` runs another Streamlit script of the project instead of app.py (a test-only page).
    """
    servers: list[AppServer] = []

    def start(name: str, events_file: Path | None = None, base_path: str = "", script: str = "app.py",
              env: dict[str, str] | None = None) -> AppServer:
        workdir = tmp_path_factory.mktemp(f"app-{name}")
        server = start_server(name, workdir, gazetteer_index.parent, events_file, {ORGANISER: organiser_hash}, base_path,
                              script, env)
        servers.append(server)
        return server

    yield start

    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def seed_app(start_app) -> AppServer:
    """The app with the 19 seed events, shared by the tests that only read."""
    return start_app("seed")
