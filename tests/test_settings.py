"""Settings: defaults need nothing; environment beats secrets; bad values are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from speakout_map.errors import SettingsError
from speakout_map.settings import PROJECT_ROOT, Settings, load_settings, shown_value


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
        ({"SPEAKOUT_PROPOSALS_MAX_PENDING": "lots"}, "must be a whole number"),
        ({"SPEAKOUT_PROPOSALS_MAX_PENDING": "2.5"}, "must be a whole number"),
        ({"SPEAKOUT_PROPOSALS_MAX_PENDING": "-3"}, "0 or more"),
        ({"SPEAKOUT_PROPOSALS_MAX_PENDING": "0"}, "must be at least 1"),
        ({"SPEAKOUT_PROPOSAL_CHALLENGE": "perhaps"}, "must be true or false"),
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


# --- organiser sessions and sign-in clients (issue 8, points 7 and 10) ----------------------


def test_organiser_sessions_end_after_two_idle_hours_by_default():
    settings = load_settings(environ={})
    assert settings.organiser_session_minutes == 120
    assert settings.organiser_session_timeout.total_seconds() == 120 * 60
    assert settings.organiser_client_address == "none"


@pytest.mark.parametrize(("environ", "minutes", "address"), [
    ({"SPEAKOUT_ORGANISER_SESSION_MINUTES": "15"}, 15, "none"),
    ({"SPEAKOUT_ORGANISER_SESSION_MINUTES": "0.5"}, 0.5, "none"),
    ({"SPEAKOUT_ORGANISER_CLIENT_ADDRESS": "Forwarded"}, 120, "forwarded"),
    ({"SPEAKOUT_ORGANISER_CLIENT_ADDRESS": "connection"}, 120, "connection"),
])
def test_organiser_session_and_client_settings(environ, minutes, address):
    settings = load_settings(environ=environ)
    assert (settings.organiser_session_minutes, settings.organiser_client_address) == (minutes, address)


@pytest.mark.parametrize(("environ", "needle"), [
    ({"SPEAKOUT_ORGANISER_SESSION_MINUTES": "0"}, "organiser_session_minutes must be more than 0"),
    ({"SPEAKOUT_ORGANISER_SESSION_MINUTES": "-5"}, "must not be negative"),
    ({"SPEAKOUT_ORGANISER_SESSION_MINUTES": "soon"}, "must be a number"),
    ({"SPEAKOUT_ORGANISER_CLIENT_ADDRESS": "proxy"}, "organiser_client_address must be one of"),
])
def test_bad_organiser_session_and_client_settings(environ, needle):
    with pytest.raises(SettingsError, match=needle):
        load_settings(environ=environ)


# --- error messages never show a secret ------------------------------------------------------

SECRET = "S3cr3tPassw0rd"


@pytest.mark.parametrize(
    ("environ", "needle"),
    [
        ({"SPEAKOUT_TILES_URL": f"ftp://tiles.example/{{z}}/{{x}}/{{y}}.png?apikey={SECRET}"}, "must be a tile URL"),
        ({"SPEAKOUT_TILES_URL": f"https://me:{SECRET}@tiles.example/{{z}}/{{x}}/{{y}} .png"}, "must be a tile URL"),
        ({"SPEAKOUT_TILES_URL": f"https://me:S3cr3t@Passw0rd@tiles.example/{{{{z}}}}"}, "must not contain"),
        ({"SPEAKOUT_TILES_URL": f"https://t.example/{{{{z}}}}?key=1&token={SECRET}"}, "must not contain"),
        ({"SPEAKOUT_GEOCODER_SCHEME": f"ftp://me:{SECRET}@x"}, "must be http or https"),
        ({"SPEAKOUT_GEOCODER_TIMEOUT": f"https://me:{SECRET}@x"}, "must be a number"),
    ],
)
def test_bad_values_never_show_a_secret(environ, needle):
    with pytest.raises(SettingsError) as info:
        load_settings(environ=environ)
    assert needle in str(info.value)
    assert SECRET not in str(info.value) and "Passw0rd" not in str(info.value)
    assert "***" in str(info.value)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("lots", "'lots'"),
        ("https://tiles.example/{z}/{x}/{y}.png", "'https://tiles.example/{z}/{x}/{y}.png'"),
        (f"https://me:{SECRET}@tiles.example/a", "'https://***@tiles.example/a'"),
        (f"me:{SECRET}@db/events", "'***@db/events'"),
        (f"https://me:S3cr3t@Pass/w0rd@tiles.example/a", "'https://***@tiles.example/a'"),
        (f"https://t.example/a?apikey={SECRET}&x=1", "'https://t.example/a?apikey=***&x=***'"),
        (3.5, "3.5"),
    ],
)
def test_shown_value_masks_credentials(raw, shown):
    assert shown_value(raw) == shown


@pytest.mark.parametrize(
    ("environ", "secrets", "expected"),
    [
        ({}, {}, (200, 5.0, False, 5_000)),
        ({"SPEAKOUT_PROPOSALS_MAX_PENDING": " 40 ", "SPEAKOUT_PROPOSAL_MIN_SECONDS": "2.5"}, {}, (40, 2.5, False, 5_000)),
        ({}, {"speakout": {"proposals_max_pending": 7, "proposal_challenge": True,
                           "proposal_challenge_max_number": 1000}}, (7, 5.0, True, 1000)),
    ],
)
def test_the_proposal_forms_settings(environ, secrets, expected):
    s = load_settings(environ=environ, secrets=secrets)
    assert (s.proposals_max_pending, s.proposal_min_seconds, s.proposal_challenge,
            s.proposal_challenge_max_number) == expected


@pytest.mark.parametrize(
    ("environ", "ancestors", "public_url"),
    [
        ({}, "*", ""),
        ({"SPEAKOUT_EMBED_FRAME_ANCESTORS": "https://allout.org, https://*.glaad.org"},
         "https://allout.org https://*.glaad.org", ""),
        ({"SPEAKOUT_EMBED_FRAME_ANCESTORS": "'SELF'"}, "'self'", ""),
        ({"SPEAKOUT_PUBLIC_URL": "https://map.example.org/campaign/"}, "*", "https://map.example.org/campaign"),
        ({"SPEAKOUT_PUBLIC_URL": " http://127.0.0.1:8501 "}, "*", "http://127.0.0.1:8501"),
    ],
)
def test_the_embeds_settings(environ, ancestors, public_url):
    settings = load_settings(environ=environ)
    assert (settings.embed_frame_ancestors, settings.public_url) == (ancestors, public_url)


@pytest.mark.parametrize(
    ("environ", "needle"),
    [
        ({"SPEAKOUT_EMBED_FRAME_ANCESTORS": "javascript:alert(1)"}, "embed_frame_ancestors"),
        ({"SPEAKOUT_EMBED_FRAME_ANCESTORS": ""}, "embed_frame_ancestors is empty"),
        ({"SPEAKOUT_PUBLIC_URL": "map.example.org"}, "setting public_url"),
        ({"SPEAKOUT_PUBLIC_URL": "https://map.example.org/?a=1"}, "setting public_url"),
        ({"SPEAKOUT_PUBLIC_URL": "javascript:alert(1)"}, "setting public_url"),
        ({"SPEAKOUT_PUBLIC_URL": "https://map.example.org/\"><b>"}, "setting public_url"),
        ({"SPEAKOUT_PUBLIC_URL": "https://"}, "setting public_url"),
    ],
)
def test_bad_embed_settings_say_what_to_write(environ, needle):
    with pytest.raises(SettingsError) as caught:
        load_settings(environ=environ)
    assert needle in str(caught.value)
