"""Galleries as Image Studio made them before Alembic: the hand-written migrations, kept
verbatim, each moving PRAGMA user_version one up. Tests make old files with them and check
that today's code upgrades them in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def legacy_gallery(db_path: Path, version: int) -> None:
    """A studio.db at schema `version` (1..3), as the release of that time left it."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for script in LEGACY_MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


LEGACY_MIGRATIONS: tuple[str, ...] = (
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
    # v3: grounding data kept with each answer, who made an item (when sign-in is on), and
    # collections: named sets of items for an audience, in the order they are shown.
    """
    ALTER TABLE items ADD COLUMN grounding TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE items ADD COLUMN made_by TEXT;
    CREATE INDEX items_made_by ON items(made_by, created_at);
    CREATE TABLE collections (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, audience TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE TABLE collection_items (
        collection_id TEXT NOT NULL, item_id TEXT NOT NULL, position INTEGER NOT NULL,
        added_at TEXT NOT NULL, PRIMARY KEY (collection_id, item_id)
    );
    CREATE INDEX collection_items_item ON collection_items(item_id);
    """,
)
