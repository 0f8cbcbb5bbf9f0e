"""Open a data folder whatever state it is in, and say what was found.

    ok         the folder works
    read_only  it cannot be written: the database is opened read-only (browse, search,
               export), every write raises StorageReadOnly with the reason
    recovered  the database was damaged: kept aside under a dated name, its rows copied into
               a new one, image files with no row re-indexed from their PNG text
    unusable   nothing can be opened (a full disk at start, no database in a read-only
               folder): `message` says why, and there is no store
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from studio.gallery import doctor
from studio.gallery.database import database_url, shown_url
from studio.gallery.errors import StorageError, as_storage_error
from studio.gallery.objects import blob_url_from_env
from studio.gallery.recovery import move_aside, recover_rows
from studio.gallery.store import GalleryStore, default_data_dir

OK, READ_ONLY, RECOVERED, UNUSABLE = "ok", "read_only", "recovered", "unusable"
DOCTOR_HINT = "`python -m studio doctor` checks the folder in detail."


@dataclass(frozen=True)
class StoreHealth:
    status: str = OK
    message: str = ""
    recovered_items: int = 0
    reindexed_files: int = 0
    kept_aside: Path | None = None
    on_server: bool = False  # the rows are in a database server (STUDIO_DATABASE_URL)


def _writable(folder: Path) -> bool:
    """Try it: os.access says yes to root on a read-only mount or an immutable folder."""
    probe = folder / f".probe-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return False
    os.close(fd)
    probe.unlink(missing_ok=True)
    return True


def open_store(data_dir: str | Path | None = None) -> tuple[GalleryStore | None, StoreHealth]:
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if database_url() and blob_url_from_env() and folder.is_dir():
            return _open_server(folder, database_url() or "")
        return None, StoreHealth(UNUSABLE, f"The data folder {folder} cannot be created ({exc}).")
    if database_url() and blob_url_from_env():
        # rows in a server, bytes in a bucket: the folder is never written (a container's
        # read-only file system is fine)
        return _open_server(folder, database_url() or "")
    if not _writable(folder):
        return _open_read_only(folder)
    if database_url():
        return _open_server(folder, database_url() or "")
    try:
        store = GalleryStore(folder)
        _integrity(store)
    except StorageError as exc:
        return None, StoreHealth(UNUSABLE, exc.message)
    except sqlite3.OperationalError as exc:
        storage = as_storage_error(exc, folder)
        return None, StoreHealth(UNUSABLE, storage.message if storage else
                                 f"The gallery database in {folder} cannot be opened ({exc}).")
    except sqlite3.DatabaseError:  # "file is not a database", "database disk image is malformed"
        return _recover(folder)
    return store, StoreHealth()


def _open_server(folder: Path, url: str) -> tuple[GalleryStore | None, StoreHealth]:
    """Rows in a database server: its own pages and recovery are the server's business."""
    try:
        return GalleryStore(folder, database=url), StoreHealth(on_server=True)
    except StorageError as exc:
        return None, StoreHealth(UNUSABLE, exc.message, on_server=True)
    except (SQLAlchemyError, ValueError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return None, StoreHealth(UNUSABLE, f"The gallery database {shown_url(url)} cannot be "
                                 f"opened ({reason}). Nothing was changed. Check "
                                 "STUDIO_DATABASE_URL, then reload the page.", on_server=True)


def _integrity(store: GalleryStore) -> None:
    with store.sql.driver_connection() as conn:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        store.close()
        raise sqlite3.DatabaseError(f"database disk image is malformed ({result})")


def _open_read_only(folder: Path) -> tuple[GalleryStore | None, StoreHealth]:
    if not (folder / "studio.db").exists():
        return None, StoreHealth(UNUSABLE, f"The data folder {folder} is read-only and holds no "
                                 "gallery yet: make it writable, or point STUDIO_DATA_DIR elsewhere.")
    last: Exception | None = None
    for mode in ("ro", "immutable"):  # immutable: when not even -shm can be made
        try:
            store = GalleryStore(folder, read_only=mode)
            store.count()
        except (sqlite3.DatabaseError, StorageError) as exc:
            last = exc
            continue
        return store, StoreHealth(READ_ONLY, f"The data folder {folder} is read-only: browse, "
                                  "search and export work; generating is off until it can be "
                                  "written again (then restart the app).")
    return None, StoreHealth(UNUSABLE, f"The gallery in the read-only folder {folder} cannot be "
                             f"read ({last}). {DOCTOR_HINT}")


def _recover(folder: Path) -> tuple[GalleryStore | None, StoreHealth]:
    aside = move_aside(folder / "studio.db")
    try:
        store = GalleryStore(folder)
        with store.sql.driver_connection() as conn:
            rows, _how = recover_rows(aside, conn)
            conn.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
        problems: list[str] = []
        files = doctor.check(store).orphan_files
        reindexed = doctor.reindex(store, files, problems)
    except (StorageError, sqlite3.DatabaseError) as exc:
        return None, StoreHealth(UNUSABLE, f"The gallery database was damaged and kept as "
                                 f"{aside.name}, but a new one cannot be made ({exc}).",
                                 kept_aside=aside)
    return store, StoreHealth(
        RECOVERED, f"The gallery database was damaged. It is kept as {aside.name}; "
        f"{rows:,} items were recovered from it and {reindexed:,} more re-indexed from their "
        f"image files. {DOCTOR_HINT}", recovered_items=rows, reindexed_files=reindexed,
        kept_aside=aside)
