"""Image uploads: validated and normalized before anything is sent or kept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from components import state
from studio.threads import Attachment, keep_upload
from studio.uploads import UploadRejected, describe_limits, normalize_upload

ACCEPTED_TYPES = ["png", "jpg", "jpeg", "webp", "gif"]


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
        for note in image.notes:
            st.info(f"{name}: {note}", icon=":material/auto_fix_high:")
        kept.append(keep_upload(state.store(), image.data, image.mime, page=page, name=name))
    return kept


def image_uploader(label: str, *, key: str, multiple: bool = False, help: str | None = None) -> Any:
    return st.file_uploader(
        label, type=ACCEPTED_TYPES, key=key, accept_multiple_files=multiple,
        help=help or describe_limits(),
    )
