"""The export's scratch database: what the ZIP holds, on disk instead of in memory.

An export of 100,000 items must not keep 100,000 of anything in memory. Every exported
entry (the item as JSON, its file in the ZIP, the columns the pages group and sort by),
each image written (sha256 -> file), each conversation's record, each story page: all go
into a temporary SQLite file beside the output, and every later part of the export (the
manifests, the cover, index.html, the story and experiment pages) reads back just what it
is writing. The file is deleted when the export ends, whichever way it ends.

An entry's item JSON stays in `selected`, where the selection put it; the `exported` view
joins it back. Orders follow the export's: `seq` numbers entries as they were written (oldest first), and
the rowid of `conversations`, `experiments` and `stories` is the order each was first met.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from studio.exchange.export_experiments import TAG
from studio.exchange.export_html import ExportEntry
from studio.gallery.records import ITEM_FIELDS, GalleryItem

_SCHEMA = """
CREATE TABLE selected (n INTEGER PRIMARY KEY, created_at TEXT NOT NULL, item TEXT NOT NULL);
CREATE TABLE entries (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, page TEXT NOT NULL, conversation_id TEXT,
    story_key TEXT, turn INTEGER NOT NULL, position INTEGER NOT NULL, created_at TEXT NOT NULL,
    model TEXT, cost_usd REAL, mime TEXT NOT NULL, file TEXT NOT NULL,
    n INTEGER NOT NULL REFERENCES selected (n));
-- an entry with its item's JSON, which stays where the selection put it (stored once)
CREATE VIEW exported AS SELECT entries.*, selected.item FROM entries JOIN selected USING (n);
CREATE INDEX entries_page ON entries (page, seq);
CREATE INDEX entries_conversation ON entries (conversation_id, seq);
CREATE INDEX entries_story ON entries (story_key, turn, position, created_at, seq);
CREATE TABLE images (sha256 TEXT PRIMARY KEY, file TEXT NOT NULL);
CREATE TABLE conversations (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT,
    record TEXT);
