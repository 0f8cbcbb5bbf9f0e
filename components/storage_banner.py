"""The data folder's health, above every page: read-only, recovered, or unusable (then stop)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from components import state
from studio.gallery.errors import StorageError
from studio.gallery.opening import READ_ONLY, RECOVERED, UNUSABLE


def storage_banner() -> None:
    health = state.store_health()
    if health.status == UNUSABLE:
        state.forget_store()  # the next run tries again: the server may be back by then
        advice = "" if health.on_server else (" Nothing was changed. Fix it and reload the "
                                              "page; `python -m studio doctor` checks the folder.")
        st.error(f"{health.message}{advice}", icon=":material/error:")
        st.stop()
    if health.status == READ_ONLY:
        st.warning(health.message, icon=":material/lock:")
    elif health.status == RECOVERED:
        st.info(health.message, icon=":material/healing:")


@contextmanager
def storage_failures() -> Iterator[None]:
    """A failure the page did not handle (the database server went away, the disk filled)
    is its sentence in an error box, not a traceback; the next run tries again."""
    try:
        yield
    except StorageError as exc:
        st.error(exc.message, icon=":material/error:")
