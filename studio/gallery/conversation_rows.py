"""Stored conversations in SQLite: the ConversationStore of studio/gallery/interfaces.py.

A record is the JSON form made by studio/gallery/conversations.py (history holding blob
references); `conversation_blobs` lists those references so a purge never removes them.
"""

from __future__ import annotations

import json
from typing import Any

from studio.gallery.conversations import ConversationSummary, blob_refs, count_turns
from studio.gallery.scrub import sanitize_settings
from studio.gallery.sqlite_pool import SQLitePool

_COLUMNS = "id, page, title, created_at, updated_at, model, settings, history, transcript, turns"
_UPSERT = f"""INSERT INTO conversations ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET page=excluded.page, title=excluded.title,
      updated_at=excluded.updated_at, model=excluded.model, settings=excluded.settings,
      history=excluded.history, transcript=excluded.transcript, turns=excluded.turns"""


class SQLiteConversations:
    """Rows of `conversations` and `conversation_blobs`."""

    def __init__(self, sql: SQLitePool) -> None:
        self._sql = sql

    def save(self, record: dict[str, Any]) -> None:
        history = record["history"]
        transcript = record.get("transcript") or []
        with self._sql.write() as conn:
            conn.execute(_UPSERT, (
                record["id"], record["page"], record.get("title") or "", record["created_at"],
                record["updated_at"], record.get("model") or "",
                json.dumps(sanitize_settings(record.get("settings") or {}), ensure_ascii=False),
                json.dumps(history, ensure_ascii=False),
                json.dumps(sanitize_settings(transcript), ensure_ascii=False),
                count_turns(history, transcript),
            ))
            conn.execute("DELETE FROM conversation_blobs WHERE conversation_id = ?",
                         (record["id"],))
            conn.executemany(
                "INSERT INTO conversation_blobs (conversation_id, sha256) VALUES (?, ?)",
                [(record["id"], sha) for sha in sorted(blob_refs(history))],
            )

    def add_new(self, records: list[dict[str, Any]]) -> list[str]:
        added: list[str] = []
        with self._sql.write():
            for record in records:
                if self.created_at(record["id"]) is None:
                    self.save(record)
                    added.append(record["id"])
        return added

    def created_at(self, conversation_id: str) -> str | None:
        with self._sql.db() as conn:
            row = conn.execute("SELECT created_at FROM conversations WHERE id = ?",
                               (conversation_id,)).fetchone()
        return row[0] if row else None

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        """The stored row as plain JSON data (history still holding blob references)."""
        with self._sql.db() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM conversations WHERE id = ?",
                               (conversation_id,)).fetchone()
        if row is None:
            return None
        rec = dict(zip(_COLUMNS.split(", "), row, strict=True))
        for key in ("settings", "history", "transcript"):
            rec[key] = json.loads(rec[key])
        return rec

    def list(self, page: str | None, limit: int) -> list[ConversationSummary]:
        sql = "SELECT id, page, title, model, created_at, updated_at, turns FROM conversations"
        args: list[Any] = []
        if page is not None:
            sql += " WHERE page = ?"
            args.append(page)
        sql += " ORDER BY updated_at DESC, rowid DESC LIMIT ?"
        args.append(limit)
        with self._sql.db() as conn:
            return [ConversationSummary(*row) for row in conn.execute(sql, args)]

    def titles(self, ids: list[str]) -> dict[str, str]:
        """id -> title for the given conversations (missing ids are left out)."""
        out: dict[str, str] = {}
        with self._sql.db() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                out.update(conn.execute(
                    f"SELECT id, title FROM conversations WHERE id IN ({', '.join('?' * len(chunk))})",
                    chunk).fetchall())
        return out

    def delete(self, conversation_id: str) -> set[str] | None:
        with self._sql.write() as conn:
            shas = {r[0] for r in conn.execute(
                "SELECT sha256 FROM conversation_blobs WHERE conversation_id = ?",
                (conversation_id,))}
            conn.execute("DELETE FROM conversation_blobs WHERE conversation_id = ?",
                         (conversation_id,))
            gone = conn.execute("DELETE FROM conversations WHERE id = ?",
                                (conversation_id,)).rowcount
        return shas if gone else None

    def uses_blob(self, sha256: str) -> bool:
        with self._sql.db() as conn:
            return conn.execute("SELECT 1 FROM conversation_blobs WHERE sha256 = ? LIMIT 1",
                                (sha256,)).fetchone() is not None
