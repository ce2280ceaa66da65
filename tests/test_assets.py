"""The map's browser files: pinned npm packages, the copy into static/vendor, serving, settings."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from speakout_map.maps import assets
from speakout_map.maps.assets import (
    ASSETS,
    CDN,
    DEFAULT_BASE_URL,
    LICENSE_FILES,
    SELF,
    STATIC_DIR,
    VERSIONS,
    AssetsMissingError,
    check_base_url,
    check_mode,
    copy_assets,
    missing_files,
    missing_files_message,
    RelativeBaseUrl,
    is_relative,
    map_vendor_files,
    vendor_files,
)
from speakout_map.errors import SettingsError
from speakout_map.settings import DEFAULT_TILES_ATTRIBUTION, DEFAULT_TILES_URL, PROJECT_ROOT, load_settings

PACKAGE_JSON = PROJECT_ROOT / "package.json"
PACKAGE_LOCK = PROJECT_ROOT / "package-lock.json"
APP = PROJECT_ROOT / "app.py"

INSTALLED = not missing_files()
needs_install = pytest.mark.skipif(
    not INSTALLED, reason="the map's npm files are not in static/vendor; run `make install` (make test does it first)"
)


# --- the pinned packages -------------------------------------------------------------


def test_package_json_pins_exact_versions_that_match_the_code():
    package = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    assert package["private"] is True
    assert package["dependencies"] == VERSIONS
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} must be pinned exactly, not {version!r}"
    assert VERSIONS["leaflet"].startswith("1.9.")
    assert VERSIONS["leaflet.markercluster"].startswith("1.5.")
    # the tests' own package (tests/e2e/test_accessibility.py reads it from node_modules), pinned too, never served
    assert package["devDependencies"] == {"axe-core": "4.14.1"}
    assert not any(asset.package in package["devDependencies"] for asset in ASSETS)
    assert "scripts" not in package


def test_lock_file_matches_and_points_only_at_the_npm_registry():
    lock = json.loads(PACKAGE_LOCK.read_text(encoding="utf-8"))
    assert lock["lockfileVersion"] >= 2
    packages = lock["packages"]
    assert packages[""]["dependencies"] == VERSIONS
    for name, version in VERSIONS.items():
        assert packages[f"node_modules/{name}"]["version"] == version
    for path, entry in packages.items():
        if not path:
            continue
        assert entry.get("integrity", "").startswith("sha512-"), path
        resolved = entry.get("resolved")
        if resolved is not None:  # npm leaves it out with omit-lockfile-registry-resolved
            assert resolved.startswith("https://registry.npmjs.org/"), resolved
        assert not entry.get("link"), path
    text = PACKAGE_LOCK.read_text(encoding="utf-8")
    hosts = set(re.findall(r"(?:https?|git|ssh|file)(?:\+\w+)?://([^/\"]+)", text))
    assert hosts <= {"registry.npmjs.org"}, hosts
    assert "git+" not in text and "file:" not in text


def test_every_asset_comes_from_a_pinned_package():
    names = [a.name for a in ASSETS]
    assert len(names) == len(set(names))
    for asset in ASSETS:
        assert asset.version == VERSIONS[asset.package]
        assert asset.kind in ("js", "css", "data")
    assert set(LICENSE_FILES) == set(VERSIONS)


# --- addresses -----------------------------------------------------------------------


@pytest.mark.parametrize("raw, mode", [("self", SELF), ("SELF", SELF), (" cdn ", CDN), ("CDN", CDN)])
def test_check_mode(raw, mode):
    assert check_mode(raw) == mode


@pytest.mark.parametrize("raw", ["", "local", "jsdelivr", "none", "self,cdn"])
def test_check_mode_refuses(raw):
    with pytest.raises(SettingsError):
        check_mode(raw)


@pytest.mark.parametrize(
    "raw, url",
    [
        ("/app/static/vendor", "/app/static/vendor"),
        ("/app/static/vendor/", "/app/static/vendor"),
        ("/map/app/static/vendor", "/map/app/static/vendor"),
        (" https://static.example.org/v/ ", "https://static.example.org/v"),
        ("http://127.0.0.1:9000/vendor", "http://127.0.0.1:9000/vendor"),
        ("/", "/"),
    ],
)
def test_check_base_url(raw, url):
    assert check_base_url(raw) == url


@pytest.mark.parametrize(
    "raw",
    ["", " ", "vendor", "./vendor", "//cdn.example.org/x", "javascript:alert(1)", "data:text/javascript,1",
     "ftp://example.org/x", "https://", '/a"b', "/a'b", "/a<b", "/a>b", "/a`b", "/a{b", "/a}b", "/a\\b", "/a b",
     "/a\nb", "/a\x00b", "/a\x7fb"],
)
def test_check_base_url_refuses(raw):
    with pytest.raises(SettingsError):
        check_base_url(raw)


@pytest.mark.parametrize(
    "raw, url",
    [("vendor", "vendor"), ("vendor/", "vendor"), ("./vendor", "vendor"), (" assets/vendor ", "assets/vendor"),
     ("v-1.2_x", "v-1.2_x")],
)
def test_a_relative_base_url_is_accepted_only_from_code(raw, url):
    checked = check_base_url(RelativeBaseUrl(raw))
    assert checked == url and is_relative(checked), "it stays relative through the map's checks"
    assert asset_url_of(checked) == f"{url}/leaflet/leaflet.js"
    with pytest.raises(SettingsError):
        check_base_url(raw)  # the same text from a setting: refused (a plain string)
    assert not is_relative(check_base_url(DEFAULT_BASE_URL))


def asset_url_of(base: str) -> str:
    return assets.asset_url("leaflet", SELF, base)


@pytest.mark.parametrize(
    "raw",
    ["", "/", "/vendor", "../vendor", "vendor/../../etc", "https://example.org/v", "//cdn.example.org/v",
     "javascript:alert(1)", "data:text/javascript,1", "a b", 'a"b', "a<b", "a\\b", "a?b", "a#b", ".hidden",
     "vendor//x", "a\nb"],
)
def test_a_relative_base_url_is_folder_names_only(raw):
    with pytest.raises(SettingsError):
        check_base_url(RelativeBaseUrl(raw))


def test_a_relative_base_url_in_settings_stays_refused():
    with pytest.raises(SettingsError):
        load_settings(environ={"SPEAKOUT_ASSET_BASE_URL": "vendor"}, secrets={})


def test_map_vendor_files_are_the_maps_files_with_their_licences():
    files = map_vendor_files()
    assert len(files) == len(set(files))
    assert set(files) < set(vendor_files())
    assert not [name for name in files if name.startswith("altcha/")], "the proposal form's widget is not the map's"
    assert {name.split("/")[0] for name in files} == {"leaflet", "leaflet.markercluster", "topojson-client",
                                                       "world-atlas"}
    for package in ("leaflet", "leaflet.markercluster", "topojson-client", "world-atlas"):
        assert f"{package}/{LICENSE_FILES[package]}" in files
    assert "world-atlas/countries-110m.json" in files and "leaflet/leaflet.js" in files


@pytest.mark.parametrize("mode", [SELF, CDN])
@pytest.mark.parametrize("base", [DEFAULT_BASE_URL, "/p/app/static/vendor/"])
def test_asset_urls(mode, base):
    for asset in ASSETS:
        url = asset.url(mode, base)
        if mode == CDN:
            assert url == f"https://cdn.jsdelivr.net/npm/{asset.package}@{asset.version}/{asset.source}"
        else:
            assert url == f"{base.rstrip('/')}/{asset.package}/{Path(asset.source).name}"


# --- settings ----------------------------------------------------------------------------


def test_map_settings_defaults():
    settings = load_settings(environ={})
    assert settings.assets == "self"
    assert settings.asset_base_url == "/app/static/vendor"
    assert settings.tiles_url == DEFAULT_TILES_URL == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert settings.map_tiles == DEFAULT_TILES_URL
    assert settings.tiles_attribution == DEFAULT_TILES_ATTRIBUTION
    assert "OpenStreetMap" in settings.tiles_attribution
    assert settings.basemap is True


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({"SPEAKOUT_ASSETS": "CDN"}, {"assets": "cdn"}),
        ({"SPEAKOUT_ASSET_BASE_URL": "/map/app/static/vendor/"}, {"asset_base_url": "/map/app/static/vendor"}),
        ({"SPEAKOUT_TILES_URL": "none"}, {"map_tiles": None}),
        ({"SPEAKOUT_TILES_URL": "None"}, {"map_tiles": None}),
        ({"SPEAKOUT_TILES_URL": ""}, {"map_tiles": None}),
        ({"SPEAKOUT_TILES_URL": "off"}, {"map_tiles": None}),
        ({"SPEAKOUT_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png", "SPEAKOUT_TILES_ATTRIBUTION": "© Ex"},
         {"map_tiles": "https://tiles.example.org/{z}/{x}/{y}.png", "tiles_attribution": "© Ex"}),
        ({"SPEAKOUT_TILES_URL": "/tiles/{z}/{x}/{y}.png"}, {"map_tiles": "/tiles/{z}/{x}/{y}.png"}),
        ({"SPEAKOUT_BASEMAP": "false"}, {"basemap": False}),
        ({"SPEAKOUT_BASEMAP": "0"}, {"basemap": False}),
        ({"SPEAKOUT_BASEMAP": "yes"}, {"basemap": True}),
    ],
)
def test_map_settings_from_the_environment(environ, expected):
    settings = load_settings(environ=environ)
    for name, value in expected.items():
        assert getattr(settings, name) == value


def test_map_settings_from_secrets_and_environment_wins():
    secrets = {"speakout": {"assets": "cdn", "basemap": False, "tiles_url": "none"}}
    settings = load_settings(environ={}, secrets=secrets)
    assert (settings.assets, settings.basemap, settings.map_tiles) == ("cdn", False, None)
    settings = load_settings(environ={"SPEAKOUT_ASSETS": "self", "SPEAKOUT_BASEMAP": "1"}, secrets=secrets)
    assert (settings.assets, settings.basemap) == ("self", True)


@pytest.mark.parametrize(
    "environ, needle",
    [
        ({"SPEAKOUT_ASSETS": "local"}, "setting assets must be"),
        ({"SPEAKOUT_ASSET_BASE_URL": "static/vendor"}, "asset_base_url"),
        ({"SPEAKOUT_ASSET_BASE_URL": '/x"><script>'}, "asset_base_url"),
        ({"SPEAKOUT_TILES_URL": "ftp://tiles.example.org/{z}/{x}/{y}.png"}, "tiles_url"),
        ({"SPEAKOUT_TILES_URL": "https://t.example/{z}/{x}/{y}.png?a=\"b"}, "tiles_url"),
        ({"SPEAKOUT_TILES_URL": "https://t.example/{{7*7}}/{z}/{x}/{y}.png"}, "tiles_url"),
        ({"SPEAKOUT_TILES_ATTRIBUTION": "{% if 1 %}x{% endif %}"}, "tiles_attribution"),
        ({"SPEAKOUT_TILES_ATTRIBUTION": "  "}, "tiles_attribution"),
        ({"SPEAKOUT_BASEMAP": "maybe"}, "SPEAKOUT_BASEMAP must be true or false"),
    ],
)
def test_bad_map_settings(environ, needle):
    with pytest.raises(SettingsError) as info:
        load_settings(environ=environ)
    assert needle in str(info.value)


def test_empty_attribution_is_fine_without_tiles():
    settings = load_settings(environ={"SPEAKOUT_TILES_URL": "none", "SPEAKOUT_TILES_ATTRIBUTION": ""})
    assert settings.map_tiles is None


# --- missing files -----------------------------------------------------------------------


def _fill(static_dir: Path, skip: str | None = None, empty: str | None = None) -> None:
    for relative in vendor_files():
        if relative == skip:
            continue
        path = static_dir / "vendor" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"" if relative == empty else b"x")


def test_vendor_files_cover_every_asset_and_licence():
    files = vendor_files()
    assert "leaflet/leaflet.js" in files and "leaflet/leaflet.css" in files
    assert "leaflet.markercluster/leaflet.markercluster.js" in files
    assert "leaflet.markercluster/MarkerCluster.css" in files and "leaflet.markercluster/MarkerCluster.Default.css" in files
    assert "topojson-client/topojson-client.min.js" in files and "world-atlas/countries-110m.json" in files
    assert "leaflet/LICENSE" in files and "world-atlas/LICENSE" in files
    assert len(files) == len(set(files)) == len(ASSETS) + len(LICENSE_FILES)


@pytest.mark.parametrize(
    "skip, empty, expected",
    [
        (None, None, []),
        ("leaflet/leaflet.js", None, ["vendor/leaflet/leaflet.js"]),
        (None, "world-atlas/countries-110m.json", ["vendor/world-atlas/countries-110m.json"]),
        ("leaflet.markercluster/MarkerCluster.Default.css", None, ["vendor/leaflet.markercluster/MarkerCluster.Default.css"]),
    ],
)
def test_missing_files(skip, empty, expected, tmp_path):
    _fill(tmp_path, skip=skip, empty=empty)
    assert missing_files(tmp_path) == expected


def test_missing_files_of_an_empty_or_absent_folder(tmp_path):
    assert missing_files(tmp_path) == [f"vendor/{f}" for f in vendor_files()]
    assert missing_files(tmp_path / "nowhere") == [f"vendor/{f}" for f in vendor_files()]


def test_missing_files_message_says_how_to_fix_it(tmp_path):
    message = missing_files_message(missing_files(tmp_path), tmp_path)
    assert "`make install`" in message
    assert "SPEAKOUT_ASSETS=cdn" in message
    assert "vendor/leaflet/leaflet.js" in message and "more" in message
    assert str(tmp_path) in message


# --- copying from node_modules ------------------------------------------------------------


def fake_node_modules(root: Path, versions: dict[str, str] | None = None, drop: str | None = None) -> Path:
    modules = root / "node_modules"
    for package, version in (versions or VERSIONS).items():
        (modules / package).mkdir(parents=True, exist_ok=True)
        (modules / package / "package.json").write_text(json.dumps({"name": package, "version": version}))
        (modules / package / LICENSE_FILES[package]).write_text(f"licence of {package}")
    for asset in ASSETS:
        if asset.source == drop:
            continue
        path = modules / asset.package / asset.source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"/* {asset.package} {asset.source} */")
    return modules


def test_copy_assets_copies_exactly_the_needed_files(tmp_path):
    modules = fake_node_modules(tmp_path)
    (modules / "leaflet" / "dist" / "leaflet-src.js").write_text("not needed")
    static = tmp_path / "static"
    (static / "vendor" / "old").mkdir(parents=True)
    (static / "vendor" / "old" / "stale.js").write_text("stale")
    (static / "mine.txt").write_text("someone else's file")
    copied = copy_assets(modules, static)
    assert sorted(p.relative_to(static / "vendor").as_posix() for p in copied) == sorted(vendor_files())
    assert missing_files(static) == []
    assert not (static / "vendor" / "old").exists()
    assert not (static / "vendor" / "leaflet" / "leaflet-src.js").exists()
    assert (static / "mine.txt").read_text() == "someone else's file"
    assert (static / "vendor" / "leaflet" / "leaflet.js").read_text() == "/* leaflet dist/leaflet.js */"
    assert not (static / "vendor.new").exists()


@pytest.mark.parametrize(
    "versions, drop, needle",
    [
        ({**VERSIONS, "leaflet": "1.9.3"}, None, "leaflet 1.9.4 (found 1.9.3)"),
        ({k: v for k, v in VERSIONS.items() if k != "world-atlas"}, None, "world-atlas 2.0.2 (found nothing)"),
        (None, "dist/MarkerCluster.css", "MarkerCluster.css is missing"),
    ],
)
def test_copy_assets_refuses_missing_or_wrong_packages(versions, drop, needle, tmp_path):
    modules = fake_node_modules(tmp_path, versions, drop)
    static = tmp_path / "static"
    with pytest.raises(AssetsMissingError) as info:
        copy_assets(modules, static)
    assert needle in str(info.value)
    assert "npm ci" in str(info.value)
    assert not (static / "vendor").exists()


def test_command_line_copy_and_check(tmp_path, capsys):
    static = tmp_path / "static"
    assert assets.main(["check", "--static-dir", str(static)]) == 1
    assert "make install" in capsys.readouterr().err
    assert assets.main(["copy", "--node-modules", str(tmp_path / "none"), "--static-dir", str(static)]) == 1
    assert "npm ci" in capsys.readouterr().err
    modules = fake_node_modules(tmp_path)
    assert assets.main(["copy", "--node-modules", str(modules), "--static-dir", str(static)]) == 0
    assert f"copied {len(vendor_files())} files" in capsys.readouterr().out
    assert assets.main(["check", "--static-dir", str(static)]) == 0


def test_assets_module_does_not_import_streamlit():
    code = "import sys, speakout_map.maps.assets, speakout_map.settings; sys.exit(1 if 'streamlit' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- the installed layout, as make install leaves it -----------------------------------------


@needs_install
def test_installed_files_are_the_pinned_packages():
    vendor = STATIC_DIR / "vendor"
    leaflet = (vendor / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    assert f"Leaflet {VERSIONS['leaflet']}" in leaflet[:300]
    assert "L.MarkerClusterGroup" in (vendor / "leaflet.markercluster" / "leaflet.markercluster.js").read_text()
    assert "topojson" in (vendor / "topojson-client" / "topojson-client.min.js").read_text()[:400]
    assert ".leaflet-pane" in (vendor / "leaflet" / "leaflet.css").read_text()
    assert ".marker-cluster" in (vendor / "leaflet.markercluster" / "MarkerCluster.Default.css").read_text()
    world = json.loads((vendor / "world-atlas" / "countries-110m.json").read_text())
    assert world["type"] == "Topology"
    assert len(world["objects"][assets.COUNTRIES_OBJECT]["geometries"]) == 177
    # small: what a phone downloads once for the whole map (the proposal form's widget is not part of it)
    total = sum((vendor / a.target).stat().st_size for a in ASSETS if a.name != assets.CHALLENGE_ASSET)
    assert total < 400_000, total
    assert "altcha-widget" in (vendor / "altcha" / "altcha.min.js").read_text(encoding="utf-8")


@needs_install
def test_installed_files_are_copies_of_node_modules():
    modules = assets.NODE_MODULES
    if not modules.is_dir():
        pytest.skip("node_modules is gone (only static/vendor is needed to run)")
    for asset in ASSETS:
        assert (STATIC_DIR / "vendor" / asset.target).read_bytes() == (modules / asset.package / asset.source).read_bytes()


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)


@pytest.mark.skipif(shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists(), reason="not a git checkout")
def test_vendored_files_are_never_committed():
    for path in ("static/vendor/leaflet/leaflet.js", "node_modules/leaflet/package.json"):
        assert _git("check-ignore", "-q", path).returncode == 0, f"{path} is not git-ignored"
    assert _git("ls-files", "static/vendor", "node_modules").stdout.strip() == ""
    assert _git("check-ignore", "-q", "package-lock.json").returncode == 1


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", ["install", "test", "run"])
def test_makefile_installs_the_assets_before_running(target):
    """A dry run (-n) of every target from scratch (-B) runs npm ci, then copies, before it runs anything."""
    result = subprocess.run(["make", "-n", "-B", target], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    npm = next(i for i, line in enumerate(lines) if "npm ci" in line)
    copy = next(i for i, line in enumerate(lines) if "-m speakout_map.maps.assets copy" in line)
    assert npm < copy
    assert "--ignore-scripts" in lines[npm]
    last = {"install": "build-index", "test": "pytest", "run": "streamlit run"}[target]
    assert copy < next(i for i, line in enumerate(lines) if last in line)


def test_makefile_reruns_npm_only_when_the_lock_changes():
    text = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    stamp = re.search(r"^NPM_STAMP := (\S+)$", text, re.M).group(1)
    assert re.search(r"^\$\(NPM_STAMP\): package\.json package-lock\.json$", text, re.M)
    assert stamp.startswith("node_modules/")


# --- Streamlit serves them ----------------------------------------------------------------------


def test_streamlit_static_serving_is_on():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True
    assert STATIC_DIR == APP.parent / "static"


def _asgi_get(app, path: str) -> tuple[int, dict[str, str], bytes]:
    """One GET through an ASGI app, without an HTTP client library."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"", "headers": [],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8501),
    }
    sent: list[dict] = []

    async def run() -> None:
        done = asyncio.Event()
        requested = False

        async def receive():
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()  # the client hangs up once the whole answer is in
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                done.set()

        await asyncio.wait_for(app(scope, receive, send), timeout=30)

    # In a thread of its own: another test's browser (Playwright's sync API) may own this thread's loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result(timeout=60)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, body


