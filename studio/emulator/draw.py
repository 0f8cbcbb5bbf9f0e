"""Pictures: story scenes, recipe steps and plain generations, drawn with Pillow.

Everything here is deterministic given its arguments; callers pass the seed.
"""

from __future__ import annotations

import io
import math
import re

from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from .figures import Character, draw_character
from .palette import NAMED_COLOURS, RGB, find_colours, hsv, mix, rng_for, shade, stable_hash
from .styles import Style, finish, vertical_gradient

SOFTWARE_TAG = "Image Studio offline emulator"

# name: (sky top, sky bottom, ground, where-phrase used in story text)
BACKGROUNDS: dict[str, tuple[RGB, RGB, RGB, str]] = {
    "meadow": ((120, 190, 245), (205, 232, 250), (112, 178, 86), "in a sunny meadow"),
    "beach": ((96, 176, 236), (190, 226, 246), (236, 214, 156), "on a sandy beach"),
    "forest": ((150, 196, 170), (214, 232, 206), (64, 110, 62), "in a deep green forest"),
    "night": ((14, 22, 60), (52, 60, 120), (34, 52, 60), "under a starry night sky"),
    "mountains": ((136, 168, 222), (226, 228, 240), (120, 130, 110), "in the misty mountains"),
    "snow": ((180, 200, 226), (236, 242, 248), (240, 244, 250), "in a snowy valley"),
    "desert": ((250, 196, 120), (252, 232, 180), (222, 176, 110), "in a warm desert"),
    "sunset": ((246, 140, 90), (252, 206, 140), (150, 100, 90), "beneath a glowing sunset"),
    "underwater": ((20, 90, 150), (40, 150, 190), (200, 184, 140), "at the bottom of the sea"),
    "city": ((150, 180, 220), (220, 226, 236), (110, 110, 118), "in a busy little town"),
}


def encode_png(img: Image.Image) -> bytes:
    info = PngInfo()
    info.add_text("Software", SOFTWARE_TAG)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "PNG", compress_level=1, pnginfo=info)
    return buf.getvalue()


def background(size: tuple[int, int], name: str, seed: int, style: Style) -> Image.Image:
    w, h = size
    top, bottom, ground, _ = BACKGROUNDS[name]
    img = vertical_gradient(size, top, bottom)
    d = ImageDraw.Draw(img)
    rng = rng_for("bg", name, seed)
    horizon = h * rng.uniform(0.62, 0.7)
    u = min(w, h) / 100
    if name in ("night", "underwater"):
        for _ in range(40 if name == "night" else 18):
            x, y, r = rng.uniform(0, w), rng.uniform(0, horizon * 0.9), u * rng.uniform(0.3, 1.0)
            fill = (250, 250, 210) if name == "night" else (190, 230, 250)
            d.ellipse(
                (x - r, y - r, x + r, y + r), fill=fill if name == "night" else None, outline=fill
            )
        if name == "night":
            d.ellipse(
                (w * 0.78, h * 0.08, w * 0.78 + 12 * u, h * 0.08 + 12 * u), fill=(246, 244, 220)
            )
    elif name != "forest":
        sx, sy = w * rng.uniform(0.1, 0.85), h * rng.uniform(0.08, 0.2)
        sun = (255, 236, 150) if name != "sunset" else (255, 176, 96)
        d.ellipse((sx - 8 * u, sy - 8 * u, sx + 8 * u, sy + 8 * u), fill=sun)
    if name in ("mountains", "snow"):
        for i in range(4):
            x = w * (i / 3) + rng.uniform(-10, 10) * u
            peak = horizon - rng.uniform(18, 34) * u
            d.polygon(
                [(x - 30 * u, horizon), (x, peak), (x + 30 * u, horizon)],
                fill=shade(ground, 0.8 + 0.05 * i),
            )
    if name == "city":
        x = 0.0
        while x < w:
            bw_, bh_ = rng.uniform(10, 18) * u, rng.uniform(14, 36) * u
            d.rectangle((x, horizon - bh_, x + bw_, horizon), fill=hsv(rng.random(), 0.25, 0.75))
            x += bw_ + 2 * u
    # Ground: a gently curved hill so the character has somewhere to stand.
    d.ellipse((-w * 0.3, horizon - 6 * u, w * 1.3, h + h * 0.6), fill=ground)
    if name == "forest":
        for _ in range(7):
            x = rng.uniform(0, w)
            d.rectangle(
                (x - 1.5 * u, horizon - 10 * u, x + 1.5 * u, horizon + 4 * u), fill=(92, 64, 40)
            )
            d.ellipse(
                (x - 9 * u, horizon - 32 * u, x + 9 * u, horizon - 6 * u), fill=shade(ground, 1.2)
            )
    if name == "beach":
        d.rectangle((0, horizon - 4 * u, w, horizon + 2 * u), fill=(60, 140, 200))
    return img


