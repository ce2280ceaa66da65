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
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from pathlib import Path

from speakout_map.maps import assets as _assets
from speakout_map.organisers import clients as _clients
from speakout_map.web import csp as _csp
from speakout_map.errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "SPEAKOUT_"
SECRETS_TABLE = "speakout"

#: OpenStreetMap's standard tiles and the attribution their licence requires.
DEFAULT_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILES_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
#: ``tiles_url`` values that turn the tiles off.
TILES_OFF = frozenset({"", "none", "off", "false"})


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
    #: Minutes without activity after which an organiser is signed out.
    organiser_session_minutes: float = 120.0
    #: Where sign-in limits find a client's address: none (sessions only), connection, or forwarded (X-Forwarded-For).
    organiser_client_address: str = _clients.ADDRESS_NONE
    #: Largest upload accepted, in megabytes.
    max_upload_mb: float = 5.0
    #: Where the browser gets Leaflet & co.: "self" (served by this app from static/vendor) or "cdn" (jsDelivr).
    assets: str = _assets.SELF
    #: Address of the served vendor folder in "self" mode (put a proxy's path prefix in front).
    asset_base_url: str = _assets.DEFAULT_BASE_URL
    #: Tile URL template ({z}/{x}/{y}); "none" turns the tiles off.
    tiles_url: str = DEFAULT_TILES_URL
    #: The tiles' attribution (HTML, shown on the map; trusted operator text).
    tiles_attribution: str = DEFAULT_TILES_ATTRIBUTION
    #: Draw Natural Earth country outlines under the tiles, so the map is readable without a tile server.
    basemap: bool = True
    #: The campaign's name (page titles, the browser tab, the map heading, the calendar's name).
    campaign_name: str = "Speak Out For Russia"
    #: One line under the map heading.
    campaign_tagline: str = "Events around the world in solidarity with the oppressed minorities of Russia"
    #: The day(s) of action, ISO dates, comma-separated (the pasted announcement's year comes from here).
    campaign_dates: str = "2013-09-03"
    #: The organisations behind the campaign: "Name | https://link; Other name; ..." (links optional).
    campaign_partners: str = "All Out; Truth Wins Out; GLAAD; Human Rights Campaign; Peter Tatchell Foundation"
    #: Where organisers' materials (posters) are kept: empty for the event store's database, or a folder.
    materials_dir: str = ""
    #: Largest material (poster, leaflet) accepted, in megabytes.
    max_material_mb: float = 10.0
    #: Most proposals waiting for review at once; the form refuses more until organisers decide some.
    proposals_max_pending: int = 200
    #: Fewest seconds between opening the proposal form and sending it (faster is a bot).
    proposal_min_seconds: float = 5.0
    #: Ask the proposal form's senders for a self-hosted proof-of-work (ALTCHA) before sending.
    proposal_challenge: bool = False
    #: How hard that proof-of-work is (the largest number a browser may have to try).
    proposal_challenge_max_number: int = 5_000
    #: Which sites may show the light embed (/embed) in a frame: * for any, or sites such as https://allout.org.
    embed_frame_ancestors: str = _csp.FRAME_ANY
    #: The app's public address (https://map.example.org/campaign): the static export's links back to the app,
    #: and the share page's addresses when the browser's is unknown. Empty: the static export has no such links.
    public_url: str = ""

    @property
    def map_tiles(self) -> str | None:
        """The tile URL template, or None when the tiles are off."""
        return None if self.tiles_url.strip().lower() in TILES_OFF else self.tiles_url

    @property
    def max_upload_bytes(self) -> int:
        """``max_upload_mb`` in bytes, as the readers take it."""
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def organiser_email_list(self) -> frozenset[str]:
        return frozenset(e.strip().lower() for e in self.organiser_emails.split(",") if e.strip())

    @property
    def organiser_session_timeout(self) -> timedelta:
        """``organiser_session_minutes`` as a duration."""
        return timedelta(minutes=self.organiser_session_minutes)


#: ``user:password@`` of an address (up to its last @: a raw @ may be inside the password).
_CREDENTIALS = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?.*@", re.DOTALL)
#: A query parameter's value (API keys and tokens live there).
_QUERY_VALUE = re.compile(r"([?&][^=&#]*=)[^&#]*")


