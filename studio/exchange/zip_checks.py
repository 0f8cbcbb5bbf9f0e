"""Checks on an import ZIP that cost nothing to run first: entry names, sizes, the manifest."""

from __future__ import annotations

import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from studio.exchange.export_zip import FORMAT, READABLE_VERSIONS

MiB = 1 << 20

GiB = 1 << 30
DEFAULT_MAX_ITEMS = 20_000

_DRIVE = re.compile(r"^[A-Za-z]:")

class ZipRejected(ValueError):
    """The ZIP is not a valid, safe Image Studio export. The message says why, for humans."""

def _max_items_from_env() -> int:
    try:
        return max(1, int(os.environ.get("STUDIO_IMPORT_MAX_ITEMS", DEFAULT_MAX_ITEMS)))
    except ValueError:
        return DEFAULT_MAX_ITEMS


@dataclass(frozen=True)
class ImportLimits:
    """What an import may cost. Real exports store images uncompressed (about 1:1) and
    deflate their HTML and JSON (a 20,000-item manifest: about 20:1), so the ratios only stop bombs."""

    max_files: int = 20_000
    max_total_bytes: int = 4 * GiB
    max_file_bytes: int = 64 * MiB
    max_manifest_bytes: int = 32 * MiB
    max_ratio: float = 100.0  # unpacked / packed, per entry
    max_overall_ratio: float = 50.0  # unpacked / size of the ZIP file
    max_items: int = field(default_factory=_max_items_from_env)
    max_png_text: int = 64 * 1024  # tEXt/iTXt/zTXt bytes per PNG; the store writes ~1 KB


def check_ratio(info: zipfile.ZipInfo, limits: ImportLimits) -> None:
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 64 * 1024 and ratio > limits.max_ratio:
        raise ZipRejected(f"refused: {info.filename!r} is compressed {ratio:,.0f}:1, over the "
                          f"limit of {limits.max_ratio:,.0f}:1 per entry (zip bomb?)")


def check_overall_ratio(total: int, zip_size: int, limits: ImportLimits) -> None:
    ratio = total / max(zip_size, 1)
    if total > 1 * MiB and ratio > limits.max_overall_ratio:
        raise ZipRejected(f"refused: the ZIP unpacks to {ratio:,.0f} times its size, over the "
                          f"limit of {limits.max_overall_ratio:,.0f}:1 (zip bomb?)")


def check_item_count(items: int, image_entries: int, limits: ImportLimits) -> None:
    if items > limits.max_items:
        raise ZipRejected(f"refused: manifest.json lists {items:,} items, over the limit of "
                          f"{limits.max_items:,} (STUDIO_IMPORT_MAX_ITEMS)")
    if items > image_entries:
        raise ZipRejected(f"refused: manifest.json lists {items:,} items but the ZIP holds only "
                          f"{image_entries:,} images")

def check_entry_name(name: str) -> None:
    if not name or "\x00" in name:
        raise ZipRejected("refused: the ZIP has an entry with an empty or binary name")
    if "\\" in name:
        raise ZipRejected(f"refused: entry {name!r} uses backslashes (Windows path tricks)")
    if name.startswith("/") or _DRIVE.match(name):
        raise ZipRejected(f"refused: entry {name!r} is an absolute path")
    if ".." in name.split("/"):
        raise ZipRejected(f"refused: entry {name!r} points outside the folder (path traversal)")

def check_entries(zf: zipfile.ZipFile, limits: ImportLimits) -> dict[str, zipfile.ZipInfo]:
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
        check_ratio(info, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ZipRejected(f"refused: the ZIP unpacks to more than {limits.max_total_bytes:,} bytes")
        by_name[info.filename] = info
    return by_name

def read_manifest(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], limit: int) -> dict[str, Any]:
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
    if manifest.get("version") not in READABLE_VERSIONS:
        raise ZipRejected(f"refused: export format version {manifest.get('version')!r} is not "
                          "supported (this Image Studio reads versions "
                          f"{', '.join(map(str, READABLE_VERSIONS))})")
    if not isinstance(manifest.get("items"), list) or not isinstance(
        manifest.get("conversations", []), list
    ):
        raise ZipRejected("refused: manifest.json has no valid 'items' list")
    return manifest

def refusal(what: str, why: str) -> ZipRejected:
    return ZipRejected(f"refused: manifest.json {what}: {why}")
