"""Named colours and seeded randomness shared by the emulator's drawing code.

Every picture the emulator makes is a pure function of (prompt, seed, ...), so
all randomness goes through `rng_for`, which hashes its inputs instead of using
Python's per-process `hash()`.
"""

from __future__ import annotations

import colorsys
import hashlib
import random
import re

RGB = tuple[int, int, int]

NAMED_COLOURS: dict[str, RGB] = {
    "red": (214, 40, 40),
    "crimson": (176, 22, 52),
    "maroon": (120, 20, 30),
    "orange": (245, 130, 32),
    "yellow": (250, 212, 40),
    "gold": (212, 170, 50),
    "green": (46, 160, 67),
    "lime": (150, 220, 50),
    "teal": (0, 128, 128),
    "turquoise": (64, 210, 200),
    "cyan": (0, 190, 220),
    "blue": (40, 90, 220),
    "navy": (20, 30, 110),
    "indigo": (75, 20, 140),
    "purple": (128, 60, 170),
    "violet": (150, 90, 215),
    "magenta": (220, 40, 160),
    "pink": (245, 130, 180),
    "brown": (120, 72, 40),
    "beige": (230, 215, 180),
    "white": (246, 246, 246),
    "black": (22, 22, 22),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "silver": (192, 192, 200),
}

COLOUR_RE = re.compile(
    r"\b(" + "|".join(sorted(NAMED_COLOURS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def stable_hash(*parts: object) -> int:
    """A process-independent 64-bit hash of the parts."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def rng_for(*parts: object) -> random.Random:
    return random.Random(stable_hash(*parts))


def find_colours(text: str) -> list[str]:
    return [m.group(1).lower() for m in COLOUR_RE.finditer(text)]


def hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, max(0.0, min(1.0, s)), max(0.0, min(1.0, v)))
    return round(r * 255), round(g * 255), round(b * 255)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def shade(c: RGB, factor: float) -> RGB:
    """Darken (factor < 1) or lighten towards white (factor > 1)."""
    if factor <= 1:
        return (round(c[0] * factor), round(c[1] * factor), round(c[2] * factor))
    return mix(c, (255, 255, 255), min(1.0, factor - 1))


def luminance(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def contrast_ink(bg: RGB) -> RGB:
    """Black or white text, whichever reads better on `bg`."""
    return (20, 20, 24) if luminance(bg) > 140 else (250, 250, 250)
