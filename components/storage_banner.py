"""The data folder's health, above every page: read-only, recovered, or unusable (then stop)."""

from __future__ import annotations

import streamlit as st

from components import state
from studio.gallery.opening import READ_ONLY, RECOVERED, UNUSABLE


def storage_banner() -> None:
    health = state.store_health()
    if health.status == UNUSABLE:
        st.error(f"{health.message} Nothing was changed. Fix it and reload the page; "
                 "`python -m studio doctor` checks the folder.", icon=":material/error:")
        st.stop()
    if health.status == READ_ONLY:
        st.warning(health.message, icon=":material/lock:")
    elif health.status == RECOVERED:
        st.info(health.message, icon=":material/healing:")
