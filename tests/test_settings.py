"""Settings: defaults need nothing; environment beats secrets; bad values are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from speakout_map.errors import SettingsError
from speakout_map.settings import PROJECT_ROOT, Settings, load_settings


def test_defaults_need_no_configuration():
    settings = load_settings(environ={}, secrets=None)
    assert settings == Settings()
    assert settings.geocoder_online is False
    assert settings.events_file == PROJECT_ROOT / "data" / "events.csv"
    assert settings.geocoder_user_agent.startswith("speakout-map/")


def test_secrets_table_is_read():
    secrets = {"speakout": {"geocoder_online": True, "geocoder_service": "photon", "geocoder_timeout": 3}}
    settings = load_settings(environ={}, secrets=secrets)
    assert (settings.geocoder_online, settings.geocoder_service, settings.geocoder_timeout) == (True, "photon", 3.0)


def test_environment_wins_over_secrets():
    settings = load_settings(
        environ={"SPEAKOUT_GEOCODER_SERVICE": "nominatim", "SPEAKOUT_CACHE_DIR": "/tmp/x"},
        secrets={"speakout": {"geocoder_service": "photon"}},
    )
    assert settings.geocoder_service == "nominatim"
    assert settings.cache_dir == Path("/tmp/x")


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False), ("", False)])
def test_booleans(raw, expected):
    assert load_settings(environ={"SPEAKOUT_GEOCODER_ONLINE": raw}).geocoder_online is expected


@pytest.mark.parametrize(
    ("environ", "needle"),
    [
        ({"SPEAKOUT_GEOCODER_ONLINE": "maybe"}, "SPEAKOUT_GEOCODER_ONLINE must be true or false"),
        ({"SPEAKOUT_GEOCODER_TIMEOUT": "soon"}, "SPEAKOUT_GEOCODER_TIMEOUT must be a number"),
        ({"SPEAKOUT_GEOCODER_MIN_DELAY": "-1"}, "must not be negative"),
        ({"SPEAKOUT_GEOCODER_SCHEME": "ftp"}, "must be http or https"),
        ({"SPEAKOUT_GEOCODER_USER_AGENT": " "}, "must not be empty"),
    ],
)
def test_bad_values(environ, needle):
    with pytest.raises(SettingsError) as info:
        load_settings(environ=environ)
    assert needle in str(info.value)


class RaisingSecrets:
    def get(self, key):
        raise FileNotFoundError("no secrets.toml")


def test_missing_secrets_file_is_fine():
    assert load_settings(environ={}, secrets=RaisingSecrets()) == Settings()


@pytest.mark.parametrize(
    ("base_url_path", "environ", "expected"),
    [
        ("", {}, "/app/static/vendor"),
        ("map", {}, "/map/app/static/vendor"),
        ("/campaign/map/", {}, "/campaign/map/app/static/vendor"),
        ("  ", {}, "/app/static/vendor"),
        # An asset_base_url that was set wins: the operator knows where the files are.
        ("map", {"SPEAKOUT_ASSET_BASE_URL": "/static-host/vendor"}, "/static-host/vendor"),
        ("map", {"SPEAKOUT_ASSET_BASE_URL": "https://static.example.org/vendor"}, "https://static.example.org/vendor"),
    ],
)
def test_assets_follow_the_apps_base_url_path(base_url_path, environ, expected):
    assert load_settings(environ=environ, secrets={}, base_url_path=base_url_path).asset_base_url == expected


def test_asset_base_url_from_secrets_wins_over_the_base_url_path():
    secrets = {"speakout": {"asset_base_url": "/elsewhere/vendor"}}
    assert load_settings(environ={}, secrets=secrets, base_url_path="map").asset_base_url == "/elsewhere/vendor"


@pytest.mark.parametrize(("mb", "expected"), [(5.0, 5 * 1024 * 1024), (0.5, 512 * 1024), (1, 1024 * 1024)])
def test_max_upload_bytes(mb, expected):
    assert Settings(max_upload_mb=mb).max_upload_bytes == expected
