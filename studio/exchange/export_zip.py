"""Export gallery images as a ZIP a stakeholder can open without Image Studio.

The ZIP is streamed: images are copied file-to-entry (never all in memory), stored
uncompressed (PNG/JPEG are compressed already: deflating them costs time, saves nothing),
into a temp file beside the target that is renamed into place only when complete.

    images/<NNNN>-<page>-<slug>-<id8>.<ext>   original stored bytes, one file per sha256
    blobs/<sha>.<ext>                         history images that are no exported item
    manifest.csv, manifest.json               every item field (+ `file`); JSON adds conversations
    index.html                                a cover, then every image by page
    stories/*.html, recipes/*.html            one page per story or recipe, print-ready

Version 2 (this one) stopped storing a history image twice: see export_blobs.py. Version 1
exports (with the second copies under blobs/) still import.

Memory does not grow with the export: what the later parts need to know about every entry
(its file, page, conversation, story) is kept in a scratch SQLite file beside the output
(export_spool.py), each part reads back only what it is writing, and the ZIP's central
directory waits in a temporary file until the end (spilled_zip.py).
"""

from __future__ import annotations

import io
import os
import secrets
import time
import zipfile
from collections import deque
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from studio.exchange.export_blobs import write_conversations
from studio.exchange.export_experiments import write_experiment_pages
from studio.exchange.export_html import write_story
from studio.exchange.export_index import write_index
from studio.exchange.export_manifest import FORMAT, VERSION, write_manifests
from studio.exchange.export_pages import spool_story_pages, story_pages
from studio.exchange.export_spool import ExportSpool
from studio.exchange.filenames import image_name
from studio.exchange.image_sources import image_sources
from studio.exchange.spilled_zip import SpilledZipFile
from studio.gallery.errors import MissingImage
from studio.gallery.files import pid_alive
from studio.gallery.records import MIME_EXT, GalleryFilter, GalleryItem, now_iso
from studio.gallery.store import GalleryStore
from studio.making.wording import headline

__all__ = ["FORMAT", "READABLE_VERSIONS", "VERSION", "ExportReport", "collections_of",
           "export_zip", "select_items"]

READABLE_VERSIONS = (1, 2)  # what import accepts
_BATCH = 500
Progress = Callable[[int, int], None]


@dataclass
class ExportReport:
    path: Path
    images: int = 0
    conversations: int = 0
    blobs: int = 0
    pages: int = 0  # story/recipe HTML pages
    bytes: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def select_items(store: GalleryStore, selection: GalleryFilter | Iterable[str] | None
                 ) -> Iterator[GalleryItem]:
    """The items to export, a query page at a time: for a filter oldest first (so numbering
    reads like the session went), for ids in the store's order (export_zip sorts them)."""
    if selection is None or isinstance(selection, GalleryFilter):
        offset = 0
        while True:
            batch = store.query(selection, offset=offset, limit=_BATCH, order="oldest")
            if not batch:
                return
            offset += len(batch)
            yield from batch
            del batch  # one page in memory, not this one and the next
    ids = list(dict.fromkeys(selection))
    for start in range(0, len(ids), _BATCH):
        batch = store.query(GalleryFilter(ids=ids[start : start + _BATCH]), limit=_BATCH)
        yield from batch
        del batch


def _zip_time(iso: str) -> tuple[int, int, int, int, int, int]:
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        t = datetime.now()
    return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)


def _copy_in(zf: zipfile.ZipFile, source: tuple[int, Iterator[bytes]], arcname: str,
             when: str) -> int:
    """Stream (size, chunks) from the blob store (a folder or a bucket) into one entry."""
    size, chunks = source
    info = zipfile.ZipInfo(arcname, _zip_time(when))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    info.file_size = size  # lets zipfile decide on zip64 up front
    with zf.open(info, "w") as dst:
        for chunk in chunks:
            dst.write(chunk)
    return size


def _text_entry(zf: zipfile.ZipFile, name: str) -> io.TextIOWrapper:
    info = zipfile.ZipInfo(name, _zip_time(now_iso()))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return io.TextIOWrapper(zf.open(info, "w", force_zip64=True), encoding="utf-8", newline="")


