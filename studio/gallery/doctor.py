"""`python -m studio doctor`: what is wrong with a data folder, and `--repair` for what can be fixed.

Checked: SQLite's integrity check, item rows whose image file is gone, image files no row
knows (listed from the blob store: the data folder, or the bucket of STUDIO_BLOB_URL) (re-indexed from the PNG text the store writes into every image), missing thumbnails.
Also listed: experiment and prompt files of older versions that opening the store could not
import (damaged: left in place for whoever wants to look at them; they hurt nothing).
Repair never deletes an image file: rows whose file is gone go to the trash (restorable
for 7 days, so a file put back in time is found again), orphan files become items again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from studio.gallery.database import shown_url
from studio.gallery.local_files import leftover_files
from studio.gallery.objects import StoredObject
from studio.gallery.png_meta import png_size, read_text_chunks
from studio.gallery.records import MIME_EXT, SHA_RE, GalleryItem, NewItem, thumb_relpath
from studio.gallery.schema import SELECT_ITEMS, item_from_row
from studio.gallery.store import GalleryStore
from studio.gallery.thumbnails import sniff

_EXT_MIME = {ext: mime for mime, ext in MIME_EXT.items()}
_NEW_FIELDS = ("engine", "aspect_ratio", "image_size", "seed", "temperature")


@dataclass
class DoctorReport:
    integrity: list[str] = field(default_factory=list)  # empty when SQLite says "ok"
    missing_files: list[str] = field(default_factory=list)  # item ids
    orphan_files: list[StoredObject] = field(default_factory=list)
    missing_thumbnails: list[str] = field(default_factory=list)  # item ids
    unimported: list[str] = field(default_factory=list)  # old JSON files, relative paths
    thumbnails_made: int = 0
    reindexed: int = 0
    trashed: int = 0
    unfixed: list[str] = field(default_factory=list)
    server: str = ""  # the database server's URL (password hidden) when rows are not in SQLite

    @property
    def healthy(self) -> bool:
        return not (self.integrity or self.missing_files or self.orphan_files
                    or self.missing_thumbnails)

    def lines(self) -> list[str]:
        integrity = ('; '.join(self.integrity[:5]) if self.integrity else
                     f"not checked here: the rows are in {self.server}, which keeps its own pages"
                     if self.server else "ok")
        out = [f"integrity: {integrity}",
               f"items whose image file is missing: {len(self.missing_files)}",
               f"image files no item knows: {len(self.orphan_files)}",
               f"missing thumbnails: {len(self.missing_thumbnails)}"]
        if self.unimported:
            out.append(f"old experiment/prompt files that could not be imported (left in "
                       f"place): {', '.join(self.unimported[:5])}")
        if self.thumbnails_made or self.reindexed or self.trashed:
            out.append(f"repaired: {self.thumbnails_made} thumbnails remade, {self.reindexed} "
                       f"files re-indexed, {self.trashed} items with no file moved to the trash")
        out += [f"not fixed: {u}" for u in self.unfixed]
        return out


def _all_items(store: GalleryStore) -> list[GalleryItem]:
    with store.sql.db() as conn:
        return [item_from_row(r) for r in conn.execute(text(SELECT_ITEMS))]


def _stem(key: str) -> tuple[str, str]:
    name = key.rsplit("/", 1)[-1]
    stem, _, ext = name.partition(".")
    return stem, ext


def image_files(store: GalleryStore) -> dict[str, StoredObject]:
    """sha256 -> object, for every content-addressed image under images/."""
    found: dict[str, StoredObject] = {}
    for obj in store.objects.list("images"):
        stem, ext = _stem(obj.key)
        if SHA_RE.match(stem) and ext in _EXT_MIME:
            found[stem] = obj
    return found


def check(store: GalleryStore) -> DoctorReport:
    report = DoctorReport(server="" if store.sql.is_sqlite else shown_url(store.sql.engine.url))
    with store.sql.db() as conn:
        # PostgreSQL keeps its own pages: only SQLite's file is checked here
        rows = (list(conn.exec_driver_sql("PRAGMA integrity_check").scalars())
                if store.sql.is_sqlite else ["ok"])
        # A file is known when an item or a conversation uses it: a blob row alone (left
        # when a damaged database lost the item's row) does not make it visible anywhere.
        known = set(conn.execute(text("SELECT sha256 FROM conversation_blobs")).scalars())
    report.integrity = [] if rows == ["ok"] else rows
    files = image_files(store)  # one listing instead of a request per item on an object store
    thumbs = {obj.key for obj in store.objects.list("thumbs")}
    for item in _all_items(store):
        known.add(item.sha256)
        found = files.get(item.sha256)
        if found is None or _stem(found.key)[1] != MIME_EXT.get(item.mime):
            report.missing_files.append(item.id)
        elif thumb_relpath(item.sha256) not in thumbs:
            report.missing_thumbnails.append(item.id)
    report.orphan_files = sorted((o for sha, o in files.items() if sha not in known),
                                 key=lambda o: o.key)
    report.unimported = [str(p.relative_to(store.data_dir)) for p in leftover_files(store.data_dir)]
    return report


def repair(store: GalleryStore) -> DoctorReport:
    report = check(store)
    for item_id in report.missing_thumbnails:
        item = store.get(item_id)  # trashed items too: their thumbnails show in the trash
        try:
            if item is not None:
                store.ensure_thumbnail(item)
            report.thumbnails_made += 1
        except Exception as exc:  # an unreadable image: say so, keep going
            report.unfixed.append(f"thumbnail of {item_id}: {exc}")
    report.reindexed = reindex(store, report.orphan_files, report.unfixed)
    for item_id in report.missing_files:
        if store.delete(item_id):
            report.trashed += 1
    if report.integrity:
        report.unfixed.append("the database fails SQLite's integrity check: the app (or this "
                              "command) moves it aside and recovers its rows when it opens it")
    return report


def item_from_file(name: str, data: bytes) -> NewItem:
    """What an image file says about itself: the store's PNG text, else only that it was found."""
    texts = read_text_chunks(data)
    if texts.get("Software") != "Image Studio":
        return NewItem(page="recovered", prompt=f"Recovered file {name}", engine=None)
    try:
        settings: dict[str, Any] = json.loads(texts.get("settings") or "{}")
    except json.JSONDecodeError:
        settings = {}
    settings = settings if isinstance(settings, dict) else {}
    known = {k: settings.pop(k) for k in _NEW_FIELDS if k in settings}
    return NewItem(page=texts.get("page") or "recovered", prompt=texts.get("prompt", ""),
                   model=texts.get("model", ""), settings=settings, **known)


def reindex(store: GalleryStore, files: list[StoredObject], problems: list[str]) -> int:
    """Give each orphan file an item row again (dated by the file); returns how many."""
    added: list[GalleryItem] = []
    blobs: list[tuple[str, str, int]] = []
    for obj in files:
        name = obj.key.rsplit("/", 1)[-1]
        try:
            data = store.objects.get(obj.key)
            size = png_size(data)
            mime, width, height = ("image/png", *size) if size else sniff(data)
            item = GalleryItem.from_new(item_from_file(name, data), sha256=_stem(obj.key)[0],
                                        mime=mime, width=width, height=height)
        except Exception as exc:  # not an image we can read: left where it is
            problems.append(f"{name}: {exc}")
            continue
        stamp = datetime.fromtimestamp(obj.modified, UTC)
        item.created_at = stamp.isoformat(timespec="microseconds")  # now_iso's format
        added.append(item)
        blobs.append((item.sha256, mime, len(data)))
    if added:
        store.import_records(added, [], blobs)
        for item in added:
            try:
                store.ensure_thumbnail(item)
            except Exception as exc:
                problems.append(f"thumbnail of {item.id}: {exc}")
    return len(added)
