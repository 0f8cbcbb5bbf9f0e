"""An export's images from a bucket: fetched ahead in a bounded window, gaps reported.

The window is checked through a fake object folder that counts what it was asked for and
what was written, so "at most AHEAD objects fetched and not yet written" is a count, not a
timing. The missing object and the streamed big one go through moto's S3 server.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import studio.exchange.image_sources as image_sources_module
from studio.exchange.export_zip import export_zip
from studio.exchange.image_sources import AHEAD, image_sources
from studio.gallery.objects import LocalFolder
from studio.gallery.records import GalleryItem, NewItem
from studio.gallery.store import GalleryStore
from tests.s3_server import S3Server
from tests.unit.test_gallery_store import make_png


class CountingFolder:
    """A bucket stand-in: the bytes of a local folder, with every fetch counted."""

    def __init__(self, real: LocalFolder) -> None:
        self._real = real
        self.location = "fake://bucket"
        self.asked: list[str] = []
        self.written = 0
        self.most_unwritten = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def local_path(self, key: str) -> None:
        return None

    def open_async(self, key: str, whole_below: int):  # counted when asked, not when run
        self.asked.append(key)
        self.most_unwritten = max(self.most_unwritten, len(self.asked) - self.written)

        async def fetch() -> tuple[int, Iterator[bytes]]:
            data = self._real.get(key)
            return len(data), self._chunks(data)

        return fetch()

    def _chunks(self, data: bytes) -> Iterator[bytes]:
        yield data
        self.written += 1


def _gallery(store: GalleryStore, count: int) -> list[GalleryItem]:
    return [store.add_image(make_png(k), "image/png", NewItem(page="text", prompt=f"p{k}"))
            for k in range(count)]


def _export_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "export-fetch"]


def test_the_window_fetches_ahead_but_never_more_than_ahead_unwritten(tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "data") as store:
        items = _gallery(store, 3 * AHEAD + 1)
        fake = CountingFolder(store.objects)
        store.objects = fake
        got = []
        for item, source in image_sources(store, iter(items)):
            size, chunks = source()
            got.append((item.id, size, b"".join(chunks)))
    assert [g[0] for g in got] == [i.id for i in items]  # in order, every one
    assert all(size == len(data) and data[:4] == b"\x89PNG" for _, size, data in got)
    assert fake.written == len(items)
    assert fake.most_unwritten == AHEAD  # ahead, yet bounded by the window
    assert not _export_threads()


def test_two_items_of_one_image_cost_one_fetch(tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "data") as store:
        a, b = _gallery(store, 2)
        fake = CountingFolder(store.objects)
        store.objects = fake
        sources = list(image_sources(store, iter([a, b, a])))
        assert [k.rsplit("/", 1)[-1] for k in fake.asked] == [f"{a.sha256}.png", f"{b.sha256}.png"]
        # were the first copy unwritable, the second is read when it is asked for
        _, chunks = sources[2][1]()
        assert b"".join(chunks) == store.image_bytes(a.id)


def test_an_export_that_stops_early_leaves_no_fetch_running(tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "data") as store:
        items = _gallery(store, 2 * AHEAD)
        store.objects = CountingFolder(store.objects)
        sources = image_sources(store, iter(items))
        next(sources)
        assert _export_threads()
        sources.close()
        assert not _export_threads()


def test_an_object_missing_from_the_bucket_is_a_warning_and_the_export_completes(
    tmp_path: Path, s3_server: S3Server
) -> None:
    with GalleryStore(tmp_path / "data", blob_url=s3_server.url(f"gap-{tmp_path.name}")) as store:
        items = _gallery(store, AHEAD + 3)
        lost = items[2]
        store.objects.delete(lost.image_relpath)
        report = export_zip(store, None, tmp_path / "out.zip")
        kept = {i.sha256: store.image_bytes(i.id) for i in items if i is not lost}
    assert report.images == len(items) - 1
    assert report.warnings == [f"item {lost.id}: image file missing; left out"]
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        images = [n for n in zf.namelist() if n.startswith("images/")]
        assert sorted(zf.read(n) for n in images) == sorted(kept.values())


def test_an_image_too_big_to_read_ahead_whole_streams_into_the_zip(
    tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(image_sources_module, "WHOLE_BELOW", 200)  # every test image is bigger
    with GalleryStore(tmp_path / "data", blob_url=s3_server.url(f"big-{tmp_path.name}")) as store:
        items = [store.add_image(make_png(k, (300, 200)), "image/png", NewItem(page="text"))
                 for k in range(3)]
        report = export_zip(store, None, tmp_path / "out.zip")
        originals = sorted(store.image_bytes(i.id) for i in items)
    assert report.images == 3 and not report.warnings
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        assert sorted(zf.read(n) for n in zf.namelist() if n.startswith("images/")) == originals