def story_scene(
    size: tuple[int, int], ch: Character, style: Style, bg_name: str, scene: int, seed: int
) -> Image.Image:
    img = background(size, bg_name, seed, style)
    w, h = size
    d = ImageDraw.Draw(img)
    rng = rng_for("scene", seed, scene)
    fig = min(w, h) * 0.36
    cx = w * rng.uniform(0.32, 0.68)
    base_y = h * 0.9
    if style.gradient:  # a soft contact shadow sells the 3D look
        d.ellipse(
            (cx - fig * 0.5, base_y - fig * 0.06, cx + fig * 0.5, base_y + fig * 0.06),
            fill=(60, 60, 60),
        )
    draw_character(d, ch, cx, base_y, fig, style)
    return finish(img, style, seed)


# --- recipes -----------------------------------------------------------------


def recipe_step(size: tuple[int, int], dish: str, step: int, steps: int, seed: int) -> Image.Image:
    """A bowl seen from above that fills up and browns as the steps progress."""
    w, h = size
    # Food-like hues (reds, oranges, browns, yellows; greens for salads) on a wooden table.
    hue = 0.28 if "salad" in dish else 0.02 + (stable_hash("dish", dish) % 1000) / 1000 * 0.13
    # The seed moves the table, boards and bowl a little, so every variant differs
    # (the food colours alone can coincide once cooked) while one seed stays stable.
    layout = rng_for("recipe-layout", dish, seed)
    table = hsv(0.07 + layout.uniform(-0.03, 0.03), 0.3 + layout.uniform(-0.08, 0.08), 0.78)
    img = Image.new("RGB", size, table)
    d = ImageDraw.Draw(img)
    u = min(w, h) / 100
    t = step / max(1, steps - 1)  # 0 → raw ingredients, 1 → served
    board = layout.uniform(9, 15) * u
    for i in range(round(layout.uniform(0, board)), w, max(1, round(board))):  # table boards
        d.line((i, 0, i, h), fill=shade(table, 0.93), width=max(1, round(u * 0.6)))
    rng = rng_for("ingredients", dish, seed)
    raw = [hsv(hue + rng.uniform(-0.15, 0.15), 0.6, 0.85) for _ in range(5)]
    cooked = hsv(hue + 0.02, 0.7, 0.62)
    cx, cy = w * layout.uniform(0.46, 0.54), h * layout.uniform(0.46, 0.54)
    r = min(w, h) * 0.34
    if step == 0:  # ingredients laid out around a small bowl
        for i, c in enumerate(raw):
            ang = i / len(raw) * 6.283
            x, y = cx + r * 1.05 * math.cos(ang), cy + r * 1.05 * math.sin(ang)
            d.ellipse(
                (x - 9 * u, y - 9 * u, x + 9 * u, y + 9 * u),
                fill=c,
                outline=shade(c, 0.7),
                width=max(1, round(u * 0.5)),
            )
    plate = step == steps - 1
    rim = (250, 250, 246) if plate else (210, 220, 230)
    br = r if step else r * 0.6
    d.ellipse(
        (cx - br, cy - br, cx + br, cy + br),
        fill=rim,
        outline=shade(rim, 0.8),
        width=max(1, round(u)),
    )
    fill_r = r * (0.55 + 0.35 * t) if step else r * 0.3
    food = mix(raw[step % len(raw)], cooked, t)
    d.ellipse((cx - fill_r, cy - fill_r, cx + fill_r, cy + fill_r), fill=food)
    if 0 < step < steps - 1:  # a stirring swirl while it cooks
        for k in range(step + 1):
            rr = fill_r * (0.25 + 0.18 * k)
            d.arc(
                (cx - rr, cy - rr, cx + rr, cy + rr),
                30 * k,
                30 * k + 220,
                fill=shade(food, 0.75),
                width=max(1, round(u)),
            )
    if plate:  # garnish, in a colour that stands out from the food
        garnish = (246, 244, 232) if "salad" in dish else (70, 160, 70)
        for _ in range(6):
            x, y = cx + rng.uniform(-0.5, 0.5) * fill_r, cy + rng.uniform(-0.5, 0.5) * fill_r
            d.ellipse((x - 2.5 * u, y - 2.5 * u, x + 2.5 * u, y + 2.5 * u), fill=garnish)
    return img


# --- plain generation -------------------------------------------------------

