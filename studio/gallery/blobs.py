"""Content-addressed bytes listed in the database: the BlobStore of studio/gallery/interfaces.py.

The bytes live in an ObjectFolder (studio/gallery/objects.py): the data folder by default,
or an object store named by STUDIO_BLOB_URL. Keys are the same in both:

    images/ab/<sha256>.<ext>     originals (gallery images and conversation blobs)
    thumbs/ab/<sha256>.jpg       256 px JPEG thumbnails, made from the originals
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Connection, text

from studio.gallery.database import Database
from studio.gallery.dates import now_iso
from studio.gallery.files import ingest_stream, sha256_hex
from studio.gallery.objects import LocalFolder, ObjectFolder
from studio.gallery.records import blob_relpath, thumb_relpath
from studio.gallery.thumbnails import make_thumbnail

_MIME_ALIASES = {"image/jpg": "image/jpeg", "image/x-png": "image/png"}
_INSERT_BLOB = text("INSERT INTO blobs (sha256, mime, size, created_at) "
                    "VALUES (:sha, :mime, :size, :now) ON CONFLICT (sha256) DO NOTHING")
_MIME = text("SELECT mime FROM blobs WHERE sha256 = :sha")


class Blobs:
    """Objects published whole (rename, or one PUT) before any row points at them."""

    def __init__(self, objects: ObjectFolder, sql: Database) -> None:
        self.objects = objects
        self._sql = sql

    def key(self, sha256: str, mime: str | None = None) -> str:
        """The object key of the bytes; without mime it is looked up (KeyError if unknown)."""
        if mime is None:
            mime = self._mime(sha256)
            if mime is None:
                raise KeyError(f"no blob {sha256!r}")
        return blob_relpath(sha256, mime)

    def stage(self, data: bytes, mime: str) -> str:
        sha = sha256_hex(data)
        self.objects.put(self.key(sha, _MIME_ALIASES.get(mime, mime)), data)
        return sha

    def put(self, data: bytes, mime: str, sha256: str | None = None) -> str:
        """Keep bytes (conversation history images) by content; returns their sha256."""
        sha = sha256 or sha256_hex(data)
        mime = _MIME_ALIASES.get(mime, mime)
        key = self.key(sha, mime)
        self.objects.put(key, data)  # outside the lock unless the caller holds a transaction
        with self._sql.write() as conn:
            # Inside the write lock: a purge in another process may have removed the object
            # between our write and this transaction; put it back before a row points at it.
            self.objects.put(key, data)
            self._record(conn, sha, mime, len(data))
        return sha

    def adopt(self, sha256: str, mime: str, size: int) -> None:
        with self._sql.write() as conn:
            self._record(conn, sha256, mime, size)

    @staticmethod
    def _record(conn: Connection, sha: str, mime: str, size: int) -> None:
        conn.execute(_INSERT_BLOB, {"sha": sha, "mime": mime, "size": size, "now": now_iso()})

    def _mime(self, sha256: str) -> str | None:
        with self._sql.db() as conn:
            return conn.execute(_MIME, {"sha": sha256}).scalar()

    def mime(self, sha256: str) -> str:
        """The recorded type of the bytes (KeyError if unknown)."""
        mime = self._mime(sha256)
        if mime is None:
            raise KeyError(f"no blob {sha256!r}")
        return mime

    def path(self, sha256: str, mime: str | None = None) -> Path:
        """The file of the bytes: only when they are in a local folder (ValueError if not)."""
        return self._local(self.key(sha256, mime))

    def _local(self, key: str) -> Path:
        path = self.objects.local_path(key)
        if path is None:
            raise ValueError(f"the images are in {self.objects.location}, not in a local folder")
        return path

    def get(self, sha256: str, mime: str | None = None) -> bytes:
        """The bytes (KeyError if unknown, FileNotFoundError when the object is gone)."""
        return self.objects.get(self.key(sha256, mime))

    def open(self, sha256: str, mime: str | None = None) -> tuple[int, Iterator[bytes]]:
        """(size, chunks) of the bytes, streamed: what export copies into the ZIP."""
        return self.objects.open(self.key(sha256, mime))

    def exists(self, sha256: str) -> bool:
        mime = self._mime(sha256)
        return mime is not None and self.objects.exists(self.key(sha256, mime))

    def has_file(self, sha256: str, mime: str) -> bool:
        return self.objects.exists(self.key(sha256, mime))

    def remove(self, sha256: str) -> None:
        # Objects are deleted inside the write lock, so no writer can re-reference the
        # bytes between the caller's "nothing uses them" check and their removal.
        with self._sql.write() as conn:
            mime = conn.execute(_MIME, {"sha": sha256}).scalar()
            conn.execute(text("DELETE FROM blobs WHERE sha256 = :sha"), {"sha": sha256})
            if mime:
                self.objects.delete(self.key(sha256, mime))
            self.objects.delete(thumb_relpath(sha256))

    def thumb_path(self, sha256: str) -> Path:
        return self._local(thumb_relpath(sha256))

    def has_thumbnail(self, sha256: str) -> bool:
        return self.objects.exists(thumb_relpath(sha256))

    def ensure_thumbnail(self, sha256: str, mime: str, data: bytes | None = None) -> str:
        """Make the thumbnail if it is missing (import, or a crash right after saving);
        returns its key."""
        key = thumb_relpath(sha256)
        if not self.objects.exists(key):
            if data is None:
                data = self.objects.get(self.key(sha256, mime))  # FileNotFoundError: lost
            self.objects.put(key, make_thumbnail(data))
        return key

    def thumbnail(self, sha256: str, mime: str) -> bytes:
        """The thumbnail's bytes, made (and kept, when the store can be written) if missing."""
        key = thumb_relpath(sha256)
        try:
            return self.objects.get(key)
        except FileNotFoundError:
            pass
        small = make_thumbnail(self.objects.get(self.key(sha256, mime)))
        if not self._sql.read_only:
            self.objects.put(key, small)
        return small

    def ingest(
        self, src: BinaryIO, sha256: str, mime: str, max_bytes: int,
        inspect: Callable[[bytes], None] | None = None,
    ) -> tuple[bool, int]:
        """Copy a stream in under its sha256, refusing it unless it hashes to that (import).

        Read with a bound (see files.ingest_stream); returns (created, size).
        """
        key = self.key(sha256, mime)
        local = self.objects.local_path(key)
        if local is not None:
            return ingest_stream(src, local, sha256, max_bytes, inspect)
        with tempfile.TemporaryDirectory(prefix="studio-ingest-") as tmp:
            spool = Path(tmp) / "blob"  # verified on local disk before one PUT publishes it
            _, size = ingest_stream(src, spool, sha256, max_bytes, inspect)
            return self.objects.put(key, spool.read_bytes()), size


def local_blobs(data_dir: Path, sql: Database) -> Blobs:
    """The default: files under the data folder."""
    return Blobs(LocalFolder(data_dir, read_only=sql.read_only), sql)


LocalBlobs = Blobs  # the name the SQLite + files store had before object stores
