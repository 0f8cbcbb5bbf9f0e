"""Text for rendered cards: which format and texts a prompt asks for, and fitting them.

Quoted strings are drawn exactly as given, wrapped to the width; the cards
themselves are drawn in `textcards.py`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from PIL import ImageDraw, ImageFont

from .palette import RGB

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

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


def misspell(text: str) -> str:
    """`text` with one letter wrong: the middle letter of its longest word, swapped for
    the next letter of the alphabet (z wraps to a), case kept."""
    words = text.split(" ")
    longest = max(range(len(words)), key=lambda i: sum(c.isalpha() for c in words[i]))
    word = words[longest]
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if not letters:
        return text
    at = letters[len(letters) // 2]
    c = word[at]
    base = ord("a") if c.islower() else ord("A")
    wrong = chr(base + (ord(c) - base + 1) % 26)
    words[longest] = word[:at] + wrong + word[at + 1:]
    return " ".join(words)


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
