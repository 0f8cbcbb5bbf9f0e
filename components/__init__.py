"""Reusable Streamlit pieces: sidebar, renderers, grid, uploader, and the session state."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

# Streamlit decides once per process, before any script has run, that a `pages/` folder
# beside app.py means its old multipage mode; only a call to st.navigation turns that off.
# The first request to a fresh server would otherwise run in the old mode (a deep link runs
# the page file without app.py). Turn it off and start that run again, properly.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()
