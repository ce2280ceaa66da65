"""Settings, read from one place.

Every setting has an environment variable ``SPEAKOUT_<NAME>`` and a key
``<name>`` (lower case) in the ``[speakout]`` table of Streamlit's
``secrets.toml``. The environment wins over secrets, secrets over the
defaults. The defaults need no configuration and no network at all.
Streamlit's own server options (port, XSRF, upload size) live in
``.streamlit/config.toml``.

The library never imports Streamlit: pages pass ``st.secrets`` in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "SPEAKOUT_"
SECRETS_TABLE = "speakout"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "speakout-map"


def default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'speakout.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    """Everything the app and CLI can be configured with."""

    #: SQLAlchemy URL of the event store (an SQLite file by default; PostgreSQL for several servers).
    database_url: str = default_database_url()
    #: The seed events (CSV in the upload format), published as version 1 into an empty store.
    events_file: Path = PROJECT_ROOT / "data" / "events.csv"
    #: Markdown of the host-your-own-event guide.
    guide_file: Path = PROJECT_ROOT / "data" / "guide.md"
    #: Where the gazetteer index and the online geocoding cache are kept.
    cache_dir: Path = default_cache_dir()
    #: Ask an online geocoding service for places the offline gazetteer lacks.
    geocoder_online: bool = False
    #: Any geopy service name (nominatim, photon, arcgis, ...).
    geocoder_service: str = "nominatim"
    #: Host of a self-hosted service, e.g. nominatim.example.org or 127.0.0.1:8080.
    geocoder_domain: str = ""
    #: http or https (empty: the service's default, https).
    geocoder_scheme: str = ""
    #: Identifies the app to the service, as Nominatim's usage policy requires.
    geocoder_user_agent: str = "speakout-map/0.1 (https://github.com/speakout-map)"
    #: Seconds to wait for one answer.
    geocoder_timeout: float = 10.0
    #: Seconds between two requests (Nominatim's policy: at most one a second).
    geocoder_min_delay: float = 1.0
    #: API key for services that need one (left out when empty).
    geocoder_api_key: str = ""
    #: Emails allowed to sign in as organisers through st.login (OIDC), comma-separated.
    organiser_emails: str = ""
    #: Largest upload accepted, in megabytes.
    max_upload_mb: float = 5.0

    @property
    def organiser_email_list(self) -> frozenset[str]:
        return frozenset(e.strip().lower() for e in self.organiser_emails.split(",") if e.strip())


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _convert(name: str, kind: type, raw: object) -> object:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise SettingsError(f"setting {name} must be true or false, not {raw!r}")
    if kind is float:
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise SettingsError(f"setting {name} must be a number, not {raw!r}") from None
        if value < 0:
            raise SettingsError(f"setting {name} must not be negative, not {raw!r}")
        return value
    if kind is Path:
        return Path(str(raw)).expanduser()
    return str(raw).strip()


_KINDS = {"bool": bool, "float": float, "Path": Path, "str": str}


def load_settings(
    environ: Mapping[str, str] | None = None,
    secrets: Mapping[str, object] | None = None,
) -> Settings:
    """Build settings from the environment and an optional secrets mapping."""
    environ = os.environ if environ is None else environ
    table: Mapping[str, object] = {}
    if secrets is not None:
        try:
            found = secrets.get(SECRETS_TABLE) if hasattr(secrets, "get") else None
        except Exception:  # Streamlit raises when no secrets file exists at all
            found = None
        table = found if isinstance(found, Mapping) else {}
    values: dict[str, object] = {}
    for f in fields(Settings):
        kind = _KINDS[f.type if isinstance(f.type, str) else f.type.__name__]
        env_name = ENV_PREFIX + f.name.upper()
        if env_name in environ:
            values[f.name] = _convert(env_name, kind, environ[env_name])
        elif f.name in table:
            values[f.name] = _convert(f"{SECRETS_TABLE}.{f.name}", kind, table[f.name])
    settings = Settings(**values)
    if settings.geocoder_scheme not in ("", "http", "https"):
        raise SettingsError(f"setting geocoder_scheme must be http or https, not {settings.geocoder_scheme!r}")
    if not settings.geocoder_user_agent:
        raise SettingsError("setting geocoder_user_agent must not be empty; online services require one")
    return settings
