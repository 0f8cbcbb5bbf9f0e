"""Image uploads: validated, normalized and fitted to a request before anything is sent."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from components import state
from studio.gemini.budget import MB, Limits, image_room, max_request_bytes, sent_bytes
from studio.making.attachments import Attachment, keep_upload
from studio.uploads import UploadRejected, describe_limits, normalize_upload
from studio.uploads.fit import fit_to_request

# No extension filter on the widgets: Streamlit's own check answers a wrong extension with
# an exception, and the browser's with a generic note. Every file is read by its bytes
# instead, so an SVG or a HEIC photo gets a sentence saying what to do.
ACCEPTED_TYPES = None


def prepare_uploads(files: Iterable[Any], *, page: str,
                    others_bytes: int = 0) -> list[Attachment] | None:
    """Normalize each file, fit it to what one request may carry beside `others_bytes` of
    images already in the message, and keep it in the gallery. None when any file was
    refused (each refusal shown with its reason): the caller sends nothing then."""
    chosen = [f for f in files if f is not None]
    info = state.catalog().get(state.settings().model)
    max_bytes = max_request_bytes()
    limits = Limits(max_bytes, info.input_token_limit)
    images: list[tuple[str, bytes, str, tuple[str, ...]]] = []
    refused = False
    for file in chosen:
        name = getattr(file, "name", "upload")
        try:
            image = normalize_upload(file.getvalue(), name)
        except UploadRejected as exc:
            st.error(f"{name}: {exc.message}", icon=":material/broken_image:")
            refused = True
            continue
        images.append((name, image.data, image.mime, image.notes))
    fitted: list[tuple[str, bytes, str, list[str]]] = []
    # The smallest first: each gets an equal share of what the earlier ones left.
    used = others_bytes
    for position, (name, data, mime, notes) in enumerate(sorted(images, key=lambda i: len(i[1]))):
        room = image_room(limits, info.input_image_tokens, images=len(images) - position,
                          others_bytes=used)
        try:
            fit = fit_to_request(data, mime, room, name=name, sent=sent_bytes(len(data)),
                                 limit_text=f"{round(max_bytes / MB, 2):g} MB")
        except UploadRejected as exc:
            st.error(exc.message, icon=":material/photo_size_select_large:")
            refused = True
            continue
        used += len(fit.data)
        fitted.append((name, fit.data, fit.mime, [*notes, *([fit.note] if fit.note else [])]))
    if refused:
        return None
    kept: list[Attachment] = []
    for name, data, mime, notes in fitted:
        for note in notes:  # queued: the page reruns once the image is kept
            state.notify("info", note if note.startswith(name) else f"{name}: {note}")
        kept.append(keep_upload(state.store(), data, mime, page=page, name=name))
    return kept


def image_uploader(label: str, *, key: str, multiple: bool = False, help: str | None = None) -> Any:
    return st.file_uploader(
        label, type=ACCEPTED_TYPES, key=key, accept_multiple_files=multiple,
        help=help or describe_limits(),
    )
