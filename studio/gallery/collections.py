"""Collections: named, ordered sets of gallery items for an audience ("Kickoff with design").

Rows live in the schema-v3 tables `collections` and `collection_items`. An item may be in
any number of collections; its place in each is `position` (0, 1, 2, ... after every
change). A deleted item stays a member (restore brings it back in place) but is not
listed; a purged one leaves its collections (see `forget_purged`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from studio.gallery.database import Database
from studio.gallery.dates import now_iso
from studio.gallery.records import ID_RE

NAME_MAX = 120
AUDIENCE_MAX = 200

# Every value is a named parameter of SQLAlchemy's text(), as in items.py: one SQL for
# SQLite and PostgreSQL.
_COLUMNS = "id, name, audience, created_at, updated_at"
_LIVE_MEMBERS = """
    SELECT ci.collection_id, ci.item_id FROM collection_items ci
    JOIN items ON items.id = ci.item_id AND items.deleted_at IS NULL
    {where} ORDER BY ci.collection_id, ci.position, ci.added_at
"""
_LIST = text(f"SELECT {_COLUMNS} FROM collections ORDER BY updated_at DESC, created_at DESC, id")
_ALL_MEMBERS = text(_LIVE_MEMBERS.format(where=""))
_GET = text(f"SELECT {_COLUMNS} FROM collections WHERE id = :id")
_MEMBERS = text(_LIVE_MEMBERS.format(where="WHERE ci.collection_id = :id"))
_OF_ITEM = text("SELECT collection_id FROM collection_items WHERE item_id = :item_id")
_INSERT = f"INSERT INTO collections ({_COLUMNS}) VALUES (:id, :name, :audience, :created_at, :updated_at)"
_CREATE = text(_INSERT)
_INSERT_NEW = text(f"{_INSERT} ON CONFLICT DO NOTHING")
_RENAME = text("UPDATE collections SET name = :name, updated_at = :now WHERE id = :id")
_RENAME_FOR = text("UPDATE collections SET name = :name, audience = :audience, updated_at = :now "
                   "WHERE id = :id")
_DELETE_MEMBERS = text("DELETE FROM collection_items WHERE collection_id = :id")
_DELETE = text("DELETE FROM collections WHERE id = :id")
_END = text("SELECT COALESCE(MAX(position) + 1, 0) FROM collection_items WHERE collection_id = :id")
_ITEM_EXISTS = text("SELECT 1 FROM items WHERE id = :item_id")
_ADD_MEMBER = text("INSERT INTO collection_items (collection_id, item_id, position, added_at) "
                   "VALUES (:id, :item_id, :position, :added_at) ON CONFLICT DO NOTHING")
_ADD_EXISTING_MEMBER = text(
    "INSERT INTO collection_items (collection_id, item_id, position, added_at) "
    "SELECT :id, id, :position, :added_at FROM items WHERE id = :item_id ON CONFLICT DO NOTHING")
_REMOVE_MEMBER = text("DELETE FROM collection_items WHERE collection_id = :id AND item_id = :item_id")
_FORGET_PURGED = text("DELETE FROM collection_items WHERE item_id NOT IN (SELECT id FROM items)")
_TOUCH = text("UPDATE collections SET updated_at = :now WHERE id = :id")
_ORDER = text("SELECT item_id FROM collection_items WHERE collection_id = :id "
              "ORDER BY position, added_at")
_RENUMBER = text("UPDATE collection_items SET position = :position "
                 "WHERE collection_id = :id AND item_id = :item_id")


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


class SQLCollections:
    """The collections of one gallery database."""

    def __init__(self, sql: Database) -> None:
        self._sql = sql

    # -- reading ---------------------------------------------------------------------
    def list(self) -> list[Collection]:
        """Every collection, most recently changed first, with its live members."""
        with self._sql.db() as conn:
            rows = conn.execute(_LIST).all()
            members = conn.execute(_ALL_MEMBERS).all()
        by_id: dict[str, list[str]] = {}
        for cid, item_id in members:
            by_id.setdefault(cid, []).append(item_id)
        return [Collection(*row, item_ids=tuple(by_id.get(row[0], ()))) for row in rows]

    def get(self, collection_id: str) -> Collection | None:
        with self._sql.db() as conn:
            row = conn.execute(_GET, {"id": collection_id}).first()
            if row is None:
                return None
            members = conn.execute(_MEMBERS, {"id": collection_id}).all()
        return Collection(*row, item_ids=tuple(m[1] for m in members))

    def must_get(self, collection_id: str) -> Collection:
        found = self.get(collection_id)
        if found is None:
            raise CollectionError("That collection no longer exists.")
        return found

    def of_item(self, item_id: str) -> list[str]:
        """Ids of the collections an item is in."""
        with self._sql.db() as conn:
            return list(conn.execute(_OF_ITEM, {"item_id": item_id}).scalars())

    # -- changing --------------------------------------------------------------------
    def create(self, name: str, audience: str = "") -> Collection:
        name = clean_name(name)
        audience = clean_name(audience, AUDIENCE_MAX, required=False)
        stamp = now_iso()
        cid = uuid.uuid4().hex
        with self._sql.write() as conn:
            conn.execute(_CREATE, {"id": cid, "name": name, "audience": audience,
                                   "created_at": stamp, "updated_at": stamp})
        return Collection(cid, name, audience, stamp, stamp)

    def rename(self, collection_id: str, name: str, audience: str | None = None) -> Collection:
        name = clean_name(name)
        args = {"name": name, "now": now_iso(), "id": collection_id}
        with self._sql.write() as conn:
            if audience is None:
                changed = conn.execute(_RENAME, args).rowcount
            else:
                args["audience"] = clean_name(audience, AUDIENCE_MAX, required=False)
                changed = conn.execute(_RENAME_FOR, args).rowcount
        if not changed:
            raise CollectionError("That collection no longer exists.")
        return self.must_get(collection_id)

    def delete(self, collection_id: str) -> bool:
        """The collection goes; its items stay in the gallery."""
        with self._sql.write() as conn:
            conn.execute(_DELETE_MEMBERS, {"id": collection_id})
            return conn.execute(_DELETE, {"id": collection_id}).rowcount > 0

    def add(self, collection_id: str, item_ids: Iterable[str]) -> int:
        """Append items not yet in it (in the order given); returns how many were added."""
        wanted = list(dict.fromkeys(item_ids))
        added = 0
        with self._sql.write() as conn:
            self._touch(conn, collection_id)
            end = conn.execute(_END, {"id": collection_id}).scalar_one()
            stamp = now_iso()
            for item_id in wanted:
                if conn.execute(_ITEM_EXISTS, {"item_id": item_id}).first() is None:
                    continue  # an id from a stale page: nothing to add
                added += conn.execute(_ADD_MEMBER, {
                    "id": collection_id, "item_id": item_id, "position": end + added,
                    "added_at": stamp}).rowcount
        return added

    def remove(self, collection_id: str, item_ids: Iterable[str]) -> int:
        ids = list(item_ids)
        with self._sql.write() as conn:
            self._touch(conn, collection_id)
            gone = sum(conn.execute(_REMOVE_MEMBER, {"id": collection_id, "item_id": i}).rowcount
                       for i in ids)
            self._renumber(conn, collection_id, self._order(conn, collection_id))
        return gone

    def reorder(self, collection_id: str, item_ids: Sequence[str]) -> None:
        """Put the given members first, in that order; the others keep theirs after them."""
        with self._sql.write() as conn:
            self._touch(conn, collection_id)
            current = self._order(conn, collection_id)
            first = [i for i in dict.fromkeys(item_ids) if i in set(current)]
            self._renumber(conn, collection_id, first + [i for i in current if i not in first])

    def move(self, collection_id: str, item_id: str, steps: int) -> None:
        """Move one member `steps` places (negative: earlier), clamped at the ends."""
        with self._sql.write() as conn:
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
        with self._sql.write() as conn:
            conn.execute(_FORGET_PURGED)

    def add_existing(self, collections: list[Collection]) -> list[str]:
        """Import: insert collections with their own ids and dates, skipping ids present;
        members are the given ids that exist in the gallery. Returns the ids added."""
        added: list[str] = []
        with self._sql.write() as conn:
            for c in collections:
                if not ID_RE.match(c.id):
                    continue
                if conn.execute(_INSERT_NEW, {
                        "id": c.id, "name": c.name, "audience": c.audience,
                        "created_at": c.created_at, "updated_at": c.updated_at}).rowcount:
                    added.append(c.id)
                    for position, item_id in enumerate(dict.fromkeys(c.item_ids)):
                        conn.execute(_ADD_EXISTING_MEMBER, {
                            "id": c.id, "position": position, "added_at": c.updated_at,
                            "item_id": item_id})
        return added

    # -- helpers ---------------------------------------------------------------------
    @staticmethod
    def _touch(conn: Connection, collection_id: str) -> None:
        if not conn.execute(_TOUCH, {"now": now_iso(), "id": collection_id}).rowcount:
            raise CollectionError("That collection no longer exists.")

    @staticmethod
    def _order(conn: Connection, collection_id: str) -> list[str]:
        return list(conn.execute(_ORDER, {"id": collection_id}).scalars())

    @staticmethod
    def _renumber(conn: Connection, collection_id: str, order: list[str]) -> None:
        if order:  # executemany with no rows is an error
            conn.execute(_RENUMBER, [{"position": n, "id": collection_id, "item_id": item_id}
                                     for n, item_id in enumerate(order)])
