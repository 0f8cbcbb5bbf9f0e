"""Images a user adds to a message: kept in the gallery first, checked against the model."""

from __future__ import annotations

from dataclasses import dataclass

from google.genai import types

from studio.gallery.records import NewItem
from studio.gallery.store import GalleryStore
from studio.gemini.catalog import ModelInfo


@dataclass
class Attachment:
    """An image the user adds to a message, already kept as a gallery item."""

    data: bytes
    mime: str
    item_id: str

    def part(self) -> types.Part:
        return types.Part.from_bytes(data=self.data, mime_type=self.mime)


def attachment_from_item(store: GalleryStore, item_id: str) -> Attachment | None:
    item = store.get(item_id)
    if item is None:
        return None
    try:
        return Attachment(store.image_bytes(item_id), item.mime, item.id)
    except FileNotFoundError:  # MissingImage: the conversation goes on without its start
        return None


def keep_upload(store: GalleryStore, data: bytes, mime: str, *, page: str, name: str,
                conversation_id: str | None = None) -> Attachment:
    """A user's image enters the gallery too, so edits made from it have a parent."""
    item = store.add_image(data, mime, NewItem(page=page, prompt=f"Uploaded: {name}",
                                               engine="upload", conversation_id=conversation_id))
    return Attachment(data, mime, item.id)


def too_many_references(count: int, info: ModelInfo) -> str | None:
    """Why `count` images in one message are more than `info`'s model takes, or None."""
    limit = info.max_reference_images
    if count <= limit:
        return None
    return (f"{info.label} takes at most {limit} reference image{'s' * (limit != 1)} in one "
            f"message; {count} were attached. Remove {count - limit} and send again.")
