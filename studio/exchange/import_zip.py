"""Import an Image Studio export ZIP back into a store, treating the ZIP as hostile.

Everything cheap is checked before a byte is written: entry names (no traversal,
absolute paths, drive letters, backslashes), symlinks, entry count and declared sizes,
and the manifest's shape. Files are then copied with bounded reads (a zip bomb's header
may lie) and must hash to the manifest's sha256; rows go in in one transaction at the
end. On any refusal the files this import created are removed again.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from studio.exchange.manifest_rows import (
    collection_from_manifest,
    conversation_from_manifest,
    item_from_manifest,
)
from studio.exchange.zip_checks import (
    ImportLimits,
    ZipRejected,
    check_entries,
    check_item_count,
    check_overall_ratio,
    read_manifest,
)
from studio.gallery.files import DigestMismatch, SizeLimitExceeded
from studio.gallery.png_meta import PngTextMeter, TextLimitExceeded
from studio.gallery.png_splice import Recipe, apply_recipe
from studio.gallery.records import GalleryItem, thumb_relpath
from studio.gallery.store import GalleryStore


def read_at_most(src: BinaryIO, most: int, entry: str) -> bytes:
    """An entry's bytes, refused past `most` (a header may lie about the size)."""
    data = src.read(most + 1)
    if len(data) > most:
        raise SizeLimitExceeded(f"{entry}: more than {most} bytes")
    return data


def rebuilt(source: bytes, recipe: Recipe, entry: str) -> bytes:
    try:
        return apply_recipe(source, recipe)
    except ValueError as exc:
        raise ZipRejected(f"refused: a history image built from {entry!r} cannot be "
                          f"rebuilt ({exc})") from None


@dataclass
class ImportReport:
    items_added: int = 0
    items_skipped: int = 0  # already in the store (same id)
    conversations_added: int = 0
    conversations_skipped: int = 0
    collections_added: int = 0  # a collection already present (same id) is left as it is
    files_written: int = 0
    warnings: list[str] = field(default_factory=list)


def import_zip(
    store: GalleryStore, in_path: str | Path, limits: ImportLimits | None = None
) -> ImportReport:
    """Bring an export back in. Idempotent: items and conversations already present are skipped."""
    limits = limits or ImportLimits()
    try:
        zf = zipfile.ZipFile(in_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ZipRejected(f"refused: {Path(in_path).name} is not a readable ZIP file ({exc})") from None
    with zf:
        names = check_entries(zf, limits)
        check_overall_ratio(sum(i.file_size for i in names.values()),
                            Path(in_path).stat().st_size, limits)
        manifest = read_manifest(zf, names, limits.max_manifest_bytes)
        check_item_count(len(manifest["items"]),
                         sum(1 for n in names if n.startswith("images/")), limits)
        parsed = [item_from_manifest(r, n, names) for n, r in enumerate(manifest["items"], 1)]
        convs = [conversation_from_manifest(c, n, names)
                 for n, c in enumerate(manifest.get("conversations", []), 1)]
        collections = manifest.get("collections", [])
        if not isinstance(collections, list):
            raise ZipRejected("refused: the manifest's collections are not a list")
        wanted = [collection_from_manifest(c, n) for n, c in enumerate(collections, 1)]
        report = _ingest(store, zf, names, parsed, convs, limits)
    report.collections_added = len(store.collections.add_existing(wanted))
    return report


def _ingest(
    store: GalleryStore, zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo],
    parsed: list[tuple[GalleryItem, str]],
    convs: list[tuple[dict[str, Any], dict[str, tuple[str, str, Recipe | None]]]],
    limits: ImportLimits,
) -> ImportReport:
    report = ImportReport()
    created: list[str] = []  # object keys this import made
    budget = [limits.max_total_bytes]

    def copy_file(entry: str, sha: str, mime: str, recipe: Recipe | None = None) -> int:
        info = names[entry]
        # A header may lie about sizes: what is read is held to the ratio limit as well.
        most = min(limits.max_file_bytes, budget[0],
                   max(64 * 1024, int(info.compress_size * limits.max_ratio)))
        meter = PngTextMeter(limits.max_png_text).feed if mime == "image/png" else None
        try:
            with zf.open(info) as src:
                if recipe is not None:  # a history image rebuilt from the gallery file
                    src = io.BytesIO(rebuilt(read_at_most(src, most, entry), recipe, entry))
                made, size = store.blobs.ingest(src, sha, mime, most, meter)
        except TextLimitExceeded:
            raise ZipRejected(f"refused: {entry!r} carries more than {limits.max_png_text:,} "
                              "bytes of PNG text, the limit per image") from None
        except DigestMismatch:
            raise ZipRejected(f"refused: {entry!r} does not match the sha256 in the manifest "
                              "(corrupted or altered)") from None
        except SizeLimitExceeded:
            raise ZipRejected(f"refused: {entry!r} unpacks to more than allowed (zip bomb?)") from None
        except (zipfile.BadZipFile, NotImplementedError, EOFError, zlib.error) as exc:
            raise ZipRejected(f"refused: {entry!r} cannot be read ({exc})") from None
        budget[0] -= size
        if made:
            created.append(store.blobs.key(sha, mime))
        return size

    new_items: list[GalleryItem] = []
    seen: set[str] = set()
    blobs: dict[str, tuple[str, str, int]] = {}
    try:
        for item, entry in parsed:
            if item.id in seen or store.get(item.id) is not None:
                report.items_skipped += 1
                continue
            seen.add(item.id)
            size = copy_file(entry, item.sha256, item.mime)
            blobs[item.sha256] = (item.sha256, item.mime, size)
            existed = store.has_thumbnail(item)
            try:
                store.ensure_thumbnail(item)
            except Exception:
                raise ZipRejected(f"refused: {entry!r} is not a readable image") from None
            if not existed:
                created.append(thumb_relpath(item.sha256))
            new_items.append(item)
        new_convs = []
        for record, needed in convs:
            if store.conversation_record(record["id"]) is not None:
                report.conversations_skipped += 1
                continue
            for sha, (entry, mime, recipe) in needed.items():
                if sha not in blobs:
                    blobs[sha] = (sha, mime, copy_file(entry, sha, mime, recipe))
            new_convs.append(record)
        added_items, added_convs = store.import_records(new_items, new_convs, list(blobs.values()))
    except BaseException:
        for key in created:  # leave the store as we found it
            store.objects.delete(key)
        raise
    report.items_added = len(added_items)
    report.items_skipped += len(new_items) - len(added_items)
    report.conversations_added = len(added_convs)
    report.conversations_skipped += len(new_convs) - len(added_convs)
    report.files_written = len(created)
    return report
