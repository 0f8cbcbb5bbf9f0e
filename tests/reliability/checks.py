"""What a gallery folder must look like after a crash or a crowd: checked from the outside."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from studio.gallery.files import TMP_PREFIX
from studio.gallery.records import GalleryFilter, GalleryItem, blob_relpath
from studio.gallery.store import GalleryStore


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def integrity_check(db_path: Path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def all_items(store: GalleryStore) -> list[GalleryItem]:
    items: list[GalleryItem] = []
    flt = GalleryFilter(include_deleted=True)
    while batch := store.query(flt, offset=len(items), limit=500, order="oldest"):
        items += batch
    return items


@dataclass
class StoreReport:
    items: list[GalleryItem]
    problems: list[str] = field(default_factory=list)
    orphan_files: list[str] = field(default_factory=list)  # files no row points at (harmless)


def check_store(store: GalleryStore) -> StoreReport:
    """Every row points at complete bytes, every item has its thumbnail, no temp file is
    left (call it when no writer is alive: temp files of live writers are legitimate)."""
    data = store.data_dir
    report = StoreReport(all_items(store))
    ok = integrity_check(store.db_path)
    if ok != "ok":
        report.problems.append(f"PRAGMA integrity_check: {ok}")
    referenced: set[str] = set()
    for item in report.items:
        path = store.image_path(item)
        referenced.add(item.image_relpath)
        if TMP_PREFIX in item.image_relpath:
            report.problems.append(f"item {item.id} points at a temp file {item.image_relpath}")
        if not path.is_file():
            report.problems.append(f"item {item.id}: image file missing ({item.image_relpath})")
        elif sha256_file(path) != item.sha256:
            report.problems.append(f"item {item.id}: image bytes do not match its sha256")
        if not store.thumb_path(item).is_file():
            report.problems.append(f"item {item.id}: thumbnail missing")
    conn = sqlite3.connect(store.db_path)  # the blobs table: every file under images/
    try:
        blobs = conn.execute("SELECT sha256, mime, size FROM blobs").fetchall()
    finally:
        conn.close()
    for sha, mime, size in blobs:
        rel = blob_relpath(sha, mime)
        referenced.add(rel)
        path = data / rel
        if not path.is_file():
            report.problems.append(f"blob {sha[:12]}: file missing ({rel})")
        elif path.stat().st_size != size or sha256_file(path) != sha:
            report.problems.append(f"blob {sha[:12]}: bytes do not match")
    for folder in ("images", "thumbs"):
        for path in sorted((data / folder).rglob("*")):
            if path.name.startswith(TMP_PREFIX):
                report.problems.append(f"temp file left behind: {path.relative_to(data)}")
            elif folder == "images" and path.is_file():
                rel = str(path.relative_to(data))
                if rel not in referenced:
                    report.orphan_files.append(rel)
    return report
