"""The page edge: settings and cached calls into the library, shared by the pages.

Streamlit caching lives here, never in ``speakout_map``.
"""

from __future__ import annotations

import streamlit as st

from speakout_map import geocoding, storage
from speakout_map.events import PlacedEvent, Problem
from speakout_map.settings import Settings, load_settings

GUIDE_PAGE_PATH = "pages/guide.py"
MAP_PAGE_PATH = "pages/map.py"


def settings() -> Settings:
    """Settings from the environment and ``st.secrets`` (read every run: cheap)."""
    return load_settings(secrets=st.secrets)


@st.cache_resource(show_spinner=False)
def geocoder(settings: Settings):
    return geocoding.build_geocoder(settings)


@st.cache_data(show_spinner="Placing events on the map…", max_entries=8)
def published_events(settings: Settings, version: str) -> tuple[tuple[PlacedEvent, ...], tuple[Problem, ...]]:
    """The published events, placed; ``version`` changes when the file does."""
    result = storage.load_published_events(settings)
    placed, problems = geocoding.place_events(result.events, geocoder(settings))
    return tuple(placed), tuple(result.errors) + tuple(problems)


@st.cache_data(show_spinner=False, max_entries=4)
def guide_markdown(settings: Settings, version: str) -> str:
    return storage.load_guide(settings)
