"""v1: items, blobs, conversations and the blobs each conversation points at.

On PostgreSQL `rowid` is an identity column, so "ORDER BY created_at, rowid" breaks ties
in insertion order exactly as SQLite's implicit rowid does; its indexes name rowid where
SQLite's carry it implicitly.
"""

import sqlalchemy as sa
from alembic import op

revision = "v1"
down_revision = None

TEXT_DEFAULT = sa.text("''")
# Text compares byte by byte on both: ISO dates, page and model names sort as in SQLite.
TEXT = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def _rowid() -> list[sa.Column]:
    if op.get_context().dialect.name == "sqlite":
        return []
    return [sa.Column("rowid", sa.BigInteger, sa.Identity(), nullable=False, unique=True)]


def _tie(*columns: str) -> list[str]:
    return [*columns, "rowid"] if op.get_context().dialect.name != "sqlite" else list(columns)


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", TEXT, primary_key=True),
        sa.Column("created_at", TEXT, nullable=False),
        sa.Column("page", TEXT, nullable=False),
        sa.Column("prompt", TEXT, nullable=False, server_default=TEXT_DEFAULT),
        sa.Column("text", TEXT, nullable=False, server_default=TEXT_DEFAULT),
        sa.Column("model", TEXT, nullable=False, server_default=TEXT_DEFAULT),
        sa.Column("engine", TEXT), sa.Column("aspect_ratio", TEXT),
        sa.Column("image_size", TEXT), sa.Column("seed", sa.BigInteger),
        sa.Column("temperature", sa.Float), sa.Column("finish_reason", TEXT),
        sa.Column("prompt_tokens", sa.BigInteger), sa.Column("output_tokens", sa.BigInteger),
        sa.Column("total_tokens", sa.BigInteger), sa.Column("latency_ms", sa.BigInteger),
        sa.Column("cost_usd", sa.Float), sa.Column("parent_id", TEXT),
        sa.Column("conversation_id", TEXT),
        sa.Column("turn", sa.BigInteger, nullable=False, server_default=sa.text("0")),
        sa.Column("position", sa.BigInteger, nullable=False, server_default=sa.text("0")),
        sa.Column("width", sa.BigInteger), sa.Column("height", sa.BigInteger),
        sa.Column("mime", TEXT, nullable=False), sa.Column("sha256", TEXT, nullable=False),
        sa.Column("favourite", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("tags", TEXT, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("settings", TEXT, nullable=False, server_default=sa.text("'{}'")),
        sa.Column("deleted_at", TEXT),
        *_rowid(),
    )
    op.create_index("items_live_created", "items", _tie("deleted_at", "created_at"))
    op.create_index("items_page", "items", _tie("page", "created_at"))
    op.create_index("items_model", "items", _tie("model", "created_at"))
    op.create_index("items_favourite", "items", _tie("favourite", "created_at"))
    op.create_index("items_conversation", "items", ["conversation_id", "turn", "position"])
    op.create_index("items_parent", "items", ["parent_id"])
    op.create_index("items_sha", "items", ["sha256"])
    # every file under images/ (gallery images and conversation blobs) with its type
    op.create_table(
        "blobs",
        sa.Column("sha256", TEXT, primary_key=True), sa.Column("mime", TEXT, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created_at", TEXT, nullable=False),
    )
    op.create_table(
        "conversations",
        sa.Column("id", TEXT, primary_key=True), sa.Column("page", TEXT, nullable=False),
        sa.Column("title", TEXT, nullable=False, server_default=TEXT_DEFAULT),
        sa.Column("created_at", TEXT, nullable=False),
        sa.Column("updated_at", TEXT, nullable=False),
        sa.Column("model", TEXT, nullable=False, server_default=TEXT_DEFAULT),
        sa.Column("settings", TEXT, nullable=False, server_default=sa.text("'{}'")),
        sa.Column("history", TEXT, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("transcript", TEXT, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("turns", sa.BigInteger, nullable=False, server_default=sa.text("0")),
        *_rowid(),
    )
    op.create_index("conversations_page", "conversations", _tie("page", "updated_at"))
    op.create_index("conversations_updated", "conversations", _tie("updated_at"))
    # which blobs a conversation's history points at, so purge never removes them
    op.create_table(
        "conversation_blobs",
        sa.Column("conversation_id", TEXT, nullable=False),
        sa.Column("sha256", TEXT, nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", "sha256"),
    )
    op.create_index("conversation_blobs_sha", "conversation_blobs", ["sha256"])


def downgrade() -> None:
    for table in ("conversation_blobs", "conversations", "blobs", "items"):
        op.drop_table(table)
