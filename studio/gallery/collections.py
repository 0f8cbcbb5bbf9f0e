"""Collections: named, ordered sets of gallery items for an audience ("Kickoff with design").

Rows live in the schema-v3 tables `collections` and `collection_items`. An item may be in
any number of collections; its place in each is `position` (0, 1, 2, ... after every
change). A deleted item stays a member (restore brings it back in place) but is not
listed; a purged one leaves its collections (see `forget_purged`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, CursorResult, text

from studio.gallery.database import Database
from studio.gallery.dates import now_iso
from studio.gallery.records import ID_RE

NAME_MAX = 120
AUDIENCE_MAX = 200

_LIVE_MEMBERS = """
    SELECT ci.collection_id, ci.item_id FROM collection_items ci
    JOIN items ON items.id = ci.item_id AND items.deleted_at IS NULL
    {where} ORDER BY ci.collection_id, ci.position, ci.added_at
"""


class CollectionError(ValueError):
    """A request the user can fix (no name, unknown collection): the message says how."""


@dataclass(frozen=True)
class Collection:
    id: str
    name: str
    audience: str
    created_at: str
    updated_at: str
    item_ids: tuple[str, ...] = ()  # live members, in their order

    @property
    def label(self) -> str:
        """"Name · for Audience", what pickers show."""
        return f"{self.name} · for {self.audience}" if self.audience else self.name

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "audience": self.audience,
                "created_at": self.created_at, "updated_at": self.updated_at,
                "items": list(self.item_ids)}


def clean_name(name: str | None, limit: int = NAME_MAX, *, required: bool = True) -> str:
    text = " ".join(str(name or "").split())
    if required and not text:
        raise CollectionError("Give the collection a name.")
    if len(text) > limit:
        raise CollectionError(f"Keep it under {limit} characters (this is {len(text)}).")
    return text


class _Conn:
    """The statements below keep their `?` marks; this turns them into SQLAlchemy's named
    parameters, so the same SQL runs on SQLite and PostgreSQL."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @staticmethod
    def _named(sql: str) -> str:
        parts = sql.split("?")
        return "".join(p + (f":p{n}" if n < len(parts) - 1 else "") for n, p in enumerate(parts))

    def execute(self, sql: str, args: Sequence[Any] = ()) -> CursorResult[Any]:
        return self._conn.execute(text(self._named(sql)), {f"p{n}": a for n, a in enumerate(args)})

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [{f"p{n}": a for n, a in enumerate(row)} for row in rows]
        if batch:
            self._conn.execute(text(self._named(sql)), batch)


