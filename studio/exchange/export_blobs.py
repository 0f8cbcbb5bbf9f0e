"""The images a conversation's history needs, each stored once in the ZIP.

A chat keeps the model's image bytes exactly as they came (Gemini checks a thought
signature over them), while the gallery file of the same image carries PNG text (prompt,
model, settings): pixel for pixel the same picture, different bytes. Instead of a second
copy under blobs/, the manifest points the history at the gallery file and says which
chunks rebuild the history's bytes from it (`blob_derived`, a png_splice recipe: the
shared image data by index, the few differing text chunks literally); the importer
rebuilds them and checks the sha256. Only history images that are no exported item (an upload, an
item left out of the selection) still go under blobs/.

From a bucket every object read here is a GET: they go through a FetchWindow (the steps
of history_steps.py), and a matching gallery file is asked for as soon as the match is
known, up to AHEAD images before its recipe is made. Memory is bounded by the window:
a conversation keeps at most AHEAD of its blobs/ files' bytes (each below WHOLE_BELOW)
until it is written (the rest are read again then), and picture keys, never bytes, of its exported PNGs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from studio.exchange.export_manifest import manifest_json
from studio.exchange.export_spool import ExportSpool
from studio.exchange.fetch_window import AHEAD, WHOLE_BELOW, Chunks, Fetch, FetchWindow, whole
from studio.exchange.history_steps import History, Indexed, Start, history_steps
from studio.gallery.png_splice import Recipe, pixel_key, recipe_for
from studio.gallery.records import MIME_EXT
from studio.gallery.scrub import sanitize_settings
from studio.gallery.store import GalleryStore

WriteBlob = Callable[[str, Chunks], None]  # (ZIP entry, the blob's size and bytes)


@dataclass
class _Found:
    """A history image read, waiting (with the gallery file of the same picture being
    fetched, if any) for its recipe."""

    sha: str
    mime: str
    data: bytes
    file: str | None = None
    source: Fetch | None = None


@dataclass
class _Conversation:
    cid: str
    record: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    derived: dict[str, dict[str, Recipe]] = field(default_factory=dict)
    needed: dict[str, tuple[str, bytes | None]] = field(default_factory=dict)
    pixels: list[tuple[str, int]] = field(default_factory=list)  # indexed when first needed
    indexed: bool = False
    pending: deque[_Found] = field(default_factory=deque)
    missing: KeyError | None = None


class _Writer:
    """Turns the fetched steps into records and blobs/ files, one conversation at a time."""

    def __init__(self, store: GalleryStore, spool: ExportSpool, window: FetchWindow,
                 warnings: list[str], write_blob: WriteBlob) -> None:
        self.store, self.spool, self.window = store, spool, window
        self.warnings, self.write_blob = warnings, write_blob
        self.conversations = self.blobs = 0

    def index(self, conv: _Conversation, step: Indexed, fetched: Fetch) -> None:
        try:
            key = pixel_key(whole(fetched))
        except OSError:  # a gallery file gone: its picture is not matched
            return
        if key:
            conv.pixels.append((key, step.seq))

    def history(self, conv: _Conversation, step: History, fetched: Fetch | None) -> None:
        if step.file is not None:
            conv.files[step.sha] = step.file
            return
        if step.unknown is not None or fetched is None:
            conv.missing = step.unknown or KeyError(step.sha)
            return
        try:
            data = whole(fetched)
        except FileNotFoundError:
            conv.missing = KeyError(step.sha)
            return
        found = _Found(step.sha, step.mime, data)
        conv.files[step.sha] = ""  # its place in the record's order; filled by _recipe
        if not conv.indexed:  # the conversation's exported PNGs by picture, first come kept
            conv.indexed = True
            for key, seq in conv.pixels:
                self.spool.rows("INSERT OR IGNORE INTO pixels VALUES (?, ?)", (key, seq))
            conv.pixels.clear()
        seq = self.spool.value("SELECT seq FROM pixels WHERE key = ?", (pixel_key(data) or "",))
        entry = self.spool.entry(seq) if seq is not None else None
        if entry is not None:
            found.file, found.source = entry.file, self.window.fetch(entry.item.image_relpath)
        conv.pending.append(found)
        if len(conv.pending) > AHEAD:
            self._recipe(conv, conv.pending.popleft())

    def _recipe(self, conv: _Conversation, found: _Found) -> None:
        recipe = None
        if found.source is not None and found.file is not None:
            try:
                recipe = recipe_for(whole(found.source), found.data)
            except OSError:
                recipe = None
        if recipe is not None and found.file is not None:
            conv.files[found.sha] = found.file
            conv.derived[found.sha] = {"png_chunks": recipe}
            return
        file = f"blobs/{found.sha}.{MIME_EXT.get(found.mime, 'bin')}"
        conv.files[found.sha] = file
        held = sum(data is not None for _, data in conv.needed.values())
        keep = held < AHEAD and len(found.data) < WHOLE_BELOW
        conv.needed[file] = (found.sha, found.data if keep else None)

    def finish(self, conv: _Conversation) -> None:
        if conv.missing is not None:
            self.warnings.append(f"conversation {conv.cid}: image {conv.missing} is missing; "
                                 "left out")
            return
        while conv.pending:
            self._recipe(conv, conv.pending.popleft())
        for file, (sha, data) in conv.needed.items():
            if self.spool.add_blob_file(file):
                self.write_blob(file, self.store.blobs.open(sha) if data is None
                                else (len(data), iter((data,))))
                self.blobs += 1
        record = conv.record
        record["settings"] = sanitize_settings(record["settings"])
        record["transcript"] = sanitize_settings(record["transcript"])
        record["blob_files"] = conv.files
        if conv.derived:
            record["blob_derived"] = conv.derived
        self.spool.keep_conversation(record, manifest_json(record))
        self.conversations += 1


def write_conversations(store: GalleryStore, spool: ExportSpool, warnings: list[str],
                        write_blob: WriteBlob) -> tuple[int, int]:
    """Spool the record of each exported item's conversation, one conversation at a time,
    and write the blobs/ files they still need (read from the blob store: a folder or a
    bucket) as soon as one needs them. Returns (conversations, blobs) written."""
    with FetchWindow(store.objects) as window:
        writer = _Writer(store, spool, window, warnings, write_blob)
        conv: _Conversation | None = None
        for step, fetched in window.ahead(history_steps(store, spool)):
            if isinstance(step, Start):
                if conv is not None:
                    writer.finish(conv)
                conv = _Conversation(step.cid, step.record)
            elif conv is None or conv.missing is not None:
                continue  # a conversation left out: the rest of its steps are not read
            elif isinstance(step, Indexed):
                if fetched is not None:
                    writer.index(conv, step, fetched)
            else:
                writer.history(conv, step, fetched)
        if conv is not None:
            writer.finish(conv)
    return writer.conversations, writer.blobs
