"""SpeakOut Map: the Streamlit entry point (``streamlit run app.py``), pages, feeds and "I'll be there".

This file is read twice, and the two are kept apart by ``__name__``:

* ``streamlit run app.py`` finds the ``app = st.App(...)`` below and serves it:
  it imports this file as the module ``app`` (never ``__main__``), and the App
  adds plain HTTP routes next to Streamlit's own, under the same
  ``server.baseUrlPath``: the live feeds (``/feeds/events.geojson``, ``.csv``,
  ``.ics``), the map popups' "I'll be there" (``POST /api/going``) and the
  light embed for partner sites' frames (``/embed``) and the map's events
  (``/api/map-data``, fetched by the map page's map) and each event's way to
  Google Calendar (``/feeds/google-calendar``), all in
  ``speakout_map/web/`` and sharing one opened store. Their settings are
  read like the pages' (environment, then ``st.secrets``), on first use.
* For each visitor, Streamlit runs this same file as the script ``__main__``
  (the App's script), which is :func:`main`: it chooses the visitor's
  language, declares the pages and their URL paths (the host's status page
  ``/proposal`` hidden from the menu; each page lives in
  ``app_pages/``, not ``pages/``, which Streamlit would also serve by file
  name) and puts the language switch above every page. A failure no page
  expected is shown to visitors as a short message, its traceback going to
  the server log (``st.stop()`` and ``st.rerun()`` are not ``Exception``s, so
  they pass through).
"""

from pathlib import Path

import streamlit as st

#: The stylesheet of every page (what Streamlit's widgets miss of WCAG 2.2 AA).
APP_STYLE = Path(__file__).resolve().parent / "app_pages" / "static" / "app.css"


def main() -> None:
    """One visitor's run: language, navigation, the page (or its short failure message)."""
    from app_pages import common
    from speakout_map.escaping import escape_markdown

    st.set_page_config(page_icon="📣", layout="wide")  # the tab's title, once the page is known

    try:
        choice = common.choose_session_language()
    except Exception as exc:  # noqa: BLE001 - the pages still work in English
        common.log.error("the visitor's language could not be chosen; English it is", exc_info=exc)
        choice = None
    t = common.translator()

    pages = [
        st.Page("app_pages/map.py", title=t("Event map"), icon="🗺️", url_path="map", default=True),
        st.Page("app_pages/guide.py", title=t("Host an event"), icon="📣", url_path="guide"),
        st.Page("app_pages/propose.py", title=t("Propose an event"), icon="➕", url_path="propose"),
        st.Page("app_pages/share.py", title=t("Share and embed"), icon="🔗", url_path="share"),
        # A host's private status page, reached only by the link they were given.
        st.Page("app_pages/proposal.py", title=t("Your proposal"), icon="📨", url_path="proposal",
                visibility="hidden"),
        st.Page("app_pages/organiser.py", title=t("Organisers"), icon="🔑", url_path="organise"),
    ]
    page = st.navigation(pages, position="top")
    st.set_page_config(page_title=tab_title(t, page.title))
    common.language_switch(t)
    st.html(APP_STYLE)  # the app's own stylesheet (a Path: read and put in a <style>; no event text in it)
    if choice is not None and choice.ignored is not None:
        st.warning(t("This site is not available in the language “{language}” yet, so it is shown in {shown}.",
                     language=escape_markdown(choice.ignored), shown=common.language_name(choice.language)),
                   icon="🌐")
    try:
        page.run()
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback for visitors
        common.show_failure(common.SITE_FAILURE, exc)


def tab_title(t, page_title: str) -> str:
    """The browser tab's title: the page's and the campaign's names (the page's alone when the settings are bad:
    the page itself says so)."""
    from app_pages import common
    from speakout_map.campaign import campaign_from_settings
    from speakout_map.errors import SpeakOutError

    try:
        name = campaign_from_settings(feed_settings()).name
    except SpeakOutError:  # bad settings: the page shows the short failure and logs it
        return page_title
    except Exception as exc:  # noqa: BLE001 - never a traceback for visitors, over a tab's title
        common.log.error("the browser tab's title could not be made", exc_info=exc)
        return page_title
    # Translators: the browser tab's title; {page} is the page's name (e.g. Event map), {campaign} the campaign's.
    return t("{page} · {campaign}", page=page_title, campaign=name)


def feed_settings():
    """The app's settings for the feeds, read as the pages read them (outside any session: no st.stop)."""
    from speakout_map.settings import load_settings

    return load_settings(secrets=st.secrets, base_url_path=st.get_option("server.baseUrlPath") or "")


if __name__ == "__main__":
    main()
else:
    from speakout_map.web.calendar_route import calendar_routes
    from speakout_map.web.embed_route import embed_routes
    from speakout_map.web.going_route import going_routes
    from speakout_map.web.map_data_route import map_data_routes
    from speakout_map.web.routes import FeedSource, feed_routes

    # The events table's Arrow buffers from the C library's allocator, which gives freed memory back: pyarrow's
    # own pool (mimalloc) keeps what each visitor's table used, and a big campaign's server grew by tens of MB a
    # visit (see docs/deploy.md).
    import pyarrow

    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    _base_path = st.get_option("server.baseUrlPath") or ""
    _source = FeedSource(feed_settings)  # the feeds and "I'll be there" share one opened store
    app = st.App(
        Path(__file__).resolve(),
        routes=[*feed_routes(feed_settings, base_path=_base_path, source=_source),
                *going_routes(feed_settings, base_path=_base_path, source=_source),
                *embed_routes(feed_settings, base_path=_base_path, source=_source),
                *map_data_routes(feed_settings, base_path=_base_path, source=_source),
                *calendar_routes(feed_settings, base_path=_base_path, source=_source)],
    )
