"""The three stores GalleryStore is made of, as protocols a second backend can implement.

Today they are SQLite + files under one data folder (items.py, blobs.py,
conversation_rows.py); a server deployment could put rows in PostgreSQL and bytes in an
object store. GalleryStore composes them and owns what spans two of them: saving an image
with its row, purging files nothing points at, importing an export in one go.

Atomicity across stores: GalleryStore runs the calls that must land together inside its
backend's transaction (Database.write in studio/gallery/database.py, which nested calls on
one thread join, for SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Protocol

from studio.gallery.conversations import ConversationSummary
from studio.gallery.filters import GalleryFilter
from studio.gallery.records import GalleryItem


class ItemRecords(Protocol):
    """The rows of gallery items."""

    def add(self, item: GalleryItem) -> None: ...

    def add_existing(self, items: list[GalleryItem]) -> list[str]:
        """Insert with their own ids and dates, skipping ids already present; the ids added."""
        ...

    def get(self, item_id: str) -> GalleryItem | None: ...

    def query(self, flt: GalleryFilter | None, offset: int, limit: int,
              order: str) -> list[GalleryItem]: ...

    def count(self, flt: GalleryFilter | None) -> int: ...

    def facets(self) -> dict[str, list[str]]: ...

    def update(self, item_id: str, values: dict[str, Any]) -> bool:
        """Set these fields (already cleaned) on one item; False if there is no such item."""
        ...

    def delete(self, item_id: str) -> bool: ...

    def restore(self, item_id: str) -> bool: ...

    def purge(self, deleted_before: str) -> list[str]:
        """Remove items soft-deleted before the time; the sha256 of each one removed."""
        ...

    def lineage(self, item_id: str) -> tuple[list[GalleryItem], list[GalleryItem]]: ...

    def uses_blob(self, sha256: str) -> bool:
        """Whether any item, live or trashed, shows these bytes."""
        ...


class BlobStore(Protocol):
    """Bytes by content (sha256), each published atomically, with a thumbnail per image.

    Where the bytes are is the implementation's business (a folder, an object store): callers
    read them through get/open, never through a file path.
    """

    def key(self, sha256: str, mime: str | None = None) -> str:
        """The object key (`images/ab/<sha>.<ext>`); without mime it is looked up (KeyError)."""
        ...

    def stage(self, data: bytes, mime: str) -> str:
        """Write the bytes where put() will publish them, outside any transaction (the slow
        part); nothing points at them yet. Returns their sha256."""
        ...

    def put(self, data: bytes, mime: str, sha256: str | None = None) -> str:
        """Keep the bytes and record them (idempotent); returns their sha256.

        `sha256` is what stage() returned for these bytes: it saves hashing them again.
        """
        ...

    def adopt(self, sha256: str, mime: str, size: int) -> None:
        """Record bytes already placed under key(sha256, mime) (import copies them there)."""
        ...

    def mime(self, sha256: str) -> str: ...

    def get(self, sha256: str, mime: str | None = None) -> bytes: ...

    def open(self, sha256: str, mime: str | None = None) -> tuple[int, Iterator[bytes]]:
        """(size, chunks), streamed; FileNotFoundError when the bytes are gone."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def has_file(self, sha256: str, mime: str) -> bool: ...

    def remove(self, sha256: str) -> None:
        """Forget the bytes and their thumbnail; callers check nothing points at them."""
        ...

    def has_thumbnail(self, sha256: str) -> bool: ...

    def ensure_thumbnail(self, sha256: str, mime: str, data: bytes | None = None) -> str:
        """Make the thumbnail if missing, from `data` when the caller holds the bytes."""
        ...

    def thumbnail(self, sha256: str, mime: str) -> bytes:
        """The thumbnail's bytes, made from the original if missing."""
        ...

    def ingest(
        self, src: BinaryIO, sha256: str, mime: str, max_bytes: int,
        inspect: Callable[[bytes], None] | None = None,
    ) -> tuple[bool, int]:
        """Copy a stream in, refusing it unless it hashes to sha256; (created, size)."""
        ...


class ConversationStore(Protocol):
    """Stored conversations as JSON records (history holding blob references)."""

    def save(self, record: dict[str, Any]) -> None:
        """Insert or replace one record with its blob references."""
        ...

    def add_new(self, records: list[dict[str, Any]]) -> list[str]:
        """Insert records whose id is not present yet; the ids added."""
        ...

    def created_at(self, conversation_id: str) -> str | None: ...

    def load(self, conversation_id: str) -> dict[str, Any] | None: ...

    def list(self, page: str | None, limit: int) -> list[ConversationSummary]: ...

    def delete(self, conversation_id: str) -> set[str] | None:
        """Remove it; the blobs it referenced, or None if there was no such conversation."""
        ...

    def uses_blob(self, sha256: str) -> bool: ...
