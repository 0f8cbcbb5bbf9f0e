"""The Prompt Lab's experiments as rows of the `experiments` table (schema v4).

A row holds the whole record (matrix, results, ratings) as JSON and is replaced by one
upsert: two app servers saving the same experiment leave the last save, never a mix of
both. The batch jobs of an experiment have a column of their own, so following a job does
not overwrite a rating saved meanwhile, nor the other way round. What the record means is
studio/lab/saved.py's business; here it is JSON with an id and a name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from studio.gallery.database import Database
from studio.gallery.dates import now_iso

_SAVE = text("""INSERT INTO experiments (id, name, record, updated_at)
    VALUES (:id, :name, :record, :updated_at)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, record = excluded.record,
      updated_at = excluded.updated_at""")
# Import and migration: a row already there stays unless the incoming one is newer.
_ADOPT = text("""INSERT INTO experiments (id, name, record, updated_at, jobs)
    VALUES (:id, :name, :record, :updated_at, :jobs)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, record = excluded.record,
      updated_at = excluded.updated_at, jobs = excluded.jobs
    WHERE excluded.updated_at > experiments.updated_at""")


@dataclass(frozen=True)
class ExperimentRow:
    id: str
    name: str
    record: dict[str, Any]
    updated_at: str
    jobs: str = "[]"  # JSON, as studio/lab/batch.py writes it


class SQLExperiments:
    """Rows of `experiments`."""

    def __init__(self, sql: Database) -> None:
        self._sql = sql

    def save(self, experiment_id: str, name: str, record: dict[str, Any]) -> str:
        """Insert or replace the record; returns the updated_at it was stamped with."""
        stamp = now_iso()
        body = json.dumps({**record, "updated_at": stamp}, ensure_ascii=False)
        with self._sql.write() as conn:
            conn.execute(_SAVE, {"id": experiment_id, "name": name, "record": body,
                                 "updated_at": stamp})
        return stamp

    def load(self, experiment_id: str) -> dict[str, Any] | None:
        with self._sql.db() as conn:
            body = conn.execute(text("SELECT record FROM experiments WHERE id = :id"),
                                {"id": experiment_id}).scalar()
        return json.loads(body) if body is not None else None

    def rows(self) -> Iterator[ExperimentRow]:
        """Every experiment, newest first (a record that is not JSON is skipped)."""
        with self._sql.db() as conn:
            found = conn.execute(text("SELECT id, name, record, updated_at, jobs FROM "
                                      "experiments ORDER BY updated_at DESC, id")).all()
        for eid, name, body, updated_at, jobs in found:
            try:
                record = json.loads(body)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield ExperimentRow(eid, name, record, updated_at, jobs)

    def ids(self) -> set[str]:
        with self._sql.db() as conn:
            return set(conn.execute(text("SELECT id FROM experiments")).scalars())

    def jobs(self, experiment_id: str) -> str | None:
        """The jobs JSON of an experiment (None when there is no such experiment)."""
        with self._sql.db() as conn:
            return conn.execute(text("SELECT jobs FROM experiments WHERE id = :id"),
                                {"id": experiment_id}).scalar()

    def set_jobs(self, experiment_id: str, jobs: str) -> bool:
        """Replace the jobs JSON of a saved experiment; False when it is not saved."""
        with self._sql.write() as conn:
            return conn.execute(text("UPDATE experiments SET jobs = :jobs WHERE id = :id"),
                                {"id": experiment_id, "jobs": jobs}).rowcount > 0

    def add_existing(self, rows: list[ExperimentRow]) -> list[str]:
        """Import: rows with their own ids and dates; one already there is replaced only by
        a newer one. Returns the ids added or replaced."""
        changed: list[str] = []
        with self._sql.write() as conn:
            for row in rows:
                body = json.dumps(row.record, ensure_ascii=False)
                if conn.execute(_ADOPT, {"id": row.id, "name": row.name, "record": body,
                                         "updated_at": row.updated_at,
                                         "jobs": row.jobs}).rowcount:
                    changed.append(row.id)
        return changed
