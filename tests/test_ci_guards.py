"""CI cannot go green with a suite missing: the install scripts and the skip guard under CI=true."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from speakout_map.settings import PROJECT_ROOT

SCRIPTS = PROJECT_ROOT / "scripts"


def _bare_path(tmp_path: Path) -> str:
    """A PATH with only `id` on it: no browser, no PostgreSQL, no apt-get to install them."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").symlink_to(shutil.which("id"))
    return str(bin_dir)


@pytest.mark.parametrize("script", ["ensure-chromium.sh", "ensure-postgres.sh"])
@pytest.mark.parametrize("ci, code", [("true", 1), ("", 0)])
def test_ensure_script_fails_on_ci_when_the_tool_cannot_be_had(script, ci, code, tmp_path, monkeypatch):
    if script == "ensure-postgres.sh" and any(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        # The script looks in Debian's fixed folder first; hide it by pointing the glob elsewhere.
        text = (SCRIPTS / script).read_text().replace("/usr/lib/postgresql/", f"{tmp_path}/no-postgresql/")
        path = tmp_path / script
        path.write_text(text)
    else:
        path = SCRIPTS / script
    env = {"PATH": _bare_path(tmp_path), "CI": ci}
    done = subprocess.run(["/bin/sh", str(path)], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == code, done.stderr
    if code:
        assert "CI=true" in done.stderr and "must run on CI" in done.stderr
    else:
        assert "will be skipped" in done.stderr


@pytest.mark.parametrize("script", ["ensure-chromium.sh", "ensure-postgres.sh"])
def test_ensure_script_passes_when_the_tool_is_there(script):
    done = subprocess.run(["/bin/sh", str(SCRIPTS / script)], env={**os.environ, "CI": "true"},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "found" in done.stdout


@pytest.mark.parametrize("ci, code, summary", [("true", 1, "1 failed, 1 passed"), ("false", 0, "1 passed, 1 skipped")])
def test_a_skip_fails_the_run_only_under_ci(ci, code, summary, tmp_path):
    shutil.copy(PROJECT_ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\n"
        "def test_runs():\n    pass\n\n"
        "def test_needs_a_browser():\n    pytest.skip('no browser here')\n"
    )
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == code, done.stdout
    assert summary in done.stdout
    if code:
        assert "skipped under CI=true (Skipped: no browser here)" in done.stdout
