"""The campaign the map is for: its name, tagline, day(s) of action and partners, from settings.

Nothing campaign-specific lives in code: pages, feeds and the guide read a
:class:`Campaign` made by :func:`campaign_from_settings` (the settings
``campaign_name``, ``campaign_tagline``, ``campaign_dates`` and
``campaign_partners``; their defaults are the seed's campaign, Speak Out For
Russia on 3 September 2013).

The campaign's texts are the operator's words and are shown as written, in
every language; the sentences around them are ours and are translated. The
one exception is the default tagline: while the setting is left at its
default, :attr:`Campaign.tagline_text` is a message (:data:`DEFAULT_TAGLINE`),
so Spanish visitors read it in Spanish.

Every text here is shown as Markdown somewhere (a page title, the guide), so
pages escape the name and tagline with
:func:`~speakout_map.escaping.escape_markdown`; :func:`partners_markdown`
does it for the guide's "who is behind it".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from babel.lists import format_list

from speakout_map.errors import SettingsError
from speakout_map.escaping import escape_markdown
from speakout_map.languages import localising
from speakout_map.languages.message import Text, msg
from speakout_map.languages.translator import Translator
from speakout_map.settings import Settings, shown_value

#: The default tagline, marked for translation; it must stay the ``campaign_tagline`` setting's default.
DEFAULT_TAGLINE = msg("Events around the world in solidarity with the oppressed minorities of Russia")
#: Longest campaign name (it is the heading of every page and the browser tab).
MAX_NAME_CHARS = 120
#: Longest tagline (one line under the map heading).
MAX_TAGLINE_CHARS = 300
#: Longest partner name.
MAX_PARTNER_CHARS = 120

#: Control characters (C0, DEL, C1) and lone surrogates: never part of a one-line setting.
_UNWANTED = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: White space, controls and lone surrogates: never inside a web address as written.
_NOT_IN_ADDRESS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: Characters a Markdown link's target must not hold as they are (they could end the target or the link).
_LINK_UNSAFE = re.compile(r"[()<>\[\]\\`'\"\s]")


@dataclass(frozen=True)
class Partner:
    """An organisation behind the campaign, with its site if the settings give one (an http(s) address)."""

    name: str
    url: str = ""


@dataclass(frozen=True)
class Campaign:
    #: The campaign's name as the operator wrote it (one line, never translated).
    name: str
    #: One line under the map heading, as written in the settings ("" for none).
    tagline: str
    #: The day(s) of action, in order.
    dates: tuple[dt.date, ...]
    partners: tuple[Partner, ...]

    @property
    def year(self) -> int | None:
        """The year of the first day of action (a pasted announcement's dates without a year take it)."""
        return self.dates[0].year if self.dates else None

    @property
    def tagline_text(self) -> Text:
        """The tagline to show: the default's message (translated when shown) while it is unchanged, else as written."""
        return DEFAULT_TAGLINE if self.tagline == DEFAULT_TAGLINE.source else self.tagline


def web_address(url: str) -> str:
    """``url`` if it is a plain http(s) address with a host (no spaces, no controls), else ``""``."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or _NOT_IN_ADDRESS.search(url):
        return ""
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. a bad IPv6 literal or port
        return ""
    return url if host else ""


def one_line(text: str) -> str:
    """A setting's text on one line: control characters dropped, runs of white space as one space, trimmed."""
    return " ".join(_UNWANTED.sub(" ", text).split())


def _check_length(setting: str, text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        raise SettingsError(f"setting {setting} is {len(text)} characters long; {what} must be at most {limit}")
    return text


def parse_name(text: str) -> str:
    """The campaign's name on one line; SettingsError when it is empty or too long."""
    name = one_line(text)
    if not name:
        raise SettingsError("setting campaign_name must not be empty; it is the heading of every page "
                            "(e.g. Speak Out For Russia)")
    return _check_length("campaign_name", name, MAX_NAME_CHARS, "a campaign's name")


def parse_tagline(text: str) -> str:
    """The tagline on one line ("" for none); SettingsError when it is too long."""
    return _check_length("campaign_tagline", one_line(text), MAX_TAGLINE_CHARS, "the tagline")


def parse_dates(text: str) -> tuple[dt.date, ...]:
    """``"2013-09-03, 2013-09-04"`` as dates, sorted, each once; SettingsError naming the bad one."""
    dates = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            dates.append(dt.date.fromisoformat(part))
        except ValueError:
            raise SettingsError(f"setting campaign_dates has {shown_value(part)}, which is not a date; "
                                "write the days of action as YYYY-MM-DD, separated by commas") from None
    return tuple(sorted(set(dates)))


def parse_partners(text: str) -> tuple[Partner, ...]:
    """``"All Out | https://allout.org; GLAAD"`` as partners, in order (a link only when it is an http(s) address).

    SettingsError for an entry without a name, a name that is too long, or a
    link that is not a plain http(s) address (``javascript:``, ``mailto:``,
    spaces, a second ``|``).
    """
    partners = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        raw_name, bar, raw_url = part.partition("|")
        name, url = one_line(raw_name), raw_url.strip()
        if not name:
            raise SettingsError(f"setting campaign_partners has {shown_value(part)}, which has no name; "
                                "write each partner as Name or Name | https://link, separated by semicolons")
        _check_length("campaign_partners", name, MAX_PARTNER_CHARS, "each partner's name")
        if bar and not url:
            raise SettingsError(f"setting campaign_partners has {name!r} followed by | without a link; "
                                "write Name | https://link, or the name alone")
        if url and not web_address(url):
            raise SettingsError(f"setting campaign_partners gives {shown_value(url)} as the link of {name!r}; "
                                "a link must be a web address starting with https:// (or http://)")
        partners.append(Partner(name, url))
    return tuple(partners)


def campaign_from_settings(settings: Settings) -> Campaign:
    """The campaign the settings describe; SettingsError (saying which setting and what to write) for a bad one."""
    return Campaign(parse_name(settings.campaign_name), parse_tagline(settings.campaign_tagline),
                    parse_dates(settings.campaign_dates), parse_partners(settings.campaign_partners))


# --- the guide's "who is behind it" ---------------------------------------------


def link_target(url: str) -> str:
    """An http(s) address as a Markdown link's target: the characters that could end it percent-encoded."""
    return _LINK_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url)


def partner_markdown(partner: Partner) -> str:
    """One partner as Markdown: its name, escaped, as a link to its site when it has one."""
    name = escape_markdown(partner.name)
    url = web_address(partner.url)
    return f"[{name}]({link_target(url)})" if url else name


def partners_markdown(campaign: Campaign, translator: Translator, *, level: int = 2) -> str:
    """The guide's "who is behind it" section in the translator's language: a heading and one sentence.

    ``""`` when the campaign has no partners. The names are the operator's
    (escaped, never translated); only http(s) links become links; the heading
    (``level`` ``#``s) and the sentence are translated, the list of names
    joined the language's way ("A, B and C", "A, B y C").
    """
    if not campaign.partners:
        return ""
    names = [partner_markdown(p) for p in campaign.partners]
    joined = format_list(names, locale=localising.locale_of(translator.language))
    # Translators: the heading of the guide's section naming the organisations behind the campaign.
    heading = translator.text(msg("Who is behind it"))
    # Translators: {campaign} is the campaign's name; {partners} the organisations, e.g. "All Out, GLAAD and Truth
    # Wins Out" (names and links as the organisers wrote them).
    sentence = translator.text(msg("{campaign} is organised by {partners}.",
                                   campaign=escape_markdown(campaign.name), partners=joined))
    return f"{'#' * max(1, min(level, 6))} {escape_markdown(heading)}\n\n{sentence}\n"
