"""Export gallery images as a ZIP a stakeholder can open without Image Studio.

The ZIP is streamed: images are copied from the blob store (a folder or a bucket) entry by
entry, stored uncompressed (PNG/JPEG are compressed already: deflating them costs time,
saves nothing), into a temp file beside the target that is renamed into place only when
complete. Nothing grows with the gallery in memory: items are read a page at a time, what
later passes need is spooled to a temporary SQLite file (export_spool.py), manifests and
HTML are written row by row into their entries, and so is the ZIP's central directory
(zip_spool.py).

    images/<NNNN>-<page>-<slug>-<id8>.<ext>   original stored bytes
    blobs/<sha>.<ext>                         conversation images that are not gallery items
    manifest.csv, manifest.json               every item field (+ `file`); JSON adds conversations
    index.html, stories/*.html, recipes/*.html
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

from studio.exchange.export_html import ExportEntry, write_index, write_story
from studio.exchange.export_spool import ExportSpool, LazyStories, StoryLinks
from studio.exchange.filenames import image_name, short_id, slugify
from studio.exchange.image_sources import image_sources
from studio.exchange.zip_spool import SpooledZip
from studio.gallery.conversations import blob_refs
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

FORMAT = "image-studio-export"
VERSION = 1
STORY_PAGES = {"story": "stories", "recipe": "recipes"}
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


def select_items(
    store: GalleryStore, selection: GalleryFilter | Iterable[str] | None
) -> tuple[int, Iterator[GalleryItem]]:
    """(how many, the items) to export, oldest first (so numbering reads like the session
    went), read a page at a time. Items added while the export runs are not in it."""
    if selection is None or isinstance(selection, GalleryFilter):
        total = store.count(selection)

        def pages() -> Iterator[GalleryItem]:
            done = 0
            while done < total and (batch := store.query(selection, offset=done,
                                                           limit=min(_BATCH, total - done),
                                                           order="oldest")):
                done += len(batch)
                yield from batch

        return total, pages()
    ids = list(dict.fromkeys(selection))  # a hand-picked selection: the caller holds it anyway
    items: list[GalleryItem] = []
    for start in range(0, len(ids), _BATCH):
        items += store.query(GalleryFilter(ids=ids[start : start + _BATCH]), limit=_BATCH)
    return len(items), iter(sorted(items, key=lambda i: i.created_at))


def _zip_time(iso: str) -> tuple[int, int, int, int, int, int]:
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        t = datetime.now()
    return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)


def _copy_in(zf: SpooledZip, source: tuple[int, Iterator[bytes]], arcname: str, when: str) -> int:
    size, chunks = source
    info = zipfile.ZipInfo(arcname, _zip_time(when))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    info.file_size = size  # lets zipfile decide on zip64 up front
    with zf.open(info, "w") as dst:
        for chunk in chunks:
            dst.write(chunk)
    zf.spill()
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


def _manifest_row(row: dict[str, Any]) -> dict[str, Any]:
    row["settings"] = sanitize_settings(row["settings"])
    return row


def _story_key(item: GalleryItem) -> str | None:  # the story/recipe page an item is on
    return (item.conversation_id or item.id) if item.page in STORY_PAGES else None


def _name_stories(spool: ExportSpool) -> None:
    for key, kind, prompt in spool.story_keys():
        title = spool.title(key) or (prompt or "")[:80] or kind.title()
        spool.add_story(key, kind, title,
                        f"{STORY_PAGES[kind]}/{slugify(title, 50, kind)}-{short_id(key)}.html")


def _conversation_record(
    store: GalleryStore, spool: ExportSpool, cid: str, report: ExportReport
) -> tuple[dict[str, Any], dict[str, tuple[str, str]]] | None:
    """A conversation's record for the manifest + the blob files it needs (arcname ->
    (sha, mime)) that are not exported items already; None if it cannot be exported whole."""
    record = store.conversation_record(cid)
    if record is None:
        return None
    files: dict[str, str] = {}
    blobs: dict[str, tuple[str, str]] = {}
    try:
        for sha in sorted(blob_refs(record["history"])):
            if (file := spool.file_of(sha)) is not None:
                files[sha] = file
                continue
            mime = store.blobs.mime(sha)
            if not store.blobs.has_file(sha, mime):
                raise KeyError(sha)
            files[sha] = f"blobs/{sha}.{MIME_EXT.get(mime, 'bin')}"
            blobs[files[sha]] = (sha, mime)
    except KeyError as missing:
        report.warnings.append(f"conversation {cid}: image {missing} is missing; left out")
        return None
    record["settings"] = sanitize_settings(record["settings"])
    record["transcript"] = sanitize_settings(record["transcript"])
    record["blob_files"] = files
    return record, blobs


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
    total, items = select_items(store, selection)
    width = max(4, len(str(total)))
    tmp = out_path.parent / f"{_TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.zip"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_exports(out_path.parent)
    spool = ExportSpool()
    try:
        with SpooledZip(tmp, "w", allowZip64=True) as zf:
            _write_images(zf, store, spool, total, items, width, report, progress)
            spool.indexed()
            _write_conversations(zf, store, spool, report)
            _name_stories(spool)
            exported_at = now_iso()
            _write_manifests(zf, spool, exported_at)
            with _text_entry(zf, "index.html") as out:
                write_index(out, spool.entries(), LazyStories(spool), exported_at,  # type: ignore[arg-type]
                            report.images, StoryLinks(spool))  # type: ignore[arg-type]
            for key in spool.story_page_keys():
                story = spool.story(key)
                with _text_entry(zf, story.file) as out:
                    write_story(out, story)
                report.pages += 1
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        spool.close()
    report.bytes = out_path.stat().st_size
    report.seconds = time.perf_counter() - started
    return report


def _write_images(
    zf: SpooledZip, store: GalleryStore, spool: ExportSpool, total: int,
    items: Iterator[GalleryItem], width: int, report: ExportReport, progress: Progress | None,
) -> None:
    if progress:
        progress(0, total)
    for n, (item, source) in enumerate(image_sources(store, items), start=1):
        arcname = "images/" + image_name(n, width, item.page, item.prompt, item.id, item.ext)
        try:
            _copy_in(zf, source(), arcname, item.created_at)
        except (FileNotFoundError, MissingImage):
            report.warnings.append(f"item {item.id}: image file missing; left out")
        else:
            report.images += 1
            spool.add(ExportEntry(item, arcname), _story_key(item))
        if progress:
            progress(n, total)


def _write_conversations(
    zf: SpooledZip, store: GalleryStore, spool: ExportSpool, report: ExportReport
) -> None:
    written: set[str] = set()  # blob entries: one per sha, shared by conversations
    for cid in spool.conversation_ids():
        found = _conversation_record(store, spool, cid, report)
        if found is None:
            continue
        record, blobs = found
        for arcname, (sha, mime) in blobs.items():
            if arcname not in written:
                _copy_in(zf, store.blobs.open(sha, mime), arcname, now_iso())
                written.add(arcname)
        spool.add_conversation(record)
        report.conversations += 1
    report.blobs = len(written)


def _write_manifests(zf: SpooledZip, spool: ExportSpool, exported_at: str) -> None:
    columns = [*ITEM_FIELDS, "file"]
    with _text_entry(zf, "manifest.csv") as out:
        out.write("\ufeff")  # BOM: spreadsheets then read the UTF-8 prompts correctly
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in map(_manifest_row, spool.rows()):
            writer.writerow([_csv_cell(row[c]) for c in columns])
    with _text_entry(zf, "manifest.json") as out:
        head = {"format": FORMAT, "version": VERSION, "exported_at": exported_at}
        out.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ",\n \"items\": [")
        _json_list(out, map(_manifest_row, spool.rows()))
        out.write(",\n \"conversations\": [")
        _json_list(out, spool.conversations())
        out.write("\n}\n")


def _json_list(out: io.TextIOWrapper, rows: Iterator[dict[str, Any]]) -> None:
    """A JSON array written one element a line (never the whole list as one string; no
    indent inside an element, so the C encoder does the work)."""
    sep = "\n  "
    for row in rows:
        out.write(sep + json.dumps(row, ensure_ascii=False))
        sep = ",\n  "
    out.write("\n ]" if sep != "\n  " else "]")
