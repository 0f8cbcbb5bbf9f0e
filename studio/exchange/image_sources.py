"""An export's images in order: streamed from a folder, fetched a few ahead from a bucket.

From local files each image is read as it is copied. From an object store every image is
one GET whose round trip would otherwise be waited for one after another, so a small pool
fetches the next few while the current one is written: memory stays bounded by the window
(AHEAD images), never the gallery.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from studio.gallery.records import GalleryItem
from studio.gallery.store import GalleryStore

AHEAD = 8
WORKERS = 4
Source = Callable[[], tuple[int, Iterator[bytes]]]  # (size, chunks); FileNotFoundError if gone


def image_sources(store: GalleryStore, items: Iterator[GalleryItem]) -> Iterator[tuple[GalleryItem, Source]]:
    if store.objects.local_path("images") is not None:
        for item in items:
            yield item, (lambda item=item: store.item_chunks(item))  # type: ignore[misc]
        return
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="export-fetch") as pool:
        window: deque[tuple[GalleryItem, Future[bytes]]] = deque()
        for item in items:
            window.append((item, pool.submit(store.blobs.get, item.sha256, item.mime)))
            if len(window) >= AHEAD:
                yield _ready(*window.popleft())
        while window:
            yield _ready(*window.popleft())


def _ready(item: GalleryItem, fetched: Future[bytes]) -> tuple[GalleryItem, Source]:
    def source() -> tuple[int, Iterator[bytes]]:
        data = fetched.result()
        return len(data), iter((data,))

    return item, source
