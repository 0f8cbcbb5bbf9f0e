"""Stored conversations in SQL (SQLite or PostgreSQL): the ConversationStore of
studio/gallery/interfaces.py.

A record is the JSON form made by studio/gallery/conversations.py (history holding blob
references); `conversation_blobs` lists those references so a purge never removes them.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from studio.gallery.conversations import ConversationSummary, blob_refs, count_turns
from studio.gallery.database import Database
from studio.gallery.scrub import sanitize_settings

_FIELDS = ("id", "page", "title", "created_at", "updated_at", "model", "settings", "history",
           "transcript", "turns")
_COLUMNS = ", ".join(_FIELDS)
_UPSERT = text(f"""INSERT INTO conversations ({_COLUMNS})
    VALUES ({', '.join(':' + f for f in _FIELDS)})
    ON CONFLICT (id) DO UPDATE SET page=excluded.page, title=excluded.title,
      updated_at=excluded.updated_at, model=excluded.model, settings=excluded.settings,
      history=excluded.history, transcript=excluded.transcript, turns=excluded.turns""")
_FORGET_BLOBS = text("DELETE FROM conversation_blobs WHERE conversation_id = :id")
_ADD_BLOB = text("INSERT INTO conversation_blobs (conversation_id, sha256) VALUES (:id, :sha)")


class SQLConversations:
    """Rows of `conversations` and `conversation_blobs`."""

    def __init__(self, sql: Database) -> None:
        self._sql = sql

    def save(self, record: dict[str, Any]) -> None:
        history = record["history"]
        transcript = record.get("transcript") or []
        with self._sql.write() as conn:
            conn.execute(_UPSERT, {
                "id": record["id"], "page": record["page"], "title": record.get("title") or "",
                "created_at": record["created_at"], "updated_at": record["updated_at"],
                "model": record.get("model") or "",
                "settings": json.dumps(sanitize_settings(record.get("settings") or {}),
                                       ensure_ascii=False),
                "history": json.dumps(history, ensure_ascii=False),
                "transcript": json.dumps(sanitize_settings(transcript), ensure_ascii=False),
                "turns": count_turns(history, transcript),
            })
            conn.execute(_FORGET_BLOBS, {"id": record["id"]})
            shas = sorted(blob_refs(history))
            if shas:
                conn.execute(_ADD_BLOB, [{"id": record["id"], "sha": sha} for sha in shas])

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
            return conn.execute(text("SELECT created_at FROM conversations WHERE id = :id"),
                                {"id": conversation_id}).scalar()

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        """The stored row as plain JSON data (history still holding blob references)."""
        with self._sql.db() as conn:
            row = conn.execute(text(f"SELECT {_COLUMNS} FROM conversations WHERE id = :id"),
                               {"id": conversation_id}).first()
        if row is None:
            return None
        rec = dict(zip(_FIELDS, row, strict=True))
        for key in ("settings", "history", "transcript"):
            rec[key] = json.loads(rec[key])
        return rec

    def list(self, page: str | None, limit: int) -> list[ConversationSummary]:
        sql = "SELECT id, page, title, model, created_at, updated_at, turns FROM conversations"
        args: dict[str, Any] = {"limit": limit}
        if page is not None:
            sql += " WHERE page = :page"
            args["page"] = page
        sql += " ORDER BY updated_at DESC, rowid DESC LIMIT :limit"
        with self._sql.db() as conn:
            return [ConversationSummary(*row) for row in conn.execute(text(sql), args)]

    def titles(self, ids: list[str]) -> dict[str, str]:
        """id -> title for the given conversations (missing ids are left out)."""
        out: dict[str, str] = {}
        with self._sql.db() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(f":id{n}" for n in range(len(chunk)))
                out.update(conn.execute(
                    text(f"SELECT id, title FROM conversations WHERE id IN ({marks})"),
                    {f"id{n}": value for n, value in enumerate(chunk)}).tuples().all())
        return out

    def delete(self, conversation_id: str) -> set[str] | None:
        with self._sql.write() as conn:
            shas = set(conn.execute(text(
                "SELECT sha256 FROM conversation_blobs WHERE conversation_id = :id"),
                {"id": conversation_id}).scalars())
            conn.execute(_FORGET_BLOBS, {"id": conversation_id})
            gone = conn.execute(text("DELETE FROM conversations WHERE id = :id"),
                                {"id": conversation_id}).rowcount
        return shas if gone else None

    def uses_blob(self, sha256: str) -> bool:
        with self._sql.db() as conn:
            return conn.execute(text(
                "SELECT 1 FROM conversation_blobs WHERE sha256 = :sha LIMIT 1"),
                {"sha": sha256}).first() is not None
