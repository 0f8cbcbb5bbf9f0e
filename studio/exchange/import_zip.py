"""Import an Image Studio export ZIP back into a store, treating the ZIP as hostile.

Everything cheap is checked before a byte is written: entry names (no traversal,
absolute paths, drive letters, backslashes), symlinks, entry count and declared sizes,
and the manifest's shape. Files are then copied with bounded reads (a zip bomb's header
may lie) and must hash to the manifest's sha256; rows go in in one transaction at the
end. On any refusal the files this import created are removed again.
"""

from __future__ import annotations

import copy
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from google.genai import types

from studio.exchange.export_zip import FORMAT, VERSION
from studio.gallery.conversations import blob_refs, iter_inline
from studio.gallery.files import DigestMismatch, SizeLimitExceeded, ingest_stream
from studio.gallery.records import (
    ID_RE,
    ITEM_FIELDS,
    MIME_EXT,
    SHA_RE,
    GalleryItem,
    blob_relpath,
    clean_tags,
    sanitize_settings,
)
from studio.gallery.store import GalleryStore

MiB = 1 << 20
GiB = 1 << 30
_DRIVE = re.compile(r"^[A-Za-z]:")


class ZipRejected(ValueError):
    """The ZIP is not a valid, safe Image Studio export. The message says why, for humans."""


@dataclass(frozen=True)
class ImportLimits:
    max_files: int = 20_000
    max_total_bytes: int = 4 * GiB
    max_file_bytes: int = 64 * MiB


@dataclass
class ImportReport:
    items_added: int = 0
    items_skipped: int = 0  # already in the store (same id)
    conversations_added: int = 0
    conversations_skipped: int = 0
    files_written: int = 0
    warnings: list[str] = field(default_factory=list)


def _json_kinds(cls: type) -> dict[str, tuple[tuple[type, ...], bool]]:
    """field -> (accepted JSON types, may be null), read from the dataclass's own hints.

    A float field takes any JSON number (an exporter may write 1 for 1.0); every field is
    required, a nullable one may be null.
    """
    hints = get_type_hints(cls)
    kinds: dict[str, tuple[tuple[type, ...], bool]] = {}
    for f in fields(cls):
        args = get_args(hints[f.name]) if get_origin(hints[f.name]) in (Union, UnionType) else ()
        nullable = type(None) in args
        base = next((a for a in args if a is not type(None)), hints[f.name])
        base = get_origin(base) or base  # list[str] -> list, dict[str, Any] -> dict
        kinds[f.name] = ((int, float) if base is float else (base,), nullable)
    return kinds


_KINDS = _json_kinds(GalleryItem)
_FIELD_KINDS = {name: _KINDS[name] for name in ITEM_FIELDS}  # checked in the published order
_FLOAT_FIELDS = [name for name, (kinds, _) in _FIELD_KINDS.items() if float in kinds]


def check_entry_name(name: str) -> None:
    if not name or "\x00" in name:
        raise ZipRejected("refused: the ZIP has an entry with an empty or binary name")
    if "\\" in name:
        raise ZipRejected(f"refused: entry {name!r} uses backslashes (Windows path tricks)")
    if name.startswith("/") or _DRIVE.match(name):
        raise ZipRejected(f"refused: entry {name!r} is an absolute path")
    if ".." in name.split("/"):
        raise ZipRejected(f"refused: entry {name!r} points outside the folder (path traversal)")


def _check_entries(zf: zipfile.ZipFile, limits: ImportLimits) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.max_files:
        raise ZipRejected(f"refused: {len(infos)} files is more than the limit of {limits.max_files}")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        check_entry_name(info.filename)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ZipRejected(f"refused: entry {info.filename!r} is a symbolic link")
        if info.flag_bits & 0x1:
            raise ZipRejected(f"refused: entry {info.filename!r} is encrypted")
        if info.filename in by_name:
            raise ZipRejected(f"refused: entry {info.filename!r} appears twice")
        if info.file_size > limits.max_file_bytes:
            raise ZipRejected(f"refused: {info.filename!r} is {info.file_size:,} bytes, over the "
                              f"{limits.max_file_bytes:,}-byte limit per file")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ZipRejected(f"refused: the ZIP unpacks to more than {limits.max_total_bytes:,} bytes")
        by_name[info.filename] = info
    return by_name


