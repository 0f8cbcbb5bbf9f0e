"""v5 (PostgreSQL; nothing changes on SQLite): the gallery's default view from an index.

"WHERE deleted_at IS NULL ORDER BY created_at DESC, rowid DESC" is every gallery page with
no filter. SQLite walks items_live_created for it (IS NULL counts as an equality there);
PostgreSQL's planner only skips a leading index column for "=", so it read and sorted every
row (8 ms at 10,000 items, growing with the gallery). A partial index over live rows in the
page's order serves it, and the filters no index covers (tags, a common search term) by
walking it newest-first until a page is full. items_made_by gains rowid, the tie-breaker
the other (.., created_at) indexes carry on PostgreSQL, so "mine" needs no sort either.

The pager's count of live items (and of one page's) read every row as well (1.5-2.5 ms at
10,000 items): a narrow partial index on page answers both from the index alone (0.1-0.4
ms) once vacuum has marked the table's pages all-visible, as autovacuum does after inserts.
"""

from alembic import op

revision = "v5"
down_revision = "v4"
SQLITE_UNCHANGED = True  # a read-only SQLite gallery at v4 still opens (schema_versions.py)


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        return
    op.create_index("items_live_order", "items", ["created_at", "rowid"],
                    postgresql_where="deleted_at IS NULL")
    op.create_index("items_live_page", "items", ["page"], postgresql_where="deleted_at IS NULL")
    op.drop_index("items_made_by", "items")
    op.create_index("items_made_by", "items", ["made_by", "created_at", "rowid"])


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        return
    op.drop_index("items_made_by", "items")
    op.create_index("items_made_by", "items", ["made_by", "created_at"])
    op.drop_index("items_live_page", "items")
    op.drop_index("items_live_order", "items")
