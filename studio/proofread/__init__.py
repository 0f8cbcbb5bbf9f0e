"""Automatic proofreading: read an image's text back by OCR and score it against the intent."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from studio.proofread.compare import (
    Proofread,
    WordChange,
    accuracy,
    edit_distance,
    normalise,
    proofread_text,
    word_diff,
)
from studio.proofread.ocr import OcrStatus, ocr_status, read_text


def proofread_image(image: bytes, intended: str) -> Proofread:
    """OCR `image` and compare it with `intended`; needs `ocr_status().available`."""
    started = time.perf_counter()
    read = read_text(image)
    return proofread_text(intended, read, time.perf_counter() - started)


def proofreader(intended: str) -> Callable[[bytes], dict[str, Any]]:
    """A `review` hook for make_variants: image bytes -> the record kept with the image.

    An OCR failure (a timeout, an image Tesseract cannot open) becomes a record that says
    so: it must never cost the user the image."""

    def review(image: bytes) -> dict[str, Any]:
        try:
            return proofread_image(image, intended).to_record()
        except (RuntimeError, OSError, ValueError) as exc:  # pytesseract's errors derive from these
            return {"score": None, "error": f"OCR failed: {exc}"[:300]}

    return review


__all__ = [
    "OcrStatus",
    "Proofread",
    "WordChange",
    "accuracy",
    "edit_distance",
    "normalise",
    "ocr_status",
    "proofread_image",
    "proofread_text",
    "proofreader",
    "read_text",
    "word_diff",
]
