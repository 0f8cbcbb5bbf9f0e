"""Accessories a story character can wear (scarf, hat, crown, ...), drawn on its body."""

from __future__ import annotations

from PIL import ImageDraw

from .palette import RGB


def draw_accessory(
    d: ImageDraw.ImageDraw,
    name: str,
    c: RGB,
    cx: float,
    top: float,
    bw: float,
    bh: float,
    s: float,
    line: dict,
) -> None:
    """Draw accessory `name` for a body whose box is centred on `cx` from `top`, `bw` x `bh`."""
    if name == "scarf":
        y = top + bh * 0.52
        d.rounded_rectangle(
            (cx - bw * 0.42, y - s * 0.9, cx + bw * 0.42, y + s * 0.9),
            radius=s * 0.6,
            fill=c,
            **line,
        )
        d.rectangle((cx + bw * 0.12, y, cx + bw * 0.28, y + bh * 0.3), fill=c, **line)
    elif name == "hat":
        d.rectangle((cx - bw * 0.34, top - s * 0.6, cx + bw * 0.34, top + s * 0.6), fill=c, **line)
        d.rectangle((cx - bw * 0.2, top - s * 3.4, cx + bw * 0.2, top), fill=c, **line)
    elif name == "crown":
        pts = [
            (cx - bw * 0.22, top + s * 0.5),
            (cx - bw * 0.22, top - s * 2.2),
            (cx - bw * 0.11, top - s),
            (cx, top - s * 2.6),
            (cx + bw * 0.11, top - s),
            (cx + bw * 0.22, top - s * 2.2),
            (cx + bw * 0.22, top + s * 0.5),
        ]
        d.polygon(pts, fill=c, **line)
    elif name == "cape":
        d.polygon(
            [
                (cx - bw * 0.3, top + bh * 0.45),
                (cx + bw * 0.3, top + bh * 0.45),
                (cx + bw * 0.62, top + bh),
                (cx - bw * 0.62, top + bh),
            ],
            fill=c,
            **line,
        )
    elif name == "bow tie":
        y = top + bh * 0.5
        d.polygon([(cx, y), (cx - s * 2, y - s), (cx - s * 2, y + s)], fill=c, **line)
        d.polygon([(cx, y), (cx + s * 2, y - s), (cx + s * 2, y + s)], fill=c, **line)
    elif name == "glasses":
        y = top + bh * 0.3
        for side in (-1, 1):
            ex = cx + side * bw * 0.18
            d.ellipse(
                (ex - s * 1.3, y - s * 1.3, ex + s * 1.3, y + s * 1.3),
                outline=c,
                width=max(2, round(s * 0.35)),
            )
    elif name == "backpack":
        d.rounded_rectangle(
            (cx + bw * 0.38, top + bh * 0.35, cx + bw * 0.62, top + bh * 0.8),
            radius=s,
            fill=c,
            **line,
        )
    elif name == "boots":
        for side in (-1, 1):
            x = cx + side * bw * 0.22
            d.rounded_rectangle(
                (x - s * 1.4, top + bh - s * 1.2, x + s * 1.4, top + bh + s * 0.4),
                radius=s * 0.4,
                fill=c,
            )
    elif name == "umbrella":
        x = cx + bw * 0.6
        d.line((x, top + bh * 0.7, x, top - s * 2), fill=(60, 50, 40), width=max(2, round(s * 0.3)))
        d.pieslice((x - s * 4, top - s * 6, x + s * 4, top + s * 2), 180, 360, fill=c, **line)
