"""GalleryFilter -> SQL. Every value is a bound parameter; only fixed text is formatted."""

from __future__ import annotations

import sqlite3
from typing import Any

from studio.gallery.dates import to_iso
from studio.gallery.filters import GalleryFilter

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


# Text search. The trigram index (items_fts) finds runs of 3+ characters; a shorter term is
# matched with LIKE alone. When the index says the term is rare (fewer than FTS_DRIVE_MAX
# rows), the query fetches just those rows by rowid and sorts them: the cost follows the
# matches, not the gallery (a rare term at 100,000 items: ~1 ms, against ~90 ms of LIKE
# scan). A common term ("the") is left to the ordered index walk with LIKE, which fills a
# page after a few rows (~1 ms); fetching 100,000 matches by rowid to sort them takes ~0.7 s.
FTS_MIN_CHARS = 3
FTS_DRIVE_MAX = 500
_FTS_ROWIDS = "SELECT rowid FROM items_fts WHERE items_fts MATCH ?"
_FTS_PROBE = f"SELECT COUNT(*) FROM ({_FTS_ROWIDS} LIMIT ?)"


def fts_phrase(text: str) -> str:
    """User text as one FTS5 string literal: quotes, *, OR, -, ( are searched, never parsed."""
    return '"' + text.replace('"', '""') + '"'


def _indexable(text: str | None) -> bool:
    # FTS5 reads its query as a C string: a NUL would end the literal early (syntax error)
    return bool(text) and len(text) >= FTS_MIN_CHARS and "\x00" not in text


def use_text_index(conn: sqlite3.Connection, f: GalleryFilter | None) -> bool:
    """True when f's text is rare enough to drive the query from the trigram index."""
    if f is None or not _indexable(f.text):
        return False
    found = conn.execute(_FTS_PROBE, (fts_phrase(f.text), FTS_DRIVE_MAX)).fetchone()[0]
    return found < FTS_DRIVE_MAX


def filtered_items(conn: sqlite3.Connection, f: GalleryFilter | None) -> tuple[str, list[Any]]:
    """' FROM items ... WHERE ...' for f, with the text search planned on conn.

    Driven by the index, `items NOT INDEXED` keeps SQLite from walking a (page, created_at)
    index for its order and testing each row against the match list instead: without
    statistics it cannot know the list is short. Rowid lookups stay allowed.
    """
    by_index = use_text_index(conn, f)
    where, args = where_clause(f, text_index=by_index)
    return (" FROM items NOT INDEXED" if by_index else " FROM items") + where, args


def text_terms(text: str, text_index: bool) -> tuple[list[str], list[Any]]:
    """Case-insensitive substring of prompt or text, with LIKE's meaning exactly.

    With text_index the trigram index picks the candidate rows and LIKE re-checks just
    those. The re-check keeps the result identical to the LIKE-only filter: the trigram
    index folds case across Unicode ("café" finds "CAFÉ") while LIKE folds ASCII letters
    only ("café" does not find "CAFÉ"; "cafe" finds "CAFE"), so every LIKE match is a
    candidate but not the other way round.
    """
    pattern = f"%{escape_like(text)}%"
    like = "(prompt LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\')"
    if not (text_index and _indexable(text)):
        return [like], [pattern, pattern]
    return [f"rowid IN ({_FTS_ROWIDS})", like], [fts_phrase(text), pattern, pattern]


def where_clause(f: GalleryFilter | None, *, text_index: bool = False) -> tuple[str, list[Any]]:
    """' WHERE ...' for f; text_index adds the trigram-index term (see filtered_items)."""
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
    if f.made_by is not None:
        terms.append("made_by = ?")
        args.append(f.made_by)
    if f.text:
        text_sql, text_args = text_terms(f.text, text_index)
        terms += text_sql
        args += text_args
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
