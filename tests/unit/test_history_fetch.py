"""An export's conversation history images come through the bounded fetch window too.

A fake object folder counts what was asked for and what was read, so "several history
images in flight, never more than AHEAD" is a count, not a timing. A history image lost
from the store still leaves its conversation out with the warning, and the export ends.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.fill_history import add_conversations
from studio.exchange.export_zip import export_zip
from studio.exchange.fetch_window import AHEAD
from studio.gallery.conversations import blob_refs
from studio.gallery.objects import ObjectFolder
from studio.gallery.store import GalleryStore
from tests.unit.test_gallery_store import make_png


class CountingFolder:
    """A bucket stand-in over a local folder: the keys asked for, and those read."""

    def __init__(self, real: ObjectFolder, watched: set[str]) -> None:
        self._real, self.watched = real, watched
        self.location = "fake://bucket"
        self.asked = self.read = self.most_in_flight = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def local_path(self, key: str) -> None:
        return None

    def open_async(self, key: str, whole_below: int):  # counted when asked, not when run
        if key in self.watched:
            self.asked += 1
            self.most_in_flight = max(self.most_in_flight, self.asked - self.read)

        async def fetch() -> tuple[int, Iterator[bytes]]:
            data = self._real.get(key)
            return len(data), self._chunks(key, data)

        return fetch()

    def _chunks(self, key: str, data: bytes) -> Iterator[bytes]:
        yield data
        if key in self.watched:
            self.read += 1


def _blob_keys(store: GalleryStore, zip_path: Path) -> set[str]:
    """The keys of the history images an export put under blobs/ (here: the uploads, as
    the chat sent them; their gallery items, not exported, carry PNG text)."""
    with zipfile.ZipFile(zip_path) as zf:
        shas = [n[len("blobs/"):].split(".")[0] for n in zf.namelist() if n.startswith("blobs/")]
    return {store.blobs.key(sha) for sha in shas}


def test_history_images_are_fetched_ahead_in_a_bounded_window(tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "data") as store:
        answers = add_conversations(store, 1, AHEAD + 4, make_png)
        expected = export_zip(store, answers, tmp_path / "local.zip")
        uploads = _blob_keys(store, tmp_path / "local.zip")
        fake = CountingFolder(store.objects, uploads)
        store.objects = fake
        report = export_zip(store, answers, tmp_path / "bucket.zip")
    assert report.blobs == expected.blobs == len(uploads) and not report.warnings
    assert fake.asked == fake.read == len(uploads)  # each one fetched once, and read
    assert 2 <= fake.most_in_flight <= AHEAD  # ahead of its use, yet bounded by the window
    with zipfile.ZipFile(tmp_path / "local.zip") as a, zipfile.ZipFile(tmp_path / "bucket.zip") as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        blobs = [n for n in a.namelist() if n.startswith("blobs/")]
        assert [a.read(n) for n in blobs] == [b.read(n) for n in blobs]
        assert a.read("manifest.json") != b"" and b.read("manifest.json").count(b"blob_derived")


def test_a_history_image_lost_from_the_store_is_a_warning_and_the_export_ends(
    tmp_path: Path, blob_url: str | None
) -> None:
    with GalleryStore(tmp_path / "data", blob_url=blob_url) as store:
        answers = add_conversations(store, 3, 2, make_png)
        lost_in = store.get(answers[2]).conversation_id
        record = store.conversation_record(lost_in)
        assert record is not None
        export_zip(store, answers, tmp_path / "whole.zip")
        uploads = _blob_keys(store, tmp_path / "whole.zip")
        lost = next(s for s in sorted(blob_refs(record["history"])) if store.blobs.key(s) in uploads)
        store.objects.delete(store.blobs.key(lost))
        report = export_zip(store, answers, tmp_path / "out.zip")
    assert report.warnings == [f"conversation {lost_in}: image '{lost}' is missing; left out"]
    assert report.conversations == 2 and report.blobs == 4  # the other two, 2 uploads each
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        assert zf.testzip() is None
        assert len([n for n in zf.namelist() if n.startswith("blobs/")]) == 4
