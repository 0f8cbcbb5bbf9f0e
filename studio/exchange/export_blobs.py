"""The images a conversation's history needs, each stored once in the ZIP.

A chat keeps the model's image bytes exactly as they came (Gemini checks a thought
signature over them), while the gallery file of the same image carries PNG text (prompt,
model, settings): pixel for pixel the same picture, different bytes. Instead of a second
copy under blobs/, the manifest points the history at the gallery file and says which
chunks rebuild the history's bytes from it (`blob_derived`, a png_splice recipe: the
shared image data by index, the few differing text chunks literally); the importer
rebuilds them and checks the sha256. Only history images that are no exported item (an upload, an
item left out of the selection) still go under blobs/.
"""

from __future__ import annotations

from typing import Any

from studio.exchange.export_html import ExportEntry
from studio.gallery.conversations import blob_refs
from studio.gallery.errors import MissingImage
from studio.gallery.png_splice import Recipe, pixel_key, recipe_for
from studio.gallery.records import MIME_EXT
from studio.gallery.scrub import sanitize_settings
from studio.gallery.store import GalleryStore


class _SamePicture:
    """Exported PNGs of a conversation by their picture (pixel_key), read on demand."""

    def __init__(self, store: GalleryStore, entries: list[ExportEntry]) -> None:
        self.store, self.entries = store, entries
        self.done: set[str] = set()  # conversation ids already indexed
        self.by_pixels: dict[str, tuple[ExportEntry, bytes]] = {}

    def _index(self, conversation_id: str) -> None:
        self.done.add(conversation_id)
        for entry in self.entries:
            item = entry.item
            if item.conversation_id != conversation_id or item.mime != "image/png":
                continue
            try:
                data = self.store.item_image(item)
            except (OSError, MissingImage):
                continue
            if key := pixel_key(data):
                self.by_pixels.setdefault(key, (entry, data))

    def find(self, conversation_id: str, sha: str) -> tuple[ExportEntry, Recipe] | None:
        """The exported item showing the same picture as blob `sha`, and how to get it back."""
        if conversation_id not in self.done:
            self._index(conversation_id)
        try:
            data = self.store.blobs.get(sha)
        except (OSError, KeyError):
            return None
        found = self.by_pixels.get(pixel_key(data) or "")
        if found is None:
            return None
        recipe = recipe_for(found[1], data)
        return (found[0], recipe) if recipe is not None else None


def conversation_files(
    store: GalleryStore, entries: list[ExportEntry], warnings: list[str]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Conversation records for the exported items + the blobs/ files they still need
    (ZIP entry -> the blob's sha256, read from the blob store: a folder or a bucket)."""
    by_sha = {e.item.sha256: e.file for e in entries}
    same = _SamePicture(store, entries)
    records: list[dict[str, Any]] = []
    blob_files: dict[str, str] = {}
    for cid in dict.fromkeys(e.item.conversation_id for e in entries if e.item.conversation_id):
        record = store.conversation_record(cid)
        if record is None:
            continue
        files: dict[str, str] = {}
        derived: dict[str, dict[str, Recipe]] = {}
        needed: dict[str, str] = {}
        try:
            for sha in sorted(blob_refs(record["history"])):
                if sha in by_sha:
                    files[sha] = by_sha[sha]
                    continue
                mime = store.blobs.mime(sha)  # KeyError: not recorded
                if not store.blobs.has_file(sha, mime):
                    raise KeyError(sha)
                if (found := same.find(cid, sha)) is not None:
                    files[sha] = found[0].file
                    derived[sha] = {"png_chunks": found[1]}
                else:
                    files[sha] = f"blobs/{sha}.{MIME_EXT.get(mime, 'bin')}"
                    needed[files[sha]] = sha
        except KeyError as missing:
            warnings.append(f"conversation {cid}: image {missing} is missing; left out")
            continue
        blob_files.update(needed)
        record["settings"] = sanitize_settings(record["settings"])
        record["transcript"] = sanitize_settings(record["transcript"])
        record["blob_files"] = files
        if derived:
            record["blob_derived"] = derived
        records.append(record)
    return records, blob_files
