"""SpeakOut Map: the library behind the campaign's event map.

It never imports Streamlit; the app's pages and the command line both call it.
"""

__version__ = "0.1.0"
