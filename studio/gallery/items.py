"""Gallery item rows in SQLite: the ItemRecords of studio/gallery/interfaces.py."""

from __future__ import annotations

from typing import Any

from studio.gallery.dates import now_iso
from studio.gallery.filters import GalleryFilter
from studio.gallery.records import ITEM_FIELDS, GalleryItem
from studio.gallery.schema import (
    INSERT_ITEM,
    ITEM_COLUMNS,
    SELECT_ITEMS,
    column_value,
    item_from_row,
    item_to_row,
)
from studio.gallery.search import ORDERS, filtered_items
from studio.gallery.sqlite_pool import SQLitePool

_INSERT_NEW_ITEM = INSERT_ITEM.replace("INSERT", "INSERT OR IGNORE", 1)
# Only id is fixed at insert; every other column may be set by update() (names are
# formatted into SQL, so they come from this set and never from the caller's text).
_UPDATABLE = frozenset(ITEM_FIELDS) - {"id"}

# Walks the (col, created_at) index from one distinct value to the next instead of
# scanning every row: a handful of lookups however large the gallery grows.
_DISTINCT_LIVE = """
    WITH RECURSIVE d(v) AS (
        SELECT MIN({col}) FROM items
        UNION ALL SELECT (SELECT MIN({col}) FROM items WHERE {col} > d.v) FROM d WHERE d.v IS NOT NULL
    )
    SELECT v FROM d WHERE v IS NOT NULL
      AND EXISTS (SELECT 1 FROM items WHERE {col} = d.v AND deleted_at IS NULL)
"""


class SQLiteItems:
    """Rows of the `items` table (text search: studio/gallery/search.py)."""

    def __init__(self, sql: SQLitePool) -> None:
        self._sql = sql

    def add(self, item: GalleryItem) -> None:
        with self._sql.write() as conn:
            conn.execute(INSERT_ITEM, item_to_row(item))

    def add_existing(self, items: list[GalleryItem]) -> list[str]:
        added: list[str] = []
        with self._sql.write() as conn:
            for item in items:
                if conn.execute(_INSERT_NEW_ITEM, item_to_row(item)).rowcount:
                    added.append(item.id)
        return added

    def get(self, item_id: str) -> GalleryItem | None:
        with self._sql.db() as conn:
            row = conn.execute(f"{SELECT_ITEMS} WHERE id = ?", (item_id,)).fetchone()
        return item_from_row(row) if row else None

    def query(self, flt: GalleryFilter | None = None, offset: int = 0, limit: int = 48,
              order: str = "newest") -> list[GalleryItem]:
        with self._sql.db() as conn:
            source, args = filtered_items(conn, flt)
            sql = f"SELECT {ITEM_COLUMNS}{source} ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?"
            rows = conn.execute(sql, [*args, limit, offset]).fetchall()
        return [item_from_row(r) for r in rows]

    def count(self, flt: GalleryFilter | None = None) -> int:
        with self._sql.db() as conn:
            source, args = filtered_items(conn, flt)
            return conn.execute(f"SELECT COUNT(*){source}", args).fetchone()[0]

    def facets(self) -> dict[str, list[str]]:
        """Distinct pages, models and tags of live items, for the filter widgets."""
        with self._sql.db() as conn:
            pages = [r[0] for r in conn.execute(_DISTINCT_LIVE.format(col="page"))]
            models = [r[0] for r in conn.execute(_DISTINCT_LIVE.format(col="model"))]
            tags = [r[0] for r in conn.execute(
                "SELECT DISTINCT j.value FROM items, json_each(items.tags) j "
                "WHERE items.deleted_at IS NULL AND items.tags != '[]' ORDER BY j.value")]
        return {"pages": pages, "models": [m for m in models if m], "tags": tags}

    def _change(self, sql: str, args: tuple[Any, ...]) -> bool:
        with self._sql.write() as conn:
            return conn.execute(sql, args).rowcount > 0

    def update(self, item_id: str, values: dict[str, Any]) -> bool:
        unknown = set(values) - _UPDATABLE
        if unknown:
            raise ValueError(f"not updatable item fields: {sorted(unknown)}")
        if not values:
            return False
        assignments = ", ".join(f"{name} = ?" for name in values)
        args = (*(column_value(k, v) for k, v in values.items()), item_id)
        return self._change(f"UPDATE items SET {assignments} WHERE id = ?", args)

    def delete(self, item_id: str) -> bool:
        """Soft delete: hidden from queries, restorable until purged."""
        return self._change("UPDATE items SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                            (now_iso(), item_id))

    def restore(self, item_id: str) -> bool:
        return self._change("UPDATE items SET deleted_at = NULL WHERE id = ?", (item_id,))

    def purge(self, deleted_before: str) -> list[str]:
        with self._sql.write() as conn:
            rows = conn.execute(
                "SELECT id, sha256 FROM items WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                (deleted_before,),
            ).fetchall()
            conn.executemany("DELETE FROM items WHERE id = ?", [(r[0],) for r in rows])
        return [r[1] for r in rows]

    def lineage(self, item_id: str) -> tuple[list[GalleryItem], list[GalleryItem]]:
        """(ancestors oldest-first, direct live children) of an edited image."""
        ancestors: list[GalleryItem] = []
        seen = {item_id}
        item = self.get(item_id)
        while item is not None and item.parent_id and item.parent_id not in seen:
            seen.add(item.parent_id)
            item = self.get(item.parent_id)
            if item is not None:
                ancestors.append(item)
        with self._sql.db() as conn:
            rows = conn.execute(
                f"{SELECT_ITEMS} WHERE parent_id = ? AND deleted_at IS NULL "
                "ORDER BY created_at, rowid", (item_id,),
            ).fetchall()
        return ancestors[::-1], [item_from_row(r) for r in rows]

    def uses_blob(self, sha256: str) -> bool:
        with self._sql.db() as conn:
            return conn.execute("SELECT 1 FROM items WHERE sha256 = ? LIMIT 1",
                                (sha256,)).fetchone() is not None
