"""Validate and normalize a user's uploaded image before it is sent to Gemini.

Everything here works on untrusted bytes: the real format comes from the content (never the
file name), the pixel count is checked before any pixel is decoded, and every failure becomes an
`UploadRejected` whose `.message` is a sentence fit to show the user as is.

Plain Python + Pillow: no streamlit.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from studio.uploads.formats import (
    _FORMAT_ALIASES,
    _IMAGE_MAGIC,
    _QUARTER_TURN_ORIENTATIONS,
    _TRANSPOSING_ORIENTATIONS,
    _exif_orientation,
    _is_webp,
    _not_an_image_message,
    _png_bit_depth,
    _reject_known_unsupported,
)
from studio.uploads.limits import (
    _ACCEPTED_PHRASE,
    _FORMAT_LABELS,
    _MB,
    ACCEPTED_FORMATS,
    UploadLimits,
    UploadRejected,
    _damaged,
    _format_number,
    _too_many_pixels,
)

JPEG_QUALITY = 92


_SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N"})


@dataclass(frozen=True)
class NormalizedImage:
    data: bytes  # the original bytes when nothing needed changing, else a fresh PNG/JPEG
    mime: str  # "image/png" | "image/jpeg"
    width: int
    height: int
    original_format: str  # Pillow's name for what was uploaded: "PNG", "JPEG", "WEBP", "GIF"
    notes: tuple[str, ...] = ()  # what was changed, for the user; empty when passed through


def normalize_upload(
    data: bytes, filename: str | None = None, limits: UploadLimits | None = None
) -> NormalizedImage:
    """Check `data` is a usable image and return it as a PNG or JPEG Gemini will accept.

    `filename` is only used to word messages (and to recognise a gzipped SVG); the format is
    always taken from the bytes. Raises UploadRejected with a user-facing message otherwise.
    """
    limits = limits or UploadLimits.from_env()
    data = bytes(data)
    if not data:
        raise UploadRejected("The file is empty.", reason="empty")
    if len(data) > limits.max_bytes:
        # Round the size up so a file just over the limit never reads as "20 MB, over 20 MB".
        size_mb = _format_number(math.ceil(len(data) / _MB * 10) / 10)
        raise UploadRejected(
            f"The file is {size_mb} MB, which is over the "
            f"{_format_number(limits.max_bytes / _MB)} MB upload limit.",
            reason="too_large",
        )
    _reject_known_unsupported(data, filename)

    try:
        img = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own global guard fired while opening (only the header has been read). The
        # warning is caught too because a caller's warning filter may have turned it into an error.
        raise _too_many_pixels(None, limits) from exc
    except UnidentifiedImageError as exc:
        if data.startswith(_IMAGE_MAGIC) or _is_webp(data):
            raise _damaged() from exc
        raise UploadRejected(_not_an_image_message(filename), reason="not_image") from exc
    except Exception as exc:
        # Image.open parses attacker-controlled headers; whatever goes wrong there means the
        # file is unusable, and the user only needs to know that much.
        raise _damaged() from exc

    with img:
        return _normalize_opened(img, data, limits)


# --- internals ---------------------------------------------------------------------------------


def _normalize_opened(img: Image.Image, data: bytes, limits: UploadLimits) -> NormalizedImage:
    raw_format = img.format or ""
    fmt = _FORMAT_ALIASES.get(raw_format, raw_format)
    width, height = img.size

    # Our own bomb guard, checked on the header's declared size before any pixel is decoded. It
    # is explicit and local on purpose: Image.MAX_IMAGE_PIXELS is process-wide and may be changed
    # (or disabled) by other code.
    if width * height > limits.max_pixels:
        raise _too_many_pixels((width, height), limits)
    if fmt not in ACCEPTED_FORMATS:
        kind = f"{raw_format} images aren't" if raw_format else "This kind of image isn't"
        raise UploadRejected(
            f"{kind} supported — upload a {_ACCEPTED_PHRASE} file instead.",
            reason="unsupported_format",
        )

    try:
        # MPO "frames" are extra pictures (depth/gain maps), not animation.
        animated = fmt != "JPEG" and bool(getattr(img, "is_animated", False))
    except Exception as exc:
        raise _damaged() from exc
    orientation = _exif_orientation(img)
    sixteen_bit = img.mode in _SIXTEEN_BIT_MODES or (fmt == "PNG" and _png_bit_depth(data) == 16)
    upright_size = (height, width) if orientation in _QUARTER_TURN_ORIENTATIONS else (width, height)
    needs_downscale = max(width, height) > limits.max_side

    if (
        fmt in ("PNG", "JPEG")
        and img.mode in ("RGB", "RGBA")
        and not animated
        and not sixteen_bit
        and orientation not in _TRANSPOSING_ORIENTATIONS
        and not needs_downscale
    ):
        # Already what Gemini wants: send the user's exact bytes (no generation loss, metadata
        # and colour profile intact) once a full decode has proven the file is complete.
        _decode(img, limits)
        return NormalizedImage(
            data=data,
            mime="image/png" if fmt == "PNG" else "image/jpeg",
            width=width,
            height=height,
            original_format=fmt,
        )

    notes: list[str] = []
    if animated:
        notes.append(f"used the first frame of an animated {_FORMAT_LABELS[fmt]}")

    target: tuple[int, int] | None = None
    if needs_downscale:
        scale = limits.max_side / max(width, height)
        target = (
            max(1, round(upright_size[0] * scale)),
            max(1, round(upright_size[1] * scale)),
        )
        if fmt == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale (never below the target), which is far
            # cheaper than decoding every pixel and throwing most of them away. The request is in
            # stored (pre-rotation) orientation; the scale factor is the same either way.
            img.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))

    icc_profile = img.info.get("icc_profile")
    _decode(img, limits)  # the first frame only, for animations
    try:
        out: Image.Image = img
        if orientation in _TRANSPOSING_ORIENTATIONS:
            # Before any mode conversion, while the image still carries its EXIF block.
            out = ImageOps.exif_transpose(out)
            notes.append("rotated per EXIF orientation")
        out, mode_notes = _to_8bit_rgb_or_rgba(out, sixteen_bit=sixteen_bit)
        notes.extend(mode_notes)
        if target is not None:
            if out.size != target:
                # Bicubic (antialiased by Pillow when shrinking) looks the same as Lanczos at the
                # mild ratios left after a JPEG draft, and is ~25% faster on a 12 MP photo;
                # reducing_gap box-reduces first when the ratio is still large.
                out = out.resize(target, Image.Resampling.BICUBIC, reducing_gap=3.0)
            notes.append(
                f"downscaled from {upright_size[0]}x{upright_size[1]} to {target[0]}x{target[1]}"
            )
    except Exception as exc:
        # These run on decoded pixels, but a malformed palette or EXIF block can still make them
        # fail; the file is unusable either way.
        raise _damaged() from exc

    encoded, mime = _encode(out, icc_profile)
    out_format = "PNG" if mime == "image/png" else "JPEG"
    if out_format != fmt:
        notes.append(f"converted {_FORMAT_LABELS[fmt]} to {_FORMAT_LABELS[out_format]}")
    if len(encoded) > limits.max_bytes:
        raise UploadRejected(
            f"Even after conversion the image is over the "
            f"{_format_number(limits.max_bytes / _MB)} MB upload limit — try a smaller image.",
            reason="too_large",
        )
    return NormalizedImage(
        data=encoded,
        mime=mime,
        width=out.width,
        height=out.height,
        original_format=fmt,
        notes=tuple(notes),
    )


def _decode(img: Image.Image, limits: UploadLimits) -> None:
    """Decode every pixel of the current frame, so truncation and corruption surface here.

    ImageFile.LOAD_TRUNCATED_IMAGES is deliberately left alone: it is process-wide and would make
    Pillow pad a cut-off file with grey instead of failing.
    """
    try:
        img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(img.size, limits) from exc
    except Exception as exc:
        raise _damaged() from exc


def _to_8bit_rgb_or_rgba(img: Image.Image, *, sixteen_bit: bool) -> tuple[Image.Image, list[str]]:
    """Convert any decoded mode to 8-bit RGB, or RGBA when some pixel is actually transparent."""
    notes: list[str] = []
    # Decided on the source: palette/grey transparency lives in its info (tRNS), not in a band.
    wanted = "RGBA" if img.has_transparency_data else "RGB"
    out = img
    if out.mode in _SIXTEEN_BIT_MODES:
        # convert("L") clamps 16-bit values to 255, turning nearly everything white; rescale the
        # 0..65535 range to 0..255 first (+0.5 rounds rather than truncates).
        if out.mode != "I":
            out = out.convert("I")
        out = out.point(lambda v: v * (1 / 257) + 0.5).convert("L")
    if sixteen_bit:
        # 16-bit RGB(A) PNGs were already reduced to 8 bits per channel by Pillow while decoding.
        notes.append("converted 16-bit to 8-bit")
    if out.mode == "CMYK":
        notes.append("converted CMYK to RGB")
    elif out.mode in ("YCbCr", "LAB", "HSV"):
        notes.append(f"converted {out.mode} to RGB")

    if out.mode != wanted:
        out = out.convert(wanted)
    if wanted == "RGBA" and out.getchannel("A").getextrema()[0] == 255:
        # Alpha that is opaque everywhere (common in GIFs and palette PNGs) would only force a
        # bigger PNG; drop it so the image can go out as JPEG.
        out = out.convert("RGB")
    return out, notes


def _encode(img: Image.Image, icc_profile: object) -> tuple[bytes, str]:
    buf = io.BytesIO()
    params: dict[str, object] = {}
    # Keep an RGB colour profile (e.g. Display P3 from phones) so colours don't shift; a CMYK or
    # grey profile no longer describes the converted pixels and must be dropped.
    if isinstance(icc_profile, bytes) and icc_profile[16:20] == b"RGB ":
        params["icc_profile"] = icc_profile
    if img.mode == "RGBA":
        img.save(buf, "PNG", **params)
        return buf.getvalue(), "image/png"
    img.save(buf, "JPEG", quality=JPEG_QUALITY, **params)
    return buf.getvalue(), "image/jpeg"



