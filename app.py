"""SpeakOut Map: the Streamlit entry point (``streamlit run app.py``), pages, feeds and "I'll be there".

This file is read twice, and the two are kept apart by ``__name__``:

* ``streamlit run app.py`` finds the ``app = st.App(...)`` below and serves it:
  it imports this file as the module ``app`` (never ``__main__``), and the App
  adds plain HTTP routes next to Streamlit's own, under the same
  ``server.baseUrlPath``: the live feeds (``/feeds/events.geojson``, ``.csv``,
  ``.ics``) and the map popups' "I'll be there" (``POST /api/going``), both
  in ``speakout_map/web/`` and sharing one opened store. Their settings are
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


def main() -> None:
    """One visitor's run: language, navigation, the page (or its short failure message)."""
    from app_pages import common
    from speakout_map.escaping import escape_markdown

    st.set_page_config(page_title="SpeakOut Map", page_icon="📣", layout="wide")

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
        # A host's private status page, reached only by the link they were given.
        st.Page("app_pages/proposal.py", title=t("Your proposal"), icon="📨", url_path="proposal",
                visibility="hidden"),
        st.Page("app_pages/organiser.py", title=t("Organisers"), icon="🔑", url_path="organise"),
    ]
    page = st.navigation(pages, position="top")
    common.language_switch(t)
    if choice is not None and choice.ignored is not None:
        st.warning(t("This site is not available in the language “{language}” yet, so it is shown in {shown}.",
                     language=escape_markdown(choice.ignored), shown=common.language_name(choice.language)),
                   icon="🌐")
    try:
        page.run()
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback for visitors
        common.show_failure(common.SITE_FAILURE, exc)


def feed_settings():
    """The app's settings for the feeds, read as the pages read them (outside any session: no st.stop)."""
    from speakout_map.settings import load_settings

    return load_settings(secrets=st.secrets, base_url_path=st.get_option("server.baseUrlPath") or "")


if __name__ == "__main__":
    main()
else:
    from speakout_map.web.going_route import going_routes
    from speakout_map.web.routes import FeedSource, feed_routes

    _base_path = st.get_option("server.baseUrlPath") or ""
    _source = FeedSource(feed_settings)  # the feeds and "I'll be there" share one opened store
    app = st.App(
        Path(__file__).resolve(),
        routes=[*feed_routes(feed_settings, base_path=_base_path, source=_source),
                *going_routes(feed_settings, base_path=_base_path, source=_source)],
    )