@needs_install
@pytest.mark.parametrize(
    "target, types",
    [
        ("leaflet/leaflet.js", ("text/javascript", "application/javascript")),
        ("leaflet.markercluster/leaflet.markercluster.js", ("text/javascript", "application/javascript")),
        ("topojson-client/topojson-client.min.js", ("text/javascript", "application/javascript")),
        ("leaflet/leaflet.css", ("text/css",)),
        ("leaflet.markercluster/MarkerCluster.css", ("text/css",)),
        ("world-atlas/countries-110m.json", ("application/json",)),
    ],
)
def test_streamlit_serves_them_with_the_right_content_type(target, types):
    """Streamlit's own static route (as `streamlit run app.py` mounts it) answers with types browsers accept."""
    routes = pytest.importorskip("streamlit.web.server.starlette.starlette_routes")
    from starlette.applications import Starlette

    app = Starlette(routes=routes.create_app_static_serving_routes(str(APP), None))
    status, headers, body = _asgi_get(app, f"{DEFAULT_BASE_URL}/{target}")
    assert status == 200
    assert headers["content-type"].split(";")[0] in types
    assert headers.get("x-content-type-options") == "nosniff"  # so the type must be right
    assert body == (STATIC_DIR / "vendor" / target).read_bytes()


# --- Subresource Integrity of cdn mode ----------------------------------------------------


