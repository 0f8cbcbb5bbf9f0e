"""Rendering styles: which one a prompt asks for, and the finishing filters.

A style changes both how shapes are drawn (outline width, gradient shading)
and a post-pass over the whole picture (blur + paper, noise + vignette, ...).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from .palette import RGB, mix


@dataclass(frozen=True)
class Style:
    name: str
    outline: float  # outline width as a fraction of the figure size
    outline_colour: RGB
    gradient: bool  # shade bodies with gradients instead of flat fills
    label: str


STYLES: dict[str, Style] = {
    "storybook": Style("storybook", 0.012, (50, 40, 40), False, "storybook illustration"),
    "watercolor": Style("watercolor", 0.0, (0, 0, 0), False, "watercolour painting"),
    "comic": Style("comic", 0.035, (0, 0, 0), False, "comic-book art"),
    "3d": Style("3d", 0.0, (0, 0, 0), True, "3D digital render"),
    "photo": Style("photo", 0.0, (0, 0, 0), True, "photograph"),
    "pixel": Style("pixel", 0.02, (20, 20, 30), False, "pixel art"),
}

_PATTERNS = [
    ("watercolor", r"water[\s-]?colou?r"),
    ("comic", r"\bcomic|\bcartoon|\bmanga\b"),
    ("3d", r"\b3d\b|\bdigital art\b|\bcgi\b|\brender(?:ed|ing)?\b"),
    ("photo", r"\bphoto|\bphotorealistic\b|\brealistic\b|\bcinematic\b"),
    ("pixel", r"\bpixel|\b8[\s-]?bit\b|\bretro game\b"),
    ("storybook", r"\bstorybook\b|\bflat\b|\bplain style\b"),
]
_STYLE_RE = re.compile("|".join(f"(?P<{n.replace('3d', 'd3')}>{p})" for n, p in _PATTERNS), re.I)


def find_styles(text: str) -> list[tuple[int, str]]:
    """(position, style name) for every style mention in `text`."""
    found = []
    for m in _STYLE_RE.finditer(text):
        name = next(k for k, v in m.groupdict().items() if v is not None)
        found.append((m.start(), "3d" if name == "d3" else name))
    return found


def detect_style(text: str, default: str = "storybook") -> Style:
    """The LAST style mentioned wins, so a follow-up turn overrides earlier ones."""
    found = find_styles(text)
    return STYLES[found[-1][1] if found else default]


def finish(img: Image.Image, style: Style, seed: int) -> Image.Image:
    """Apply the style's whole-picture post-pass."""
    img = img.convert("RGB")
    w, h = img.size
    if style.name == "watercolor":
        soft = img.filter(ImageFilter.GaussianBlur(max(2, min(w, h) // 110)))
        paper = Image.new("RGB", img.size, (244, 236, 216))
        grain = seeded_noise((max(1, w // 4), max(1, h // 4)), seed, 18).resize(img.size)
        paper = ImageChops.multiply(
            paper, Image.merge("RGB", [grain.point(lambda v: 200 + v // 5)] * 3)
        )
        return Image.blend(soft, paper, 0.22)
    if style.name == "photo":
        noise = seeded_noise(img.size, seed, 28).convert("RGB")
        img = Image.blend(img.filter(ImageFilter.GaussianBlur(1)), noise, 0.08)
        return vignette(img, 0.55)
    if style.name == "pixel":
        block = max(4, min(w, h) // 48)
        small = img.resize((max(1, w // block), max(1, h // block)), Image.Resampling.BOX)
        small = ImageOps.posterize(small, 4)  # a coarse palette that keeps every hue
        return small.resize((w, h), Image.Resampling.NEAREST)
    if style.name == "comic":
        return img.quantize(32, dither=Image.Dither.NONE).convert("RGB")
    return img


def seeded_noise(size: tuple[int, int], seed: int, sigma: float) -> Image.Image:
    """Grey noise around mid-grey, a function of the seed.

    Image.effect_noise draws from a process-wide generator, which made the same
    seed give different watercolour and photo pictures.
    """
    w, h = size
    rng = random.Random(f"noise:{seed}")
    spread = sigma / 74  # uniform bytes have a standard deviation of about 74
    lut = [max(0, min(255, round(128 + (v - 128) * spread))) for v in range(256)]
    return Image.frombytes("L", size, rng.randbytes(w * h)).point(lut)


def vignette(img: Image.Image, strength: float) -> Image.Image:
    """Darken the corners with a radial mask (drawn small, scaled up for speed)."""
    w, h = img.size
    mask = Image.new("L", (64, 64), 0)
    d = ImageDraw.Draw(mask)
    for i in range(32):
        v = round(255 * strength * (1 - i / 32) ** 2)
        d.ellipse((i - 16, i - 16, 80 - i, 80 - i), outline=v, width=2)
    mask = mask.filter(ImageFilter.GaussianBlur(4)).resize((w, h), Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", img.size, (0, 0, 0)), img, mask)


def vertical_gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """A top-to-bottom gradient, built as a 1-pixel column and stretched."""
    w, h = size
    col = Image.new("RGB", (1, 64))
    for y in range(64):
        col.putpixel((0, y), mix(top, bottom, y / 63))
    return col.resize((w, h), Image.Resampling.BILINEAR)
