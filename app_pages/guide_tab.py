"""The organisers' "Guide and materials" tab: edit and publish the guide per language, its history; share files.

Drawn by ``app_pages/organiser.py`` inside its tab. The guide's editor keeps,
per language, the text being written and the version it was started from;
**Publish** makes a new version only if that is still the published one
(:class:`~speakout_map.store.guide_versions.StaleGuideError` otherwise: the
text is kept, and the organiser may start again from the newer version or
knowingly publish over it). An editor nobody typed in follows the newest
version by itself. Buttons act in callbacks, before the page draws, so what
is drawn after a click already shows its result.

Materials are checked by :func:`speakout_map.materials.intake.prepare_material`
and kept by :class:`speakout_map.store.materials.MaterialStore`; every text of
theirs is shown escaped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from functools import partial

import streamlit as st

from app_pages import common
from speakout_map.errors import NotPublishableError, SpeakOutError, StoreError
from speakout_map.escaping import escape_markdown
from speakout_map.events.export import neutralise_rows
from speakout_map.languages.catalogues import SOURCE_LANGUAGE, available_languages
from speakout_map.languages.localising import language_name
from speakout_map.languages.message import Text, msg
from speakout_map.languages.translator import Translator
from speakout_map.materials.intake import MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, max_material_bytes, prepare_material
from speakout_map.materials.kinds import Kind, MaterialRefusedError, megabytes, size_text
from speakout_map.settings import Settings
from speakout_map.store.guide_versions import GuideStore, GuideVersion, StaleGuideError, latest_or_seeded
from speakout_map.store.materials import Material, MaterialStore, materials_folder
from speakout_map.store.store import Store

#: Session keys: the language edited, and the outcomes of this tab's buttons (kind, text, detail).
LANGUAGE = "guide-language"
GUIDE_OUTCOME, MATERIAL_OUTCOME = "guide-outcome", "material-outcome"
#: The material form's fields, and a counter in the uploader's key (a new key empties it).
TITLE, DESCRIPTION, UPLOAD_ROUND = "material-title", "material-description", "material-upload-round"
#: The extensions the file picker offers (the content decides; see speakout_map.materials.kinds).
PICKER_TYPES = [extension.lstrip(".") for kind in Kind for extension in kind.extensions]

Outcome = tuple[str, Text, BaseException | None]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def text_key(language: str) -> str:
    """The editor's text (the text area's key)."""
    return f"guide-text-{language}"


def base_key(language: str) -> str:
    """The version the editor was started from (None: the language has no version yet)."""
    return f"guide-base-{language}"


def origin_key(language: str) -> str:
    """The text the editor was started from (to tell whether anything was typed)."""
    return f"guide-origin-{language}"


def show_outcome(key: str) -> None:
    """What this tab's last click under ``key`` did, once."""
    outcome: Outcome | None = st.session_state.pop(key, None)
    if outcome is None:
        return
    kind, text, detail = outcome
    t = common.translator()
    if kind == "success":
        st.success(escape_markdown(t.text(text)))
    elif kind == "error":
        st.error(escape_markdown(t.text(text)))
    else:
        common.show_failure(text, detail or "")


# --- the guide's editor ----------------------------------------------------------------------


def history_key(language: str) -> str:
    """The version chosen in the history (dropped when a new version is published: the newest is shown)."""
    return f"guide-history-{language}"


def start_editor(language: str, text: str, base: int | None) -> None:
    st.session_state[text_key(language)] = text
    st.session_state[origin_key(language)] = text
    st.session_state[base_key(language)] = base


def keep_text_over(language: str, latest: int) -> None:
    """The organiser saw the newer version and means to publish their text over it."""
    st.session_state[base_key(language)] = latest


