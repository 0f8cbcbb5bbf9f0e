"""Text rendering: invitations, posters, ads, menus, cards, slides and posts.

Quoted strings are drawn exactly as given, wrapped to the width. Layout and
colours are seeded from the prompt *without* its quoted text, so changing only
the words changes only the glyph pixels.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from .palette import RGB, contrast_ink, hsv, mix, rng_for, shade

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

FORMATS = ("invitation", "poster", "ad", "menu", "card", "slide", "post")
FORMAT_RE = re.compile(
    r"\b(invitation|invite|poster|flyer|banner|ad|advert|advertisement|menu|card|"
    r"greeting card|slide|presentation|post|instagram|social media)\b",
    re.I,
)
_FORMAT_ALIASES = {
    "invite": "invitation",
    "flyer": "poster",
    "banner": "poster",
    "advert": "ad",
    "advertisement": "ad",
    "greeting card": "card",
    "presentation": "slide",
    "instagram": "post",
    "social media": "post",
}
QUOTE_RE = re.compile(r"\"([^\"]+)\"|“([^”]+)”|(?<!\w)'([^']+)'(?!\w)|‘([^’]+)’")
ROLE_RE = re.compile(
    r"\b(headline|title|heading|body|subtitle|text|details?|footer|info)\s*:\s*"
    r"(?:\"([^\"]+)\"|“([^”]+)”|'([^']+)'|‘([^’]+)’)",
    re.I,
)
_ROLE_OF = {
    "headline": "headline",
    "title": "headline",
    "heading": "headline",
    "body": "body",
    "subtitle": "body",
    "text": "body",
    "detail": "details",
    "details": "details",
    "footer": "details",
    "info": "details",
}


@dataclass
class TextRoles:
    headline: str | None = None
    body: str | None = None
    details: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [t for t in (self.headline, self.body, *self.details) if t]


def quoted_strings(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in QUOTE_RE.finditer(text)]


def strip_quoted(text: str) -> str:
    return QUOTE_RE.sub('""', text)


def detect_format(text: str) -> str | None:
    m = FORMAT_RE.search(text)
    if not m:
        return None
    word = m.group(1).lower()
    return _FORMAT_ALIASES.get(word, word)


def extract_roles(text: str) -> TextRoles:
    """`Headline: "..."` style labels first; the other quoted strings fill in order."""
    roles = TextRoles()
    claimed: list[str] = []
    for m in ROLE_RE.finditer(text):
        role = _ROLE_OF[m.group(1).lower()]
        value = next(g for g in m.groups()[1:] if g is not None)
        claimed.append(value)
        if role == "details":
            roles.details.append(value)
        elif getattr(roles, role) is None:
            setattr(roles, role, value)
        else:
            roles.details.append(value)
    for s in quoted_strings(text):
        if s in claimed:
            claimed.remove(s)
            continue
        if roles.headline is None:
            roles.headline = s
        elif roles.body is None:
            roles.body = s
        else:
            roles.details.append(s)
    return roles


_fonts = threading.local()  # FreeType faces are not safe to share between threads


def load_font(size: int, bold: bool = False) -> Font:
    cache = _fonts.__dict__.setdefault("cache", {})
    if (size, bold) not in cache:
        if len(cache) > 64:
            cache.clear()
        cache[size, bold] = _open_font(size, bold)
    return cache[size, bold]


def _open_font(size: int, bold: bool) -> Font:
    for name in (("DejaVuSans-Bold.ttf",) if bold else ()) + ("DejaVuSans.ttf",):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def wrap(text: str, font: Font, width: float) -> list[str]:
    """Greedy word wrap; words longer than the width are split by characters."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if font.getlength(trial) <= width:
                line = trial
                continue
            if line:
                lines.append(line)
            line = word
            while font.getlength(line) > width and len(line) > 1:
                cut = max(1, len(line) - 1)
                while cut > 1 and font.getlength(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


@dataclass
class Block:
    text: str
    rel_size: float  # font size as a fraction of the box height
    bold: bool
    colour: RGB


def draw_blocks(
    d: ImageDraw.ImageDraw, blocks: list[Block], box: tuple[float, float, float, float]
) -> None:
    """Fit the blocks into `box` (shrinking together if needed) and draw them centred."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    scale = 1.0
    while True:
        laid = []
        for b in blocks:
            font = load_font(max(8, round(bh * b.rel_size * scale)), b.bold)
            ascent, descent = font.getmetrics() if hasattr(font, "getmetrics") else (font.size, 0)
            laid.append((b, font, wrap(b.text, font, bw), round((ascent + descent) * 1.12)))
        gap = bh * 0.05 * scale
        total = sum(len(lines) * lh for _, _, lines, lh in laid) + gap * (len(laid) - 1)
        if total <= bh or scale < 0.1:
            break
        scale *= 0.9
    y = y0 + (bh - total) / 2
    for b, font, lines, lh in laid:
        for line in lines:
            d.text(((x0 + x1) / 2, y), line, font=font, fill=b.colour, anchor="ma")
            y += lh
        y += gap


def render_text_card(
    size: tuple[int, int], roles: TextRoles, fmt: str, skeleton: str, seed: int
) -> Image.Image:
    """Draw the roles laid out for `fmt`; `skeleton` is the prompt without quotes."""
    w, h = size
    rng = rng_for("text", fmt, skeleton.lower(), seed)
    hue = rng.random()
    main, accent = hsv(hue, 0.55, 0.85), hsv(hue + 0.5, 0.65, 0.9)
    img = Image.new("RGB", size, main)
    d = ImageDraw.Draw(img)
    u = min(w, h) / 100
    pad = 10 * u
    box = (pad, pad, w - pad, h - pad)
    ink = contrast_ink(main)
    head, body, small = ink, ink, ink
    if fmt == "invitation":
        bg, gold = (250, 244, 230), (186, 146, 64)
        d.rectangle((0, 0, w, h), fill=bg)
        for inset, width in ((3 * u, 1.2 * u), (5.5 * u, 0.5 * u)):
            d.rectangle(
                (inset, inset, w - inset, h - inset), outline=gold, width=max(1, round(width))
            )
        for cx, cy in (
            (8 * u, 8 * u),
            (w - 8 * u, 8 * u),
            (8 * u, h - 8 * u),
            (w - 8 * u, h - 8 * u),
        ):
            d.regular_polygon((cx, cy, 2.2 * u), 4, fill=gold)
        head, body, small = (120, 30, 50), (60, 50, 50), gold
        box = (12 * u, 12 * u, w - 12 * u, h - 12 * u)
    elif fmt == "menu":
        d.rectangle((0, 0, w, h), fill=(120, 82, 50))
        d.rectangle((3 * u, 3 * u, w - 3 * u, h - 3 * u), fill=(34, 44, 40))
        for y in (h * 0.3, h * 0.72):
            for x in range(round(12 * u), round(w - 12 * u), max(2, round(3 * u))):
                d.ellipse((x, y, x + 0.8 * u, y + 0.8 * u), fill=(200, 200, 190))
        head, body, small = (250, 246, 230), (226, 226, 214), (236, 200, 120)
    elif fmt == "slide":
        d.rectangle((0, 0, w, h), fill=(250, 250, 252))
        bar = h * 0.28
        d.rectangle((0, 0, w, bar), fill=shade(main, 0.8))
        d.rectangle((0, bar, w, bar + 1.2 * u), fill=accent)
        draw_blocks(
            d,
            [Block(roles.headline or "", 0.5, True, contrast_ink(shade(main, 0.8)))],
            (pad, 2 * u, w - pad, bar - 2 * u),
        )
        rest = [Block(roles.body or "", 0.09, False, (40, 40, 48))] if roles.body else []
        rest += [Block(t, 0.065, False, (90, 90, 100)) for t in roles.details]
        if rest:
            draw_blocks(d, rest, (pad, bar + 6 * u, w - pad, h - pad))
        return img
    elif fmt == "card":
        d.rectangle((0, 0, w, h), fill=mix(main, (255, 255, 255), 0.6))
        for _ in range(14):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(1, 3) * u
            d.ellipse((x - r, y - r, x + r, y + r), fill=mix(accent, (255, 255, 255), 0.3))
        d.rounded_rectangle(
            (8 * u, 8 * u, w - 8 * u, h - 8 * u), radius=5 * u, fill=(255, 255, 252)
        )
        head, body, small = shade(main, 0.55), (60, 60, 66), shade(accent, 0.6)
        box = (14 * u, 14 * u, w - 14 * u, h - 14 * u)
    elif fmt == "ad":
        d.polygon([(w * 0.55, 0), (w, 0), (w, h * 0.45)], fill=accent)
        d.polygon([(0, h * 0.7), (0, h), (w * 0.35, h)], fill=shade(accent, 0.8))
        head = body = ink
        small = contrast_ink(accent)
        if roles.details:  # the call to action sits on a button
            d.rounded_rectangle((w * 0.2, h * 0.74, w * 0.8, h * 0.9), radius=3 * u, fill=accent)
            draw_blocks(
                d,
                [Block(t, 0.3, True, small) for t in roles.details],
                (w * 0.22, h * 0.75, w * 0.78, h * 0.89),
            )
            roles = TextRoles(roles.headline, roles.body, [])
            box = (pad, pad, w - pad, h * 0.7)
    elif fmt == "post":
        img.paste(_diagonal(size, main, accent))
        d = ImageDraw.Draw(img)
        for _ in range(5):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(6, 16) * u
            d.ellipse(
                (x - r, y - r, x + r, y + r), outline=(255, 255, 255), width=max(1, round(0.6 * u))
            )
        head = body = small = (255, 255, 255)
    else:  # poster
        for cx, cy in ((0, 0), (w, h)):
            r = 28 * u
            d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=accent)
        small = shade(ink, 0.8) if ink[0] > 128 else mix(ink, main, 0.25)
    blocks = []
    if roles.headline:
        blocks.append(Block(roles.headline, 0.12, True, head))
    if roles.body:
        blocks.append(Block(roles.body, 0.065, False, body))
    blocks += [Block(t, 0.045, False, small) for t in roles.details]
    if blocks:
        draw_blocks(d, blocks, box)
    return img


def _diagonal(size: tuple[int, int], a: RGB, b: RGB) -> Image.Image:
    grad = Image.linear_gradient("L").rotate(45, expand=True).resize(size)
    return Image.composite(Image.new("RGB", size, b), Image.new("RGB", size, a), grad)


def add_caption(img: Image.Image, text: str) -> Image.Image:
    """A caption band across the bottom of an existing picture."""
    img = img.convert("RGB")
    w, h = img.size
    band = Image.new("RGBA", img.size, (0, 0, 0, 0))
    top = round(h * 0.8)
    ImageDraw.Draw(band).rectangle((0, top, w, h), fill=(0, 0, 0, 150))
    out = Image.alpha_composite(img.convert("RGBA"), band).convert("RGB")
    draw_blocks(
        ImageDraw.Draw(out),
        [Block(text, 0.55, True, (255, 255, 255))],
        (w * 0.04, top + h * 0.02, w * 0.96, h - h * 0.02),
    )
    return out
