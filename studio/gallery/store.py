"""The gallery: every image a page made, kept on disk so a browser refresh loses nothing.

Layout under the data folder (env STUDIO_DATA_DIR, default ./data):
    studio.db                    SQLite, WAL mode: items, conversations, blobs
    images/ab/<sha256>.<ext>     content-addressed originals (and conversation blobs)
    thumbs/ab/<sha256>.jpg       256 px JPEG thumbnails

Safe for several threads and several processes on one folder: connections come from a
small pool (studio/sqlite_pool.py), writes are short BEGIN IMMEDIATE transactions under a
busy timeout, and files are published by atomic rename before rows point at them.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import studio.gallery.conversations as convs
from studio.gallery.conversations import Conversation, ConversationSummary
from studio.gallery.dates import now_iso
from studio.gallery.files import cleanup_tmp, sha256_hex, write_atomic
from studio.gallery.filters import GalleryFilter
from studio.gallery.png_meta import add_text_chunks, png_size
from studio.gallery.records import MIME_EXT, GalleryItem, NewItem, blob_relpath, clean_tags
from studio.gallery.schema import (
    INSERT_ITEM,
    ITEM_COLUMNS,
    MIGRATIONS,
    SELECT_ITEMS,
    item_from_row,
    item_to_row,
)
from studio.gallery.scrub import sanitize_settings
from studio.gallery.search import ORDERS, filtered_items
from studio.gallery.sqlite_pool import SQLitePool
from studio.gallery.thumbnails import make_thumbnail, sniff

SOFTWARE = "Image Studio"
_MIME_ALIASES = {"image/jpg": "image/jpeg", "image/x-png": "image/png"}


# Columns an answer's end may fill in after its images were saved mid-stream.
OUTCOME_FIELDS = frozenset({"finish_reason", "prompt_tokens", "output_tokens", "total_tokens",
                            "latency_ms", "cost_usd"})


def default_data_dir() -> Path:
    return Path(os.environ.get("STUDIO_DATA_DIR") or "data")


class GalleryStore:
    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        for sub in ("images", "thumbs"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)
        self.db_path = self.data_dir / "studio.db"
        self._sql = SQLitePool(self.db_path, MIGRATIONS)
        self._db = self._sql.db
        self._write = self._sql.write
        cleanup_tmp([self.data_dir / "images", self.data_dir / "thumbs"])

    def close(self) -> None:
        self._sql.close()

    def __enter__(self) -> GalleryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- paths and bytes -------------------------------------------------------------
    def image_path(self, item: GalleryItem) -> Path:
        return self.data_dir / item.image_relpath

    def thumb_path(self, item: GalleryItem) -> Path:
        return self.data_dir / item.thumb_relpath

    def image_bytes(self, item_id: str) -> bytes:
        return self.image_path(self._must_get(item_id)).read_bytes()

    def thumbnail_bytes(self, item_id: str) -> bytes:
        item = self._must_get(item_id)
        self.ensure_thumbnail(item)
        return self.thumb_path(item).read_bytes()

    def ensure_thumbnail(self, item: GalleryItem) -> Path:
        """Make the thumbnail if it is missing (import, or a crash right after saving)."""
        path = self.thumb_path(item)
        if not path.exists():
            write_atomic(path, make_thumbnail(self.image_path(item).read_bytes()))
        return path

    def _must_get(self, item_id: str) -> GalleryItem:
        item = self.get(item_id)
        if item is None:
            raise KeyError(f"no gallery item {item_id!r}")
        return item

    def blob_path(self, sha256: str) -> Path:
        with self._db() as conn:
            row = conn.execute("SELECT mime FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise KeyError(f"no blob {sha256!r}")
        return self.data_dir / blob_relpath(sha256, row[0])

    def blob_bytes(self, sha256: str) -> bytes:
        return self.blob_path(sha256).read_bytes()

    def put_blob(self, data: bytes, mime: str) -> str:
        """Keep bytes (conversation history images) by content; returns their sha256."""
        sha = sha256_hex(data)
        mime = _MIME_ALIASES.get(mime, mime)
        path = self.data_dir / blob_relpath(sha, mime)
        write_atomic(path, data)
        with self._write() as conn:
            self._publish(conn, path, data, sha, mime)
        return sha

    def _publish(self, conn: sqlite3.Connection, path: Path, data: bytes, sha: str, mime: str) -> None:
        # Inside the write lock: a purge in another process may have removed the file
        # between our write and this transaction; put it back before a row points at it.
        write_atomic(path, data)
        conn.execute(
            "INSERT OR IGNORE INTO blobs (sha256, mime, size, created_at) VALUES (?, ?, ?, ?)",
            (sha, mime, len(data), now_iso()),
        )

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
            data = add_text_chunks(data, self._png_texts(meta))
        item = GalleryItem.from_new(meta, sha256=sha256_hex(data), mime=mime,
                                    width=width, height=height)
        path = self.image_path(item)
        write_atomic(path, data)
        if not self.thumb_path(item).exists():
            write_atomic(self.thumb_path(item), make_thumbnail(data))
        with self._write() as conn:
            self._publish(conn, path, data, item.sha256, mime)
            conn.execute(INSERT_ITEM, item_to_row(item))
        return item

    @staticmethod
    def _png_texts(meta: NewItem) -> dict[str, str]:
        settings = {
            "engine": meta.engine, "aspect_ratio": meta.aspect_ratio,
            "image_size": meta.image_size, "seed": meta.seed, "temperature": meta.temperature,
        }
        settings = {k: v for k, v in settings.items() if v is not None}
        settings.update(sanitize_settings(meta.settings))
        return {
            "Software": SOFTWARE, "prompt": meta.prompt, "model": meta.model, "page": meta.page,
            "settings": json.dumps(settings, ensure_ascii=False, sort_keys=True, default=str),
        }

    def get(self, item_id: str) -> GalleryItem | None:
        with self._db() as conn:
            row = conn.execute(f"{SELECT_ITEMS} WHERE id = ?", (item_id,)).fetchone()
        return item_from_row(row) if row else None

    def query(
        self, flt: GalleryFilter | None = None, offset: int = 0, limit: int = 48,
        order: str = "newest",
    ) -> list[GalleryItem]:
        with self._db() as conn:
            source, args = filtered_items(conn, flt)
            sql = f"SELECT {ITEM_COLUMNS}{source} ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?"
            rows = conn.execute(sql, [*args, limit, offset]).fetchall()
        return [item_from_row(r) for r in rows]

    def count(self, flt: GalleryFilter | None = None) -> int:
        with self._db() as conn:
            source, args = filtered_items(conn, flt)
            return conn.execute(f"SELECT COUNT(*){source}", args).fetchone()[0]

    def facets(self) -> dict[str, list[str]]:
        """Distinct pages, models and tags of live items, for the filter widgets."""
        with self._db() as conn:
            pages = [r[0] for r in conn.execute(_DISTINCT_LIVE.format(col="page"))]
            models = [r[0] for r in conn.execute(_DISTINCT_LIVE.format(col="model"))]
            tags = [r[0] for r in conn.execute(
                "SELECT DISTINCT j.value FROM items, json_each(items.tags) j "
                "WHERE items.deleted_at IS NULL AND items.tags != '[]' ORDER BY j.value")]
        return {"pages": pages, "models": [m for m in models if m], "tags": tags}

    def _update(self, sql: str, args: tuple[Any, ...]) -> bool:
        with self._write() as conn:
            return conn.execute(sql, args).rowcount > 0

    def set_favourite(self, item_id: str, favourite: bool) -> bool:
        return self._update("UPDATE items SET favourite = ? WHERE id = ?", (int(favourite), item_id))

    def set_outcome(self, item_id: str, outcome: dict[str, Any]) -> bool:
        """Fill in what is known only when an answer ends (usage, cost, finish reason) for an
        image saved while it streamed."""
        fields = {k: v for k, v in outcome.items() if k in OUTCOME_FIELDS}
        if not fields:
            return False
        assignments = ", ".join(f"{k} = ?" for k in fields)
        return self._update(f"UPDATE items SET {assignments} WHERE id = ?",
                            (*fields.values(), item_id))

    def set_tags(self, item_id: str, tags: list[str]) -> bool:
        tags_json = json.dumps(clean_tags(tags), ensure_ascii=False)
        return self._update("UPDATE items SET tags = ? WHERE id = ?", (tags_json, item_id))

    def delete(self, item_id: str) -> bool:
        """Soft delete: hidden from queries, restorable until purged."""
        return self._update(
            "UPDATE items SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", (now_iso(), item_id)
        )

    def restore(self, item_id: str) -> bool:
        return self._update("UPDATE items SET deleted_at = NULL WHERE id = ?", (item_id,))

    def purge_deleted(self, older_than_days: float = 7) -> int:
        """Remove items soft-deleted before the cutoff, and files nothing else points at."""
        cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).isoformat(timespec="microseconds")
        with self._write() as conn:
            rows = conn.execute(
                "SELECT id, sha256 FROM items WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                (cutoff,),
            ).fetchall()
            conn.executemany("DELETE FROM items WHERE id = ?", [(r[0],) for r in rows])
            self._drop_unreferenced(conn, {r[1] for r in rows})
        return len(rows)

    def _drop_unreferenced(self, conn: sqlite3.Connection, shas: set[str]) -> None:
        # Runs inside the write lock, so no writer can re-reference a sha mid-check.
        for sha in shas:
            if conn.execute("SELECT 1 FROM items WHERE sha256 = ? LIMIT 1", (sha,)).fetchone():
                continue
            if conn.execute("SELECT 1 FROM conversation_blobs WHERE sha256 = ? LIMIT 1",
                            (sha,)).fetchone():
                continue
            row = conn.execute("SELECT mime FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
            conn.execute("DELETE FROM blobs WHERE sha256 = ?", (sha,))
            if row:
                (self.data_dir / blob_relpath(sha, row[0])).unlink(missing_ok=True)
            (self.data_dir / "thumbs" / sha[:2] / f"{sha}.jpg").unlink(missing_ok=True)

    def lineage(self, item_id: str) -> tuple[list[GalleryItem], list[GalleryItem]]:
        """(ancestors oldest-first, direct live children) of an edited image."""
        ancestors: list[GalleryItem] = []
        seen = {item_id}
        item = self.get(item_id)
        while item is not None and item.parent_id and item.parent_id not in seen:
            seen.add(item.parent_id)
            item = self.get(item.parent_id)
            if item is not None:
                ancestors.append(item)
        with self._db() as conn:
            rows = conn.execute(
                f"{SELECT_ITEMS} WHERE parent_id = ? AND deleted_at IS NULL "
                "ORDER BY created_at, rowid", (item_id,),
            ).fetchall()
        return ancestors[::-1], [item_from_row(r) for r in rows]

    # -- conversations -------------------------------------------------------------------
    def save_conversation(self, conv: Conversation) -> Conversation:
        """Insert or update; call after every turn. Returns it with timestamps filled in."""
        with self._write() as conn:  # blobs are written under the lock: see _publish
            row = conn.execute("SELECT created_at FROM conversations WHERE id = ?",
                               (conv.id,)).fetchone()
            record = convs.to_record(conv, self, row[0] if row else None)
            convs.save_record(conn, record)
        conv.created_at, conv.updated_at = record["created_at"], record["updated_at"]
        return conv

    def conversation_record(self, conversation_id: str) -> dict[str, Any] | None:
        """The stored JSON form (history with blob references): what export writes."""
        with self._db() as conn:
            return convs.load_record(conn, conversation_id)

    def load_conversation(self, conversation_id: str) -> Conversation | None:
        record = self.conversation_record(conversation_id)
        return convs.from_record(record, self) if record else None

    def list_conversations(self, page: str | None = None, limit: int = 20) -> list[ConversationSummary]:
        with self._db() as conn:
            return convs.list_summaries(conn, page, limit)

    def delete_conversation(self, conversation_id: str) -> bool:
        with self._write() as conn:
            shas = {r[0] for r in conn.execute(
                "SELECT sha256 FROM conversation_blobs WHERE conversation_id = ?", (conversation_id,))}
            conn.execute("DELETE FROM conversation_blobs WHERE conversation_id = ?", (conversation_id,))
            gone = conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)).rowcount
            self._drop_unreferenced(conn, shas)
        return gone > 0

    # -- import ------------------------------------------------------------------------------
    def import_records(
        self, items: list[GalleryItem], conversations: list[dict[str, Any]],
        blobs: list[tuple[str, str, int]],
    ) -> tuple[list[str], list[str]]:
        """Insert already-verified rows in one transaction, keeping their ids and dates.

        Files must be in place first. Existing ids are skipped (re-import is a no-op).
        Returns the ids of the items and conversations actually added.
        """
        added_items: list[str] = []
        added_convs: list[str] = []
        with self._write() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO blobs (sha256, mime, size, created_at) VALUES (?, ?, ?, ?)",
                [(sha, mime, size, now_iso()) for sha, mime, size in blobs],
            )
            for item in items:
                if conn.execute(INSERT_ITEM.replace("INSERT", "INSERT OR IGNORE", 1),
                                item_to_row(item)).rowcount:
                    added_items.append(item.id)
            for record in conversations:
                if not conn.execute("SELECT 1 FROM conversations WHERE id = ?",
                                    (record["id"],)).fetchone():
                    convs.save_record(conn, record)
                    added_convs.append(record["id"])
        return added_items, added_convs


# Walks the (col, created_at) index from one distinct value to the next instead of
# scanning every row: a handful of lookups however large the gallery grows.
_DISTINCT_LIVE = """
    WITH RECURSIVE d(v) AS (
        SELECT MIN({col}) FROM items
        UNION ALL SELECT (SELECT MIN({col}) FROM items WHERE {col} > d.v) FROM d WHERE d.v IS NOT NULL
    )
    SELECT v FROM d WHERE v IS NOT NULL
      AND EXISTS (SELECT 1 FROM items WHERE {col} = d.v AND deleted_at IS NULL)
"""
