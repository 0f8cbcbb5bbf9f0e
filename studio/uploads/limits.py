"""What an upload may be: size and pixel limits, and the refusal every check raises."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

_MB = 1024 * 1024

# Formats we hand to Gemini after normalization; anything else Pillow can read is refused by name.
ACCEPTED_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "WEBP", "GIF")

_FORMAT_LABELS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP", "GIF": "GIF"}

_ACCEPTED_PHRASE = "PNG, JPEG, WebP or GIF"

@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 20 * _MB  # env STUDIO_MAX_UPLOAD_MB (in MB)
    max_pixels: int = 50_000_000  # decoded pixels allowed at all; env STUDIO_MAX_UPLOAD_MEGAPIXELS
    max_side: int = 3072  # longer side after normalization; env STUDIO_MAX_SIDE

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_pixels", "max_side"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"UploadLimits.{name} must be a positive integer, got {value!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> UploadLimits:
        """Defaults, overridden by any STUDIO_* variable that is set and non-empty.

        A malformed value raises ValueError rather than silently falling back: a typo in the
        deployment config should be loud, not quietly change what users may upload.
        """
        kwargs: dict[str, int] = {}
        megabytes = _env_positive_number(environ, "STUDIO_MAX_UPLOAD_MB")
        if megabytes is not None:
            kwargs["max_bytes"] = max(1, int(megabytes * _MB))
        megapixels = _env_positive_number(environ, "STUDIO_MAX_UPLOAD_MEGAPIXELS")
        if megapixels is not None:
            kwargs["max_pixels"] = max(1, int(megapixels * 1_000_000))
        side = _env_positive_number(environ, "STUDIO_MAX_SIDE")
        if side is not None:
            if side != int(side):
                raise ValueError(f"STUDIO_MAX_SIDE must be a whole number of pixels, got {side!r}")
            kwargs["max_side"] = int(side)
        return cls(**kwargs)

class UploadRejected(ValueError):
    """The upload can't be used. `.message` is a user-facing sentence (no paths, no tracebacks).

    `.reason` is a stable short code for callers and tests: "empty", "too_large", "not_image",
    "svg", "heic", "unsupported_format", "damaged", "too_many_pixels".
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason

def describe_limits(limits: UploadLimits | None = None) -> str:
    """One line for the upload widget's help text."""
    limits = limits or UploadLimits.from_env()
    return (
        f"{_ACCEPTED_PHRASE}, up to {_format_number(limits.max_bytes / _MB)} MB"
        f" and {_format_number(limits.max_pixels / 1_000_000)} megapixels"
    )

def _too_many_pixels(size: tuple[int, int] | None, limits: UploadLimits) -> UploadRejected:
    limit_text = f"{_format_number(limits.max_pixels / 1_000_000)} megapixels"
    if size is None:
        message = f"The image's dimensions are too large: the limit is {limit_text}."
    else:
        w, h = size
        message = (
            f"The image is {w}x{h} pixels ({_format_number(w * h / 1_000_000)} megapixels), "
            f"more than the {limit_text} allowed."
        )
    return UploadRejected(message, reason="too_many_pixels")

def _damaged() -> UploadRejected:
    return UploadRejected("The image file is damaged or incomplete.", reason="damaged")

def _format_number(value: float) -> str:
    """20.0 -> "20", 7.5 -> "7.5", 0.25 -> "0.25": readable without false precision."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"

def _env_positive_number(environ: Mapping[str, str], name: str) -> float | None:
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {raw!r}")
    return value