def shown_value(raw: object) -> str:
    """A setting's value as error messages show it: its repr, credentials and query values as ``***``.

    Messages name the bad value so the operator can find it, but a value may
    hold a password (``user:password@host``) or a key (``?apikey=...``).
    """
    if not isinstance(raw, str):
        return repr(raw)
    text = _CREDENTIALS.sub(lambda m: f"{m['scheme'] or ''}***@", raw, count=1)
    return repr(_QUERY_VALUE.sub(r"\1***", text))


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
        raise SettingsError(f"setting {name} must be true or false, not {shown_value(raw)}")
    if kind is float:
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise SettingsError(f"setting {name} must be a number, not {shown_value(raw)}") from None
        if value < 0:
            raise SettingsError(f"setting {name} must not be negative, not {shown_value(raw)}")
        return value
    if kind is int:
        try:
            value = int(str(raw).strip()) if not isinstance(raw, int) or isinstance(raw, bool) else raw
        except ValueError:
            raise SettingsError(f"setting {name} must be a whole number, not {shown_value(raw)}") from None
        if isinstance(raw, bool) or value < 0:
            raise SettingsError(f"setting {name} must be a whole number, 0 or more, not {shown_value(raw)}")
        return value
    if kind is Path:
        return Path(str(raw)).expanduser()
    return str(raw).strip()


_KINDS = {"bool": bool, "float": float, "int": int, "Path": Path, "str": str}


def load_settings(
    environ: Mapping[str, str] | None = None,
    secrets: Mapping[str, object] | None = None,
    *,
    base_url_path: str = "",
) -> Settings:
    """Build settings from the environment and an optional secrets mapping.

    ``base_url_path`` is the path the app is served under (Streamlit's
    ``server.baseUrlPath``); unless ``asset_base_url`` is set, the map's browser
    files are then looked for under that path too.
    """
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
    prefix = base_url_path.strip().strip("/")
    if prefix and "asset_base_url" not in values:
        values["asset_base_url"] = f"/{prefix}{_assets.DEFAULT_BASE_URL}"
    settings = Settings(**values)
    if settings.geocoder_scheme not in ("", "http", "https"):
        raise SettingsError(f"setting geocoder_scheme must be http or https, not {shown_value(settings.geocoder_scheme)}")
    if not settings.geocoder_user_agent:
        raise SettingsError("setting geocoder_user_agent must not be empty; online services require one")
    if settings.organiser_session_minutes <= 0:
        raise SettingsError("setting organiser_session_minutes must be more than 0 (the default is 120)")
    if settings.proposals_max_pending < 1:
        raise SettingsError("setting proposals_max_pending must be at least 1 (the default is 200)")
    ancestors = _csp.check_frame_ancestors(settings.embed_frame_ancestors)
    public_url = check_public_url(settings.public_url)
    if (ancestors, public_url) != (settings.embed_frame_ancestors, settings.public_url):
        settings = replace(settings, embed_frame_ancestors=ancestors, public_url=public_url)
    address_mode = _clients.check_address_mode(settings.organiser_client_address)
    if address_mode != settings.organiser_client_address:
        settings = replace(settings, organiser_client_address=address_mode)
    return _check_map_settings(settings)


def check_public_url(url: str) -> str:
    """The app's public address without a trailing slash ("" stays ""), if it is an http(s) URL with no query."""
    text = str(url).strip()
    if not text:
        return ""
    lowered = text.lower()
    host = text.split("://", 1)[-1].split("/", 1)[0] if "://" in text else ""
    if (not lowered.startswith(("https://", "http://")) or not host or "?" in text or "#" in text
            or any(ch in _TILE_URL_FORBIDDEN or ord(ch) < 32 or ch in "{}" for ch in text)):
        raise SettingsError("setting public_url must be the app's address as visitors open it, like "
                            f"https://map.example.org or https://example.org/campaign; got {shown_value(url)}")
    return text.rstrip("/")


_JINJA_MARKERS = ("{{", "{%", "{#")
_TILE_URL_FORBIDDEN = set(" \t\r\n\"'<>`\\")


def _check_map_settings(settings: Settings) -> Settings:
    """Normalise and check the map's settings (the map refuses them again, in maps.build.build_map)."""
    mode = _assets.check_mode(settings.assets)
    base_url = _assets.check_base_url(settings.asset_base_url)
    tiles = settings.map_tiles
    if tiles is not None:
        if not tiles.lower().startswith(("https://", "http://", "/")) or any(
            ch in _TILE_URL_FORBIDDEN or ord(ch) < 32 for ch in tiles
        ):
            raise SettingsError(
                "setting tiles_url must be a tile URL template such as "
                f"{DEFAULT_TILES_URL} (or none to turn the tiles off); got {shown_value(settings.tiles_url)}"
            )
        if not settings.tiles_attribution.strip():
            raise SettingsError("setting tiles_attribution must not be empty while tiles_url is set; "
                                "tile providers require their attribution")
    for name in ("tiles_url", "tiles_attribution"):
        value = getattr(settings, name)
        if any(marker in value for marker in _JINJA_MARKERS):
            raise SettingsError(f"setting {name} must not contain {{{{, {{% or {{#; got {shown_value(value)}")
    if (mode, base_url) != (settings.assets, settings.asset_base_url):
        settings = replace(settings, assets=mode, asset_base_url=base_url)
    return settings