def _read_manifest(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], limit: int) -> dict[str, Any]:
    if "manifest.json" not in names:
        raise ZipRejected("refused: no manifest.json — this is not an Image Studio export")
    try:
        with zf.open(names["manifest.json"]) as fh:
            raw = fh.read(limit + 1)
    except (zipfile.BadZipFile, NotImplementedError, EOFError, zlib.error) as exc:
        raise ZipRejected(f"refused: manifest.json cannot be read ({exc})") from None
    if len(raw) > limit:
        raise ZipRejected("refused: manifest.json is larger than its declared size allows")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ZipRejected(f"refused: manifest.json is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ZipRejected("refused: manifest.json is not an Image Studio export manifest")
    if manifest.get("version") != VERSION:
        raise ZipRejected(f"refused: export format version {manifest.get('version')!r} is not "
                          f"supported (this Image Studio reads version {VERSION})")
    if not isinstance(manifest.get("items"), list) or not isinstance(
        manifest.get("conversations", []), list
    ):
        raise ZipRejected("refused: manifest.json has no valid 'items' list")
    return manifest


def _bad(what: str, why: str) -> ZipRejected:
    return ZipRejected(f"refused: manifest.json {what}: {why}")


def _item_from_manifest(row: Any, n: int, names: dict[str, zipfile.ZipInfo]) -> tuple[GalleryItem, str]:
    if not isinstance(row, dict):
        raise _bad(f"item #{n}", "not an object")
    data: dict[str, Any] = {}
    for name, (kinds, nullable) in _FIELD_KINDS.items():
        value = row.get(name)
        if value is None and nullable:
            data[name] = None
            continue
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise _bad(f"item #{n}", f"field {name!r} is missing or has the wrong type")
        data[name] = value
    if not ID_RE.match(data["id"]) or not SHA_RE.match(data["sha256"]):
        raise _bad(f"item #{n}", "bad id or sha256")
    if data["mime"] not in MIME_EXT:
        raise _bad(f"item #{n}", f"unsupported image type {data['mime']!r}")
    for stamp in ("created_at", "deleted_at"):
        if data[stamp] is not None:
            try:
                datetime.fromisoformat(data[stamp])
            except ValueError:
                raise _bad(f"item #{n}", f"{stamp} is not a date") from None
    file = row.get("file")
    if not isinstance(file, str) or file not in names:
        raise _bad(f"item #{n}", f"its image file {file!r} is not in the ZIP")
    for key in _FLOAT_FIELDS:
        if data[key] is not None:
            data[key] = float(data[key])
    data["tags"] = clean_tags([t for t in data["tags"] if isinstance(t, str)])
    data["settings"] = sanitize_settings(data["settings"])
    return GalleryItem(**data), file


def _conversation_from_manifest(
    rec: Any, n: int, names: dict[str, zipfile.ZipInfo]
) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """A validated record for the store + the blobs it needs: sha -> (zip entry, mime)."""
    what = f"conversation #{n}"
    if not isinstance(rec, dict):
        raise _bad(what, "not an object")
    for key, kind in (("id", str), ("page", str), ("title", str), ("created_at", str),
                      ("updated_at", str), ("model", str), ("settings", dict),
                      ("history", list), ("transcript", list), ("blob_files", dict)):
        if not isinstance(rec.get(key), kind):
            raise _bad(what, f"field {key!r} is missing or has the wrong type")
    if not ID_RE.match(rec["id"]):
        raise _bad(what, "bad id")
    history = rec["history"]
    if not all(isinstance(c, dict) for c in [*history, *rec["transcript"]]):
        raise _bad(what, "history and transcript entries must be objects")
    mimes = {d["blob_ref"]: d.get("mime_type") for d in iter_inline(history) if "blob_ref" in d}
    needed: dict[str, tuple[str, str]] = {}
    for sha in blob_refs(history):
        entry = rec["blob_files"].get(sha)
        if not SHA_RE.match(sha) or not isinstance(entry, str) or entry not in names:
            raise _bad(what, f"image {sha[:12]!r} of its history is not in the ZIP")
        mime = mimes.get(sha)
        needed[sha] = (entry, mime if isinstance(mime, str) else "application/octet-stream")
    check = copy.deepcopy(history)  # must load as SDK Content later: check now, not then
    for inline in iter_inline(check):
        inline.pop("blob_ref", None)
    try:
        for content in check:
            types.Content.model_validate(content)
    except ValueError as exc:
        raise _bad(what, f"history is not valid Gemini content ({str(exc)[:120]})") from None
    record = {k: rec[k] for k in ("id", "page", "title", "created_at", "updated_at", "model",
                                  "settings", "history", "transcript")}
    return record, needed


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
        names = _check_entries(zf, limits)
        manifest = _read_manifest(zf, names, limits.max_file_bytes)
        parsed = [_item_from_manifest(r, n, names) for n, r in enumerate(manifest["items"], 1)]
        convs = [_conversation_from_manifest(c, n, names)
                 for n, c in enumerate(manifest.get("conversations", []), 1)]
        return _ingest(store, zf, names, parsed, convs, limits)


def _ingest(
    store: GalleryStore, zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo],
    parsed: list[tuple[GalleryItem, str]],
    convs: list[tuple[dict[str, Any], dict[str, tuple[str, str]]]], limits: ImportLimits,
) -> ImportReport:
    report = ImportReport()
    created: list[Path] = []
    budget = [limits.max_total_bytes]

    def copy_file(entry: str, sha: str, mime: str) -> int:
        target = store.data_dir / blob_relpath(sha, mime)
        try:
            with zf.open(names[entry]) as src:
                made, size = ingest_stream(src, target, sha, min(limits.max_file_bytes, budget[0]))
        except DigestMismatch:
            raise ZipRejected(f"refused: {entry!r} does not match the sha256 in the manifest "
                              "(corrupted or altered)") from None
        except SizeLimitExceeded:
            raise ZipRejected(f"refused: {entry!r} unpacks to more than allowed (zip bomb?)") from None
        except (zipfile.BadZipFile, NotImplementedError, EOFError, zlib.error) as exc:
            raise ZipRejected(f"refused: {entry!r} cannot be read ({exc})") from None
        budget[0] -= size
        if made:
            created.append(target)
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
            thumb = store.thumb_path(item)
            existed = thumb.exists()
            try:
                store.ensure_thumbnail(item)
            except Exception:
                raise ZipRejected(f"refused: {entry!r} is not a readable image") from None
            if not existed:
                created.append(thumb)
            new_items.append(item)
        new_convs = []
        for record, needed in convs:
            if store.conversation_record(record["id"]) is not None:
                report.conversations_skipped += 1
                continue
            for sha, (entry, mime) in needed.items():
                if sha not in blobs:
                    blobs[sha] = (sha, mime, copy_file(entry, sha, mime))
            new_convs.append(record)
        added_items, added_convs = store.import_records(new_items, new_convs, list(blobs.values()))
    except BaseException:
        for path in created:  # leave the store as we found it
            path.unlink(missing_ok=True)
        raise
    report.items_added = len(added_items)
    report.items_skipped += len(new_items) - len(added_items)
    report.conversations_added = len(added_convs)
    report.conversations_skipped += len(new_convs) - len(added_convs)
    report.files_written = len(created)
    return report
