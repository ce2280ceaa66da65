"""The seed announcement for the tests (test_announcement.py, test_cli_import.py): its text and its 19 cities."""

from __future__ import annotations

from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_65493ee6bfe860f7.txt"
SEED_CITIES = [
    ("Asunción", "PY"), ("Barcelona", "ES"), ("Buenos Aires", "AR"), ("Dublin", "IE"), ("Galway", "IE"),
    ("Gothenburg", "SE"), ("La Paz", "BO"), ("London", "GB"), ("Madrid", "ES"), ("Manchester", "GB"),
    ("Mexico City", "MX"), ("Monterrey", "MX"), ("Naples", "IT"), ("New York", "US"), ("Ottawa", "CA"),
    ("Seattle", "US"), ("Toronto", "CA"), ("Valencia", "ES"), ("Vancouver", "CA"),
]


#: The seed announcement's text up to its list's end and its numbered instructions (the project's seed, kept here
#: so the tests run where the seed folder is not; :func:`seed_text` prefers the file when it is there).
SEED_EXCERPT = """\
russiaOn September 3, All Out is sponsoring a series of events around the world to Speak Out For Russia, in advance of world leaders meeting with Russian president Vladimir Putin. The goal is for thousands to gather around the world in a show of solidarity with the oppressed minorities of Russia, those who are suffering under the increasingly totalitarian Putin regime. The following events are happening September 3:

  • Asunción, Paraguay – September 3: Click here
  • Barcelona, Spain – September 3: Click here
  • Buenos Aires, Argentina – September 3: Details to come
  • Dublin, Ireland – September 3: Click here
  • Galway, Ireland – September 3: Click here
  • Gothenburg, Sweden – September 3: Click here
  • La Paz, Bolivia – September 3: Details to come
  • London, UK – September 3: Click here
  • Madrid, Spain – September 3: Click here
  • Manchester, UK – September 3: Click here
  • Mexico DF – September 3: Click here
  • Monterrey, México – September 3: Click here
  • Naples, Italy – September 3: Click here
  • New York, USA – September 3: Click here
  • Ottawa, Canada – September 3: Details to come
  • Seattle, USA – September 3: Click here
  • Toronto, Canada – September 3: Click here
  • Valencia, España – September 3 Click here
  • Vancouver, Canada – September 3: Click here

Truth Wins Out is in partnership with All Out for this event, along with GLAAD, the Human Rights Campaign and the Peter Tatchell Foundation.

1. Search online to find a good place to hold your event. If you’re in a city, perhaps there’s a Russian Embassy. Your parliament, city chambers or even town square could also be good places to meet.
2. Decide on an exact time and place to meet – pick a place that’ll be easy for people to find. Make sure it’s after office hours on Tuesday 3 September.
3. Search online if your local authority requires you to get a permit of any kind, it varies from country to country and place to place.
4. Set up a Facebook event (instructions) and email the link to Invite all your Facebook friends and tell everyone you know by phone and email! Not everyone uses Facebook, but All Out doesn’t have a way to set up events on our website yet, so it’s probably the best way we have for now of spreading the word about an event.
"""


def seed_text() -> str:
    """The seed announcement: the file in the shared seed folder, else the excerpt above."""
    return SEED.read_text(encoding="utf-8") if SEED.exists() else SEED_EXCERPT
