"""v2: text search over prompt and text, "contains x" without reading every row.

SQLite: an FTS5 trigram index with external content (trigrams -> items.rowid, no copy of
the text), kept in step by triggers and filled from the rows an older gallery already has.
PostgreSQL: a pg_trgm trigram GIN index over prompt and text, which serves ILIKE.
studio/gallery/search.py re-checks every candidate with SQLite's LIKE meaning, so both
return the same items for the same query.
"""

from alembic import op

revision = "v2"
down_revision = "v1"

SQLITE = [
    """CREATE VIRTUAL TABLE items_fts USING fts5(
        prompt, text, content='items', content_rowid='rowid', tokenize='trigram')""",
    """CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
        INSERT INTO items_fts (rowid, prompt, text) VALUES (new.rowid, new.prompt, new.text);
    END""",
    """CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, prompt, text)
        VALUES ('delete', old.rowid, old.prompt, old.text);
    END""",
    # only a change of the indexed text touches the index: favourite/tags/trash do not
    """CREATE TRIGGER items_fts_update AFTER UPDATE OF prompt, text ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, prompt, text)
        VALUES ('delete', old.rowid, old.prompt, old.text);
        INSERT INTO items_fts (rowid, prompt, text) VALUES (new.rowid, new.prompt, new.text);
    END""",
    "INSERT INTO items_fts (items_fts) VALUES ('rebuild')",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # one index over both columns: a match in either is a match in the joined text, so it
    # proposes every candidate in one scan (studio/gallery/search.py re-checks each column)
    "CREATE INDEX items_search_trgm ON items USING gin ((prompt || ' ' || text) gin_trgm_ops)",
]


def upgrade() -> None:
    sqlite = op.get_context().dialect.name == "sqlite"
    for statement in SQLITE if sqlite else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for trigger in ("items_fts_insert", "items_fts_update", "items_fts_delete"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE items_fts")
    else:
        op.drop_index("items_search_trgm", "items")