CREATE TABLE experiments (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
CREATE TABLE blob_files (file TEXT PRIMARY KEY);
CREATE TABLE pixels (key TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE stories (n INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    subject TEXT NOT NULL, file TEXT NOT NULL UNIQUE, day_title TEXT NOT NULL,
    time_title TEXT NOT NULL, title TEXT);
"""
STORY_PAGES = {"story": "stories", "recipe": "recipes"}  # page -> folder of its pages
_PAGE = 500  # rows read at a time where the loop writes to the table it reads


def item_json(item: GalleryItem) -> str:
    """item.to_dict() as JSON (its fields read directly: asdict's deep copy is not needed)."""
    return json.dumps({name: getattr(item, name) for name in ITEM_FIELDS}, ensure_ascii=False)


def item_of(text: str) -> GalleryItem:
    return GalleryItem(**json.loads(text))


class ExportSpool:
    """One export's scratch SQLite file at `path` (created, and deleted by close())."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        # Scratch data: no journal and no syncing; one transaction for the whole export.
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> ExportSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rows(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, tuple(params))

    def value(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = self.db.execute(sql, tuple(params)).fetchone()
        return row[0] if row else None

    # -- the selection, before anything is written --------------------------------------

    def select(self, items: Iterable[GalleryItem]) -> None:
        self.db.executemany("INSERT INTO selected (created_at, item) VALUES (?, ?)",
                            ((i.created_at, item_json(i)) for i in items))

    def selected_count(self) -> int:
        return int(self.value("SELECT COUNT(*) FROM selected"))

    def selected(self, by_time: bool) -> Iterator[tuple[GalleryItem, int]]:
        """The selection in export order (as selected, or by created_at, stable), each item
        with its row for add_entry."""
        order = "created_at, n" if by_time else "n"
        for n, text in self.db.execute(f"SELECT n, item FROM selected ORDER BY {order}"):
            yield item_of(text), n

    # -- entries --------------------------------------------------------------------------

    def image_file(self, sha256: str) -> str | None:
        return self.value("SELECT file FROM images WHERE sha256 = ?", (sha256,))

    def add_image(self, sha256: str, file: str) -> None:
        self.db.execute("INSERT INTO images VALUES (?, ?)", (sha256, file))

    def add_entry(self, item: GalleryItem, n: int, file: str) -> None:
        """One exported item (`n` its row in the selection); notes its conversation and
        experiments."""
        story_key = (item.conversation_id or item.id) if item.page in STORY_PAGES else None
        self.db.execute(
            "INSERT INTO entries (id, page, conversation_id, story_key, turn, position, "
            "created_at, model, cost_usd, mime, file, n) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (item.id, item.page, item.conversation_id, story_key, item.turn, item.position,
             item.created_at, item.model, item.cost_usd, item.mime, file, n))
        if item.conversation_id:
            self.db.execute("INSERT OR IGNORE INTO conversations (id) VALUES (?)",
                            (item.conversation_id,))
        for tag in item.tags:
            if tag.startswith(TAG):
                self.db.execute("INSERT OR IGNORE INTO experiments (id) VALUES (?)",
                                (tag[len(TAG):],))

    def entries(self, where: str = "1", params: Iterable[Any] = (),
                order: str = "seq") -> Iterator[ExportEntry]:
        """Entries matching `where` (SQL over the entries' columns), in `order`."""
        for text, file in self.db.execute(
                f"SELECT item, file FROM exported WHERE {where} ORDER BY {order}", tuple(params)):
            yield ExportEntry(item_of(text), file)

    def entry(self, seq: int) -> ExportEntry | None:
        return next(self.entries("seq = ?", (seq,)), None)

    def count(self) -> int:
        return int(self.value("SELECT COUNT(*) FROM entries"))

    # -- conversations, experiments ---------------------------------------------------

    def conversation_ids(self) -> Iterator[str]:
        """The exported items' conversations, first met first (read a page at a time: the
        caller writes each one's record into the same table)."""
        after = 0
        while page := self.db.execute("SELECT n, id FROM conversations WHERE n > ? ORDER BY n "
                                      "LIMIT ?", (after, _PAGE)).fetchall():
            for _, cid in page:
                yield cid
            after = page[-1][0]

    def keep_conversation(self, record: dict[str, Any], manifest_text: str) -> None:
        self.db.execute("UPDATE conversations SET title = ?, record = ? WHERE id = ?",
                        (record.get("title"), manifest_text, record["id"]))

    def title(self, conversation_id: str | None) -> str | None:
        """The title of an exported conversation (None when it is not in the export)."""
        if not conversation_id:
            return None
        return self.value("SELECT title FROM conversations WHERE id = ? AND record IS NOT NULL",
                          (conversation_id,))

    def records(self) -> Iterator[str]:
        """The exported conversation records (as spooled), in order."""
        for (text,) in self.db.execute(
                "SELECT record FROM conversations WHERE record IS NOT NULL ORDER BY n"):
            yield text

    def add_blob_file(self, file: str) -> bool:
        """True when `file` (under blobs/) is new to the export."""
        return self.db.execute("INSERT OR IGNORE INTO blob_files VALUES (?)", (file,)).rowcount > 0

    def experiment_ids(self) -> list[str]:
        return [e for (e,) in self.db.execute("SELECT id FROM experiments ORDER BY n")]

    def files(self) -> Mapping[str, str]:
        return EntryFiles(self)


class EntryFiles(Mapping[str, str]):
    """item id -> its file in the ZIP, looked up in the spool."""

    def __init__(self, spool: ExportSpool) -> None:
        self.spool = spool

    def __getitem__(self, item_id: str) -> str:
        file = self.spool.value("SELECT file FROM entries WHERE id = ?", (item_id,))
        if file is None:
            raise KeyError(item_id)
        return str(file)

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and self.spool.value(
            "SELECT 1 FROM entries WHERE id = ?", (item_id,)) is not None

    def __iter__(self) -> Iterator[str]:
        return (i for (i,) in self.spool.rows("SELECT id FROM entries ORDER BY seq"))

    def __len__(self) -> int:
        return self.spool.count()
