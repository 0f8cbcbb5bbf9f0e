"""Image Studio: a prototyping dashboard for Gemini's native image generation."""

from __future__ import annotations

import streamlit as st

from components import links
from components.auth import account_box, require_sign_in
from components.sidebar import render_sidebar
from components.storage_banner import storage_banner, storage_failures

st.set_page_config(
    page_title="Image Studio",
    page_icon=":material/palette:",
    layout="wide",
    initial_sidebar_state="expanded",
)

require_sign_in()  # with [auth] in secrets.toml, nothing else runs before sign-in

PAGES = {
    "": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)],
    "Create": [
        st.Page("pages/story.py", title="Story", icon=":material/auto_stories:"),
        st.Page("pages/edit.py", title="Conversational editing", icon=":material/edit:"),
        st.Page("pages/recipe.py", title="Recipe", icon=":material/restaurant:"),
        st.Page("pages/text.py", title="Text rendering", icon=":material/text_fields:"),
    ],
    "Explore": [st.Page("pages/lab.py", title="Prompt Lab", icon=":material/science:")],
    "Library": [
        st.Page("pages/gallery.py", title="Gallery", icon=":material/photo_library:"),
        st.Page("pages/usage.py", title="Usage", icon=":material/monitoring:"),
        st.Page("pages/present.py", title="Present", icon=":material/slideshow:"),
    ],
}

page = st.navigation(PAGES)
storage_banner()  # a read-only, recovered or unusable data folder says so on every page
with storage_failures():  # e.g. the database server went away since the banner
    links.restore_settings()  # a link's or a reload's settings, before the sidebar draws them
    render_sidebar(page.url_path)  # the grounding choice is kept per page
    account_box()
    page.run()
    links.keep_settings()  # after the page: it may change one too (the text page's variants)
