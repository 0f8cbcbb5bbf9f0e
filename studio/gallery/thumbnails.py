"""Gallery thumbnails: small JPEGs made once when an image is saved.

This runs on every generation, so it takes the cheap road: JPEG `draft` (DCT scaling),
an integer `reduce` (box average, no resampling kernel), then a bilinear finish.
"""

from __future__ import annotations

import io

from PIL import Image

THUMB_SIZE = 256
THUMB_QUALITY = 80


def sniff(data: bytes) -> tuple[str, int, int]:
    """(mime, width, height) from the header only (no pixel decoding).

    The bytes decide the type, not the caller's label: a JPEG sent as "image/png" is a JPEG.
    Raises PIL.UnidentifiedImageError for bytes that are no image.
    """
    with Image.open(io.BytesIO(data)) as im:
        mime = Image.MIME.get(im.format or "", "application/octet-stream")
        if mime == "image/mpo":  # phone photos: a JPEG with extra frames appended
            mime = "image/jpeg"
        return mime, im.size[0], im.size[1]


def make_thumbnail(data: bytes, size: int = THUMB_SIZE) -> bytes:
    """JPEG bytes whose longest side is at most `size` px."""
    with Image.open(io.BytesIO(data)) as im:
        if im.format == "JPEG":
            im.draft("RGB", (size, size))  # decode at 1/2..1/8 scale: most of the work saved
        im.seek(0)  # first frame of animations
        frame: Image.Image = im
        if im.mode not in ("RGB", "RGBA", "L"):  # reduce() needs a plain band layout
            frame = im.convert("RGBA" if im.has_transparency_data else "RGB")
        factor = max(1, max(frame.size) // size)
        small = frame.reduce(factor) if factor > 1 else frame
        if max(small.size) > size:
            small = small.copy()
            small.thumbnail((size, size), Image.Resampling.BILINEAR)
        small = _flatten(small)
        out = io.BytesIO()
        small.save(out, "JPEG", quality=THUMB_QUALITY)
        return out.getvalue()


def _flatten(im: Image.Image) -> Image.Image:
    """JPEG has no alpha: composite transparent images on white, like a page would."""
    if im.mode == "RGBA":
        background = Image.new("RGB", im.size, (255, 255, 255))
        background.paste(im, mask=im.getchannel("A"))
        return background
    return im
