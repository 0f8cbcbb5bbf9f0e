"""GalleryFilter -> SQL. Every value is a bound parameter; only fixed text is formatted."""

from __future__ import annotations

from typing import Any

from studio.gallery_schema import ITEM_FIELDS, GalleryFilter, to_iso

SELECT_ITEMS = f"SELECT {', '.join(ITEM_FIELDS)} FROM items"

# rowid breaks ties between equal timestamps and rides along in every index, so
# "ORDER BY created_at, rowid" is served straight from (.., created_at) indexes.
ORDERS = {
    "newest": "created_at DESC, rowid DESC",
    "oldest": "created_at ASC, rowid ASC",
    "cost": "cost_usd DESC, created_at DESC, rowid DESC",
}


def escape_like(text: str) -> str:
    """User text is a literal substring, not a pattern: % and _ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clause(f: GalleryFilter | None) -> tuple[str, list[Any]]:
    f = f or GalleryFilter()
    terms: list[str] = []
    args: list[Any] = []
    if f.only_deleted:
        terms.append("deleted_at IS NOT NULL")
    elif not f.include_deleted:
        terms.append("deleted_at IS NULL")
    if f.page is not None:
        terms.append("page = ?")
        args.append(f.page)
    if f.model is not None:
        terms.append("model = ?")
        args.append(f.model)
    if f.favourite is not None:
        terms.append("favourite = ?")
        args.append(int(f.favourite))
    if f.conversation_id is not None:
        terms.append("conversation_id = ?")
        args.append(f.conversation_id)
    if f.text:
        pattern = f"%{escape_like(f.text)}%"
        terms.append("(prompt LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\')")
        args += [pattern, pattern]
    if f.since is not None:
        terms.append("created_at >= ?")
        args.append(to_iso(f.since))
    if f.until is not None:
        # a bare date includes that whole day; a datetime is an inclusive bound
        bare_date = isinstance(f.until, str) and "T" not in f.until and " " not in f.until
        bare_date = bare_date or not hasattr(f.until, "hour")
        terms.append("created_at < ?" if bare_date else "created_at <= ?")
        args.append(to_iso(f.until, end_of_day=bare_date))
    for tag in f.tags or []:
        terms.append("EXISTS (SELECT 1 FROM json_each(items.tags) WHERE json_each.value = ?)")
        args.append(tag)
    if f.ids is not None:
        ids = list(f.ids)
        if not ids:
            terms.append("0")
        else:
            terms.append(f"id IN ({', '.join('?' * len(ids))})")
            args += ids
    return (" WHERE " + " AND ".join(terms)) if terms else "", args
