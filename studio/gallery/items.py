"""Gallery item rows in SQL (SQLite or PostgreSQL): the ItemRecords of
studio/gallery/interfaces.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from studio.gallery.database import Database
from studio.gallery.dates import now_iso
from studio.gallery.filters import GalleryFilter
from studio.gallery.records import ITEM_FIELDS, GalleryItem
from studio.gallery.schema import (
    INSERT_ITEM,
    ITEM_COLUMNS,
    SELECT_ITEMS,
    column_value,
    item_from_row,
    item_params,
)
from studio.gallery.search import ORDERS, filtered_items

_INSERT = text(INSERT_ITEM)
_INSERT_NEW = text(f"{INSERT_ITEM} ON CONFLICT (id) DO NOTHING")
_GET = text(f"{SELECT_ITEMS} WHERE id = :id")
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
_TAGS = {
    "sqlite": "SELECT DISTINCT j.value FROM items, json_each(items.tags) j "
              "WHERE items.deleted_at IS NULL AND items.tags != '[]' ORDER BY j.value",
    "postgresql": "SELECT DISTINCT tag FROM items, "
                  "json_array_elements_text(CAST(items.tags AS json)) AS tag "
                  "WHERE items.deleted_at IS NULL AND items.tags != '[]' ORDER BY tag",
}


class SQLItems:
    """Rows of the `items` table (text search: studio/gallery/search.py)."""

    def __init__(self, sql: Database) -> None:
        self._sql = sql

    def add(self, item: GalleryItem) -> None:
        with self._sql.write() as conn:
            conn.execute(_INSERT, item_params(item))

    def add_existing(self, items: list[GalleryItem]) -> list[str]:
        added: list[str] = []
        with self._sql.write() as conn:
            for item in items:
                if conn.execute(_INSERT_NEW, item_params(item)).rowcount:
                    added.append(item.id)
        return added

    def get(self, item_id: str) -> GalleryItem | None:
        with self._sql.db() as conn:
            row = conn.execute(_GET, {"id": item_id}).first()
        return item_from_row(row) if row else None

    def query(self, flt: GalleryFilter | None = None, offset: int = 0, limit: int = 48,
              order: str = "newest") -> list[GalleryItem]:
        with self._sql.db() as conn:
            source, args = filtered_items(conn, flt)
            sql = f"SELECT {ITEM_COLUMNS}{source} ORDER BY {ORDERS[order]} LIMIT :limit OFFSET :offset"
            rows = conn.execute(text(sql), {**args, "limit": limit, "offset": offset}).all()
        return [item_from_row(r) for r in rows]

    def count(self, flt: GalleryFilter | None = None) -> int:
        with self._sql.db() as conn:
            source, args = filtered_items(conn, flt)
            return int(conn.execute(text(f"SELECT COUNT(*){source}"), args).scalar_one())

    def facets(self) -> dict[str, list[str]]:
        """Distinct pages, models and tags of live items, for the filter widgets."""
        with self._sql.db() as conn:
            pages = list(conn.execute(text(_DISTINCT_LIVE.format(col="page"))).scalars())
            models = list(conn.execute(text(_DISTINCT_LIVE.format(col="model"))).scalars())
            tags = list(conn.execute(text(_TAGS[self._sql.dialect])).scalars())
        return {"pages": pages, "models": [m for m in models if m], "tags": tags}

    def _change(self, sql: str, args: dict[str, Any]) -> bool:
        with self._sql.write() as conn:
            return conn.execute(text(sql), args).rowcount > 0

    def update(self, item_id: str, values: dict[str, Any]) -> bool:
        unknown = set(values) - _UPDATABLE
        if unknown:
            raise ValueError(f"not updatable item fields: {sorted(unknown)}")
        if not values:
            return False
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        args = {**{k: column_value(k, v) for k, v in values.items()}, "item_id": item_id}
        return self._change(f"UPDATE items SET {assignments} WHERE id = :item_id", args)

    def delete(self, item_id: str) -> bool:
        """Soft delete: hidden from queries, restorable until purged."""
        return self._change("UPDATE items SET deleted_at = :now WHERE id = :id "
                            "AND deleted_at IS NULL", {"now": now_iso(), "id": item_id})

    def restore(self, item_id: str) -> bool:
        return self._change("UPDATE items SET deleted_at = NULL WHERE id = :id", {"id": item_id})

    def purge(self, deleted_before: str) -> list[str]:
        with self._sql.write() as conn:
            rows = conn.execute(text(
                "SELECT id, sha256 FROM items WHERE deleted_at IS NOT NULL "
                "AND deleted_at <= :before"), {"before": deleted_before}).all()
            if rows:
                conn.execute(text("DELETE FROM items WHERE id = :id"), [{"id": r[0]} for r in rows])
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
            rows = conn.execute(text(
                f"{SELECT_ITEMS} WHERE parent_id = :id AND deleted_at IS NULL "
                "ORDER BY created_at, rowid"), {"id": item_id}).all()
        return ancestors[::-1], [item_from_row(r) for r in rows]

    def uses_blob(self, sha256: str) -> bool:
        with self._sql.db() as conn:
            return conn.execute(text("SELECT 1 FROM items WHERE sha256 = :sha LIMIT 1"),
                                {"sha": sha256}).first() is not None
