"""The Python lock files: every package of the tree pinned with its hashes, in step with requirements*.txt.

requirements.txt and requirements-dev.txt are the top-level pins people edit;
requirements.lock and requirements-dev.lock (``make lock``) are what ``make``
installs, with ``pip install --require-hashes``.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

from speakout_map.settings import PROJECT_ROOT

#: Each top-level requirements file and the lock made from it.
LOCKS = {"requirements.txt": "requirements.lock", "requirements-dev.txt": "requirements-dev.lock"}

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")
_HASH = re.compile(r"^--hash=sha256:[0-9a-f]{64}$")


class LockFormatError(ValueError):
    """A line of a requirements or lock file that is not an exact pin or a hash."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise LockFormatError(message)


def canonical(name: str) -> str:
    """A package name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level_pins(path: Path) -> dict[str, str]:
    """``{name: version}`` of a requirements file, following its ``-r`` includes; anything but ``==`` fails."""
    pins: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pins.update(top_level_pins(path.parent / line[3:].strip()))
            continue
        match = _PIN.match(line)
        _check(bool(match) and match.end() == len(line), f"{path.name}: not an exact pin: {raw!r}")
        pins[canonical(match.group(1))] = match.group(3)
    return pins


def lock_entries(text: str) -> dict[str, tuple[str, list[str]]]:
    """``{name: (version, hashes)}`` of a pip-compile lock; :class:`LockFormatError` on any other kind of line."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip().removesuffix("\\").strip()
        if not line or line.startswith("#"):
            continue
        if raw.startswith((" ", "\t")):
            _check(current is not None and bool(_HASH.match(line)), f"not a sha256 hash of a package: {raw!r}")
            entries[current][1].append(line)
            continue
        match = _PIN.match(line)
        _check(bool(match) and match.end() == len(line), f"not an exact pin: {raw!r}")
        current = canonical(match.group(1))
        _check(current not in entries, f"{current} pinned twice")
        entries[current] = (match.group(3), [])
    return entries


def lock_problems(pins: dict[str, str], lock_text: str) -> list[str]:
    """What is wrong with a lock for these top-level pins (empty when nothing)."""
    try:
        entries = lock_entries(lock_text)
    except LockFormatError as exc:
        return [str(exc)]
    problems = [f"{name} has no hash" for name, (_, hashes) in entries.items() if not hashes]
    for name, version in pins.items():
        if name not in entries:
            problems.append(f"{name} is not in the lock")
        elif entries[name][0] != version:
            problems.append(f"{name} is {entries[name][0]} in the lock, {version} in requirements")
    return problems


GOOD_LOCK = """\
#    make lock
#
folium==0.20.0 \\
    --hash=sha256:{a} \\
    --hash=sha256:{b}
    # via -r requirements.txt
branca==0.8.2 \\
    --hash=sha256:{a}
    # via folium
""".format(a="a" * 64, b="0123456789abcdef" * 4)


@pytest.mark.parametrize(
    "pins, lock, expected",
    [
        ({"folium": "0.20.0"}, GOOD_LOCK, []),
        ({"folium": "0.20.0", "branca": "0.8.2"}, GOOD_LOCK, []),
        ({"folium": "0.19.0"}, GOOD_LOCK, ["folium is 0.20.0 in the lock, 0.19.0 in requirements"]),
        ({"geopy": "2.5.0"}, GOOD_LOCK, ["geopy is not in the lock"]),
        ({}, GOOD_LOCK.replace("branca==0.8.2 \\\n    --hash=sha256:" + "a" * 64, "branca==0.8.2"),
         ["branca has no hash"]),
        ({}, GOOD_LOCK.replace("branca==0.8.2", "branca>=0.8.2"), ["not an exact pin: 'branca>=0.8.2 \\\\'"]),
        ({}, GOOD_LOCK.replace("sha256:" + "a" * 64, "sha256:xyz", 1),
         ["not a sha256 hash of a package: '    --hash=sha256:xyz \\\\'"]),
        ({}, GOOD_LOCK + "folium==0.20.0 \\\n    --hash=sha256:" + "c" * 64 + "\n", ["folium pinned twice"]),
    ],
)
def test_lock_problems_finds_what_is_wrong(pins, lock, expected):
    assert lock_problems(pins, lock) == expected


@pytest.mark.parametrize("requirements, lock", LOCKS.items())
def test_lock_pins_every_requirement_at_its_version_with_hashes(requirements, lock):
    pins = top_level_pins(PROJECT_ROOT / requirements)
    assert pins
    assert lock_problems(pins, (PROJECT_ROOT / lock).read_text(encoding="utf-8")) == []


def test_dev_lock_keeps_every_runtime_pin():
    """`make install` and `make test` install the same runtime packages."""
    runtime = lock_entries((PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8"))
    dev = lock_entries((PROJECT_ROOT / "requirements-dev.lock").read_text(encoding="utf-8"))
    assert {name: dev.get(name, ("missing",))[0] for name in runtime} == {n: v for n, (v, _) in runtime.items()}


def test_make_installs_from_the_locks_with_hashes_required():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    installs = re.findall(r"pip install[^\n]*", makefile)
    project_installs = [line for line in installs if " -r " in line]
    assert sorted(line.split(" -r ")[1] for line in project_installs) == sorted(LOCKS.values())
    assert all("--require-hashes" in line for line in project_installs)
    assert not any("--upgrade" in line for line in installs)  # nothing unpinned is installed


def test_this_environment_is_the_dev_lock():
    """The tests run on exactly the locked versions (make test installs them)."""
    locked = lock_entries((PROJECT_ROOT / "requirements-dev.lock").read_text(encoding="utf-8"))
    installed = {canonical(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    assert {name: installed.get(name) for name in locked} == {name: v for name, (v, _) in locked.items()}
