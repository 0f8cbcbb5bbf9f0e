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

from collections.abc import Callable

from studio.exchange.export_manifest import manifest_json
from studio.exchange.export_spool import ExportSpool, item_of
from studio.gallery.conversations import blob_refs
from studio.gallery.errors import MissingImage
from studio.gallery.png_splice import Recipe, pixel_key, recipe_for
from studio.gallery.records import MIME_EXT
from studio.gallery.scrub import sanitize_settings
from studio.gallery.store import GalleryStore

WriteBlob = Callable[[str, str], None]  # (ZIP entry, the blob's sha256)


class _SamePicture:
    """Exported PNGs by their picture (pixel_key), indexed a conversation at a time when
    one first needs it. The index is in the spool (key -> entry): no image bytes are kept,
    the matching gallery file is read again for the few history images that match."""

    def __init__(self, store: GalleryStore, spool: ExportSpool) -> None:
        self.store, self.spool = store, spool
        self.indexed: str | None = None  # conversations come one after another, never back

    def _index(self, conversation_id: str) -> None:
        self.indexed = conversation_id
        pngs = self.spool.rows("SELECT seq, item FROM exported WHERE conversation_id = ? AND "
                               "mime = 'image/png' ORDER BY seq", (conversation_id,)).fetchall()
        for seq, text in pngs:  # one conversation's rows, no bytes
            try:
                data = self.store.item_image(item_of(text))
            except (OSError, MissingImage):
                continue
            if key := pixel_key(data):
                self.spool.rows("INSERT OR IGNORE INTO pixels VALUES (?, ?)", (key, seq))

    def find(self, conversation_id: str, sha: str) -> tuple[str, Recipe] | None:
        """The file of the exported item showing the same picture as blob `sha`, and how to
        get the blob's bytes back from it."""
        if conversation_id != self.indexed:
            self._index(conversation_id)
        try:
            data = self.store.blobs.get(sha)
        except (OSError, KeyError):
            return None
        seq = self.spool.value("SELECT seq FROM pixels WHERE key = ?", (pixel_key(data) or "",))
        found = self.spool.entry(seq) if seq is not None else None
        if found is None:
            return None
        try:
            source = self.store.item_image(found.item)
        except (OSError, MissingImage):
            return None
        recipe = recipe_for(source, data)
        return (found.file, recipe) if recipe is not None else None


def write_conversations(store: GalleryStore, spool: ExportSpool, warnings: list[str],
                        write_blob: WriteBlob) -> tuple[int, int]:
    """Spool the record of each exported item's conversation, one conversation at a time,
    and write the blobs/ files they still need (read from the blob store: a folder or a
    bucket) as soon as one needs them. Returns (conversations, blobs) written."""
    same = _SamePicture(store, spool)
    conversations = blobs = 0
    for cid in spool.conversation_ids():
        record = store.conversation_record(cid)
        if record is None:
            continue
        files: dict[str, str] = {}
        derived: dict[str, dict[str, Recipe]] = {}
        needed: dict[str, str] = {}
        try:
            for sha in sorted(blob_refs(record["history"])):
                if (file := spool.image_file(sha)) is not None:
                    files[sha] = file
                    continue
                mime = store.blobs.mime(sha)  # KeyError: not recorded
                if not store.blobs.has_file(sha, mime):
                    raise KeyError(sha)
                if (found := same.find(cid, sha)) is not None:
                    files[sha] = found[0]
                    derived[sha] = {"png_chunks": found[1]}
                else:
                    files[sha] = f"blobs/{sha}.{MIME_EXT.get(mime, 'bin')}"
                    needed[files[sha]] = sha
        except KeyError as missing:
            warnings.append(f"conversation {cid}: image {missing} is missing; left out")
            continue
        for file, sha in needed.items():
            if spool.add_blob_file(file):
                write_blob(file, sha)
                blobs += 1
        record["settings"] = sanitize_settings(record["settings"])
        record["transcript"] = sanitize_settings(record["transcript"])
        record["blob_files"] = files
        if derived:
            record["blob_derived"] = derived
        spool.keep_conversation(record, manifest_json(record))
        conversations += 1
    return conversations, blobs
