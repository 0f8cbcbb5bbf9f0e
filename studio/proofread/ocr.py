"""Reading text back out of an image with Tesseract.

Tesseract is the de-facto open OCR engine, packaged by Debian (`tesseract-ocr`, installed by
`make system-deps`); pytesseract is its maintained Python binding, which runs the installed
binary rather than bundling a second engine. Without the binary, proofreading says why it is
unavailable and nothing else changes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image

OCR_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class OcrStatus:
    available: bool
    reason: str = ""  # why not, in words a person can act on
    version: str = ""


@lru_cache(maxsize=1)
def ocr_status() -> OcrStatus:
    """Whether Tesseract can run here (checked once per process)."""
    try:
        import pytesseract
    except ImportError:
        return OcrStatus(False, "the pytesseract package is not installed "
                                "(pip install -r requirements.txt)")
    try:
        version = str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError):
        return OcrStatus(False, "the Tesseract OCR program is not installed "
                                "(make system-deps, or apt-get install tesseract-ocr)")
    return OcrStatus(True, version=version)


def read_text(image: bytes) -> str:
    """The text Tesseract finds in `image`, whitespace as it laid it out."""
    import pytesseract

    with Image.open(io.BytesIO(image)) as img:
        # Grey, not binarised: one global threshold loses light text on gradients, and
        # Tesseract's own thresholding does better on the grey image.
        grey = img.convert("L")
    return str(pytesseract.image_to_string(grey, timeout=OCR_TIMEOUT_S))
