"""The gallery's Collections panel: name a set for an audience, order it, export or present it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components import state
from components.gallery_export import prepare_zip
from components.grid import thumbnail_or_note
from components.render import plural, safe_markdown
from studio.exchange.filenames import slugify
from studio.exchange.slides import COLLECTION
from studio.gallery.collections import Collection, CollectionError

PRESENT_PAGE = "pages/present.py"
ROW = 6


def _create() -> None:
    try:
        made = state.store().collections.create(state.widget_value("collection_name", ""),
                                                state.widget_value("collection_audience", ""))
    except CollectionError as exc:
        state.notify("error", str(exc))
        return
    state.clear_widget("collection_name")
    state.clear_widget("collection_audience")
    state.set_widgets({"collection_open": made.id})
    state.notify("success", f"Made “{made.name}”. Add images with “Add to collection” on any "
                 "page, on a card's details, or for the selected images here.")


def _rename(collection_id: str) -> None:
    try:
        state.store().collections.rename(
            collection_id, state.widget_value(f"collection_rename_{collection_id}", ""),
            state.widget_value(f"collection_reaudience_{collection_id}", ""))
    except CollectionError as exc:
        state.notify("error", str(exc))


def _delete(collection_id: str) -> None:
    state.store().collections.delete(collection_id)
    state.clear_widget("collection_open")
    state.notify("success", "Collection deleted; its images stay in the gallery.")


def create_form() -> None:
    locked = state.read_only_reason()
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input("New collection", key="collection_name", max_chars=120,
                      placeholder="Kickoff with design")
        st.text_input("For whom", key="collection_audience", max_chars=200,
                      placeholder="the design team")
        st.button("Create", key="collection_create", icon=":material/add:", on_click=_create,
                  disabled=bool(locked), help=locked)


def collections_panel() -> None:
    """Create, pick and manage collections (the gallery page's section)."""
    st.subheader(":material/collections_bookmark: Collections", anchor=False)
    create_form()
    collections = state.store().collections.list()
    if not collections:
        st.caption("No collections yet. Name one above for its audience.")
        return
    by_id = {c.id: c for c in collections}
    if state.widget_value("collection_open") not in by_id:
        state.clear_widget("collection_open")
    chosen = st.selectbox("Collection", list(by_id), key="collection_open",
                          format_func=lambda c: f"{by_id[c].label} ({len(by_id[c].item_ids)})")
    _manage(by_id[chosen])


def _manage(collection: Collection) -> None:
    locked = state.read_only_reason()
    with st.container(border=True):
        st.markdown(f"**{safe_markdown(collection.name)}**"
                    + (f" · for {safe_markdown(collection.audience)}" if collection.audience else "")
                    + f" · {plural(len(collection.item_ids), 'image')}")
        with st.container(horizontal=True, vertical_alignment="bottom"):
            present = st.button("Present", key="collection_present", type="primary",
                                icon=":material/slideshow:", disabled=not collection.item_ids)
            prepare = st.button("Prepare ZIP", key="collection_export_prepare",
                                icon=":material/inventory_2:", disabled=not collection.item_ids)
            with st.popover("Rename", icon=":material/edit:", disabled=bool(locked)):
                st.text_input("Name", value=collection.name, key=f"collection_rename_{collection.id}")
                st.text_input("For whom", value=collection.audience,
                              key=f"collection_reaudience_{collection.id}")
                st.button("Save", key="collection_rename_save", on_click=_rename,
                          args=(collection.id,))
            st.button("Delete collection", key="collection_delete", icon=":material/delete:",
                      on_click=_delete, args=(collection.id,), disabled=bool(locked),
                      type="tertiary")
        if present:
            state.start_presenting(COLLECTION, collection.id)
            st.switch_page(PRESENT_PAGE)
        if prepare:
            _export(collection)
        ready = state.export_path()
        if ready and Path(ready).exists() and Path(ready).name.startswith("collection-"):
            path = Path(ready)
            st.download_button(f"Download {path.name}", data=lambda: path.read_bytes(),
                               file_name=path.name, mime="application/zip",
                               key="collection_export", on_click="ignore",
                               icon=":material/download:")
        if st.toggle("Show and arrange its images", key="collection_arrange"):
            _members(collection, disabled=bool(locked))


def _members(collection: Collection, *, disabled: bool) -> None:
    """The images in their order, each with move earlier / later / remove."""
    store = state.store()
    collections = store.collections
    ids = list(collection.item_ids)
    if not ids:
        st.caption("Empty so far.")
        return
    for start in range(0, len(ids), ROW):
        for n, (column, item_id) in enumerate(zip(st.columns(ROW), ids[start:start + ROW],
                                                  strict=False), start=start):
            item = store.get(item_id)
            if item is None:
                continue
            with column:
                thumbnail_or_note(store, item)
                with st.container(horizontal=True, gap="small"):
                    st.button("", key=f"collection_earlier_{item_id}", help="Earlier",
                              icon=":material/arrow_back:", disabled=disabled or n == 0, type="tertiary",
                              on_click=collections.move, args=(collection.id, item_id, -1))
                    st.button("", key=f"collection_later_{item_id}", help="Later",
                              icon=":material/arrow_forward:", type="tertiary",
                              disabled=disabled or n == len(ids) - 1,
                              on_click=collections.move, args=(collection.id, item_id, 1))
                    st.button("", key=f"collection_remove_{item_id}", help="Remove from the "
                              "collection (it stays in the gallery)", icon=":material/close:", type="tertiary",
                              disabled=disabled, on_click=collections.remove,
                              args=(collection.id, [item_id]))


def _export(collection: Collection) -> None:
    prepare_zip(list(collection.item_ids), f"collection-{slugify(collection.name, 40, 'collection')}")


def collection_filter(where: object = st) -> list[str] | None:
    """The gallery's collection filter: the chosen collection's item ids, or None for all."""
    by_id = {c.id: c for c in state.store().collections.list()}
    if state.widget_value("gallery_collection", "all") not in ("all", *by_id):
        state.clear_widget("gallery_collection")
    chosen = where.selectbox(  # type: ignore[attr-defined]
        "Collection", ["all", *by_id], key="gallery_collection",
        format_func=lambda c: "All images" if c == "all" else by_id[c].label)
    return None if chosen == "all" else list(by_id[chosen].item_ids)
