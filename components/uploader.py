"""Image uploads: validated and normalized before anything is sent or kept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from components import state
from studio.making.attachments import Attachment, keep_upload
from studio.uploads import UploadRejected, describe_limits, normalize_upload

# No extension filter on the widgets: Streamlit's own check answers a wrong extension with
# an exception, and the browser's with a generic note. Every file is read by its bytes
# instead, so an SVG or a HEIC photo gets a sentence saying what to do.
ACCEPTED_TYPES = None


def prepare_uploads(files: Iterable[Any], *, page: str) -> list[Attachment]:
    """Normalize each file and keep it in the gallery; refuse broken ones with a message."""
    kept: list[Attachment] = []
    for file in files:
        if file is None:
            continue
        name = getattr(file, "name", "upload")
        try:
            image = normalize_upload(file.getvalue(), name)
        except UploadRejected as exc:
            st.error(f"{name}: {exc.message}", icon=":material/broken_image:")
            continue
        for note in image.notes:  # queued: the page reruns once the image is kept
            state.notify("info", f"{name}: {note}")
        kept.append(keep_upload(state.store(), image.data, image.mime, page=page, name=name))
    return kept


def image_uploader(label: str, *, key: str, multiple: bool = False, help: str | None = None) -> Any:
    return st.file_uploader(
        label, type=ACCEPTED_TYPES, key=key, accept_multiple_files=multiple,
        help=help or describe_limits(),
    )
