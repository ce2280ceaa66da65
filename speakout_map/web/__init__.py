"""The app's own HTTP routes, served next to the Streamlit pages: the live feeds of the published events."""
