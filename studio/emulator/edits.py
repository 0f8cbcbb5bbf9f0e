"""Image edits: find the operations an instruction asks for, then apply them in order.

Each operation is found by a regex; their positions in the instruction give
the order ("rotate it and then make it grayscale" rotates first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from .palette import COLOUR_RE, NAMED_COLOURS
from .styles import STYLES, find_styles, finish
from .textcards import add_caption
from .textlayout import quoted_strings

_COLOUR = COLOUR_RE.pattern[3:-3]  # the bare alternation of colour names

_SIMPLE: list[tuple[str, str]] = [
    (
        "grayscale",
        r"\bgr[ae]y\s?scale\b|\bblack[\s-]and[\s-]white\b|\bb&w\b|\bmonochrome\b|\bdesaturate",
    ),
    ("sepia", r"\bsepia\b|\bvintage\b"),
    ("blur", r"\bblur(?:red|ry)?\b|\bsoften\b|\bout of focus\b"),
    ("sharpen", r"\bsharpen|\bcrisper\b"),
    (
        "mirror",
        r"\bmirror(?:ed)?\b|\bflip(?:ped)?\s+(?:it\s+)?horizontal(?:ly)?\b|\bhorizontal flip\b",
    ),
    ("flip", r"\bflip(?:ped)?\b(?!\s+(?:it\s+)?horizontal)|\bupside[\s-]down\b"),
    ("brighter", r"\bbright(?:er|en)\b|\blighter\b|\blighten\b"),
    ("darker", r"\bdark(?:er|en)\b"),
    ("contrast", r"\b(?:more|increase|boost|higher|add)\s+(?:the\s+)?contrast\b|\bcontrastier\b"),
    ("invert", r"\binvert(?:ed)?\b|\bnegative\b"),
    ("crop", r"\bcrop(?:ped)?\b|\bzoom(?:ed)?(?:\s+in)?\b"),
]
_ROTATE = re.compile(
    r"\brotate(?:d)?\b(?:\s+(?:it|the image|this))?(?:\s+by)?\s*(-?\d+)?\s*(?:°|degrees?)?"
    r"(?:\s+(?:to the\s+)?(left|right|clockwise|counter[\s-]?clockwise|anti[\s-]?clockwise))?",
    re.I,
)
_TINT = re.compile(
    rf"\b(?:tint(?:ed)?|make\s+(?:it|the image|everything)|turn\s+(?:it|the image)|colou?r\s+it|more)"
    rf"\s+(?:in\s+|with\s+|a\s+)?(?:bit\s+)?(?:more\s+)?({_COLOUR})\b|\b({_COLOUR})\s+(?:tint|wash|filter)\b",
    re.I,
)
_BORDER = re.compile(rf"\b(?:({_COLOUR})\s+)?(?:border|frame)\b(?:\s+in\s+({_COLOUR}))?", re.I)
_CAPTION = re.compile(r"\b(?:caption|text|write|title|label|says?|saying|words?)\b", re.I)
_COMBINE = re.compile(
    r"\b(?:combine|merge|blend|put|place|insert|paste|composite|add\s+the\s+\w+\s+from)\b", re.I
)


@dataclass(frozen=True)
class EditOp:
    name: str
    pos: int
    arg: Any = None


def parse_edit_ops(text: str) -> list[EditOp]:
    ops: list[EditOp] = []
    for name, pattern in _SIMPLE:
        ops += [EditOp(name, m.start()) for m in re.finditer(pattern, text, re.I)][:1]
    if m := _ROTATE.search(text):
        angle = int(m.group(1)) if m.group(1) else 90
        way = (m.group(2) or "clockwise").lower().replace(" ", "").replace("-", "")
        ops.append(
            EditOp(
                "rotate",
                m.start(),
                angle if way in ("left", "counterclockwise", "anticlockwise") else -angle,
            )
        )
    if m := _TINT.search(text):
        ops.append(EditOp("tint", m.start(), (m.group(1) or m.group(2)).lower()))
    if m := _BORDER.search(text):
        ops.append(EditOp("border", m.start(), (m.group(1) or m.group(2) or "").lower() or None))
    quotes = quoted_strings(text)
    if quotes and (_CAPTION.search(text) or not ops):
        ops.append(EditOp("caption", text.find(quotes[0]), quotes[0]))
    if m := _COMBINE.search(text):
        mode = "blend" if "blend" in m.group(0).lower() else "paste"
        ops.append(EditOp("combine", m.start(), mode))
    for pos, style in find_styles(text):
        # "this photo" names the input, not a style; only "photorealistic" and co. restyle.
        if style != "photo" or re.search(r"realistic|cinematic", text, re.I):
            ops.append(EditOp("style", pos, style))
    # "black and white" also matches the tint/border colour words; drop those echoes.
    if any(o.name == "grayscale" for o in ops):
        ops = [o for o in ops if not (o.name == "tint" and o.arg in ("black", "white"))]
    return sorted(ops, key=lambda o: o.pos)


def wants_reference(ops: list[EditOp]) -> bool:
    return any(o.name == "combine" for o in ops)


def apply_ops(
    base: Image.Image, ops: list[EditOp], refs: list[Image.Image], seed: int
) -> tuple[Image.Image, list[str]]:
    """Apply `ops` to `base`; returns the image and a phrase per operation done."""
    img = base.convert("RGB")
    done: list[str] = []
    for op in ops:
        img, phrase = _apply(img, op, refs, seed)
        if phrase:
            done.append(phrase)
    return img, done


def _apply(
    img: Image.Image, op: EditOp, refs: list[Image.Image], seed: int
) -> tuple[Image.Image, str | None]:
    w, h = img.size
    n = op.name
    if n == "grayscale":
        return img.convert("L").convert("RGB"), "converted it to black and white"
    if n == "sepia":
        return ImageOps.colorize(
            img.convert("L"), (40, 26, 13), (250, 232, 196)
        ), "gave it a sepia tone"
    if n == "blur":
        return img.filter(ImageFilter.GaussianBlur(max(2, min(w, h) // 100))), "blurred it"
    if n == "sharpen":
        return ImageEnhance.Sharpness(img).enhance(2.5), "sharpened it"
    if n == "mirror":
        return ImageOps.mirror(img), "mirrored it horizontally"
    if n == "flip":
        return ImageOps.flip(img), "flipped it vertically"
    if n == "brighter":
        return ImageEnhance.Brightness(img).enhance(1.35), "made it brighter"
    if n == "darker":
        return ImageEnhance.Brightness(img).enhance(0.65), "made it darker"
    if n == "contrast":
        return ImageEnhance.Contrast(img).enhance(1.6), "boosted the contrast"
    if n == "invert":
        return ImageOps.invert(img), "inverted the colours"
    if n == "crop":
        cw, ch = round(w / 1.5), round(h / 1.5)
        box = ((w - cw) // 2, (h - ch) // 2, (w - cw) // 2 + cw, (h - ch) // 2 + ch)
        return img.crop(box).resize((w, h), Image.Resampling.LANCZOS), "zoomed in on the centre"
    if n == "rotate":
        angle = op.arg
        way = "counter-clockwise" if angle > 0 else "clockwise"
        if angle % 90 == 0:  # right angles keep every pixel; the size swaps for 90/270
            return img.rotate(angle, expand=True), f"rotated it {abs(angle)}° {way}"
        return img.rotate(
            angle, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255)
        ), f"rotated it {abs(angle)}° {way}"
    if n == "tint":
        colour = NAMED_COLOURS[op.arg]
        toned = ImageOps.colorize(img.convert("L"), (0, 0, 0), colour, mid=None)
        return Image.blend(img, toned, 0.6), f"gave it a {op.arg} tint"
    if n == "border":
        colour = NAMED_COLOURS.get(op.arg or "", (20, 20, 20))
        out = img.copy()
        bw = max(2, round(min(w, h) * 0.04))
        ImageDraw.Draw(out).rectangle((0, 0, w - 1, h - 1), outline=colour, width=bw)
        return out, f"added a {op.arg + ' ' if op.arg else ''}border"
    if n == "caption":
        return add_caption(img, op.arg), f"added the caption \u201c{op.arg}\u201d"
    if n == "combine":
        if not refs:
            return img, None
        return _combine(img, refs, op.arg), (
            "blended in" if op.arg == "blend" else "placed in"
        ) + " the reference image"
    if n == "style":
        return finish(img, STYLES[op.arg], seed), f"restyled it as {STYLES[op.arg].label}"
    return img, None


def _combine(img: Image.Image, refs: list[Image.Image], mode: str) -> Image.Image:
    w, h = img.size
    out = img.copy()
    if mode == "blend":
        for ref in refs:
            out = Image.blend(
                out, ref.convert("RGB").resize((w, h), Image.Resampling.BILINEAR), 0.5
            )
        return out
    # Paste each reference, scaled to ~40% of the base, along the bottom right.
    for i, ref in enumerate(refs):
        ref = ref.convert("RGB")
        scale = min(w * 0.4 / ref.width, h * 0.4 / ref.height)
        small = ref.resize(
            (max(1, round(ref.width * scale)), max(1, round(ref.height * scale))),
            Image.Resampling.LANCZOS,
        )
        x = w - small.width - round(w * 0.05) - i * round(w * 0.08)
        y = h - small.height - round(h * 0.05) - i * round(h * 0.08)
        out.paste(small, (max(0, x), max(0, y)))
    return out