def publish(guides: GuideStore, language: str, organiser: str) -> None:
    """The Publish button's callback: the editor's text as the next version, if its base is still the latest."""
    refused = msg("Not published")
    try:
        version = guides.publish(language, st.session_state.get(text_key(language), ""), by=organiser,
                                 based_on=st.session_state.get(base_key(language)))
    except (StaleGuideError, NotPublishableError) as exc:
        outcome: Outcome = ("error", msg("{refused}: {reason}", refused=refused, reason=exc.text), None)
    except StoreError as exc:
        outcome = ("failure", msg("{refused}: the store failed. Nothing was published; the guide is unchanged. Try "
                                  "again in a moment.", refused=refused), exc)
    else:
        start_editor(language, version.markdown, version.number)
        st.session_state.pop(history_key(language), None)
        outcome = ("success", msg("Published version {number} of the guide in {language}. The guide page shows it "
                                  "now.", number=version.number, language=language_name(language)), None)
    st.session_state[GUIDE_OUTCOME] = outcome


def roll_back(guides: GuideStore, language: str, number: int, based_on: int, organiser: str) -> None:
    """The rollback button's callback: version ``number`` again, as a new version over ``based_on``."""
    refused = msg("Not rolled back")
    try:
        version = guides.rollback(language, number, by=organiser, based_on=based_on)
    except (StaleGuideError, NotPublishableError) as exc:
        outcome: Outcome = ("error", msg("{refused}: {reason}", refused=refused, reason=exc.text), None)
    except StoreError as exc:
        outcome = ("failure", msg("{refused}: the store failed. Nothing was published; the guide is unchanged. Try "
                                  "again in a moment.", refused=refused), exc)
    else:
        st.session_state.pop(history_key(language), None)
        outcome = ("success", msg("Published version {number} of the guide in {language}: the text of version "
                                  "{chosen}.", number=version.number, language=language_name(language),
                                  chosen=number), None)
    st.session_state[GUIDE_OUTCOME] = outcome


def prepare_editor(guides: GuideStore, settings: Settings, language: str, latest: GuideVersion | None) -> None:
    """Start the editor from the published version; follow a newer one unless the organiser typed."""
    number = None if latest is None else latest.number
    if text_key(language) not in st.session_state:
        if latest is not None:
            start_editor(language, latest.markdown, latest.number)
        else:  # nothing in this language yet: start from the English guide, to translate
            english = latest_or_seeded(guides, settings, SOURCE_LANGUAGE)
            start_editor(language, guides.get(SOURCE_LANGUAGE, english).markdown if english else "", None)
    elif st.session_state.get(base_key(language)) != number and latest is not None:
        if st.session_state[text_key(language)] == st.session_state.get(origin_key(language)):
            start_editor(language, latest.markdown, latest.number)


def show_editor(guides: GuideStore, t: Translator, language: str, latest: GuideVersion | None, organiser: str) -> None:
    base = st.session_state.get(base_key(language))
    name = language_name(language)
    if latest is None:
        st.info(t("There is no guide in {language} yet: the English guide is in the editor, to translate. Publishing "
                  "makes version 1 of the guide in {language}; until then, visitors reading {language} get the "
                  "English guide.", language=name))
    elif base == latest.number:
        st.caption(t("Version {number}, published by {by} on {when} (UTC). Edit it, check the preview, then publish "
                     "it as a new version.", number=latest.number, by=escape_markdown(latest.by),
                     when=latest.created_at.strftime("%Y-%m-%d %H:%M")))
    else:
        st.warning(t("Version {latest} of the guide was published after you began writing yours, so publishing your "
                     "text would replace it. Compare it with yours, then start again from it or publish your text "
                     "over it.", latest=latest.number))
        with st.expander(t("Version {number} as published", number=latest.number)):
            st.markdown(latest.markdown)
        again, over = st.columns(2)
        again.button(t("Start again from version {number}", number=latest.number), key=f"guide-restart-{language}",
                     on_click=start_editor, args=(language, latest.markdown, latest.number))
        over.button(t("Keep my text, to publish over version {number}", number=latest.number),
                    key=f"guide-keep-{language}", on_click=keep_text_over, args=(language, latest.number))
    write, preview = st.columns(2)
    write.text_area(t("The guide in Markdown"), key=text_key(language), height=560)
    text = st.session_state.get(text_key(language), "")
    with preview:
        st.markdown(f"**{t('Preview')}**")
        with st.container(border=True, height=560):
            st.markdown(text)  # never unsafe_allow_html: raw HTML shows as text, never as elements
    if text != st.session_state.get(origin_key(language)):
        st.caption(t("Your changes are not published yet."))
    show_outcome(GUIDE_OUTCOME)
    st.button(t("Publish the guide"), type="primary", key=f"guide-publish-{language}", on_click=publish,
              args=(guides, language, organiser))