def _installed_file(asset) -> Path:
    path = assets.NODE_MODULES / asset.package / asset.source
    if not path.is_file():
        pytest.skip(f"{path} is not installed; run `make install` (make test does it first)")
    return path


@pytest.mark.parametrize("asset", assets.ASSETS, ids=lambda a: a.name)
def test_pinned_integrity_is_the_sha384_of_the_installed_file(asset):
    """The npm tarball's files are the bytes the CDN serves for that version."""
    assert asset.integrity.startswith("sha384-")
    assert asset.integrity == assets.file_integrity(_installed_file(asset))


def test_file_integrity_is_sha384_in_base64(tmp_path):
    path = tmp_path / "f.js"
    path.write_bytes(b"alert(1)")
    assert assets.file_integrity(path) == (
        "sha384-" + base64.b64encode(hashlib.sha384(b"alert(1)").digest()).decode())


@pytest.mark.parametrize("asset", assets.ASSETS, ids=lambda a: a.name)
def test_integrity_is_given_for_cdn_addresses_only(asset):
    assert assets.integrity_of(asset.url("cdn")) == asset.integrity
    assert assets.integrity_of(asset.url("self")) is None
    assert assets.integrity_of(asset.url("self", "https://static.example.org/vendor")) is None
    other_version = asset.url("cdn").replace(f"@{asset.version}/", "@0.0.1/")
    assert assets.integrity_of(other_version) is None


def test_integrity_command_prints_the_hashes_to_pin(capsys):
    for asset in assets.ASSETS:
        _installed_file(asset)
    assert assets.main(["integrity"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{a.name} {a.integrity}" for a in assets.ASSETS]
