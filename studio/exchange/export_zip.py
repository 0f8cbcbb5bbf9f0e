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
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from studio.exchange.export_blobs import conversation_files
from studio.exchange.export_cover import cover_html
from studio.exchange.export_experiments import write_experiment_pages
from studio.exchange.export_html import ExportEntry, write_index, write_story
from studio.exchange.export_pages import story_pages
from studio.exchange.filenames import image_name
from studio.exchange.image_sources import image_sources
from studio.gallery.errors import MissingImage
from studio.gallery.files import pid_alive
from studio.gallery.records import (
    ITEM_FIELDS,
    MIME_EXT,
    GalleryFilter,
    GalleryItem,
    now_iso,
    sanitize_settings,
)
from studio.gallery.store import GalleryStore
from studio.making.wording import headline

FORMAT = "image-studio-export"
VERSION = 2
READABLE_VERSIONS = (1, 2)  # what import accepts
_BATCH = 500
_COPY_BUF = 1 << 20
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


def select_items(store: GalleryStore, selection: GalleryFilter | Iterable[str] | None) -> list[GalleryItem]:
    """The items to export, oldest first (so numbering reads like the session went)."""
    if selection is None or isinstance(selection, GalleryFilter):
        items: list[GalleryItem] = []
        while batch := store.query(selection, offset=len(items), limit=_BATCH, order="oldest"):
            items += batch
        return items
    ids = list(dict.fromkeys(selection))
    items = []
    for start in range(0, len(ids), _BATCH):
        items += store.query(GalleryFilter(ids=ids[start : start + _BATCH]), limit=_BATCH)
    return sorted(items, key=lambda i: i.created_at)


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


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    # A prompt like "=HYPERLINK(...)" would run as a formula in a spreadsheet.
    if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _manifest_row(entry: ExportEntry) -> dict[str, Any]:
    row = entry.item.to_dict()
    row["settings"] = sanitize_settings(row["settings"])
    row["file"] = entry.file
    return row


_TMP_PREFIX = ".tmp-export-"


def _remove_abandoned_exports(folder: Path) -> None:
    """Partial ZIPs of exports whose process died (a crash, a kill) are never finished."""
    for leftover in folder.glob(f"{_TMP_PREFIX}*.zip"):
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
    items = select_items(store, selection)
    width = max(4, len(str(len(items))))
    tmp = out_path.parent / f"{_TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.zip"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_exports(out_path.parent)
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            entries = list(_write_images(zf, store, items, width, report, progress))
            titles, records = _write_conversations(zf, store, entries, report)
            exported_at = now_iso()
            _write_manifests(zf, entries, records, exported_at,
                             collections_of(store, [e.item.id for e in entries]))
            stories = story_pages(entries, titles)
            story_of = {e.item.id: s.file for s in stories for e in s.entries}
            with _text_entry(zf, "index.html") as out:
                write_index(out, entries, stories, exported_at,
                            cover_html(entries, stories, exported_at), story_of, titles)
            for story in stories:
                with _text_entry(zf, story.file) as out:
                    write_story(out, story, titles)
            report.pages = len(stories)
            report.pages += write_experiment_pages(lambda n: _text_entry(zf, n), store, entries)
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
    zf: zipfile.ZipFile, store: GalleryStore, items: list[GalleryItem], width: int,
    report: ExportReport, progress: Progress | None,
) -> Iterator[ExportEntry]:
    total = len(items)
    if progress:
        progress(0, total)
    written: dict[str, str] = {}  # sha256 -> its entry: two items of one image share a file
    for n, (item, source) in enumerate(image_sources(store, iter(items)), start=1):
        ext = MIME_EXT.get(item.mime, "bin")
        arcname = written.get(item.sha256) or "images/" + image_name(
            n, width, item.page, headline(item), item.id, ext)
        try:
            if item.sha256 not in written:
                _copy_in(zf, source(), arcname, item.created_at)
                written[item.sha256] = arcname
        except (FileNotFoundError, MissingImage):
            report.warnings.append(f"item {item.id}: image file missing; left out")
        else:
            report.images += 1
            yield ExportEntry(item, arcname)
        if progress:
            progress(n, total)


def _write_conversations(
    zf: zipfile.ZipFile, store: GalleryStore, entries: list[ExportEntry], report: ExportReport
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    records, blob_files = conversation_files(store, entries, report.warnings)
    for arcname, sha in blob_files.items():
        _copy_in(zf, store.blobs.open(sha), arcname, now_iso())
    report.blobs = len(blob_files)
    report.conversations = len(records)
    return {r["id"]: r["title"] for r in records}, records


def collections_of(store: GalleryStore, item_ids: list[str]) -> list[dict[str, Any]]:
    """The collections holding any exported item, each with just its exported members in
    their order: an import rebuilds them as far as the ZIP holds their items."""
    exported = set(item_ids)
    out = []
    for collection in store.collections.list():
        members = [i for i in collection.item_ids if i in exported]
        if members:
            out.append({**collection.to_json(), "items": members})
    return out


def _write_manifests(
    zf: zipfile.ZipFile, entries: list[ExportEntry], records: list[dict[str, Any]], exported_at: str,
    collections: list[dict[str, Any]] | None = None,
) -> None:
    columns = [*ITEM_FIELDS, "file"]
    with _text_entry(zf, "manifest.csv") as out:
        out.write("\ufeff")  # BOM: spreadsheets then read the UTF-8 prompts correctly
        writer = csv.writer(out)
        writer.writerow(columns)
        for entry in entries:
            row = _manifest_row(entry)
            writer.writerow([_csv_cell(row[c]) for c in columns])
    with _text_entry(zf, "manifest.json") as out:
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": exported_at,
            "items": [_manifest_row(e) for e in entries],
            "conversations": records,
            "collections": collections or [],
        }
        json.dump(manifest, out, ensure_ascii=False, indent=1)
