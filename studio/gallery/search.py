"""GalleryFilter -> SQL for SQLite and PostgreSQL. Every value is a bound parameter (named,
for SQLAlchemy's text()); only fixed text is formatted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from studio.gallery.dates import to_iso
from studio.gallery.filters import GalleryFilter

# rowid breaks ties between equal timestamps (PostgreSQL: an identity column of that name).
# On SQLite it rides along in every index, so these orders are served from the
# (.., created_at) indexes; NULLS LAST is SQLite's default order, spelled out for PostgreSQL.
ORDERS = {
    "newest": "created_at DESC, rowid DESC",
    "oldest": "created_at ASC, rowid ASC",
    "cost": "cost_usd DESC NULLS LAST, created_at DESC, rowid DESC",
}


def escape_like(text: str) -> str:
    """User text is a literal substring, not a pattern: % and _ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Text search on SQLite. The trigram index (items_fts) finds runs of 3+ characters; a shorter
# term is matched with LIKE alone. When the index says the term is rare (fewer than
# FTS_DRIVE_MAX rows), the query fetches just those rows by rowid and sorts them: the cost
# follows the matches, not the gallery (a rare term at 100,000 items: ~1 ms, against ~90 ms
# of LIKE scan). A common term ("the") is left to the ordered index walk with LIKE, which
# fills a page after a few rows (~1 ms); fetching 100,000 matches by rowid takes ~0.7 s.
# PostgreSQL's planner makes the same choice itself from its statistics and pg_trgm's indexes.
FTS_MIN_CHARS = 3
FTS_DRIVE_MAX = 500
_FTS_ROWIDS = "SELECT rowid FROM items_fts WHERE items_fts MATCH :fts"


def fts_phrase(text: str) -> str:
    """User text as one FTS5 string literal: quotes, *, OR, -, ( are searched, never parsed."""
    return '"' + text.replace('"', '""') + '"'


def _indexable(text: str | None) -> bool:
    # FTS5 reads its query as a C string: a NUL would end the literal early (syntax error)
    return bool(text) and len(text) >= FTS_MIN_CHARS and "\x00" not in text


def use_text_index(conn: Connection, f: GalleryFilter | None) -> bool:
    """True when f's text is rare enough to drive a SQLite query from the trigram index."""
    if f is None or not _indexable(f.text) or conn.dialect.name != "sqlite":
        return False
    found = conn.exec_driver_sql(
        "SELECT COUNT(*) FROM (SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT ?)",
        (fts_phrase(f.text or ""), FTS_DRIVE_MAX)).scalar_one()
    return found < FTS_DRIVE_MAX


def filtered_items(conn: Connection, f: GalleryFilter | None) -> tuple[str, dict[str, Any]]:
    """' FROM items ... WHERE ...' for f, with the text search planned on conn.

    Driven by the index, `items NOT INDEXED` keeps SQLite from walking a (page, created_at)
    index for its order and testing each row against the match list instead: without
    statistics it cannot know the list is short. Rowid lookups stay allowed.
    """
    by_index = use_text_index(conn, f)
    where, args = where_clause(f, text_index=by_index, dialect=conn.dialect.name)
    return (" FROM items NOT INDEXED" if by_index else " FROM items") + where, args


def text_terms(text: str, text_index: bool, dialect: str = "sqlite") -> tuple[list[str], dict[str, Any]]:
    """Case-insensitive substring of prompt or text, with SQLite LIKE's meaning exactly:
    ASCII letters fold ("cafe" finds "CAFE"), nothing else does ("café" does not find "CAFÉ").

    SQLite, with text_index: the trigram index picks the candidate rows and LIKE re-checks
    just those (the index folds case across Unicode, so every LIKE match is a candidate but
    not the other way round). PostgreSQL: ILIKE over prompt || ' ' || text, which pg_trgm's
    index serves (candidates: a match in either column is one in the joined text), then ILIKE
    on each column decides; the columns' "C" collation (migrations/versions/v1_*) folds ASCII
    letters only, as SQLite's LIKE does, whatever locale the server was made with.
    """
    pattern = f"%{escape_like(text)}%"
    if dialect != "sqlite":
        if "\x00" in text:  # PostgreSQL text cannot hold NUL: no item contains one
            return ["1 = 0"], {}
        each = ["(prompt ILIKE :pattern ESCAPE '\\' OR text ILIKE :pattern ESCAPE '\\')"]
        if len(text) < FTS_MIN_CHARS:  # no trigram to look up: the index cannot help
            return each, {"pattern": pattern}
        return ["(prompt || ' ' || text) ILIKE :pattern ESCAPE '\\'", *each], {"pattern": pattern}
    like = "(prompt LIKE :pattern ESCAPE '\\' OR text LIKE :pattern ESCAPE '\\')"
    if not (text_index and _indexable(text)):
        return [like], {"pattern": pattern}
    return [f"rowid IN ({_FTS_ROWIDS})", like], {"fts": fts_phrase(text), "pattern": pattern}


def _has_tag(dialect: str, name: str) -> str:
    if dialect == "sqlite":
        return f"EXISTS (SELECT 1 FROM json_each(items.tags) WHERE json_each.value = :{name})"
    return (f"EXISTS (SELECT 1 FROM json_array_elements_text(CAST(items.tags AS json)) AS tag "
            f"WHERE tag = :{name})")


def where_clause(f: GalleryFilter | None, *, text_index: bool = False,
                 dialect: str = "sqlite") -> tuple[str, dict[str, Any]]:
    """' WHERE ...' for f; text_index adds SQLite's trigram-index term (see filtered_items)."""
    f = f or GalleryFilter()
    terms: list[str] = []
    args: dict[str, Any] = {}
    if f.only_deleted:
        terms.append("deleted_at IS NOT NULL")
    elif not f.include_deleted:
        terms.append("deleted_at IS NULL")
    for column, value in (("page", f.page), ("model", f.model),
                          ("conversation_id", f.conversation_id)):
        if value is not None:
            terms.append(f"{column} = :{column}")
            args[column] = value
    if f.favourite is not None:
        terms.append("favourite = :favourite")
        args["favourite"] = int(f.favourite)
    if f.made_by is not None:
        terms.append("made_by = :made_by")
        args["made_by"] = f.made_by
    if f.text:
        text_sql, text_args = text_terms(f.text, text_index, dialect)
        terms += text_sql
        args.update(text_args)
    if f.since is not None:
        terms.append("created_at >= :since")
        args["since"] = to_iso(f.since)
    if f.until is not None:
        # a bare date includes that whole day; a datetime is an inclusive bound
        bare_date = isinstance(f.until, str) and "T" not in f.until and " " not in f.until
        bare_date = bare_date or not hasattr(f.until, "hour")
        terms.append("created_at < :until" if bare_date else "created_at <= :until")
        args["until"] = to_iso(f.until, end_of_day=bare_date)
    for n, tag in enumerate(f.tags or []):
        terms.append(_has_tag(dialect, f"tag{n}"))
        args[f"tag{n}"] = tag
    if f.ids is not None:
        ids = list(f.ids)
        if not ids:
            terms.append("1 = 0")
        else:
            terms.append(f"id IN ({', '.join(f':id{n}' for n in range(len(ids)))})")
            args.update({f"id{n}": item_id for n, item_id in enumerate(ids)})
    return (" WHERE " + " AND ".join(terms)) if terms else "", args
