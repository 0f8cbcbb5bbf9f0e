"""Import on the gallery page: a colleague's export ZIP, checked, then added."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from components import state
from components.render import plural
from studio.exchange.import_zip import ZipRejected, import_zip
from studio.gallery.errors import StorageError


def import_panel() -> None:
    st.subheader(":material/unarchive: Import", anchor=False)
    st.caption("Add an Image Studio export (a ZIP made here or by a colleague). It is checked "
               "before anything is written; items already in the gallery are skipped.")
    locked = state.read_only_reason()
    upload = st.file_uploader("Export ZIP", key="gallery_import_zip", disabled=bool(locked),
                              help=locked)
    if upload is None or not st.button("Import it", key="gallery_import_run",
                                       icon=":material/unarchive:", disabled=bool(locked)):
        return
    with st.status(f"Importing {upload.name}…", expanded=False) as status, \
            tempfile.TemporaryDirectory(prefix="image-studio-import-") as folder:
        path = Path(folder) / "import.zip"
        path.write_bytes(upload.getvalue())
        try:
            report = import_zip(state.store(), path)
        except (ZipRejected, StorageError) as exc:
            status.update(label="Not imported", state="error")
            st.error(f"{upload.name}: {exc}. The gallery is unchanged.",
                     icon=":material/block:")
            return
        status.update(label="Imported", state="complete")
    skipped = f" ({report.items_skipped:,} already here)" if report.items_skipped else ""
    state.notify("success", f"Imported {plural(report.items_added, 'image')}{skipped} and "
                 f"{plural(report.conversations_added, 'conversation')} from {upload.name}.")
    for warning in report.warnings:
        state.notify("info", warning)
    st.rerun()
