"""The one font lookup for images the studio draws (contact sheets, the emulator's cards):
DejaVu Sans (bold where asked and installed), else Pillow's own scalable default."""

from __future__ import annotations

from PIL import ImageFont

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def open_font(size: int, bold: bool = False) -> Font:
    for name in (("DejaVuSans-Bold.ttf",) if bold else ()) + ("DejaVuSans.ttf",):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)
