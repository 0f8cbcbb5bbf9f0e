"""Where the gallery's bytes live: a local folder (the default) or an object store.

Keys are the relative paths the gallery always used (`images/ab/<sha>.png`,
`thumbs/ab/<sha>.jpg`). `STUDIO_BLOB_URL` chooses the place:

    unset                    the data folder itself (images/ and thumbs/ beside studio.db)
    s3://bucket/prefix       any S3-compatible store; endpoint, region and credentials from
                             the standard AWS variables (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
                             AWS_SECRET_ACCESS_KEY, AWS_REGION)
    gs://bucket/prefix, az://container/prefix, file:///abs/path   the same, through obstore

Every object is content-addressed, so a write never replaces different bytes: a key that
exists already holds them. Writes are atomic either way: locally a temp file renamed into
place (studio/gallery/files.py), remotely one PUT of the whole object, which S3 publishes
whole or not at all, sent only when a HEAD says the key is missing and conditional on its
still being missing (If-None-Match) where the store supports it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import obstore
from obstore.exceptions import AlreadyExistsError, NotSupportedError, PreconditionError
from obstore.store import from_url

from studio.gallery.files import CHUNK, cleanup_tmp, write_atomic

BLOB_URL_ENV = "STUDIO_BLOB_URL"


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: float  # POSIX time


class ObjectFolder(Protocol):
    """Bytes by key. Missing keys raise FileNotFoundError, like files do."""

    location: str  # for messages: a folder, or a URL without credentials

    def put(self, key: str, data: bytes) -> bool:
        """Publish whole bytes unless the key exists; True when this call created it."""
        ...

    def get(self, key: str) -> bytes: ...

    def open(self, key: str) -> tuple[int, Iterator[bytes]]:
        """(size, chunks) of one object, read as it is consumed."""
        ...

    async def open_async(self, key: str, whole_below: int) -> tuple[int, Iterator[bytes]]:
        """open() for a fetch-ahead window (export): once awaited, a body smaller than
        `whole_below` bytes has arrived whole; a bigger one streams as it is consumed."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove it; a missing key is not an error."""
        ...

    def list(self, prefix: str) -> Iterator[StoredObject]: ...

    def local_path(self, key: str) -> Path | None:
        """The file holding the key when the objects are a local folder, else None."""
        ...


class LocalFolder:
    """Objects as files under one folder: the gallery exactly as it always was."""

    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        self.root = root
        self.location = str(root)
        if not read_only:
            for sub in ("images", "thumbs"):
                (root / sub).mkdir(parents=True, exist_ok=True)
            cleanup_tmp([root / "images", root / "thumbs"])

    def local_path(self, key: str) -> Path:
        return self.root / key

    def put(self, key: str, data: bytes) -> bool:
        return write_atomic(self.root / key, data)

    def get(self, key: str) -> bytes:
        with open(os.path.join(self.location, key), "rb") as fh:
            return fh.read()

    def open(self, key: str) -> tuple[int, Iterator[bytes]]:
        # A plain string path: Path() would intern every part of every name it parses.
        fh = open(os.path.join(self.location, key), "rb")  # noqa: SIM115 (closed by chunks())
        size = os.fstat(fh.fileno()).st_size

        def chunks() -> Iterator[bytes]:
            with fh:
                while chunk := fh.read(CHUNK):
                    yield chunk

        return size, chunks()

    async def open_async(self, key: str, whole_below: int) -> tuple[int, Iterator[bytes]]:
        return self.open(key)  # a local file is read as it is copied: nothing to wait for

    def exists(self, key: str) -> bool:
        return (self.root / key).exists()

    def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)

    def list(self, prefix: str) -> Iterator[StoredObject]:
        base = self.root / prefix
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                st = path.stat()
                yield StoredObject(path.relative_to(self.root).as_posix(), st.st_size, st.st_mtime)


class RemoteObjects:
    """Objects in S3 (or GCS, Azure) through obstore, the Rust object_store crate's binding."""

    def __init__(self, url: str) -> None:
        self.location = url.split("?", 1)[0]
        options: dict[str, bool] = {}
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or ""
        if endpoint.startswith("http://"):  # a local MinIO or moto server
            options["allow_http"] = True
        self._store = from_url(url, client_options=options or None)

    def local_path(self, key: str) -> None:
        return None

    def put(self, key: str, data: bytes) -> bool:
        if self.exists(key):
            return False
        try:
            obstore.put(self._store, key, data, mode="create", use_multipart=False)
        except (AlreadyExistsError, PreconditionError):
            return False  # another writer published the same bytes first
        except NotSupportedError:  # a store without conditional PUT: same bytes, same key
            obstore.put(self._store, key, data, use_multipart=False)
        return True

    def get(self, key: str) -> bytes:
        return obstore.get(self._store, key).bytes().to_bytes()

    def open(self, key: str) -> tuple[int, Iterator[bytes]]:
        result = obstore.get(self._store, key)
        return result.meta["size"], (bytes(c) for c in result.stream(CHUNK))

    async def open_async(self, key: str, whole_below: int) -> tuple[int, Iterator[bytes]]:
        # Awaited on an event loop, the GET's waiting is in Rust without the GIL: the
        # caller's thread keeps writing while several of these are in flight.
        result = await obstore.get_async(self._store, key)
        size = result.meta["size"]
        if size < whole_below:
            return size, iter(((await result.bytes_async()).to_bytes(),))
        return size, (bytes(c) for c in result.stream(CHUNK))

    def exists(self, key: str) -> bool:
        try:
            obstore.head(self._store, key)
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            obstore.delete(self._store, key)

    def list(self, prefix: str) -> Iterator[StoredObject]:
        for batch in obstore.list(self._store, prefix.rstrip("/") + "/"):
            for meta in batch:
                modified = meta["last_modified"]
                yield StoredObject(meta["path"], meta["size"],
                                   modified.timestamp() if isinstance(modified, datetime) else 0.0)


def blob_url_from_env() -> str | None:
    return os.environ.get(BLOB_URL_ENV) or None


def open_objects(url: str | None, data_dir: Path, *, read_only: bool = False) -> ObjectFolder:
    """The object folder a URL names; None (STUDIO_BLOB_URL unset) is the data folder."""
    if not url:
        return LocalFolder(data_dir, read_only=read_only)
    if url.startswith("file://"):
        return LocalFolder(Path(url[len("file://"):]), read_only=read_only)
    if "://" not in url:
        raise ValueError(f"{BLOB_URL_ENV} must be a URL such as s3://bucket/prefix, not {url!r}")
    return RemoteObjects(url)
