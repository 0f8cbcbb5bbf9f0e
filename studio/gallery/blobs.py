"""Content-addressed files under the data folder, listed in the database: the BlobStore of
studio/gallery/interfaces.py.

    images/ab/<sha256>.<ext>     originals (gallery images and conversation blobs)
    thumbs/ab/<sha256>.jpg       256 px JPEG thumbnails, made from the originals
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, text

from studio.gallery.database import Database
from studio.gallery.dates import now_iso
from studio.gallery.files import cleanup_tmp, sha256_hex, write_atomic
from studio.gallery.records import blob_relpath, thumb_relpath
from studio.gallery.thumbnails import make_thumbnail

_MIME_ALIASES = {"image/jpg": "image/jpeg", "image/x-png": "image/png"}
_INSERT_BLOB = text("INSERT INTO blobs (sha256, mime, size, created_at) "
                    "VALUES (:sha, :mime, :size, :now) ON CONFLICT (sha256) DO NOTHING")
_MIME = text("SELECT mime FROM blobs WHERE sha256 = :sha")


class LocalBlobs:
    """Files published by atomic rename before any row points at them."""

    def __init__(self, data_dir: Path, sql: Database) -> None:
        self.data_dir = data_dir
        self._sql = sql
        if sql.read_only:
            return
        for sub in ("images", "thumbs"):
            (data_dir / sub).mkdir(parents=True, exist_ok=True)
        cleanup_tmp([data_dir / "images", data_dir / "thumbs"])

    def stage(self, data: bytes, mime: str) -> str:
        sha = sha256_hex(data)
        write_atomic(self.path(sha, _MIME_ALIASES.get(mime, mime)), data)
        return sha

    def put(self, data: bytes, mime: str, sha256: str | None = None) -> str:
        """Keep bytes (conversation history images) by content; returns their sha256."""
        sha = sha256 or sha256_hex(data)
        mime = _MIME_ALIASES.get(mime, mime)
        path = self.path(sha, mime)
        write_atomic(path, data)  # outside the lock unless the caller holds a transaction
        with self._sql.write() as conn:
            # Inside the write lock: a purge in another process may have removed the file
            # between our write and this transaction; put it back before a row points at it.
            write_atomic(path, data)
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

    def path(self, sha256: str, mime: str | None = None) -> Path:
        if mime is None:
            mime = self._mime(sha256)
            if mime is None:
                raise KeyError(f"no blob {sha256!r}")
        return self.data_dir / blob_relpath(sha256, mime)

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        mime = self._mime(sha256)
        return mime is not None and self.path(sha256, mime).exists()

    def remove(self, sha256: str) -> None:
        # Files are unlinked inside the write lock, so no writer can re-reference the
        # bytes between the caller's "nothing uses them" check and their removal.
        with self._sql.write() as conn:
            mime = conn.execute(_MIME, {"sha": sha256}).scalar()
            conn.execute(text("DELETE FROM blobs WHERE sha256 = :sha"), {"sha": sha256})
            if mime:
                self.path(sha256, mime).unlink(missing_ok=True)
            self.thumb_path(sha256).unlink(missing_ok=True)

    def thumb_path(self, sha256: str) -> Path:
        return self.data_dir / thumb_relpath(sha256)

    def ensure_thumbnail(self, sha256: str, mime: str, data: bytes | None = None) -> Path:
        """Make the thumbnail if it is missing (import, or a crash right after saving)."""
        path = self.thumb_path(sha256)
        if not path.exists():
            if data is None:
                data = self.path(sha256, mime).read_bytes()  # FileNotFoundError: file lost
            write_atomic(path, make_thumbnail(data))
        return path

    def thumbnail(self, sha256: str, mime: str) -> bytes:
        """The thumbnail's bytes, made (and kept, when the folder can be written) if missing."""
        path = self.thumb_path(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        small = make_thumbnail(self.path(sha256, mime).read_bytes())
        if not self._sql.read_only:
            write_atomic(path, small)
        return small
