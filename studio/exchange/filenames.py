"""Safe, readable file names for exports: ASCII slugs that cannot escape their folder."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str | None, max_len: int = 40, fallback: str = "image") -> str:
    """'Un café <b>noir</b>!' -> 'un-cafe-b-noir-b'. Only [a-z0-9-], never empty, capped."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    slug = slug[:max_len].rstrip("-")
    return slug or fallback


def short_id(item_id: str) -> str:
    return slugify(item_id, max_len=8, fallback="x")


def image_name(index: int, width: int, page: str, prompt: str, item_id: str, ext: str) -> str:
    """`<NNNN>-<page>-<slug-of-prompt>-<id8>.<ext>`, e.g. `0007-story-a-red-fox-1a2b3c4d.png`."""
    number = str(index).zfill(width)
    return f"{number}-{slugify(page, 20, 'page')}-{slugify(prompt)}-{short_id(item_id)}.{slugify(ext, 5, 'bin')}"
