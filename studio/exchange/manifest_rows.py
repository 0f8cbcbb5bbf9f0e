"""Manifest rows read back into records, each field checked against the record's own type."""

from __future__ import annotations

import copy
import zipfile
from dataclasses import fields
from datetime import datetime
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from google.genai import types

from studio.exchange.zip_checks import (
    refusal,
)
from studio.gallery.collections import AUDIENCE_MAX, Collection, CollectionError, clean_name
from studio.gallery.conversations import blob_refs, iter_inline
from studio.gallery.records import (
    ADDED_FIELDS,
    ID_RE,
    ITEM_FIELDS,
    MIME_EXT,
    SHA_RE,
    GalleryItem,
    clean_tags,
    sanitize_settings,
)


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

def item_from_manifest(row: Any, n: int, names: dict[str, zipfile.ZipInfo]) -> tuple[GalleryItem, str]:
    if not isinstance(row, dict):
        raise refusal(f"item #{n}", "not an object")
    data: dict[str, Any] = {}
    for name, (kinds, nullable) in _FIELD_KINDS.items():
        value = row.get(name)
        if name in ADDED_FIELDS and name not in row:  # an export made before the field
            value = {} if dict in kinds else None
        if value is None and nullable:
            data[name] = None
            continue
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise refusal(f"item #{n}", f"field {name!r} is missing or has the wrong type")
        data[name] = value
    if not ID_RE.match(data["id"]) or not SHA_RE.match(data["sha256"]):
        raise refusal(f"item #{n}", "bad id or sha256")
    if data["mime"] not in MIME_EXT:
        raise refusal(f"item #{n}", f"unsupported image type {data['mime']!r}")
    for stamp in ("created_at", "deleted_at"):
        if data[stamp] is not None:
            try:
                datetime.fromisoformat(data[stamp])
            except ValueError:
                raise refusal(f"item #{n}", f"{stamp} is not a date") from None
    file = row.get("file")
    if not isinstance(file, str) or file not in names:
        raise refusal(f"item #{n}", f"its image file {file!r} is not in the ZIP")
    for key in _FLOAT_FIELDS:
        if data[key] is not None:
            data[key] = float(data[key])
    data["tags"] = clean_tags([t for t in data["tags"] if isinstance(t, str)])
    data["settings"] = sanitize_settings(data["settings"])
    return GalleryItem(**data), file

def _derived(rec: dict[str, Any], what: str) -> dict[str, list[int | str]]:
    """sha -> png_splice recipe rebuilding it from its entry (export version 2)."""
    derived = rec.get("blob_derived", {})
    if not isinstance(derived, dict):
        raise refusal(what, "field 'blob_derived' has the wrong type")
    out: dict[str, list[int | str]] = {}
    for sha, how in derived.items():
        steps = how.get("png_chunks") if isinstance(how, dict) else None
        if not isinstance(steps, list) or not steps or not all(
                isinstance(s, int | str) and not isinstance(s, bool) for s in steps):
            raise refusal(what, f"image {str(sha)[:12]!r}: 'blob_derived' is malformed")
        out[sha] = steps
    return out


def conversation_from_manifest(
    rec: Any, n: int, names: dict[str, zipfile.ZipInfo]
) -> tuple[dict[str, Any], dict[str, tuple[str, str, list[int | str] | None]]]:
    """A validated record for the store + the blobs it needs: sha -> (zip entry, mime, the
    png_splice recipe that rebuilds it from the entry, None when the entry is the blob)."""
    what = f"conversation #{n}"
    if not isinstance(rec, dict):
        raise refusal(what, "not an object")
    for key, kind in (("id", str), ("page", str), ("title", str), ("created_at", str),
                      ("updated_at", str), ("model", str), ("settings", dict),
                      ("history", list), ("transcript", list), ("blob_files", dict)):
        if not isinstance(rec.get(key), kind):
            raise refusal(what, f"field {key!r} is missing or has the wrong type")
    if not ID_RE.match(rec["id"]):
        raise refusal(what, "bad id")
    history = rec["history"]
    if not all(isinstance(c, dict) for c in [*history, *rec["transcript"]]):
        raise refusal(what, "history and transcript entries must be objects")
    mimes = {d["blob_ref"]: d.get("mime_type") for d in iter_inline(history) if "blob_ref" in d}
    derived = _derived(rec, what)
    needed: dict[str, tuple[str, str, list[int | str] | None]] = {}
    for sha in blob_refs(history):
        entry = rec["blob_files"].get(sha)
        if not SHA_RE.match(sha) or not isinstance(entry, str) or entry not in names:
            raise refusal(what, f"image {sha[:12]!r} of its history is not in the ZIP")
        mime = mimes.get(sha)
        needed[sha] = (entry, mime if isinstance(mime, str) else "application/octet-stream",
                       derived.get(sha))
    check = copy.deepcopy(history)  # must load as SDK Content later: check now, not then
    for inline in iter_inline(check):
        inline.pop("blob_ref", None)
    try:
        for content in check:
            types.Content.model_validate(content)
    except ValueError as exc:
        raise refusal(what, f"history is not valid Gemini content ({str(exc)[:120]})") from None
    record = {k: rec[k] for k in ("id", "page", "title", "created_at", "updated_at", "model",
                                  "settings", "history", "transcript")}
    return record, needed


def collection_from_manifest(rec: Any, n: int) -> Collection:
    """A collection of the manifest: its name, audience, dates and member ids, checked."""
    what = f"collection #{n}"
    if not isinstance(rec, dict):
        raise refusal(what, "not an object")
    for key in ("id", "name", "audience", "created_at", "updated_at"):
        if not isinstance(rec.get(key), str):
            raise refusal(what, f"field {key!r} is missing or has the wrong type")
    members = rec.get("items")
    if not ID_RE.match(rec["id"]) or not isinstance(members, list) \
            or not all(isinstance(i, str) and ID_RE.match(i) for i in members):
        raise refusal(what, "bad id or item ids")
    try:
        name = clean_name(rec["name"])
        audience = clean_name(rec["audience"], AUDIENCE_MAX, required=False)
        for stamp in ("created_at", "updated_at"):
            datetime.fromisoformat(rec[stamp])
    except (CollectionError, ValueError) as exc:
        raise refusal(what, str(exc)) from None
    return Collection(rec["id"], name, audience, rec["created_at"], rec["updated_at"],
                      tuple(members))
