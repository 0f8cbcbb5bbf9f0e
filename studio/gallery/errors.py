"""Storage failures with a sentence for the user: a full disk, a read-only folder, a lost file.

Each is an OSError, so code that already catches OSError keeps working; `message` is what a
page shows. `as_storage_error` turns the raw errors (errno, sqlite3's texts) into these.
"""

from __future__ import annotations

import errno
import sqlite3

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL_SQLITE = ("database or disk is full", "disk i/o error")
_READ_ONLY_SQLITE = ("attempt to write a readonly database", "unable to open database file",
                     "readonly database")


class StorageError(OSError):
    """The data folder could not do what was asked; `message` says what and what to do."""

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(code, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class StorageFull(StorageError):
    pass


class StorageReadOnly(StorageError):
    pass


class StorageUnreachable(StorageError):
    """The database server cannot be reached (down, restarted, refusing connections)."""


class MissingImage(FileNotFoundError):
    """A gallery item whose image file is gone from the data folder."""

    def __init__(self, item_id: str, path: str) -> None:
        super().__init__(errno.ENOENT, f"image file missing for item {item_id}", path)
        self.item_id = item_id
        self.message = f"image file missing for item {item_id}: run `python -m studio doctor`"

    def __str__(self) -> str:
        return self.message


def disk_full(where: object) -> StorageFull:
    return StorageFull(f"The disk holding the data folder ({where}) is full: nothing was saved. "
                       "Free some space and try again.", errno.ENOSPC)


def read_only(where: object) -> StorageReadOnly:
    return StorageReadOnly(f"The data folder ({where}) is read-only: browsing, search and export "
                           "work, but nothing new can be saved. Make it writable and restart.",
                           errno.EROFS)


def unreachable(where: object, reason: str) -> StorageUnreachable:
    """`where` is the URL with its password hidden (database.shown_url)."""
    return StorageUnreachable(f"The gallery database {where} cannot be reached ({reason}). "
                              "Start the database server (or check "
                              "STUDIO_DATABASE_URL), then reload the page.", errno.ECONNREFUSED)


def as_storage_error(exc: BaseException, where: object) -> StorageError | None:
    """The StorageError an OSError or sqlite3 error stands for, or None when it is another."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
        if exc.errno in _FULL_ERRNOS:
            return disk_full(where)
        if exc.errno in _READ_ONLY_ERRNOS:
            return read_only(where)
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        if any(t in text for t in _FULL_SQLITE):
            return disk_full(where)
        if any(t in text for t in _READ_ONLY_SQLITE):
            return read_only(where)
    return None
