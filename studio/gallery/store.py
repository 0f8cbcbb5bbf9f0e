"""The gallery: every image a page made, kept on disk so a browser refresh loses nothing.

Layout under the data folder (env STUDIO_DATA_DIR, default ./data):
    studio.db                    SQLite, WAL mode: every row, experiments and saved prompts
                                 too (or, with STUDIO_DATABASE_URL=postgresql://..., that database)
    images/ab/<sha256>.<ext>     content-addressed originals (and conversation blobs)
    thumbs/ab/<sha256>.jpg       256 px JPEG thumbnails

Safe for several threads and several processes on one folder: connections come from
SQLAlchemy's pool (studio/gallery/database.py), writes are short transactions that hold the
writers' lock, and files are published by atomic rename before rows point at them.

GalleryStore is a facade over three stores (studio/gallery/interfaces.py): item rows,
blobs and conversations. It owns what spans them: an image with its row, a purge that
removes only files nothing points at, an import that lands in one transaction.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import studio.gallery.conversations as convs
from studio.gallery.blobs import Blobs
from studio.gallery.collections import SQLCollections
from studio.gallery.conversation_rows import SQLConversations
from studio.gallery.conversations import Conversation, ConversationSummary
from studio.gallery.database import Database, database_url
from studio.gallery.dates import days_ago_iso
from studio.gallery.errors import MissingImage
from studio.gallery.experiment_rows import SQLExperiments
from studio.gallery.filters import GalleryFilter
from studio.gallery.interfaces import BlobStore, ConversationStore, ItemRecords
from studio.gallery.item_texts import item_texts
from studio.gallery.items import SQLItems
from studio.gallery.local_files import LocalImport, import_local_files
from studio.gallery.objects import blob_url_from_env, open_objects
from studio.gallery.png_meta import add_text_chunks, png_size
from studio.gallery.prompt_rows import SQLPrompts
from studio.gallery.records import MIME_EXT, GalleryItem, NewItem, clean_tags
from studio.gallery.thumbnails import sniff

# Columns an answer's end may fill in after its images were saved mid-stream (grounding
# metadata comes with the last chunk).
OUTCOME_FIELDS = frozenset({"finish_reason", "prompt_tokens", "output_tokens", "total_tokens",
                            "latency_ms", "cost_usd", "grounding"})


def default_data_dir() -> Path:
    return Path(os.environ.get("STUDIO_DATA_DIR") or "data")


class GalleryStore:
    """The gallery of one data folder: rows in SQLite or PostgreSQL, bytes in files or a bucket."""

    def __init__(self, data_dir: str | Path | None = None, *, read_only: str | None = None,
                 database: str | None = None, blob_url: str | None = None) -> None:
        """`read_only`: None, "ro" or "immutable" (see Database), chosen by opening.py for a
        folder that cannot be written. `database`: a postgresql:// URL (default
        $STUDIO_DATABASE_URL; unset = studio.db). `blob_url`: where the image bytes live
        (default $STUDIO_BLOB_URL; unset = images/ and thumbs/ in the data folder)."""
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        if not read_only:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.data_dir / "studio.db"
        self.read_only = bool(read_only)
        self.database_url = database or database_url()
        self._sql = Database(self.db_path, self.database_url, read_only)
        self.sql = self._sql  # for doctor.py and opening.py, which check the database itself
        self._db = self._sql.db
        self._write = self._sql.write
        # Nested use on one thread joins the outer transaction: calls to the three stores
        # inside one `with self._transaction():` commit together.
        self._transaction: Callable[[], AbstractContextManager[object]] = self._sql.write
        self.items: ItemRecords = SQLItems(self._sql)
        self.blob_url = blob_url if blob_url is not None else blob_url_from_env()
        self.objects = open_objects(self.blob_url, self.data_dir, read_only=self.read_only)
        self._files = Blobs(self.objects, self._sql)  # typed for its local-only path helpers
        self.blobs: BlobStore = self._files
        self.conversations: ConversationStore = SQLConversations(self._sql)
        self.collections = SQLCollections(self._sql)  # named, ordered sets of items
        self.experiments = SQLExperiments(self._sql)  # the Prompt Lab's (studio/lab/saved.py)
        self.prompts = SQLPrompts(self._sql)  # the prompt library's (making/prompt_library.py)
        self.local_import = LocalImport() if self.read_only else import_local_files(  # once
            self.data_dir, self.experiments, self.prompts)
        self.made_by: str | None = None  # stamped on what this view adds (see signed_as)

    def signed_as(self, who: str | None) -> GalleryStore:
        """This store as seen by a signed-in user: the same database and files, and every
        image added through it records `who` made it (unless the item already says)."""
        if who == self.made_by:
            return self
        view = copy.copy(self)  # shares the pool and the three stores: no second connection
        view.made_by = who
        return view

    def close(self) -> None:
        self._sql.close()

    def __enter__(self) -> GalleryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- paths and bytes -------------------------------------------------------------
    def image_path(self, item: GalleryItem) -> Path:
        """The file of an item's image, when images are in a local folder (ValueError if not)."""
        return self._files.path(item.sha256, item.mime)

    def thumb_path(self, item: GalleryItem) -> Path:
        return self._files.thumb_path(item.sha256)

    def image_location(self, item: GalleryItem) -> str:
        """Where an item's image is, for messages: a file path or an object URL."""
        return f"{self.objects.location.rstrip('/')}/{self.blobs.key(item.sha256, item.mime)}"

    def image_bytes(self, item_id: str) -> bytes:
        """Raises KeyError for an unknown id, MissingImage when its file is gone."""
        return self.item_image(self._must_get(item_id))

    def item_image(self, item: GalleryItem) -> bytes:
        try:
            return self.blobs.get(item.sha256, item.mime)
        except FileNotFoundError:
            raise MissingImage(item.id, self.image_location(item)) from None

    def item_chunks(self, item: GalleryItem) -> tuple[int, Iterator[bytes]]:
        """(size, chunks) of an item's image, streamed (export). FileNotFoundError if gone."""
        return self.blobs.open(item.sha256, item.mime)

    def has_image(self, item: GalleryItem) -> bool:
        return self.blobs.has_file(item.sha256, item.mime)

    def has_thumbnail(self, item: GalleryItem) -> bool:
        return self.blobs.has_thumbnail(item.sha256)

    def thumbnail_bytes(self, item_id: str) -> bytes:
        return self.item_thumbnail(self._must_get(item_id))

    def item_thumbnail(self, item: GalleryItem) -> bytes:
        """The card's JPEG; remade from the original if lost. MissingImage when both are."""
        try:
            return self.blobs.thumbnail(item.sha256, item.mime)
        except FileNotFoundError:
            raise MissingImage(item.id, self.image_location(item)) from None

    def ensure_thumbnail(self, item: GalleryItem) -> str:
        """Make the thumbnail if it is missing (import, or a crash right after saving)."""
        try:
            return self.blobs.ensure_thumbnail(item.sha256, item.mime)
        except FileNotFoundError:
            raise MissingImage(item.id, self.image_location(item)) from None

    def _must_get(self, item_id: str) -> GalleryItem:
        item = self.get(item_id)
        if item is None:
            raise KeyError(f"no gallery item {item_id!r}")
        return item

    def blob_path(self, sha256: str) -> Path:
        """The file of stored bytes in a local folder (KeyError if unknown, ValueError if not)."""
        return self._files.path(sha256)

    def blob_bytes(self, sha256: str) -> bytes:
        return self.blobs.get(sha256)

    def put_blob(self, data: bytes, mime: str) -> str:
        """Keep bytes (conversation history images) by content; returns their sha256."""
        return self.blobs.put(data, mime)

    # -- items -------------------------------------------------------------------------
    def add_image(self, data: bytes, mime: str, meta: NewItem) -> GalleryItem:
        """Store an image with its metadata; returns the saved item.

        `mime` is the caller's label; the bytes decide (a JPEG labelled PNG is kept as JPEG).
        Raises ValueError/PIL.UnidentifiedImageError for bytes that are no supported image.
        """
        size = png_size(data)  # fast path: PNG is what the models return
        if size is None:
            mime, width, height = sniff(data)  # raises on bytes that are not an image
            if mime not in MIME_EXT:
                raise ValueError(f"unsupported image type {mime} (supported: {', '.join(MIME_EXT)})")
        else:
            mime, (width, height) = "image/png", size
            data = add_text_chunks(data, item_texts(meta))
        sha = self.blobs.stage(data, mime)  # the slow writes happen before the write lock
        self.blobs.ensure_thumbnail(sha, mime, data)
        if self.made_by and meta.made_by is None:
            meta = dataclasses.replace(meta, made_by=self.made_by)
        item = GalleryItem.from_new(meta, sha256=sha, mime=mime, width=width, height=height)
        with self._transaction():
            self.blobs.put(data, mime, sha)
            self.items.add(item)
        return item

    def get(self, item_id: str) -> GalleryItem | None:
        return self.items.get(item_id)

    def query(
        self, flt: GalleryFilter | None = None, offset: int = 0, limit: int = 48,
        order: str = "newest",
    ) -> list[GalleryItem]:
        return self.items.query(flt, offset, limit, order)

    def count(self, flt: GalleryFilter | None = None) -> int:
        return self.items.count(flt)

    def facets(self) -> dict[str, list[str]]:
        """Distinct pages, models and tags of live items, for the filter widgets."""
        return self.items.facets()

    def set_favourite(self, item_id: str, favourite: bool) -> bool:
        return self.items.update(item_id, {"favourite": favourite})

    def set_outcome(self, item_id: str, outcome: dict[str, Any]) -> bool:
        """Fill in what only an answer's end knows (usage, cost, finish reason, grounding)."""
        return self.items.update(item_id, {k: v for k, v in outcome.items() if k in OUTCOME_FIELDS})

    def set_tags(self, item_id: str, tags: list[str]) -> bool:
        return self.items.update(item_id, {"tags": clean_tags(tags)})

    def delete(self, item_id: str) -> bool:
        """Soft delete: hidden from queries, restorable until purged."""
        return self.items.delete(item_id)

    def restore(self, item_id: str) -> bool:
        return self.items.restore(item_id)

    def purge_deleted(self, older_than_days: float = 7) -> int:
        """Remove items soft-deleted before the cutoff, and files nothing else points at."""
        with self._transaction():
            shas = self.items.purge(days_ago_iso(older_than_days))
            self.collections.forget_purged()
            self._drop_unreferenced(set(shas))
        return len(shas)

    def _drop_unreferenced(self, shas: set[str]) -> None:
        # Called inside a transaction, so no writer can re-reference a sha mid-check.
        for sha in shas:
            if not self.items.uses_blob(sha) and not self.conversations.uses_blob(sha):
                self.blobs.remove(sha)

    def lineage(self, item_id: str) -> tuple[list[GalleryItem], list[GalleryItem]]:
        """(ancestors oldest-first, direct live children) of an edited image."""
        return self.items.lineage(item_id)

    # -- conversations -------------------------------------------------------------------
    def save_conversation(self, conv: Conversation) -> Conversation:
        """Insert or update; call after every turn. Returns it with timestamps filled in."""
        with self._transaction():  # blobs are put under the lock: see Blobs.put
            record = convs.to_record(conv, self.blobs, self.conversations.created_at(conv.id))
            self.conversations.save(record)
        conv.created_at, conv.updated_at = record["created_at"], record["updated_at"]
        return conv

    def conversation_record(self, conversation_id: str) -> dict[str, Any] | None:
        """The stored JSON form (history with blob references): what export writes."""
        return self.conversations.load(conversation_id)

    def load_conversation(self, conversation_id: str) -> Conversation | None:
        record = self.conversation_record(conversation_id)
        return convs.from_record(record, self.blobs) if record else None

    def list_conversations(self, page: str | None = None, limit: int = 20) -> list[ConversationSummary]:
        return self.conversations.list(page, limit)

    def conversation_titles(self, ids: list[str]) -> dict[str, str]:
        """Titles of these conversations (the first thing the user said), by id."""
        return self.conversations.titles(list(dict.fromkeys(ids)))

    def delete_conversation(self, conversation_id: str) -> bool:
        with self._transaction():
            shas = self.conversations.delete(conversation_id)
            if shas is not None:
                self._drop_unreferenced(shas)
        return shas is not None

    # -- import ------------------------------------------------------------------------------
    def import_records(
        self, items: list[GalleryItem], conversations: list[dict[str, Any]],
        blobs: list[tuple[str, str, int]],
    ) -> tuple[list[str], list[str]]:
        """Insert already-verified rows in one transaction, keeping their ids and dates.

        Files must be in place first. Existing ids are skipped (re-import is a no-op).
        Returns the ids of the items and conversations actually added.
        """
        with self._transaction():
            for sha, mime, size in blobs:
                self.blobs.adopt(sha, mime, size)
            added_items = self.items.add_existing(items)
            added_convs = self.conversations.add_new(conversations)
        return added_items, added_convs
