"""One gallery item in full: image, prompt, text, metadata, lineage and actions."""

from __future__ import annotations

import streamlit as st

from components import state
from components.collect import collect_button
from components.get_code import get_code_panel
from components.grid import thumbnail_or_note
from components.render import safe_markdown, show_image
from studio.exchange.bidi import visible_bidi
from studio.exchange.filenames import slugify
from studio.gallery.errors import MissingImage
from studio.gallery.records import GalleryItem

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
    for column, other in zip(st.columns(min(6, len(chain))), chain[:6], strict=False):
        with column:
            thumbnail_or_note(store, other)
            label = "this image" if other.id == item.id else (
                "parent" if ancestors and other.id == ancestors[-1].id else
                "child" if other in children else "ancestor")
            st.caption(label)


def render_detail(item_id: str) -> None:
    store = state.store()
    item = store.get(item_id)
    if item is None:
        _close()
        return
    with st.container(border=True):
        head, close = st.columns([6, 1])
        head.subheader(f"{item.page.title()} · {item.created_at[:16].replace('T', ' ')}",
                       anchor=False)
        close.button("Close", key="gallery_detail_close", icon=":material/close:",
                     on_click=_close)
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
        with right:
            st.markdown("**Prompt**")
            st.text(visible_bidi(item.prompt) or "—")
            if item.text:
                st.markdown("**Text**")
                st.markdown(safe_markdown(item.text))
            meta = {
                "Model": item.model, "Engine": item.engine, "Aspect ratio": item.aspect_ratio,
                "Image size": item.image_size, "Pixels": f"{item.width}x{item.height}",
                "Seed": item.seed, "Finish": item.finish_reason, "Tokens": item.total_tokens,
                "Latency (ms)": item.latency_ms, "Est. cost (USD)": item.cost_usd,
            }
            st.dataframe({"field": list(meta), "value": [str(v) for v in meta.values()]},
                         hide_index=True, width="stretch")
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
                              file_name=f"{slugify(item.prompt)}-{item.id[:8]}.{item.ext}", mime=item.mime,
                              key=f"gallery_download_{item.id}", on_click="ignore",
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
