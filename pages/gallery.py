"""Gallery: everything made, kept across reloads; filter, curate and export as a ZIP."""

from __future__ import annotations

import math

import streamlit as st

from components import links, state
from components.auth import signed_in_user
from components.collect import collect_button
from components.collections import collection_filter, collections_panel
from components.compare import compare_panel, compare_selected_button
from components.conversations import show_notices
from components.gallery_bulk import bulk_actions
from components.gallery_detail import render_detail
from components.gallery_export import export_panel
from components.gallery_import import import_panel
from components.grid import GROUPINGS, image_grid, metadata_table
from studio.gallery.records import GalleryFilter

PER_PAGE = 48
PAGES = {"story": "Story", "edit": "Editing", "recipe": "Recipe", "text": "Text rendering"}

st.title(":material/photo_library: Gallery")
links.follow_gallery()  # filters and the open item live in the URL
show_notices()
store = state.store()
facets = store.facets()

with st.container(border=True):
    search, page_col, model_col, fav_col = st.columns([3, 2, 2, 1], vertical_alignment="bottom")
    text = search.text_input("Search prompts and text", key="gallery_search",
                             placeholder="turtle, invitation, sepia…")
    page_options = ["all", *facets["pages"]]
    page = page_col.selectbox("Page", page_options, key="gallery_page_filter",
                              format_func=lambda p: "All pages" if p == "all"
                              else PAGES.get(p, p.title()))
    model = model_col.selectbox("Model", ["all", *facets["models"]], key="gallery_model",
                                format_func=lambda m: "All models" if m == "all" else m)
    favourites = fav_col.toggle("Favourites", key="gallery_favourites")
    tag_col, date_col, group_col, collection_col = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
    tags = tag_col.multiselect("Tags", facets["tags"], key="gallery_tags",
                               placeholder="Any tag" if facets["tags"] else "No tags yet",
                               help="Images carrying every tag chosen.")
    dates = date_col.date_input("Made between", value=(), key="gallery_dates")
    group_by = group_col.selectbox("Group by", list(GROUPINGS), key="gallery_group",
                                   format_func=GROUPINGS.get)
    in_collection = collection_filter(collection_col)
    trash = st.toggle("Show recently deleted", key="gallery_trash",
                      help="Deleted images can be restored for 7 days.")
    me = signed_in_user()
    mine = me is not None and st.toggle("Made by me", key="gallery_mine",
                                        help=f"Only what {me} made.")

flt = GalleryFilter(
    page=None if page == "all" else page,
    model=None if model == "all" else model,
    favourite=True if favourites else None,
    text=text.strip() or None,
    tags=list(tags) or None,
    since=dates[0] if len(dates) >= 1 else None,
    until=dates[1] if len(dates) == 2 else None,
    only_deleted=trash,
    made_by=me if mine else None,
    ids=in_collection,
)
total = store.count(flt)
selected = state.selection()

detail_id = state.detail_item()
if detail_id:
    render_detail(detail_id)
compare_panel()  # the items chosen to compare, from the selection below or the Lab

if total == 0:
    st.info("Nothing here yet. Make something on the Story, Editing, Recipe or Text pages."
            if not (text or favourites or tags or page != "all" or trash or mine
                    or in_collection is not None) else
            "No images match these filters.", icon=":material/image_search:")
else:
    pages = max(1, math.ceil(total / PER_PAGE))
    head, pager = st.columns([2, 3], vertical_alignment="center")
    head.markdown(f"**{total:,}** image{'s' * (total != 1)} · {len(selected)} selected")
    with st.container(horizontal=True, vertical_alignment="center"):
        collect_button(sorted(selected), key="gallery_collect", label="Add selected to collection")
        compare_selected_button(selected)
    with pager:
        current = st.pagination(pages, key="gallery_page_number") if pages > 1 else 1
    view = st.segmented_control(
        "View", ["grid", "table"], default="grid", key="gallery_view",
        format_func={"grid": ":material/grid_view: Grid", "table": ":material/table: Table"}.get,
        label_visibility="collapsed") or "grid"
    if view == "grid":  # only the chosen view is built: the table reads every filtered row
        shown = store.query(flt, offset=(current - 1) * PER_PAGE, limit=PER_PAGE)
        bulk_actions(shown, trash=trash)
        image_grid(shown, trash=trash, group_by=group_by or "none")
    else:
        metadata_table(store, flt)

st.divider()
collections_panel()
st.divider()
export_panel(flt, total)
st.divider()
import_panel()
