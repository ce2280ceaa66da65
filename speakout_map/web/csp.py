"""The light embed's Content-Security-Policy: who may frame it, and the only hosts its page may reach.

A partner site frames ``/embed``; the policy's ``frame-ancestors`` says which
sites may (the ``embed_frame_ancestors`` setting, :func:`check_frame_ancestors`:
any by default, since embedding anywhere is the point). The rest of the
policy is the embed's promise to its visitors: scripts, styles and the
country outlines come from this app (or, in "cdn" mode, the pinned CDN), and
images only from here and the tile server, so nothing in the page can reach
any other host, whatever an event's text holds. Folium writes its map as
inline script and style, so those need ``'unsafe-inline'``; event text never
reaches them as markup (:mod:`speakout_map.maps.inline`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from speakout_map.errors import SettingsError
from speakout_map.maps import assets as asset_files

#: Any site may frame the embed (the default).
FRAME_ANY = "*"
#: The keywords a frame-ancestors list may hold besides hosts.
_KEYWORDS = ("'self'", "'none'")
#: One host source: an optional scheme, a host (its first label may be ``*``), an optional port and path.
_HOST_SOURCE = re.compile(
    r"(?:(?P<scheme>https?)://)?(?P<host>(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::(?:\d{1,5}|\*))?(?:/[A-Za-z0-9._~%!$&()*+=:@/-]*)?"
)
_SCHEME_SOURCE = re.compile(r"https?:")


def check_frame_ancestors(text: str) -> str:
    """The setting's sources, checked and joined by single spaces; SettingsError saying what to write.

    ``*`` (any site), ``'self'``, ``'none'`` (no site may frame it), ``https:``
    or hosts such as ``https://allout.org`` and ``https://*.example.org``,
    separated by spaces or commas. ``'none'`` stands alone.
    """
    sources = [part for part in re.split(r"[\s,]+", str(text).strip()) if part]
    if not sources:
        raise SettingsError("setting embed_frame_ancestors is empty; write * to let any site embed the map, "
                            "or the sites that may, e.g. https://allout.org https://*.example.org")
    for source in sources:
        bare = source.strip("'").lower()
        if f"'{bare}'" in _KEYWORDS and source.lower() != f"'{bare}'":
            raise SettingsError(f"setting embed_frame_ancestors: write {bare} with its single quotes, '{bare}'")
        if source == FRAME_ANY or source.lower() in _KEYWORDS or _SCHEME_SOURCE.fullmatch(source.lower()):
            continue
        if not _HOST_SOURCE.fullmatch(source):
            raise SettingsError(
                f"setting embed_frame_ancestors: {source[:80]!r} is not a site; write sites like "
                "https://allout.org or https://*.example.org (separated by spaces), * for any, 'none' for none"
            )
    lowered = [source.lower() for source in sources]
    if "'none'" in lowered and len(sources) > 1:
        raise SettingsError("setting embed_frame_ancestors: 'none' (no site may embed the map) must stand alone")
    return " ".join(source.lower() if source.lower() in _KEYWORDS else source for source in sources)


def _origin(url: str) -> str | None:
    """``https://host[:port]`` of an absolute http(s) URL, None for a path."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.rsplit('@', 1)[-1]}"


def tile_source(tiles_url: str | None) -> str | None:
    """The CSP source of a tile URL template: its origin, ``{s}`` as a ``*.`` wildcard; None without tiles."""
    if not tiles_url:
        return None
    if tiles_url.startswith("/") and not tiles_url.startswith("//"):
        return "'self'"
    host_part = tiles_url.split("://", 1)[-1].split("/", 1)[0]
    scheme = tiles_url.split("://", 1)[0].lower()
    if host_part.startswith("{s}."):
        host_part = "*." + host_part[4:]
    if "{" in host_part or "}" in host_part:  # a template in another place of the host: the scheme is all we can say
        return f"{scheme}:"
    return f"{scheme}://{host_part}"


def page_policy(*, frame_ancestors: str, tiles_url: str | None, assets: str, asset_base_url: str) -> str:
    """The embed page's Content-Security-Policy header value.

    ``frame_ancestors`` is :func:`check_frame_ancestors`'s; ``tiles_url`` the
    template (None: no tiles, so no image host beyond this app); ``assets``
    and ``asset_base_url`` say where scripts, styles and the outlines come from.
    """
    code = ["'self'"]
    if asset_files.check_mode(assets) == asset_files.CDN:
        code.append(asset_files.CDN_BASE_URL.rsplit("/", 1)[0])
    else:
        origin = _origin(asset_base_url)
        if origin is not None:
            code.append(origin)
    images = ["'self'", "data:"]
    tiles = tile_source(tiles_url)
    if tiles is not None and tiles not in images:
        images.append(tiles)
    scripts = " ".join(code)
    return "; ".join([
        "default-src 'none'",
        f"script-src {scripts} 'unsafe-inline'",
        f"style-src {scripts} 'unsafe-inline'",
        f"img-src {' '.join(images)}",
        f"connect-src {scripts}",
        f"frame-ancestors {frame_ancestors}",
        "base-uri 'none'",
        "form-action 'none'",
    ])