class SQLCollections:
    """The collections of one gallery database."""

    def __init__(self, sql: Database) -> None:
        self._sql = sql

    @contextmanager
    def _read(self) -> Iterator[_Conn]:
        with self._sql.db() as conn:
            yield _Conn(conn)

    @contextmanager
    def _writing(self) -> Iterator[_Conn]:
        with self._sql.write() as conn:
            yield _Conn(conn)

    # -- reading ---------------------------------------------------------------------
    def list(self) -> list[Collection]:
        """Every collection, most recently changed first, with its live members."""
        with self._read() as conn:
            rows = conn.execute("SELECT id, name, audience, created_at, updated_at "
                                "FROM collections ORDER BY updated_at DESC, created_at DESC, id").fetchall()
            members = conn.execute(_LIVE_MEMBERS.format(where="")).fetchall()
        by_id: dict[str, list[str]] = {}
        for cid, item_id in members:
            by_id.setdefault(cid, []).append(item_id)
        return [Collection(*row, item_ids=tuple(by_id.get(row[0], ()))) for row in rows]

    def get(self, collection_id: str) -> Collection | None:
        with self._read() as conn:
            row = conn.execute("SELECT id, name, audience, created_at, updated_at "
                               "FROM collections WHERE id = ?", (collection_id,)).fetchone()
            if row is None:
                return None
            members = conn.execute(_LIVE_MEMBERS.format(where="WHERE ci.collection_id = ?"),
                                   (collection_id,)).fetchall()
        return Collection(*row, item_ids=tuple(m[1] for m in members))

    def must_get(self, collection_id: str) -> Collection:
        found = self.get(collection_id)
        if found is None:
            raise CollectionError("That collection no longer exists.")
        return found

    def of_item(self, item_id: str) -> list[str]:
        """Ids of the collections an item is in."""
        with self._read() as conn:
            return [r[0] for r in conn.execute(
                "SELECT collection_id FROM collection_items WHERE item_id = ?", (item_id,))]

    # -- changing --------------------------------------------------------------------
    def create(self, name: str, audience: str = "") -> Collection:
        name = clean_name(name)
        audience = clean_name(audience, AUDIENCE_MAX, required=False)
        stamp = now_iso()
        cid = uuid.uuid4().hex
        with self._writing() as conn:
            conn.execute("INSERT INTO collections (id, name, audience, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?)", (cid, name, audience, stamp, stamp))
        return Collection(cid, name, audience, stamp, stamp)

    def rename(self, collection_id: str, name: str, audience: str | None = None) -> Collection:
        name = clean_name(name)
        with self._writing() as conn:
            if audience is None:
                changed = conn.execute("UPDATE collections SET name = ?, updated_at = ? "
                                       "WHERE id = ?", (name, now_iso(), collection_id)).rowcount
            else:
                changed = conn.execute(
                    "UPDATE collections SET name = ?, audience = ?, updated_at = ? WHERE id = ?",
                    (name, clean_name(audience, AUDIENCE_MAX, required=False), now_iso(),
                     collection_id)).rowcount
        if not changed:
            raise CollectionError("That collection no longer exists.")
        return self.must_get(collection_id)

    def delete(self, collection_id: str) -> bool:
        """The collection goes; its items stay in the gallery."""
        with self._writing() as conn:
            conn.execute("DELETE FROM collection_items WHERE collection_id = ?", (collection_id,))
            return conn.execute("DELETE FROM collections WHERE id = ?",
                                (collection_id,)).rowcount > 0

    def add(self, collection_id: str, item_ids: Iterable[str]) -> int:
        """Append items not yet in it (in the order given); returns how many were added."""
        wanted = list(dict.fromkeys(item_ids))
        added = 0
        with self._writing() as conn:
            self._touch(conn, collection_id)
            end = conn.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM collection_items "
                               "WHERE collection_id = ?", (collection_id,)).fetchone()[0]
            stamp = now_iso()
            for item_id in wanted:
                if conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
                    continue  # an id from a stale page: nothing to add
                added += conn.execute(
                    "INSERT INTO collection_items (collection_id, item_id, position, "
                    "added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", (collection_id, item_id, end + added, stamp),
                ).rowcount
        return added

    def remove(self, collection_id: str, item_ids: Iterable[str]) -> int:
        ids = list(item_ids)
        with self._writing() as conn:
            self._touch(conn, collection_id)
            gone = sum(conn.execute("DELETE FROM collection_items WHERE collection_id = ? "
                                    "AND item_id = ?", (collection_id, i)).rowcount for i in ids)
            self._renumber(conn, collection_id, self._order(conn, collection_id))
        return gone

    def reorder(self, collection_id: str, item_ids: Sequence[str]) -> None:
        """Put the given members first, in that order; the others keep theirs after them."""
        with self._writing() as conn:
            self._touch(conn, collection_id)
            current = self._order(conn, collection_id)
            first = [i for i in dict.fromkeys(item_ids) if i in set(current)]
            self._renumber(conn, collection_id, first + [i for i in current if i not in first])

    def move(self, collection_id: str, item_id: str, steps: int) -> None:
        """Move one member `steps` places (negative: earlier), clamped at the ends."""
        with self._writing() as conn:
            order = self._order(conn, collection_id)
            if item_id not in order:
                return
            old = order.index(item_id)
            new = max(0, min(len(order) - 1, old + steps))
            order.insert(new, order.pop(old))
            self._touch(conn, collection_id)
            self._renumber(conn, collection_id, order)

    def forget_purged(self) -> None:
        """Items purged for good leave every collection (run in the purge's transaction)."""
        with self._writing() as conn:
            conn.execute("DELETE FROM collection_items WHERE item_id NOT IN (SELECT id FROM items)")

    def add_existing(self, collections: list[Collection]) -> list[str]:
        """Import: insert collections with their own ids and dates, skipping ids present;
        members are the given ids that exist in the gallery. Returns the ids added."""
        added: list[str] = []
        with self._writing() as conn:
            for c in collections:
                if not ID_RE.match(c.id):
                    continue
                if conn.execute("INSERT INTO collections (id, name, audience, "
                                "created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
                                "ON CONFLICT DO NOTHING",
                                (c.id, c.name, c.audience, c.created_at, c.updated_at)).rowcount:
                    added.append(c.id)
                    for position, item_id in enumerate(dict.fromkeys(c.item_ids)):
                        conn.execute(
                            "INSERT INTO collection_items (collection_id, item_id, "
                            "position, added_at) SELECT ?, id, ?, ? FROM items WHERE id = ? "
                            "ON CONFLICT DO NOTHING",
                            (c.id, position, c.updated_at, item_id))
        return added

    # -- helpers ---------------------------------------------------------------------
    @staticmethod
    def _touch(conn: _Conn, collection_id: str) -> None:
        changed = conn.execute("UPDATE collections SET updated_at = ? WHERE id = ?",
                               (now_iso(), collection_id)).rowcount
        if not changed:
            raise CollectionError("That collection no longer exists.")

    @staticmethod
    def _order(conn: _Conn, collection_id: str) -> list[str]:
        return [r[0] for r in conn.execute(
            "SELECT item_id FROM collection_items WHERE collection_id = ? "
            "ORDER BY position, added_at", (collection_id,))]

    @staticmethod
    def _renumber(conn: _Conn, collection_id: str, order: list[str]) -> None:
        conn.executemany(
            "UPDATE collection_items SET position = ? WHERE collection_id = ? AND item_id = ?",
            [(n, collection_id, item_id) for n, item_id in enumerate(order)])
