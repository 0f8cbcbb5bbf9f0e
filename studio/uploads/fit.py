"""An upload fitted to what a request may carry: downscaled and re-encoded, or refused.

The upload limit is about the file; a request carries the image as base64 beside the rest
of the message, so a photo well under the upload limit can still make a request the API
refuses. `fit_to_request` shrinks such an image until it fits, and says from what to what.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image

from studio.uploads.limits import _MB, UploadRejected, _format_number

JPEG_QUALITY = 90
MIN_SIDE = 256  # smaller than this, an edit has too little to work from: refuse instead
ATTEMPTS = 8


@dataclass(frozen=True)
class Fitted:
    data: bytes
    mime: str
    note: str | None = None  # what was changed and why; None when the image was sent as is


def _mb(n: float) -> str:
    """1.6 MB (rounded up: never "20 MB, over 20 MB"), or 14 KB under a megabyte."""
    if n >= _MB:
        return f"{_format_number(math.ceil(n / _MB * 10) / 10)} MB"
    return f"{math.ceil(n / 1024)} KB"


def _encode(img: Image.Image, size: tuple[int, int]) -> tuple[bytes, str]:
    out = img if img.size == size else img.resize(size, Image.Resampling.LANCZOS,
                                                   reducing_gap=3.0)
    buf = io.BytesIO()
    if out.mode == "RGBA":
        out.save(buf, "PNG", optimize=False)
        return buf.getvalue(), "image/png"
    out.save(buf, "JPEG", quality=JPEG_QUALITY)
    return buf.getvalue(), "image/jpeg"


def fit_to_request(data: bytes, mime: str, room: int, *, limit_text: str, name: str,
                   sent: int) -> Fitted:
    """`data` as is when it is at most `room` bytes, else downscaled (and re-encoded as JPEG
    unless it has transparency) to fit. `sent` is what `data` would take in the request and
    `limit_text` the limit it passes, both for the note. Raises UploadRejected with the
    numbers when even a MIN_SIDE image would not fit."""
    if len(data) <= room:
        return Fitted(data, mime)
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        img = opened.convert("RGBA" if opened.mode in ("RGBA", "LA", "PA") else "RGB")
    width, height = img.size
    was = f"{width}x{height} px, {_mb(len(data))}; {_mb(sent)} as sent"
    if room <= 0:
        raise UploadRejected(
            f"{name} ({was}) cannot be sent: the request limit of {limit_text} leaves no room "
            "for an image beside the message. Nothing was sent.", reason="too_large_to_send")
    # A format change alone may be enough (a noisy photo saved as PNG); otherwise start near
    # the scale the byte ratio suggests and correct from what each try produced.
    scale = 1.0 if img.mode == "RGB" and mime != "image/jpeg" else \
        min(1.0, math.sqrt(room / len(data)) * 0.97)
    smallest = min(1.0, MIN_SIDE / max(width, height))
    encoded, out_mime, size = data, mime, (width, height)
    for _ in range(ATTEMPTS):
        scale = max(scale, smallest)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        encoded, out_mime = _encode(img, size)
        if len(encoded) <= room:
            kind = "JPEG" if out_mime == "image/jpeg" else "PNG"
            how = "re-encoded" if size == (width, height) else "downscaled"
            return Fitted(encoded, out_mime, (
                f"{name} ({was}) was over what a request may carry under the {limit_text} "
                f"limit; it was {how} to {size[0]}x{size[1]} px, {_mb(len(encoded))} "
                f"{kind}, to fit."))
        if scale <= smallest:
            break
        scale *= math.sqrt(room / len(encoded)) * 0.95
    raise UploadRejected(
        f"{name} ({was}) cannot be sent within the {limit_text} request limit: even at "
        f"{size[0]}x{size[1]} px it is {_mb(len(encoded))}, and this message has room for "
        f"{_mb(room)}. Nothing was sent; raise STUDIO_MAX_REQUEST_MB or use a smaller "
        "image.", reason="too_large_to_send")