_TMP_PREFIX = ".tmp-export-"


def _remove_abandoned_exports(folder: Path) -> None:
    """Partial ZIPs (and spools) of exports whose process died (a crash, a kill) are never
    finished."""
    for leftover in [*folder.glob(f"{_TMP_PREFIX}*.zip"), *folder.glob(f"{_TMP_PREFIX}*.spool")]:
        pid = leftover.name[len(_TMP_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def export_zip(
    store: GalleryStore,
    selection: GalleryFilter | Iterable[str] | None,
    out_path: str | Path,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the selected items (a filter, or ids) to `out_path`. Atomic: all or nothing."""
    started = time.perf_counter()
    out_path = Path(out_path)
    report = ExportReport(path=out_path)
    stem = out_path.parent / f"{_TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    tmp = stem.with_suffix(".zip")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_exports(out_path.parent)
    try:
        with ExportSpool(stem.with_suffix(".spool")) as spool, \
                SpilledZipFile(tmp, spill_dir=out_path.parent) as zf:
            spool.select(select_items(store, selection))
            by_ids = selection is not None and not isinstance(selection, GalleryFilter)
            _write_images(zf, store, spool, by_ids, report, progress)
            report.conversations, report.blobs = write_conversations(
                store, spool, report.warnings,
                lambda file, source: _copy_in(zf, source, file, now_iso()))
            exported_at = now_iso()
            open_entry = lambda name: _text_entry(zf, name)  # noqa: E731
            write_manifests(open_entry, spool, exported_at, collections_of(store, spool.files()))
            report.pages = spool_story_pages(spool)
            with _text_entry(zf, "index.html") as out:
                write_index(out, spool, exported_at)
            for story in story_pages(spool):
                cid = story.entries[0].item.conversation_id
                with _text_entry(zf, story.file) as out:
                    write_story(out, story, {cid: title} if cid and (title := spool.title(cid))
                                else {})
            report.pages += write_experiment_pages(open_entry, store, spool.experiment_ids(),
                                                   spool.files())
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    report.bytes = out_path.stat().st_size
    report.seconds = time.perf_counter() - started
    return report


def _write_images(
    zf: zipfile.ZipFile, store: GalleryStore, spool: ExportSpool, by_time: bool,
    report: ExportReport, progress: Progress | None,
) -> None:
    """Each selected item's image, once per sha256 (two items of one image share a file),
    and its entry into the spool."""
    total = spool.selected_count()
    width = max(4, len(str(total)))
    if progress:
        progress(0, total)
    rows: deque[int] = deque()  # the selection rows of the items image_sources read ahead

    def items() -> Iterator[GalleryItem]:
        for item, row in spool.selected(by_time):
            rows.append(row)
            yield item

    for n, (item, source) in enumerate(image_sources(store, items()), start=1):
        row = rows.popleft()
        ext = MIME_EXT.get(item.mime, "bin")
        written = spool.image_file(item.sha256)
        arcname = written or "images/" + image_name(n, width, item.page, headline(item), item.id, ext)
        try:
            if written is None:
                _copy_in(zf, source(), arcname, item.created_at)
                spool.add_image(item.sha256, arcname)
        except (FileNotFoundError, MissingImage):
            report.warnings.append(f"item {item.id}: image file missing; left out")
        else:
            report.images += 1
            spool.add_entry(item, row, arcname)
        if progress:
            progress(n, total)


def collections_of(store: GalleryStore, item_ids: Container[str]) -> list[dict[str, Any]]:
    """The collections holding any exported item, each with just its exported members in
    their order: an import rebuilds them as far as the ZIP holds their items. `item_ids`
    is anything that answers `in` (a list or set of ids, or the spool's files)."""
    exported = set(item_ids) if isinstance(item_ids, list | tuple) else item_ids
    out = []
    for collection in store.collections.list():
        members = [i for i in collection.item_ids if i in exported]
        if members:
            out.append({**collection.to_json(), "items": members})
    return out
