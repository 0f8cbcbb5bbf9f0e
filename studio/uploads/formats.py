"""Telling formats apart by their bytes: the ones we take, the ones users try, EXIF turns."""

from __future__ import annotations

import re

from PIL import Image

from studio.uploads.limits import _ACCEPTED_PHRASE, UploadRejected

# Pillow reports multi-picture JPEGs (most iPhone/Android photos carry a depth or gain map after
# the main image) as "MPO". The main image is a plain baseline JPEG, so treat it as one.
_FORMAT_ALIASES = {"MPO": "JPEG"}

# ISO-BMFF major brands used by HEIC/HEIF stills and sequences. "mif1"/"msf1" are generic HEIF
# brands that AVIF files use too, so those are only HEIC when no "avif" brand is listed.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})

_GENERIC_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})

_AVIF_BRANDS = frozenset({b"avif", b"avis"})

# Magic numbers of the formats we accept: a file that starts like one of them but that Pillow
# can't open is a broken image, not "not an image".
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")

# EXIF orientation values that need a flip or rotation (1 is already upright).
_EXIF_ORIENTATION_TAG = 0x0112

_TRANSPOSING_ORIENTATIONS = frozenset(range(2, 9))

_QUARTER_TURN_ORIENTATIONS = frozenset({5, 6, 7, 8})

def _exif_orientation(img: Image.Image) -> int:
    try:
        value = img.getexif().get(_EXIF_ORIENTATION_TAG, 1)
        return int(value)
    except Exception:
        # A broken EXIF block shouldn't sink an otherwise fine image; treat it as upright.
        return 1

def _png_bit_depth(data: bytes) -> int | None:
    # IHDR is always the first chunk: 8-byte signature, 4-byte length, b"IHDR", width, height,
    # then the bit depth byte at offset 24.
    if len(data) > 24 and data[12:16] == b"IHDR":
        return data[24]
    return None

def _is_webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"

def _reject_known_unsupported(data: bytes, filename: str | None) -> None:
    """Name formats users commonly try (iPhone HEIC, AVIF, SVG) instead of "not an image"."""
    if data[4:8] == b"ftyp":
        major = data[8:12]
        box_size = int.from_bytes(data[0:4], "big")
        compatible = data[16 : min(max(box_size, 16), 256)]
        brands = {compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)} | {major}
        if major in _AVIF_BRANDS or (major in _GENERIC_HEIF_BRANDS and brands & _AVIF_BRANDS):
            raise UploadRejected(
                "AVIF images aren't supported yet — export as JPEG or PNG.",
                reason="unsupported_format",
            )
        if major in _HEIC_BRANDS or major in _GENERIC_HEIF_BRANDS:
            raise UploadRejected(
                "HEIC photos aren't supported yet — export as JPEG or PNG.", reason="heic"
            )

    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    looks_like_svg = head.startswith(b"<") and b"<svg" in head
    named_svg = _display_name(filename).lower().endswith((".svg", ".svgz"))
    # Gzipped SVG (.svgz) can only be recognised by name: the content is just a gzip stream.
    if looks_like_svg or (named_svg and data[:2] == b"\x1f\x8b"):
        raise UploadRejected(
            "SVG (vector) images aren't supported — export it as PNG and upload that.",
            reason="svg",
        )

def _not_an_image_message(filename: str | None) -> str:
    name = _display_name(filename)
    subject = f'"{name}"' if name else "This file"
    return f"{subject} is not an image we can read — upload a {_ACCEPTED_PHRASE} file."

def _display_name(filename: str | None) -> str:
    """Just the file's own name: browsers may send a full client path, which we never echo."""
    if not filename:
        return ""
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name if len(name) <= 80 else name[:77] + "..."
