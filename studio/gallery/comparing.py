"""Comparing gallery items: their prompts word by word, their settings field by field, and
two images as one split view (the left of one, the right of the other)."""

from __future__ import annotations

import difflib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from studio.gallery.records import GalleryItem

SAME, ADDED, REMOVED = "same", "added", "removed"
_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(kind, text) runs turning `before` into `after`, word by word (spaces kept)."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append((SAME, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append((REMOVED, "".join(a[i1:i2])))
        if j2 > j1:
            out.append((ADDED, "".join(b[j1:j2])))
    return out


def settings_of(item: GalleryItem) -> dict[str, str]:
    """The fields that say how an image was made, as text; those that do not apply are left
    out (an empty value would only read as "None")."""
    fields: dict[str, object] = {
        "Page": item.page, "Model": item.model, "Engine": item.engine,
        "Aspect ratio": item.aspect_ratio, "Image size": item.image_size, "Seed": item.seed,
        "Temperature": item.temperature, "Pixels": f"{item.width}×{item.height}",
        "Finish": item.finish_reason, "Tokens": item.total_tokens,
        "Latency": f"{item.latency_ms / 1000:.1f} s" if item.latency_ms is not None else None,
        "Est. cost": f"${item.cost_usd:.4f}" if item.cost_usd is not None else None,
        "Made": item.created_at[:16].replace("T", " "), "Tags": ", ".join(item.tags),
    }
    for key, value in sorted(item.settings.items()):
        if key == "inputs" and isinstance(value, dict):
            for name, typed in value.items():
                fields[f"Typed {name.split('_', 1)[-1].replace('_', ' ')}"] = typed
        else:
            fields[key.replace("_", " ").capitalize()] = (
                json.dumps(value, ensure_ascii=False, sort_keys=True)
                if isinstance(value, (dict, list)) else value)
    return {k: str(v) for k, v in fields.items() if v not in (None, "")}


@dataclass(frozen=True)
class SettingRow:
    field: str
    values: tuple[str, ...]  # one per item ("" where an item lacks the field)

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


def settings_table(items: Sequence[GalleryItem]) -> list[SettingRow]:
    """Every field any of the items has, in first-seen order; `differs` marks a change."""
    each = [settings_of(i) for i in items]
    names = list(dict.fromkeys(name for fields in each for name in fields))
    return [SettingRow(name, tuple(fields.get(name, "") for fields in each)) for name in names]


def split_view(left: bytes, right: bytes, split: float, width: int = 1024) -> bytes:
    """One PNG: `left` up to `split` (0..1 of the width), `right` after it, a line between.

    Both images are fitted to the same box (the left one's aspect ratio, `width` wide at
    most), so images of different sizes or ratios still line up.
    """
    a = Image.open(io.BytesIO(left)).convert("RGB")
    b = Image.open(io.BytesIO(right)).convert("RGB")
    w = min(width, max(a.width, b.width))
    h = max(1, round(w * a.height / a.width))
    canvas_a, canvas_b = _fit(a, w, h), _fit(b, w, h)
    x = round(max(0.0, min(1.0, split)) * w)
    canvas_a.paste(canvas_b.crop((x, 0, w, h)), (x, 0))
    draw = ImageDraw.Draw(canvas_a)
    draw.line([(x, 0), (x, h)], fill=(255, 255, 255), width=3)
    draw.line([(x + 2, 0), (x + 2, h)], fill=(30, 30, 30), width=1)
    out = io.BytesIO()
    canvas_a.save(out, "PNG")
    return out.getvalue()


def _fit(image: Image.Image, w: int, h: int) -> Image.Image:
    """`image` scaled to fit w×h, centred on a neutral ground."""
    scale = min(w / image.width, h / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    canvas = Image.new("RGB", (w, h), (38, 39, 48))
    canvas.paste(image.resize(size, Image.Resampling.LANCZOS),
                 ((w - size[0]) // 2, (h - size[1]) // 2))
    return canvas
