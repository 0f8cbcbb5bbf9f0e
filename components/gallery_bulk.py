"""What the gallery does to every selected image at once: tag, favourite, delete."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components import state
from components.render import plural
from studio.gallery.records import GalleryItem


def _tag(ids: list[str], tags: list[str]) -> None:
    store = state.store()
    for item_id in ids:
        item = store.get(item_id)
        if item is not None:
            store.set_tags(item_id, [*item.tags, *tags])
    state.clear_widget("gallery_bulk_tags")
    state.notify("success", f"Tagged {plural(len(ids), 'image')} {', '.join(tags)}.")


def _favourite(ids: list[str], on: bool) -> None:
    store = state.store()
    for item_id in ids:
        store.set_favourite(item_id, on)
    state.notify("success", f"{plural(len(ids), 'image')} "
                 f"{'marked as favourites' if on else 'no longer favourites'}.")


def _delete(ids: list[str]) -> None:
    store = state.store()
    for item_id in ids:
        store.delete(item_id)
    state.clear_selection()
    state.notify("success", f"Deleted {plural(len(ids), 'image')}. Turn on “Show recently "
                 "deleted” to restore them (for 7 days).")


def bulk_actions(shown: Sequence[GalleryItem], *, trash: bool) -> None:
    """A bar over the grid: select this page, and act on the whole selection."""
    store = state.store()
    selected = sorted(state.selection())
    live = [i for i in selected if (item := store.get(i)) is not None and item.deleted_at is None]
    locked = state.read_only_reason()
    with st.container(border=bool(selected), horizontal=True, vertical_alignment="center"):
        if selected:
            st.markdown(f"**{len(selected)} selected**", width="content")
        st.button("Select this page", key="gallery_select_page", icon=":material/select_all:",
                  on_click=state.select_items, args=([i.id for i in shown],), type="tertiary")
        if not selected:
            return
        st.button("Clear", key="gallery_clear_selection",
                  icon=":material/deselect:", on_click=state.clear_selection, type="tertiary")
        if trash or not live:
            return
        tags = st.multiselect("Tag the selection", sorted(store.facets()["tags"]),
                              key="gallery_bulk_tags", accept_new_options=True,
                              placeholder="Tags for all of them…", disabled=bool(locked),
                              width=240, label_visibility="collapsed")
        st.button("Add tags", key="gallery_bulk_tag", icon=":material/sell:",
                  disabled=bool(locked) or not tags, help=locked,
                  on_click=_tag, args=(live, list(tags or [])))
        st.button("Favourite", key="gallery_bulk_favourite", icon=":material/star:",
                  disabled=bool(locked), help=locked, on_click=_favourite, args=(live, True))
        st.button("Unfavourite", key="gallery_bulk_unfavourite", icon=":material/star_border:",
                  disabled=bool(locked), help=locked, on_click=_favourite, args=(live, False))
        st.button(f"Delete {len(live)}", key="gallery_bulk_delete", icon=":material/delete:",
                  disabled=bool(locked), help=locked, on_click=_delete, args=(live,))
        st.caption("Export them below: “Selected images”.", width="content")
