"""The recurring story character: a simple rounded figure with eyes.

Its colour, body shape and features derive only from the subject noun (plus an
explicit colour or accessories the user asked for), never from the scene or the
seed, so the same character appears in every scene of a story.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageDraw

from .accessories import draw_accessory
from .palette import NAMED_COLOURS, RGB, hsv, shade, stable_hash
from .styles import Style

# Nouns the emulator recognises as a story's subject, with a natural colour.
SUBJECT_COLOURS: dict[str, RGB] = {
    "turtle": (62, 150, 74),
    "frog": (96, 186, 58),
    "fox": (226, 112, 34),
    "cat": (236, 156, 62),
    "kitten": (236, 156, 62),
    "dog": (170, 118, 70),
    "puppy": (190, 140, 90),
    "rabbit": (214, 206, 214),
    "bunny": (214, 206, 214),
    "bear": (132, 82, 46),
    "robot": (150, 162, 178),
    "dragon": (196, 56, 62),
    "owl": (150, 112, 72),
    "mouse": (160, 160, 170),
    "penguin": (44, 50, 66),
    "panda": (232, 232, 232),
    "pig": (244, 168, 180),
    "duck": (248, 208, 52),
    "lion": (220, 168, 62),
    "tiger": (238, 132, 40),
    "elephant": (150, 152, 164),
    "whale": (62, 110, 180),
    "fish": (248, 140, 44),
    "unicorn": (240, 226, 248),
    "bee": (244, 196, 40),
    "octopus": (204, 82, 142),
    "dinosaur": (104, 170, 84),
    "ghost": (238, 238, 248),
    "alien": (122, 218, 122),
    "snail": (200, 150, 92),
    "hedgehog": (140, 100, 70),
    "squirrel": (190, 110, 52),
    "wolf": (128, 130, 140),
    "monkey": (150, 100, 60),
    "otter": (130, 92, 60),
    "koala": (160, 160, 168),
    "bird": (70, 140, 220),
    "hero": (90, 110, 200),
    "knight": (170, 176, 190),
    "wizard": (88, 70, 170),
    "princess": (236, 120, 170),
    "astronaut": (236, 236, 240),
    "girl": (232, 150, 110),
    "boy": (110, 150, 232),
    "deer": (180, 120, 70),
    "raccoon": (120, 120, 128),
    "sloth": (150, 126, 96),
    "crab": (222, 70, 52),
}

_FEATURES = {
    "shell": {"turtle", "snail", "crab"},
    "pointy_ears": {"fox", "cat", "kitten", "wolf", "tiger", "lion", "raccoon"},
    "long_ears": {"rabbit", "bunny", "deer"},
    "round_ears": {"bear", "mouse", "panda", "koala", "monkey", "otter", "pig", "sloth"},
    "antenna": {"robot", "alien", "bee"},
    "horn": {"unicorn", "dragon", "dinosaur"},
    "beak": {"owl", "duck", "penguin", "bird"},
}
_BLOCKY = {"robot", "knight"}

ACCESSORIES = (
    "scarf",
    "hat",
    "cape",
    "bow tie",
    "crown",
    "glasses",
    "backpack",
    "boots",
    "umbrella",
)


@dataclass(frozen=True)
class Character:
    noun: str
    body: RGB
    belly: RGB
    shape: str  # "round" | "tall" | "blocky"
    feature: str
    accessories: tuple[tuple[str, RGB], ...] = ()


def character_for(
    noun: str, colour: str | None = None, accessories: tuple[tuple[str, str], ...] = ()
) -> Character:
    noun = noun.lower()
    h = stable_hash("character", noun)
    body = (
        NAMED_COLOURS.get(colour or "")
        or SUBJECT_COLOURS.get(noun)
        or hsv((h % 360) / 360, 0.55, 0.8)
    )
    feature = next((f for f, nouns in _FEATURES.items() if noun in nouns), None)
    if feature is None:
        feature = ["none", "round_ears", "antenna", "pointy_ears"][h % 4]
    shape = "blocky" if noun in _BLOCKY else ("round", "tall")[(h >> 8) % 2]
    acc = tuple((name, NAMED_COLOURS.get(c, NAMED_COLOURS["red"])) for name, c in accessories)
    return Character(noun, body, shade(body, 1.45), shape, feature, acc)


def draw_character(
    d: ImageDraw.ImageDraw, ch: Character, cx: float, base_y: float, size: float, style: Style
) -> None:
    """Draw the character standing with its feet at `base_y`, `size` tall."""
    bw = size * (0.78 if ch.shape == "tall" else 0.95)
    bh = size * (0.92 if ch.shape == "tall" else 0.8)
    top = base_y - bh
    box = (cx - bw / 2, top, cx + bw / 2, base_y)
    ow = max(0, round(size * style.outline))
    oc = style.outline_colour
    line = {"outline": oc, "width": ow} if ow else {}
    s = size / 10  # a unit for small features

    if ch.feature == "shell":
        d.ellipse(
            (cx - bw * 0.62, top + bh * 0.18, cx + bw * 0.62, base_y - bh * 0.05),
            fill=shade(ch.body, 0.62),
            **line,
        )
    _ears(d, ch, cx, top, bw, s, line)
    if ch.shape == "blocky":
        d.rounded_rectangle(box, radius=size * 0.14, fill=ch.body, **line)
    elif style.gradient:
        _shaded_ellipse(d, box, ch.body)
        if ow:
            d.ellipse(box, outline=oc, width=ow)
    else:
        d.ellipse(box, fill=ch.body, **line)
    d.ellipse((cx - bw * 0.28, top + bh * 0.45, cx + bw * 0.28, base_y - bh * 0.06), fill=ch.belly)
    # Eyes: white, pupil, highlight. Same placement in every scene.
    for side in (-1, 1):
        ex, ey = cx + side * bw * 0.18, top + bh * 0.3
        d.ellipse(
            (ex - s * 0.9, ey - s * 1.0, ex + s * 0.9, ey + s * 1.0), fill=(250, 250, 250), **line
        )
        d.ellipse((ex - s * 0.45, ey - s * 0.35, ex + s * 0.45, ey + s * 0.65), fill=(25, 25, 30))
    if ch.feature == "beak":
        d.polygon(
            [(cx - s, top + bh * 0.42), (cx + s, top + bh * 0.42), (cx, top + bh * 0.52)],
            fill=(245, 160, 40),
        )
    else:
        d.arc(
            (cx - s * 1.2, top + bh * 0.36, cx + s * 1.2, top + bh * 0.5),
            20,
            160,
            fill=(40, 30, 30),
            width=max(1, round(s * 0.3)),
        )
    for name, colour in ch.accessories:
        draw_accessory(d, name, colour, cx, top, bw, bh, s, line)


def _ears(
    d: ImageDraw.ImageDraw, ch: Character, cx: float, top: float, bw: float, s: float, line: dict
) -> None:
    for side in (-1, 1):
        x = cx + side * bw * 0.28
        if ch.feature == "pointy_ears":
            d.polygon(
                [
                    (x - s * 1.5, top + s * 1.5),
                    (x + s * 1.5, top + s * 1.5),
                    (x + side * s * 0.5, top - s * 2.2),
                ],
                fill=ch.body,
                **line,
            )
        elif ch.feature == "long_ears":
            d.ellipse(
                (x - s * 0.9, top - s * 4.2, x + s * 0.9, top + s * 1.5), fill=ch.body, **line
            )
        elif ch.feature == "round_ears":
            d.ellipse(
                (x - s * 1.4, top - s * 1.2, x + s * 1.4, top + s * 1.6), fill=ch.body, **line
            )
        elif ch.feature == "antenna":
            d.line(
                (x, top + s, x + side * s, top - s * 2.5),
                fill=shade(ch.body, 0.5),
                width=max(1, round(s * 0.4)),
            )
            d.ellipse(
                (x + side * s - s * 0.6, top - s * 3.1, x + side * s + s * 0.6, top - s * 1.9),
                fill=(250, 220, 60),
            )
    if ch.feature == "horn":
        d.polygon(
            [(cx - s * 0.8, top + s * 0.8), (cx + s * 0.8, top + s * 0.8), (cx, top - s * 3)],
            fill=(250, 220, 120),
            **line,
        )


def _shaded_ellipse(
    d: ImageDraw.ImageDraw, box: tuple[float, float, float, float], colour: RGB
) -> None:
    """Concentric ellipses from a dark rim to a highlight up and to the left."""
    x0, y0, x1, y1 = box
    steps = 14
    for i in range(steps):
        t = i / steps
        inset_x, inset_y = (x1 - x0) * 0.42 * t, (y1 - y0) * 0.42 * t
        dx, dy = -(x1 - x0) * 0.12 * t, -(y1 - y0) * 0.12 * t
        fill = shade(colour, 0.7 + 0.3 * t) if t < 0.5 else shade(colour, 1 + (t - 0.5) * 0.8)
        d.ellipse(
            (x0 + inset_x + dx, y0 + inset_y + dy, x1 - inset_x + dx, y1 - inset_y + dy), fill=fill
        )
