"""The user's saved prompts as rows of `saved_prompts` (schema v4): one row per prompt.

A row per prompt (not one document for the library) is what lets two app servers save
prompts at the same moment and keep both. Names are unique whatever their case
(`name_key`); saving under a name that exists replaces that prompt and keeps its id. What
a prompt means (pages, fields, variables) is studio/making/prompt_library.py's business.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from studio.gallery.database import Database
from studio.gallery.dates import now_iso

_COLUMNS = "id, name, page, text, fields, example_values, created_at, updated_at"
_SELECT = f"SELECT {_COLUMNS} FROM saved_prompts"
_INSERT = text(f"INSERT INTO saved_prompts ({_COLUMNS}, name_key) VALUES (:id, :name, :page, "
               ":text, :fields, :example_values, :created_at, :updated_at, :name_key)")
_REPLACE = text("UPDATE saved_prompts SET name = :name, name_key = :name_key, page = :page, "
                "text = :text, fields = :fields, example_values = :example_values, "
                "updated_at = :updated_at WHERE id = :id")


def name_key(name: str) -> str:
    return name.strip().casefold()


def _record(row: Any) -> dict[str, Any]:
    """A row as the library's JSON form (SavedPrompt.from_json reads it)."""
    pid, name, page, body, fields, values, created_at, updated_at = row
    return {"id": pid, "name": name, "page": page, "text": body, "fields": json.loads(fields),
            "values": json.loads(values), "created_at": created_at, "saved_at": updated_at}


def _params(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "name": record["name"], "name_key": name_key(record["name"]),
            "page": record["page"], "text": record["text"],
            "fields": json.dumps(record.get("fields") or {}, ensure_ascii=False),
            "example_values": json.dumps(record.get("values") or {}, ensure_ascii=False),
            "created_at": record.get("created_at") or record.get("saved_at") or now_iso(),
            "updated_at": record.get("saved_at") or now_iso()}


class PromptLimitReached(Exception):
    """The library already holds as many prompts as it may."""


class SQLPrompts:
    """Rows of `saved_prompts`."""

    def __init__(self, sql: Database) -> None:
        self._sql = sql

    def list(self) -> list[dict[str, Any]]:
        """Every saved prompt, most recently saved first."""
        with self._sql.db() as conn:
            return [_record(r) for r in conn.execute(text(f"{_SELECT} ORDER BY updated_at DESC, id"))]

    def get(self, prompt_id: str) -> dict[str, Any] | None:
        with self._sql.db() as conn:
            row = conn.execute(text(f"{_SELECT} WHERE id = :id"), {"id": prompt_id}).first()
        return _record(row) if row is not None else None

    def count(self) -> int:
        with self._sql.db() as conn:
            return self._count(conn)

    def save(self, record: dict[str, Any], limit: int) -> dict[str, Any]:
        """Save under record["name"]: a prompt of that name (any case) is replaced and keeps
        its id and created_at. Raises PromptLimitReached for a new name in a full library."""
        stamp = now_iso()
        with self._sql.write() as conn:
            same = conn.execute(text("SELECT id, created_at FROM saved_prompts "
                                     "WHERE name_key = :key"),
                                {"key": name_key(record["name"])}).first()
            if same is None:
                if self._count(conn) >= limit:
                    raise PromptLimitReached
                record = {**record, "created_at": stamp, "saved_at": stamp}
                conn.execute(_INSERT, _params(record))
            else:
                record = {**record, "id": same[0], "created_at": same[1], "saved_at": stamp}
                conn.execute(_REPLACE, _params(record))
        return record

    def delete(self, prompt_id: str) -> bool:
        with self._sql.write() as conn:
            return conn.execute(text("DELETE FROM saved_prompts WHERE id = :id"),
                                {"id": prompt_id}).rowcount > 0

    def add_existing(self, records: list[dict[str, Any]]) -> list[str]:
        """Import: prompts keep their ids and dates; an id already there is skipped, and a
        name another prompt has is given a number ("Poster (2)"), so neither is lost.
        Returns the ids added."""
        added: list[str] = []
        with self._sql.write() as conn:
            for record in records:
                if conn.execute(text("SELECT 1 FROM saved_prompts WHERE id = :id"),
                                {"id": record["id"]}).first():
                    continue
                conn.execute(_INSERT, _params({**record, "name": _free_name(conn, record["name"])}))
                added.append(record["id"])
        return added

    @staticmethod
    def _count(conn: Connection) -> int:
        return int(conn.execute(text("SELECT count(*) FROM saved_prompts")).scalar() or 0)


def _free_name(conn: Connection, name: str) -> str:
    taken = set(conn.execute(text("SELECT name_key FROM saved_prompts")).scalars())
    candidate, n = name, 1
    while name_key(candidate) in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate
