"""Gallery records: the dataclasses, the SQLite schema and row <-> object conversion.

Kept apart from the store so export/import can speak about items without a database.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

# Extensions are chosen from this table only: a mime type never flows into a file name.
MIME_EXT: dict[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
}
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def now_iso() -> str:
    """UTC timestamp in one fixed format, so text order equals time order in SQL."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def to_iso(value: str | date | datetime, end_of_day: bool = False) -> str:
    """Normalise a filter bound. A bare date means the whole day (until = next midnight)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    if not isinstance(value, datetime):
        day = value + timedelta(days=1) if end_of_day else value
        value = datetime.combine(day, time.min, tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _is_secret_name(name: str) -> bool:
    n = name.lower()
    if any(word in n for word in ("key", "secret", "password", "credential", "auth")):
        return True
    # "token" names credentials (access_token), but "max_output_tokens" is a harmless count.
    return "token" in n and not n.endswith("tokens")


def sanitize_settings(value: Any) -> Any:
    """Drop every key that looks like a credential, at any depth: the store never keeps one."""
    if isinstance(value, dict):
        return {
            str(k): sanitize_settings(v) for k, v in value.items() if not _is_secret_name(str(k))
        }
    if isinstance(value, list | tuple):
        return [sanitize_settings(v) for v in value]
    return value


@dataclass
class NewItem:
    """What a page knows about an image it wants to keep (the store adds the rest)."""

    page: str
    prompt: str = ""
    text: str = ""
    model: str = ""
    engine: str = "offline"
    aspect_ratio: str | None = None
    image_size: str | None = None
    seed: int | None = None
    temperature: float | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    latency_ms: int | None = None
    cost_usd: float | None = None
    parent_id: str | None = None
    conversation_id: str | None = None
    turn: int = 0
    position: int = 0
    tags: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # extra generation settings


@dataclass
class GalleryItem:
    id: str
    created_at: str
    page: str
    prompt: str = ""
    text: str = ""
    model: str = ""
    engine: str = "offline"
    aspect_ratio: str | None = None
    image_size: str | None = None
    seed: int | None = None
    temperature: float | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    latency_ms: int | None = None
    cost_usd: float | None = None
    parent_id: str | None = None
    conversation_id: str | None = None
    turn: int = 0
    position: int = 0
    width: int = 0
    height: int = 0
    mime: str = "image/png"
    sha256: str = ""
    favourite: bool = False
    tags: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    deleted_at: str | None = None

    @property
    def ext(self) -> str:
        return MIME_EXT.get(self.mime, "bin")

    @property
    def image_relpath(self) -> str:
        """Path of the image file relative to the data folder."""
        return blob_relpath(self.sha256, self.mime)

    @property
    def thumb_relpath(self) -> str:
        return f"thumbs/{self.sha256[:2]}/{self.sha256}.jpg"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_new(cls, new: NewItem, *, sha256: str, mime: str, width: int, height: int) -> GalleryItem:
        data = asdict(new)
        data["tags"] = clean_tags(new.tags)
        data["settings"] = sanitize_settings(new.settings)
        return cls(id=uuid.uuid4().hex, created_at=now_iso(), sha256=sha256, mime=mime,
                   width=width, height=height, **data)


def blob_relpath(sha256: str, mime: str) -> str:
    if not SHA_RE.match(sha256):  # the sha becomes a path: never trust it unchecked
        raise ValueError(f"not a sha256: {sha256!r}")
    return f"images/{sha256[:2]}/{sha256}.{MIME_EXT.get(mime, 'bin')}"


def clean_tags(tags: list[str] | tuple[str, ...] | None) -> list[str]:
    """Trimmed, de-duplicated, order kept; ';' is the CSV separator so it cannot be in a tag."""
    out: list[str] = []
    for tag in tags or []:
        t = str(tag).replace(";", ",").strip()
        if t and t not in out:
            out.append(t)
    return out


ITEM_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(GalleryItem))
_JSON_FIELDS = {"tags", "settings"}


def item_to_row(item: GalleryItem) -> tuple[Any, ...]:
    row = []
    for name in ITEM_FIELDS:
        value = getattr(item, name)
        if name in _JSON_FIELDS:
            value = json.dumps(value, ensure_ascii=False)
        elif name == "favourite":
            value = int(bool(value))
        row.append(value)
    return tuple(row)


def item_from_row(row: Any) -> GalleryItem:
    data = dict(zip(ITEM_FIELDS, row, strict=True))
    data["tags"] = json.loads(data["tags"] or "[]")
    data["settings"] = json.loads(data["settings"] or "{}")
    data["favourite"] = bool(data["favourite"])
    return GalleryItem(**data)


# Each entry moves the schema one version up; PRAGMA user_version records how far we are.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE items (
        id TEXT PRIMARY KEY, created_at TEXT NOT NULL, page TEXT NOT NULL,
        prompt TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '',
        engine TEXT, aspect_ratio TEXT, image_size TEXT, seed INTEGER, temperature REAL,
        finish_reason TEXT, prompt_tokens INTEGER, output_tokens INTEGER, total_tokens INTEGER,
        latency_ms INTEGER, cost_usd REAL, parent_id TEXT, conversation_id TEXT,
        turn INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL DEFAULT 0,
        width INTEGER, height INTEGER, mime TEXT NOT NULL, sha256 TEXT NOT NULL,
        favourite INTEGER NOT NULL DEFAULT 0, tags TEXT NOT NULL DEFAULT '[]',
        settings TEXT NOT NULL DEFAULT '{}', deleted_at TEXT
    );
    CREATE INDEX items_live_created ON items(deleted_at, created_at);
    CREATE INDEX items_page ON items(page, created_at);
    CREATE INDEX items_model ON items(model, created_at);
    CREATE INDEX items_favourite ON items(favourite, created_at);
    CREATE INDEX items_conversation ON items(conversation_id, turn, position);
    CREATE INDEX items_parent ON items(parent_id);
    CREATE INDEX items_sha ON items(sha256);
    -- every file under images/ (gallery images and conversation blobs) with its type
    CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, mime TEXT NOT NULL, size INTEGER NOT NULL,
                        created_at TEXT NOT NULL);
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY, page TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, model TEXT NOT NULL DEFAULT '',
        settings TEXT NOT NULL DEFAULT '{}', history TEXT NOT NULL DEFAULT '[]',
        transcript TEXT NOT NULL DEFAULT '[]', turns INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX conversations_page ON conversations(page, updated_at);
    CREATE INDEX conversations_updated ON conversations(updated_at);
    -- which blobs a conversation's history points at, so purge never removes them
    CREATE TABLE conversation_blobs (conversation_id TEXT NOT NULL, sha256 TEXT NOT NULL,
                                     PRIMARY KEY (conversation_id, sha256));
    CREATE INDEX conversation_blobs_sha ON conversation_blobs(sha256);
    """,
    # v2: text search. A trigram index over prompt and text answers "contains x" (x of 3+
    # characters) without reading every row. External content: the index keeps no copy of
    # the text, only trigrams -> items.rowid; the triggers keep it in step with items, and
    # 'rebuild' fills it from the rows an older gallery already has. Cost: each INSERT
    # statement on items takes ~0.2 ms more (bulk import of 10,000 rows: ~1 s -> ~4 s).
    """
    CREATE VIRTUAL TABLE items_fts USING fts5(
        prompt, text, content='items', content_rowid='rowid', tokenize='trigram'
    );
    CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
        INSERT INTO items_fts (rowid, prompt, text) VALUES (new.rowid, new.prompt, new.text);
    END;
    CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, prompt, text)
        VALUES ('delete', old.rowid, old.prompt, old.text);
    END;
    -- only a change of the indexed text touches the index: favourite/tags/trash do not
    CREATE TRIGGER items_fts_update AFTER UPDATE OF prompt, text ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, prompt, text)
        VALUES ('delete', old.rowid, old.prompt, old.text);
        INSERT INTO items_fts (rowid, prompt, text) VALUES (new.rowid, new.prompt, new.text);
    END;
    INSERT INTO items_fts (items_fts) VALUES ('rebuild');
    """,
)


@dataclass
class GalleryFilter:
    page: str | None = None
    model: str | None = None
    favourite: bool | None = None
    text: str | None = None  # substring of prompt or model text
    since: str | date | datetime | None = None
    until: str | date | datetime | None = None
    tags: list[str] | None = None  # items carrying every one of these tags
    ids: list[str] | None = None
    conversation_id: str | None = None
    include_deleted: bool = False
    only_deleted: bool = False  # the trash view
