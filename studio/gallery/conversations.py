"""Multi-turn conversations (chat history + the page's transcript) kept across refreshes.

History is stored as `types.Content` JSON, with every inline image swapped for a
reference into the blob store: the database stays small and an image sent on ten turns
is kept once. Thought signatures stay in the JSON as the SDK's base64 and come back
byte-identical (Gemini 3 image models refuse a follow-up turn otherwise).
"""

from __future__ import annotations

import contextlib
import copy
import uuid
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from google.genai import types

from studio.gallery.dates import now_iso
from studio.gallery.scrub import sanitize_settings


class BlobStore(Protocol):
    """The two calls a history needs of the blob store (interfaces.BlobStore has them)."""

    def put(self, data: bytes, mime: str, sha256: str | None = None) -> str: ...

    def get(self, sha256: str) -> bytes: ...


@dataclass
class Conversation:
    page: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    title: str = ""
    model: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    history: list[types.Content] = field(default_factory=list)
    transcript: list[dict[str, Any]] = field(default_factory=list)  # the page's own turn list
    created_at: str = ""  # set by the store on first save
    updated_at: str = ""


@dataclass
class ConversationSummary:
    id: str
    page: str
    title: str
    model: str
    created_at: str
    updated_at: str
    turns: int


def iter_inline(history_json: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every `inline_data` dict inside stored history JSON."""
    for content in history_json:
        for part in content.get("parts") or []:
            if isinstance(part, dict) and isinstance(part.get("inline_data"), dict):
                yield part["inline_data"]


def blob_refs(history_json: list[dict[str, Any]]) -> set[str]:
    return {d["blob_ref"] for d in iter_inline(history_json) if isinstance(d.get("blob_ref"), str)}


# Each Content's stored form, made once per store: a chat's Contents never change, so a
# save after turn 30 does not dump, hash and put the 29 earlier turns' images again.
# Keyed by id, checked through weak references (a new object may reuse a dead one's id).
_stored: dict[int, tuple[weakref.ref[types.Content], weakref.ref[Any], dict[str, Any]]] = {}


def _content_json(content: types.Content, store: BlobStore) -> dict[str, Any]:
    key = id(content)
    hit = _stored.get(key)
    if hit is not None and hit[0]() is content and hit[1]() is store:
        return copy.deepcopy(hit[2])  # small: images are references here
    data = content.model_dump(mode="json", exclude_none=True)
    for part, part_json in zip(content.parts or [], data.get("parts") or [], strict=True):
        blob = part.inline_data
        if blob is not None and blob.data is not None:
            mime = blob.mime_type or "application/octet-stream"
            ref = {"mime_type": mime, "blob_ref": store.put(blob.data, mime)}
            if blob.display_name:
                ref["display_name"] = blob.display_name
            part_json["inline_data"] = ref
    with contextlib.suppress(TypeError):  # a store without weak references is not cached
        _stored[key] = (weakref.ref(content, lambda _r, k=key: _stored.pop(k, None)),
                        weakref.ref(store), copy.deepcopy(data))
    return data


def history_to_json(history: list[types.Content], store: BlobStore) -> list[dict[str, Any]]:
    """Content list -> JSON-safe dicts, image bytes moved into the blob store."""
    return [_content_json(content, store) for content in history]


def history_from_json(history_json: list[dict[str, Any]], store: BlobStore) -> list[types.Content]:
    """Inverse of `history_to_json`: blob references become bytes again."""
    restored = copy.deepcopy(history_json)
    for inline in iter_inline(restored):
        ref = inline.pop("blob_ref", None)
        if ref is not None:
            inline["data"] = store.get(ref)  # raw bytes validate as-is
    return [types.Content.model_validate(d) for d in restored]


def count_turns(history_json: list[dict[str, Any]], transcript: list[dict[str, Any]]) -> int:
    user_turns = sum(1 for c in history_json if c.get("role") == "user")
    return max(user_turns, sum(1 for t in transcript if t.get("role", "user") == "user"))


def to_record(conv: Conversation, store: BlobStore, created_at: str | None) -> dict[str, Any]:
    stamp = now_iso()
    return {
        "id": conv.id,
        "page": conv.page,
        "title": conv.title,
        "model": conv.model,
        "settings": sanitize_settings(conv.settings),
        "history": history_to_json(conv.history, store),
        "transcript": sanitize_settings(conv.transcript),
        "created_at": created_at or conv.created_at or stamp,
        "updated_at": stamp,
    }


def from_record(record: dict[str, Any], store: BlobStore) -> Conversation:
    return Conversation(
        id=record["id"],
        page=record["page"],
        title=record["title"],
        model=record["model"],
        settings=record["settings"],
        history=history_from_json(record["history"], store),
        transcript=record["transcript"],
        created_at=record["created_at"],
        updated_at=record["updated_at"],
    )
