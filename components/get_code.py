"""'Get code' in the gallery: the Python that repeats an image's request, with its inputs."""

from __future__ import annotations

import streamlit as st

from components import state
from studio.exchange.get_code import code_for
from studio.gallery.errors import MissingImage
from studio.gallery.records import GalleryItem


def get_code_panel(item: GalleryItem) -> None:
    """An expander with the snippet (st.code has a copy button) and its input file."""
    store = state.store()
    parent = store.get(item.parent_id) if item.parent_id else None
    inputs = [(f"input-1.{parent.ext}", parent.mime)] if parent else []
    with st.expander("Get code", icon=":material/code:"):
        st.caption("The google-genai call that repeats this request. It reads the key from "
                   "GEMINI_API_KEY; an edit's source image is read from the file beside it.")
        st.code(code_for(item, state.catalog(), inputs=inputs), language="python")
        if parent is not None:
            try:
                data = store.item_image(parent)
            except MissingImage:
                st.caption("The source image's file is missing.")
                return
            st.download_button(f"Download {inputs[0][0]}", data=data, file_name=inputs[0][0],
                               mime=parent.mime, key=f"gallery_code_input_{item.id}",
                               on_click="ignore", icon=":material/download:")