_OBJECTS = {
    "sun": r"\bsun|sunny|sunrise|sunset\b",
    "moon": r"\bmoon|night|stars?\b",
    "mountain": r"\bmountains?|hills?|peaks?\b",
    "tree": r"\btrees?|forest|woods|park\b",
    "house": r"\bhouses?|home|cottage|cabin|village|town|city\b",
    "sea": r"\bsea|ocean|lake|beach|waves?|river\b",
    "circle": r"\bcircles?|balls?|planets?|bubbles?\b",
}


def plain_picture(
    size: tuple[int, int], prompt: str, seed: int, temperature: float, style: Style
) -> Image.Image:
    """A composition from the prompt's keywords; unknowns fall back to its hash."""
    w, h = size
    rng = rng_for("plain", prompt.lower(), seed, round(temperature, 2))
    named = find_colours(prompt)
    base_hue = (stable_hash(prompt.lower()) % 360) / 360 + rng.uniform(-0.05, 0.05) * temperature
    main = NAMED_COLOURS[named[0]] if named else hsv(base_hue, 0.55, 0.9)
    accent = NAMED_COLOURS[named[1]] if len(named) > 1 else hsv(base_hue + 0.45, 0.6, 0.85)
    wants = {k for k, pat in _OBJECTS.items() if re.search(pat, prompt, re.I)}
    night = "moon" in wants
    img = vertical_gradient(
        size, (16, 24, 64) if night else shade(main, 1.5), shade(main, 0.9 if night else 1.2)
    )
    d = ImageDraw.Draw(img)
    u = min(w, h) / 100
    horizon = h * rng.uniform(0.6, 0.72)
    if night:
        for _ in range(30):
            x, y = rng.uniform(0, w), rng.uniform(0, horizon)
            d.ellipse((x - 0.5 * u, y - 0.5 * u, x + 0.5 * u, y + 0.5 * u), fill=(250, 250, 220))
        mx, my = w * rng.uniform(0.15, 0.85), h * rng.uniform(0.1, 0.25)
        d.ellipse((mx - 7 * u, my - 7 * u, mx + 7 * u, my + 7 * u), fill=(246, 242, 214))
        d.ellipse((mx - 3 * u, my - 8 * u, mx + 9 * u, my + 5 * u), fill=(16, 24, 64))  # crescent
    if "sun" in wants or not wants:
        sx, sy = w * rng.uniform(0.15, 0.85), h * rng.uniform(0.1, 0.3)
        d.ellipse((sx - 9 * u, sy - 9 * u, sx + 9 * u, sy + 9 * u), fill=(255, 222, 110))
    if "mountain" in wants:
        for i in range(3):
            x = w * rng.uniform(0.1, 0.9)
            d.polygon(
                [
                    (x - 35 * u, horizon),
                    (x, horizon - rng.uniform(25, 45) * u),
                    (x + 35 * u, horizon),
                ],
                fill=shade(accent, 0.6 + 0.1 * i),
            )
    ground = (50, 110, 170) if "sea" in wants else shade(accent, 0.8)
    d.rectangle((0, horizon, w, h), fill=ground)
    if "tree" in wants:
        for _ in range(4):
            x = rng.uniform(0, w)
            d.rectangle(
                (x - 1.5 * u, horizon - 12 * u, x + 1.5 * u, horizon + 2 * u), fill=(90, 60, 40)
            )
            d.ellipse((x - 8 * u, horizon - 28 * u, x + 8 * u, horizon - 8 * u), fill=(50, 130, 60))
    if "house" in wants:
        x = w * rng.uniform(0.3, 0.7)
        d.rectangle((x - 12 * u, horizon - 18 * u, x + 12 * u, horizon), fill=(236, 220, 200))
        d.polygon(
            [(x - 15 * u, horizon - 18 * u), (x, horizon - 32 * u), (x + 15 * u, horizon - 18 * u)],
            fill=(150, 60, 50),
        )
    if "circle" in wants or not wants:
        for _ in range(3 + round(4 * temperature)):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(4, 14) * u
            d.ellipse(
                (x - r, y - r, x + r, y + r),
                fill=mix(main, accent, rng.random()),
                outline=shade(accent, 0.6),
                width=max(1, round(u * 0.5)),
            )
    return finish(img, style, seed)


def picture_with_character(
    size: tuple[int, int], ch: Character, prompt: str, seed: int, temperature: float, style: Style
) -> Image.Image:
    img = plain_picture(
        size, prompt, seed, temperature, Style("storybook", 0, (0, 0, 0), style.gradient, "")
    )
    w, h = size
    draw_character(ImageDraw.Draw(img), ch, w / 2, h * 0.9, min(w, h) * 0.42, style)
    return finish(img, style, seed)
