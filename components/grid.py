"""The gallery's thumbnail grid and its metadata table."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components import state
from components.render import safe_markdown
from studio.gallery.errors import MissingImage
from studio.gallery.records import GalleryFilter, GalleryItem
from studio.gallery.store import GalleryStore

COLUMNS = 6
TABLE_LIMIT = 2000


def display_prompt(item: GalleryItem) -> str:
    """What the user typed (kept as the page's inputs), else the prompt sent."""
    inputs = item.settings.get("inputs")
    if isinstance(inputs, dict):
        for value in inputs.values():
            if isinstance(value, str) and value.strip():
                return value
    return item.prompt


def image_grid(items: Sequence[GalleryItem], *, trash: bool = False) -> None:
    """Thumbnails only (JPEG, made at save time): fast however big the gallery grows."""
    store = state.store()
    selection = state.selection()
    locked = state.read_only_reason()
    for start in range(0, len(items), COLUMNS):
        for column, item in zip(st.columns(COLUMNS), items[start:start + COLUMNS], strict=False):
            with column, st.container(border=True):
                thumbnail_or_note(store, item)
                star = ":material/star: " if item.favourite else ""
                st.caption(f"{star}**{item.page}** · {safe_markdown(display_prompt(item)[:60])}")
                with st.container(horizontal=True, vertical_alignment="center"):
                    st.checkbox("Select", value=item.id in selection,
                                key=f"gallery_sel_{item.id}", label_visibility="collapsed",
                                on_change=state.toggle_selected, args=(item.id,))
                    if trash:
                        st.button("", key=f"gallery_restore_{item.id}", help=locked or "Restore",
                                  icon=":material/restore_from_trash:", disabled=bool(locked),
                                  on_click=store.restore, args=(item.id,))
                    else:
                        st.button("", key=f"gallery_open_{item.id}", help="Details",
                                  icon=":material/open_in_full:", type="tertiary",
                                  on_click=state.open_detail, args=(item.id,))


def thumbnail_or_note(store: GalleryStore, item: GalleryItem) -> None:
    """The card's thumbnail, or a note when the image file is gone: one card, not the grid."""
    try:
        st.image(store.item_thumbnail(item), width="stretch")
    except MissingImage:
        st.warning("Image file missing. `python -m studio doctor --repair` tidies up.",
                   icon=":material/broken_image:")


def items_frame(items: Sequence[GalleryItem]) -> pd.DataFrame:
    rows = [
        {
            "created": i.created_at[:19].replace("T", " "),
            "page": i.page,
            "prompt": display_prompt(i),
            "model": i.model,
            "engine": i.engine,
            "aspect": i.aspect_ratio,
            "size": f"{i.width}x{i.height}",
            "finish": i.finish_reason,
            "tokens": i.total_tokens,
            "latency_ms": i.latency_ms,
            "cost_usd": i.cost_usd,
            "favourite": i.favourite,
            "tags": ", ".join(i.tags),
            "id": i.id,
        }
        for i in items
    ]
    return pd.DataFrame(rows)


def metadata_table(store: GalleryStore, flt: GalleryFilter) -> None:
    items = store.query(flt, limit=TABLE_LIMIT)
    st.dataframe(items_frame(items), hide_index=True, width="stretch", height=360,
                 column_config={"cost_usd": st.column_config.NumberColumn(format="$%.4f")})
    if len(items) == TABLE_LIMIT:
        st.caption(f"Showing the newest {TABLE_LIMIT:,}; the export includes all of them.")
