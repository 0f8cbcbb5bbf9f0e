"""What an export remembers between its passes, kept in a temporary SQLite file.

An export writes the images first, then the conversations, the manifests and the HTML
pages, each of which walks every exported item again. Holding the items in a list made the
export's memory grow with the gallery (~3.3 KB an item); here each item is written to a
table as its image goes into the ZIP, and later passes read it back a page at a time, in
the same order, so every part of the ZIP describes the same items even if the gallery
changes meanwhile.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from studio.exchange.export_html import ExportEntry, StoryPage
from studio.gallery.records import ITEM_FIELDS, GalleryItem

_SCHEMA = """
CREATE TABLE entries (n INTEGER PRIMARY KEY, id TEXT, sha256 TEXT, file TEXT, story TEXT,
                      conv TEXT, sort TEXT, item TEXT);
CREATE TABLE stories (key TEXT PRIMARY KEY, kind TEXT, title TEXT, file TEXT UNIQUE);
CREATE TABLE conversations (n INTEGER PRIMARY KEY, id TEXT, record TEXT);
"""


class _Size:
    """Stands in for a story's entry list where only its length is read (the index nav)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __iter__(self) -> Iterator[ExportEntry]:
        return iter(())


class ExportSpool:
    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="studio-export-")
        self._db = sqlite3.connect(Path(self._dir.name) / "spool.db")
        self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()

    def add(self, entry: ExportEntry, story: str | None) -> None:
        item = entry.item
        self._db.execute("INSERT INTO entries VALUES (NULL, ?, ?, ?, ?, ?, ?, ?)", (
            item.id, item.sha256, entry.file, story, item.conversation_id,
            f"{item.turn:09d} {item.position:09d} {item.created_at}",
            json.dumps({name: getattr(item, name) for name in ITEM_FIELDS}, ensure_ascii=False)))

    def indexed(self) -> None:
        """Call once every entry is in: the lookups of the later passes get their indexes."""
        self._db.executescript("CREATE INDEX by_sha ON entries (sha256);"
                               "CREATE INDEX by_story ON entries (story, sort);"
                               "CREATE INDEX by_id ON entries (id);"
                               "CREATE INDEX by_conv ON entries (conv, n);")

    def entries(self) -> Iterator[ExportEntry]:
        # A cursor hands rows over as they are read: the table is never in memory at once.
        for file, item in self._db.execute("SELECT file, item FROM entries ORDER BY n"):
            yield ExportEntry(GalleryItem(**json.loads(item)), file)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each exported item as its published fields plus `file` (the manifests' rows)."""
        for file, item in self._db.execute("SELECT file, item FROM entries ORDER BY n"):
            row = json.loads(item)
            row["file"] = file
            yield row

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM entries").fetchone()[0]

    def file_of(self, sha256: str) -> str | None:
        row = self._db.execute("SELECT file FROM entries WHERE sha256 = ? ORDER BY n LIMIT 1",
                               (sha256,)).fetchone()
        return row[0] if row else None

    def conversation_ids(self) -> Iterator[str]:
        """Each conversation of the exported items once, in the order its first item came."""
        for (cid,) in self._db.execute("SELECT conv FROM entries WHERE conv IS NOT NULL "
                                       "GROUP BY conv ORDER BY min(n)"):
            yield cid

    def add_conversation(self, record: dict[str, Any]) -> None:
        self._db.execute("INSERT INTO conversations VALUES (NULL, ?, ?)",
                         (record["id"], json.dumps(record, ensure_ascii=False)))

    def conversations(self) -> Iterator[dict[str, Any]]:
        for (record,) in self._db.execute("SELECT record FROM conversations ORDER BY n"):
            yield json.loads(record)

    def title(self, conversation_id: str) -> str | None:
        row = self._db.execute("SELECT json_extract(record, '$.title') FROM conversations "
                               "WHERE id = ?", (conversation_id,)).fetchone()
        return row[0] if row else None

    def add_story(self, key: str, kind: str, title: str, file: str) -> None:
        while self._db.execute("SELECT 1 FROM stories WHERE file = ?", (file,)).fetchone():
            file = file.replace(".html", "-2.html")  # two slugs + short ids colliding: rare
        self._db.execute("INSERT INTO stories VALUES (?, ?, ?, ?)", (key, kind, title, file))

    def story_keys(self) -> Iterator[tuple[str, str, str]]:
        """(key, kind, first prompt) of each story/recipe, in the order its first item came."""
        yield from self._db.execute(
            "SELECT story, json_extract(item, '$.page'), json_extract(item, '$.prompt') FROM "
            "entries WHERE n IN (SELECT min(n) FROM entries WHERE story IS NOT NULL GROUP BY story)"
            " ORDER BY n")

    def stories(self) -> Iterator[StoryPage]:
        """Every story page, its entries counted but not loaded (what the index lists)."""
        for kind, title, file, count in self._db.execute(
                "SELECT kind, title, file, (SELECT count(*) FROM entries e WHERE e.story = s.key)"
                " FROM stories s ORDER BY rowid"):
            yield StoryPage(kind, title, file, _Size(count))  # type: ignore[arg-type]

    def has_stories(self) -> bool:
        return self._db.execute("SELECT 1 FROM stories LIMIT 1").fetchone() is not None

    def story(self, key: str) -> StoryPage:
        row = self._db.execute("SELECT kind, title, file FROM stories WHERE key = ?", (key,)).fetchone()
        entries = [ExportEntry(GalleryItem(**json.loads(item)), file) for file, item in
                   self._db.execute("SELECT file, item FROM entries WHERE story = ? ORDER BY sort",
                                    (key,))]
        return StoryPage(row[0], row[1], row[2], entries)

    def story_page_keys(self) -> Iterator[str]:
        for (key,) in self._db.execute("SELECT key FROM stories ORDER BY rowid"):
            yield key

    def story_file_of(self, item_id: str) -> str | None:
        row = self._db.execute("SELECT s.file FROM entries e JOIN stories s ON s.key = e.story "
                               "WHERE e.id = ?", (item_id,)).fetchone()
        return row[0] if row else None


class StoryLinks:
    """item id -> its story page, read from the spool (the Mapping write_index asks of)."""

    def __init__(self, spool: ExportSpool) -> None:
        self._spool = spool

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and self._spool.story_file_of(item_id) is not None

    def __getitem__(self, item_id: str) -> str:
        file = self._spool.story_file_of(item_id)
        if file is None:
            raise KeyError(item_id)
        return file


class LazyStories:
    """The stories list write_index iterates (and tests for emptiness), read from the spool."""

    def __init__(self, spool: ExportSpool) -> None:
        self._spool = spool

    def __bool__(self) -> bool:
        return self._spool.has_stories()

    def __iter__(self) -> Iterator[StoryPage]:
        return self._spool.stories()