def show_history(guides: GuideStore, t: Translator, language: str, latest: GuideVersion | None,
                 organiser: str) -> None:
    versions = guides.history(language)
    if not versions or latest is None:
        return
    st.markdown(f"**{t('History of the guide in {language}', language=language_name(language))}**")
    # Translators: the headers of the table of the guide's versions.
    headers = (t("guide version"), t("published (UTC)"), t("by"), t("from"), t("characters"))
    st.dataframe(neutralise_rows(
        dict(zip(headers, (v.number, v.created_at.strftime("%Y-%m-%d %H:%M"), v.by, v.source, len(v.markdown))))
        for v in reversed(versions)
    ), hide_index=True, key=f"guide-history-table-{language}")
    by_number = {v.number: v for v in versions}
    chosen = st.selectbox(t("Version"), list(reversed(by_number)), key=history_key(language),
                          format_func=lambda n: t("Version {number}", number=n))
    version = by_number.get(chosen, latest)
    with st.expander(t("Version {number} as published", number=version.number)):
        st.markdown(version.markdown)
    st.download_button(t("Download version {number} as Markdown", number=version.number), version.markdown,
                       f"guide-{language}-v{version.number}.md", "text/markdown", key=f"guide-download-{language}",
                       on_click="ignore")
    if version.number != latest.number:
        st.button(t("Roll back to version {number}", number=version.number), key=f"guide-rollback-{language}",
                  on_click=roll_back, args=(guides, language, version.number, latest.number, organiser))


# --- materials ----------------------------------------------------------------------------------


def share(materials: MaterialStore, settings: Settings, organiser: str) -> None:
    """The Share button's callback: check the upload, keep it, empty the form."""
    refused = msg("Not shared")
    upload = st.session_state.get(f"material-file-{st.session_state.get(UPLOAD_ROUND, 0)}")
    try:
        if upload is None:
            raise MaterialRefusedError(msg("choose a file first"))
        new = prepare_material(upload.getvalue(), upload.name, title=st.session_state.get(TITLE, ""),
                               description=st.session_state.get(DESCRIPTION, ""),
                               max_bytes=max_material_bytes(settings))
        material = materials.add(new, by=organiser, at=_now())
    except MaterialRefusedError as exc:
        outcome: Outcome = ("error", msg("{refused}: {reason}", refused=refused, reason=exc.text), None)
    except StoreError as exc:
        outcome = ("failure", msg("{refused}: the store failed. Nothing was shared; try again in a moment.",
                                  refused=refused), exc)
    else:
        st.session_state[TITLE] = st.session_state[DESCRIPTION] = ""
        st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1
        outcome = ("success", msg("Shared “{title}”. The guide page shows it now.", title=material.title), None)
    st.session_state[MATERIAL_OUTCOME] = outcome


def change(action: Callable[[], bool], done: Text, already: Text) -> None:
    """A Remove or Restore button's callback."""
    try:
        changed = action()
    except StoreError as exc:
        outcome: Outcome = ("failure", msg("The store failed; nothing was changed. Try again in a moment."), exc)
    else:
        outcome = ("success" if changed else "error", done if changed else already, None)
    st.session_state[MATERIAL_OUTCOME] = outcome


def remove_now(materials: MaterialStore, material_id: int, organiser: str) -> bool:
    return materials.remove(material_id, by=organiser, at=_now())


