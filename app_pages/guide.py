"""Host-your-own-event guide, as the organisers last published it, in the visitor's language; then the materials.

The guide is the organisers' Markdown, rendered by ``st.markdown`` without
``unsafe_allow_html``: raw HTML in it (``<script>``, ``<img onerror>``) is
never made into elements (Streamlit shows it as text). The materials
(posters and files to share) are cards: a thumbnail made by the app, or an
icon; the title and description, escaped; and a download of the file as
uploaded, under its own name, which Streamlit serves as an attachment (an
SVG is never shown inline).
"""

from functools import partial

import streamlit as st

from app_pages import common
from speakout_map.errors import SpeakOutError
from speakout_map.campaign import partners_markdown
from speakout_map.escaping import escape_markdown
from speakout_map.languages.localising import language_name
from speakout_map.languages.message import msg
from speakout_map.materials.kinds import size_text
from speakout_map.settings import Settings
from speakout_map.store.materials import Material, MaterialStore, materials_folder

#: Cards per row.
CARDS_PER_ROW = 3


@st.cache_data(show_spinner=False, max_entries=256)
def thumbnail(settings: Settings, material_id: int) -> bytes | None:
    """A material's thumbnail (immutable, so cached by its number)."""
    return common.store(settings).materials(materials_folder(settings)).thumbnail(material_id)


def markdown_lines(text: str) -> str:
    """Hostile text with its line breaks, every line escaped."""
    return "  \n".join(escape_markdown(line) for line in text.splitlines())


def material_card(material: Material, materials: MaterialStore) -> None:
    with st.container(border=True):
        picture = thumbnail(settings, material.id) if material.has_thumbnail else None
        if picture:
            st.image(picture, width="stretch", alt=material.title)
        else:
            st.markdown(f"## {material.kind.icon}", anchors=False)
        st.markdown(f"**{escape_markdown(material.title)}**")
        if material.description:
            st.markdown(markdown_lines(material.description))
        st.download_button(
            # Translators: a download button; {name} is the file's name, {size} e.g. "2.5 MB".
            t("{name} ({size})", name=escape_markdown(material.file_name), size=t.text(size_text(material.size))),
            partial(materials.content, material.id),  # read from the store only when clicked
            file_name=material.file_name, mime=material.media_type, key=f"material-{material.id}",
            icon=":material/download:", on_click="ignore", width="stretch",
        )


def show_materials() -> None:
    st.subheader(t("Posters and materials to share"))
    try:
        materials = common.store(settings).materials(materials_folder(settings))
        shared = materials.list()
    except SpeakOutError as exc:
        common.show_failure(msg("The posters and materials cannot be shown right now. Please try again later."), exc)
        return
    if not shared:
        st.markdown(t("Posters and other materials to print and share will appear here as soon as the organisers "
                      "add them."))
        return
    for start in range(0, len(shared), CARDS_PER_ROW):
        for column, material in zip(st.columns(CARDS_PER_ROW), shared[start:start + CARDS_PER_ROW]):
            with column:
                try:
                    material_card(material, materials)
                except SpeakOutError as exc:
                    common.show_failure(msg("This material cannot be shown right now."), exc)


t = common.translator()
settings = common.settings()
try:
    guide = common.guide(settings, t.language)
except SpeakOutError as exc:  # e.g. the guide file is missing
    common.show_failure(msg("The guide cannot be shown right now. Please try again later."), exc)
else:
    if guide.language != t.language:
        st.info(t("This guide is not written in {language} yet, so here it is in {shown}.",
                  language=language_name(t.language), shown=language_name(guide.language)), icon="🌐")
    st.markdown(guide.markdown)  # never unsafe_allow_html: raw HTML shows as text, never as elements
st.markdown(partners_markdown(common.campaign(settings), t))  # who is behind it, from the campaign settings
show_materials()
st.page_link(common.PROPOSE_PAGE_PATH, label=t("Ready? Propose your event for the map"), icon="📣",
             query_params=common.language_query())
st.page_link(common.MAP_PAGE_PATH, label=t("Back to the map of events"), icon="🗺️",
             query_params=common.language_query())
