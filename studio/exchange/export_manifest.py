"""manifest.csv and manifest.json, written a row at a time from the export's spool.

manifest.json reads exactly as one `json.dump(manifest, indent=1)` of the whole document
would, but only one item (or conversation, or collection) is ever encoded at a time: the
envelope is written by hand and each element is indented to its depth.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from studio.exchange.export_spool import ExportSpool
from studio.gallery.records import ITEM_FIELDS, sanitize_settings

FORMAT = "image-studio-export"
VERSION = 2
COLUMNS = (*ITEM_FIELDS, "file")
OpenEntry = Callable[[str], TextIO]
_STRING = json.encoder.encode_basestring  # a str as json.dumps(ensure_ascii=False) writes it


def manifest_json(value: Any, level: int = 0) -> str:
    """`value` exactly as `json.dumps(value, ensure_ascii=False, indent=1)` writes it at
    depth `level`. json's own indenting encoder builds a cycle of closures on every call,
    garbage only the cycle collector frees: over 100,000 items that garbage piled up."""
    inner = "\n" + " " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{" + ",".join(f"{inner}{_key(k)}: {manifest_json(v, level + 1)}"
                              for k, v in value.items()) + "\n" + " " * level + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[" + ",".join(inner + manifest_json(v, level + 1) for v in value) \
            + "\n" + " " * level + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    """What json.dumps writes for a scalar, without building an encoder for each one."""
    if isinstance(value, str):
        return _STRING(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float) and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False)  # NaN, Infinity; anything else json decides


def _key(key: object) -> str:
    """A dict key as json writes it: a string, or a scalar turned into one."""
    if isinstance(key, str):
        return _STRING(key)
    if key is None or isinstance(key, bool | int | float):
        return _STRING(_scalar(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def csv_cell(value: Any) -> str:
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


def manifest_rows(spool: ExportSpool) -> Iterator[dict[str, Any]]:
    """Every field of each exported item (settings scrubbed) and its `file`, in order."""
    for text, file in spool.rows("SELECT item, file FROM exported ORDER BY seq"):
        row = json.loads(text)
        row["settings"] = sanitize_settings(row["settings"])
        row["file"] = file
        yield row


def _array(out: TextIO, key: str, elements: Iterable[str]) -> None:
    """`"key": [...]` one level in, each element's top-level JSON indented to depth 2."""
    out.write(f" {json.dumps(key)}: [")
    empty = True
    for text in elements:
        out.write(("\n  " if empty else ",\n  ") + text.replace("\n", "\n  "))
        empty = False
    out.write("]" if empty else "\n ]")


def write_manifests(open_entry: OpenEntry, spool: ExportSpool, exported_at: str,
                    collections: list[dict[str, Any]]) -> None:
    with open_entry("manifest.csv") as out:
        out.write("\ufeff")  # BOM: spreadsheets then read the UTF-8 prompts correctly
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in manifest_rows(spool):
            writer.writerow([csv_cell(row[c]) for c in COLUMNS])
    with open_entry("manifest.json") as out:
        out.write(f"{{\n \"format\": {json.dumps(FORMAT)},\n \"version\": {VERSION},\n"
                  f" \"exported_at\": {json.dumps(exported_at, ensure_ascii=False)},\n")
        _array(out, "items", (manifest_json(row) for row in manifest_rows(spool)))
        out.write(",\n")
        _array(out, "conversations", spool.records())  # spooled as manifest_json already
        out.write(",\n")
        _array(out, "collections", (manifest_json(c) for c in collections))
        out.write("\n}")