def material_row(materials: MaterialStore, t: Translator, material: Material, organiser: str) -> None:
    with st.container(border=True):
        picture, about, actions = st.columns([1, 4, 2])
        thumbnail = materials.thumbnail(material.id) if material.has_thumbnail else None
        if thumbnail:
            picture.image(thumbnail, width=96, alt=material.title)
        else:
            picture.markdown(f"## {material.kind.icon}", anchors=False)
        about.markdown(f"**{escape_markdown(material.title)}**")
        if material.description:
            about.markdown("  \n".join(escape_markdown(line) for line in material.description.splitlines()))
        about.caption(t("{kind}, {size}: {name}, shared by {by} on {when} (UTC)", kind=material.kind.short_name,
                        size=t.text(size_text(material.size)), name=escape_markdown(material.file_name),
                        by=escape_markdown(material.by), when=material.created_at.strftime("%Y-%m-%d %H:%M")))
        if material.removed:
            actions.button(t("Restore"), key=f"material-restore-{material.id}", on_click=change, args=(
                partial(materials.restore, material.id),
                msg("Restored “{title}”: the guide page shows it again.", title=material.title),
                msg("“{title}” is on the guide page already.", title=material.title)))
            return
        actions.download_button(t("Download"), partial(materials.content, material.id), file_name=material.file_name,
                                mime=material.media_type, key=f"material-download-{material.id}", on_click="ignore")
        actions.button(t("Remove"), key=f"material-remove-{material.id}", on_click=change, args=(
            partial(remove_now, materials, material.id, organiser),
            msg("Removed “{title}” from the guide page. It is kept: you can restore it below.",
                title=material.title),
            msg("“{title}” was removed already.", title=material.title)))


def show_materials(store: Store, settings: Settings, t: Translator, organiser: str) -> None:
    materials = store.materials(materials_folder(settings))
    limit = max_material_bytes(settings)
    st.markdown(t("Posters, leaflets and other files for supporters to download from the guide page: **PDF, PNG, "
                  "JPEG or SVG**, up to {limit} MB each. Files are checked by their content, not their name. SVG files "
                  "are offered only as downloads and may hold no scripts, event handlers or links to other files.",
                  limit=megabytes(limit)))
    st.text_input(t("Title"), key=TITLE, max_chars=MAX_TITLE_CHARS)
    st.text_area(t("Description (optional)"), key=DESCRIPTION, max_chars=MAX_DESCRIPTION_CHARS, height=100)
    st.file_uploader(t("File"), type=PICKER_TYPES, key=f"material-file-{st.session_state.get(UPLOAD_ROUND, 0)}",
                     max_upload_size=max(1, math.ceil(settings.max_material_mb)))
    show_outcome(MATERIAL_OUTCOME)
    st.button(t("Share this file"), type="primary", key="material-share", on_click=share,
              args=(materials, settings, organiser))
    shared = materials.list()
    if not shared:
        st.info(t("Nothing is shared yet: until something is, the guide page says that posters will appear there."))
    for material in shared:
        material_row(materials, t, material, organiser)
    removed = materials.list(removed=True)
    if removed:
        with st.expander(t.plural("{count:,} removed material", "{count:,} removed materials", len(removed))):
            for material in removed:
                material_row(materials, t, material, organiser)


# --- the tab ------------------------------------------------------------------------------------


def show_tab(*, store: Store, settings: Settings, t: Translator, organiser: str) -> None:
    """The whole tab: the guide (language, editor and preview, history) and the materials."""
    guides = store.guides()
    st.subheader(t("The guide"))
    languages = list(available_languages())
    if st.session_state.get(LANGUAGE) not in languages:
        st.session_state[LANGUAGE] = t.language if t.language in languages else SOURCE_LANGUAGE
    language = st.selectbox(t("Language of the guide"), languages, format_func=language_name, key=LANGUAGE)
    try:
        number = latest_or_seeded(guides, settings, language)
        latest = None if number is None else guides.get(language, number)
    except StoreError:
        raise  # the page's store_errors_shown says so
    except SpeakOutError as exc:  # the English file cannot seed an empty store
        common.show_failure(msg("The guide cannot be loaded right now."), exc)
        return
    prepare_editor(guides, settings, language, latest)
    show_editor(guides, t, language, latest, organiser)
    show_history(guides, t, language, latest, organiser)
    st.divider()
    st.subheader(t("Materials: posters and files to share"))
    show_materials(store, settings, t, organiser)
