"""ZIP export with a progress bar; the file is read only when the download is clicked."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import streamlit as st

from components import state
from components.render import plural
from studio.exchange.export_zip import export_zip
from studio.gallery.records import GalleryFilter

SCOPES = {"filter": "Images matching the filters", "selection": "Selected images",
          "all": "Everything"}


def _export_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "image-studio-exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def prepare_zip(source: GalleryFilter | list[str] | None, name: str) -> bool:
    """Export `source` (a filter, item ids, or everything) with a progress bar, and keep the
    ZIP as the session's download (the one it replaces is deleted). False when it failed."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = _export_dir() / f"{name}-{stamp}.zip"
    bar = st.progress(0.0, text="Preparing the export…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"Packed {done:,} of {total:,} images")

    try:
        report = export_zip(state.store(), source, out, progress=progress)
    except OSError as exc:
        bar.empty()
        st.error(f"The export could not be written ({exc.strerror or 'disk error'}). "
                 "Nothing in the gallery was changed.")
        return False
    bar.progress(1.0, text=f"Ready: {plural(report.images, 'image')}, "
                 f"{report.bytes / 1_048_576:.1f} MB in {report.seconds:.1f} s")
    replaced = state.set_export_path(str(out))
    if replaced:
        Path(replaced).unlink(missing_ok=True)
    return True


def export_panel(flt: GalleryFilter, matching: int) -> None:
    st.subheader(":material/folder_zip: Export", anchor=False)
    st.caption("A ZIP with the original images, manifest.csv and manifest.json, and an "
               "index.html contact sheet (stories and recipes get pages of their own). It opens "
               "offline, without Image Studio.")
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    scope = left.radio("What to export", list(SCOPES), format_func=SCOPES.get,
                       horizontal=True, key="gallery_export_scope")
    selection = sorted(state.selection())
    source: GalleryFilter | list[str] | None = (
        flt if scope == "filter" else selection if scope == "selection" else None)
    count = matching if scope == "filter" else len(selection) if scope == "selection" \
        else state.store().count()
    if right.button(f"Prepare ZIP of {count:,} image{'s' * (count != 1)}",
                    key="gallery_export_prepare", icon=":material/inventory_2:",
                    disabled=count == 0 or (flt.only_deleted and scope == "filter")):
        prepare_zip(source, f"image-studio-{state.session_id()[:8]}")
    ready = state.export_path()
    if ready and Path(ready).exists():
        path = Path(ready)
        st.download_button(
            f"Download {path.name}", data=lambda: path.read_bytes(), file_name=path.name,
            mime="application/zip", key="gallery_export", on_click="ignore", type="primary",
            icon=":material/download:",
        )
