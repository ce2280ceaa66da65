"""The campaign the map is for: its name, tagline, day(s) of action and partners, from settings.

Nothing campaign-specific lives in code: pages, feeds and the guide read a
:class:`Campaign` made by :func:`campaign_from_settings` (the settings
``campaign_name``, ``campaign_tagline``, ``campaign_dates`` and
``campaign_partners``; their defaults are the seed's campaign, Speak Out For
Russia on 3 September 2013).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from speakout_map.errors import SettingsError
from speakout_map.settings import Settings, shown_value


@dataclass(frozen=True)
class Partner:
    """An organisation behind the campaign, with its site if the settings give one."""

    name: str
    url: str = ""


@dataclass(frozen=True)
class Campaign:
    name: str
    tagline: str
    #: The day(s) of action, in order.
    dates: tuple[dt.date, ...]
    partners: tuple[Partner, ...]

    @property
    def year(self) -> int | None:
        """The year of the first day of action (a pasted announcement's dates without a year take it)."""
        return self.dates[0].year if self.dates else None


def parse_dates(text: str) -> tuple[dt.date, ...]:
    """``"2013-09-03, 2013-09-04"`` as dates, sorted; SettingsError naming the bad one."""
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
    """``"All Out | https://allout.org; GLAAD"`` as partners (a link only when it is an http(s) address)."""
    partners = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        name, _, url = (s.strip() for s in part.partition("|"))
        if url and not url.lower().startswith(("http://", "https://")):
            raise SettingsError(f"setting campaign_partners gives {shown_value(url)} as the link of {name!r}; "
                                "a link must start with https:// (or http://)")
        if not name:
            raise SettingsError("setting campaign_partners has a link without a name; write Name | https://...")
        partners.append(Partner(name, url))
    return tuple(partners)


def campaign_from_settings(settings: Settings) -> Campaign:
    """The campaign the settings describe (SettingsError for dates or partners that cannot be read)."""
    name = settings.campaign_name.strip()
    if not name:
        raise SettingsError("setting campaign_name must not be empty; it is the heading of every page")
    return Campaign(name, settings.campaign_tagline.strip(), parse_dates(settings.campaign_dates),
                    parse_partners(settings.campaign_partners))
