"""What the export fetches for the conversations' history, in the order it uses it.

export_blobs.py walks the exported conversations one after another; this lists, for each,
the objects it will read, so a FetchWindow can have the next few in flight: the exported
PNGs of the conversation (indexed by picture, only when the history has an image that is
no exported item) and each such history image. Each step comes with its object key, or
None when nothing is to be fetched (the conversation's start, an exported image, an
image the database does not know, after which the conversation is left out).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from studio.exchange.export_spool import ExportSpool, item_of
from studio.gallery.conversations import blob_refs
from studio.gallery.store import GalleryStore


@dataclass(frozen=True)
class Start:
    """A conversation begins (its record, as stored)."""

    cid: str
    record: dict[str, Any]


@dataclass(frozen=True)
class Indexed:
    """An exported PNG of the conversation, entry `seq`, to be indexed by its picture."""

    seq: int


@dataclass(frozen=True)
class History:
    """A history image: `file` when it is an exported image, else its recorded `mime`
    (`unknown` holds the KeyError when the database has none)."""

    sha: str
    file: str | None = None
    mime: str = ""
    unknown: KeyError | None = None


Step = Start | Indexed | History


def history_steps(store: GalleryStore, spool: ExportSpool) -> Iterator[tuple[Step, str | None]]:
    for cid in spool.conversation_ids():
        record = store.conversation_record(cid)
        if record is None:
            continue
        yield Start(cid, record), None
        shas = sorted(blob_refs(record["history"]))
        files = {sha: spool.image_file(sha) for sha in shas}
        if any(file is None for file in files.values()):
            pngs = spool.rows("SELECT seq, item FROM exported WHERE conversation_id = ? AND "
                              "mime = 'image/png' ORDER BY seq", (cid,)).fetchall()
            for seq, text in pngs:  # one conversation's rows, no bytes
                yield Indexed(seq), item_of(text).image_relpath
        for sha in shas:
            if (file := files[sha]) is not None:
                yield History(sha, file=file), None
                continue
            try:
                mime = store.blobs.mime(sha)
            except KeyError as unknown:
                yield History(sha, unknown=unknown), None
                break  # the conversation is left out: nothing after it is read
            yield History(sha, mime=mime), store.blobs.key(sha, mime)
