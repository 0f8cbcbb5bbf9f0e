"""Gallery records: what an item is, where its files live, and its published field order.

Kept apart from the store so export/import can speak about items without a database.
The names other modules have always imported from here (GalleryFilter, now_iso, to_iso,
sanitize_settings) are re-exported from their own modules.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from studio.gallery.dates import now_iso, to_iso
from studio.gallery.filters import GalleryFilter
from studio.gallery.scrub import sanitize_settings

__all__ = [
    "ADDED_FIELDS", "ID_RE", "ITEM_FIELDS", "MIME_EXT", "SHA_RE", "GalleryFilter", "GalleryItem", "NewItem",
    "blob_relpath", "clean_tags", "now_iso", "sanitize_settings", "thumb_relpath", "to_iso",
]

# Extensions are chosen from this table only: a mime type never flows into a file name.
MIME_EXT: dict[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
}
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(kw_only=True)
class NewItem:
    """What a page knows about an image it wants to keep (the store adds the rest)."""

    page: str
    prompt: str = ""
    text: str = ""
    model: str = ""
    engine: str | None = "offline"  # the column allows NULL and older exports carry it
    aspect_ratio: str | None = None
    image_size: str | None = None
    seed: int | None = None
    temperature: float | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    latency_ms: int | None = None
    cost_usd: float | None = None
    parent_id: str | None = None
    conversation_id: str | None = None
    turn: int = 0
    position: int = 0
    tags: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # extra generation settings
    # What Google Search grounding returned with the answer (queries, sources, entry point).
    grounding: dict[str, Any] = field(default_factory=dict)
    made_by: str | None = None  # the signed-in user who made it, when sign-in is on


@dataclass(kw_only=True)
class GalleryItem(NewItem):
    """A kept image: what the page said plus what the store measured and decided."""

    id: str
    created_at: str
    width: int = 0
    height: int = 0
    mime: str = "image/png"
    sha256: str = ""
    favourite: bool = False
    deleted_at: str | None = None

    @property
    def ext(self) -> str:
        return MIME_EXT.get(self.mime, "bin")

    @property
    def image_relpath(self) -> str:
        """Path of the image file relative to the data folder."""
        return blob_relpath(self.sha256, self.mime)

    @property
    def thumb_relpath(self) -> str:
        return thumb_relpath(self.sha256)

    def to_dict(self) -> dict[str, Any]:
        """Every field, in the published order (manifest.json keys follow it)."""
        data = asdict(self)
        return {name: data[name] for name in ITEM_FIELDS}

    @classmethod
    def from_new(cls, new: NewItem, *, sha256: str, mime: str, width: int, height: int) -> GalleryItem:
        data = asdict(new)
        data["tags"] = clean_tags(new.tags)
        data["settings"] = sanitize_settings(new.settings)
        return cls(id=uuid.uuid4().hex, created_at=now_iso(), sha256=sha256, mime=mime,
                   width=width, height=height, **data)


def blob_relpath(sha256: str, mime: str) -> str:
    if not SHA_RE.match(sha256):  # the sha becomes a path: never trust it unchecked
        raise ValueError(f"not a sha256: {sha256!r}")
    return f"images/{sha256[:2]}/{sha256}.{MIME_EXT.get(mime, 'bin')}"


def thumb_relpath(sha256: str) -> str:
    return f"thumbs/{sha256[:2]}/{sha256}.jpg"


def clean_tags(tags: list[str] | tuple[str, ...] | None) -> list[str]:
    """Trimmed, de-duplicated, order kept; ';' is the CSV separator so it cannot be in a tag."""
    out: list[str] = []
    for tag in tags or []:
        t = str(tag).replace(";", ",").strip()
        if t and t not in out:
            out.append(t)
    return out


def _published_order() -> tuple[str, ...]:
    # The order of manifest.csv's columns, manifest.json's keys and the SELECT list, as
    # the first release wrote them (users' scripts read the CSV): identity first, then what
    # the page knew and the store measured, the JSON and trash columns last.
    # Fields added later go after those, so an older script's column positions still hold.
    first, last = ("id", "created_at"), ("tags", "settings", "deleted_at")
    middle = [f.name for f in fields(GalleryItem)
              if f.name not in first + last + ADDED_FIELDS]
    return (*first, *middle, *last, *ADDED_FIELDS)


# Fields added after the first release, in the order they came; an older export lacks them.
ADDED_FIELDS: tuple[str, ...] = ("grounding", "made_by")


ITEM_FIELDS: tuple[str, ...] = _published_order()
