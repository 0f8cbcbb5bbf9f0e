"""One gallery item in full, in a dialog: image, words, prompt, metadata, lineage, actions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import state
from components.collect import collect_button
from components.get_code import get_code_panel
from components.grid import thumbnail_or_note
from components.grounding import show_grounding
from components.render import safe_markdown, show_image
from studio.exchange.bidi import visible_bidi
from studio.exchange.filenames import slugify
from studio.gallery.dates import when
from studio.gallery.errors import MissingImage
from studio.gallery.money import format_usd
from studio.gallery.records import GalleryItem
from studio.making.wording import PAGE_LABELS, follow_up, headline, words_of

# Where "reuse prompt" sends each page's prompt, by widget key.
PROMPT_WIDGETS = {"story": "story_prompt", "recipe": "recipe_dish", "edit": "edit_start_prompt"}
PAGE_FILES = {"story": "pages/story.py", "recipe": "pages/recipe.py", "edit": "pages/edit.py",
              "text": "pages/text.py"}


def _close() -> None:
    state.open_detail(None)


def continue_editing(item_id: str) -> None:
    item = state.store().get(item_id)
    chat = state.new_chat("edit", start_item_id=item_id,
                          title=f"Edit of: {item.prompt[:60]}" if item else "Edit")
    chat.save()
    st.switch_page(PAGE_FILES["edit"])


def reuse_prompt(item: GalleryItem) -> None:
    """Open the item's page with its prompt filled in, ready to run again."""
    inputs = item.settings.get("inputs")
    if isinstance(inputs, dict) and inputs:
        state.set_widgets(inputs)
    elif item.page in PROMPT_WIDGETS:
        state.set_widgets({PROMPT_WIDGETS[item.page]: item.prompt})
    st.switch_page(PAGE_FILES.get(item.page, PAGE_FILES["edit"]))


def _lineage(item: GalleryItem) -> None:
    store = state.store()
    ancestors, children = store.lineage(item.id)
    if not ancestors and not children:
        return
    st.markdown("**Edit lineage**")
    chain = [*ancestors, item, *children]
    for column, other in zip(st.columns(6), chain[:6], strict=False):
        with column:
            thumbnail_or_note(store, other)
            label = "this image" if other.id == item.id else (
                "parent" if ancestors and other.id == ancestors[-1].id else
                "child" if other in children else "ancestor")
            st.caption(label)


def detail_facts(item: GalleryItem) -> list[tuple[str, str]]:
    """The fields that apply to this item, formatted; unknown ones are left out."""
    rows: list[tuple[str, object]] = [
        ("Made", when(item.created_at)), ("Model", item.model), ("Engine", item.engine),
        ("Aspect ratio", item.aspect_ratio), ("Image size", item.image_size),
        ("Pixels", f"{item.width} × {item.height}" if item.width and item.height else None),
        ("Seed", item.seed), ("Temperature", item.temperature),
        ("Finish", item.finish_reason),
        ("Tokens", f"{item.total_tokens:,}" if item.total_tokens is not None else None),
        ("Latency", f"{item.latency_ms / 1000:.1f} s" if item.latency_ms is not None else None),
        ("Est. cost", format_usd(item.cost_usd)),
    ]
    return [(name, str(value)) for name, value in rows if value not in (None, "")]


@st.dialog("Image details", width="large", on_dismiss=_close)
def render_detail(item_id: str) -> None:
    store = state.store()
    item = store.get(item_id)
    if item is None:
        _close()
        st.rerun()
        return
    title = store.conversation_titles([item.conversation_id]).get(item.conversation_id or "") \
        if item.conversation_id else None
    words = words_of(item, title)
    head, close = st.columns([6, 1], vertical_alignment="center")
    head.subheader(safe_markdown(headline(item, title)), anchor=False)
    if close.button("Close", key="gallery_detail_close", icon=":material/close:"):
        _close()
        st.rerun()
    said = follow_up(item, title)
    st.caption(f"{PAGE_LABELS.get(item.page, item.page.title())} · {when(item.created_at)}"
               + (f" · version {item.turn + 1}: {safe_markdown(said)}" if said else ""))
    left, right = st.columns([3, 2], gap="large")
    try:
        image: bytes | None = store.item_image(item)
    except MissingImage:
        image = None
    locked = state.read_only_reason()
    with left:
        if image is None:
            st.warning("Image file missing: the details below are all that is left. "
                       "`python -m studio doctor --repair` moves such items to the trash.",
                       icon=":material/broken_image:")
        else:
            show_image(image, item.mime)
        if item.text:
            st.markdown(safe_markdown(item.text))
    with right:
        with st.expander("Prompt sent to the model", expanded=words.engineered is None):
            st.text(visible_bidi(item.prompt) or "—")
        facts = detail_facts(item)
        st.table(pd.DataFrame({"": [v for _, v in facts]}, index=[k for k, _ in facts]),
                 border="horizontal")
        show_grounding(item.grounding)
        fav = st.toggle("Favourite", value=item.favourite, key=f"gallery_fav_{item.id}",
                        disabled=bool(locked), help=locked)
        if fav != item.favourite:
            store.set_favourite(item.id, fav)
        tags = st.multiselect("Tags", sorted(set(item.tags) | set(store.facets()["tags"])),
                              default=item.tags, key=f"gallery_tags_{item.id}",
                              accept_new_options=True, disabled=bool(locked))
        if tags != item.tags:
            store.set_tags(item.id, tags)
        a, b = st.columns(2)
        a.download_button("Download", data=image or b"", disabled=image is None,
                          file_name=f"{slugify(headline(item, title))}-{item.id[:8]}.{item.ext}",
                          mime=item.mime, key=f"gallery_download_{item.id}", on_click="ignore",
                          icon=":material/download:", width="stretch")
        if b.button("Continue editing", key="gallery_continue", icon=":material/edit:",
                    width="stretch", disabled=bool(locked) or image is None, help=locked):
            continue_editing(item.id)
        if a.button("Reuse prompt", key="gallery_reuse", icon=":material/replay:",
                    width="stretch"):
            reuse_prompt(item)
        if b.button("Delete", key="gallery_delete", icon=":material/delete:",
                    width="stretch", disabled=bool(locked), help=locked):
            store.delete(item.id)
            state.notify("success", "Deleted. Turn on “Show recently deleted” to restore it.")
            _close()
            st.rerun()
        collect_button([item.id], key="gallery_detail_collect")
    get_code_panel(item)
    _lineage(item)
