"""An export's images in order: streamed from a folder, fetched a few ahead from a bucket.

From local files each image is read as it is copied. From an object store every image is
one GET whose round trip would otherwise be waited for one after another, so the next
AHEAD GETs are in flight on an event loop of their own (their waiting is in Rust, without
the GIL) while the caller's thread writes the current one. Memory stays bounded by the
window: at most AHEAD objects are fetched and not yet written, each read ahead whole only
below WHOLE_BELOW bytes (a bigger one streams as it is written), never the gallery.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from typing import Any

from studio.gallery.records import GalleryItem
from studio.gallery.store import GalleryStore

AHEAD = 8
WHOLE_BELOW = 8 << 20
Chunks = tuple[int, Iterator[bytes]]
Source = Callable[[], Chunks]  # (size, chunks); FileNotFoundError if gone


def image_sources(store: GalleryStore, items: Iterator[GalleryItem]) -> Iterator[tuple[GalleryItem, Source]]:
    objects = store.objects
    if objects.local_path("images") is not None:
        for item in items:
            yield item, (lambda item=item: store.item_chunks(item))  # type: ignore[misc]
        return
    with _FetchLoop() as loop:
        window: deque[tuple[GalleryItem, Future[Chunks] | None]] = deque()
        asked: set[str] = set()
        for item in items:
            if item.sha256 in asked:  # the export writes one image once: no second GET
                window.append((item, None))
            else:
                asked.add(item.sha256)
                window.append((item, loop.submit(objects.open_async(item.image_relpath, WHOLE_BELOW))))
            if len(window) >= AHEAD:
                yield _ready(store, *window.popleft())
        while window:
            yield _ready(store, *window.popleft())


def _ready(store: GalleryStore, item: GalleryItem, fetched: Future[Chunks] | None) -> tuple[GalleryItem, Source]:
    if fetched is None:  # asked for again only if the first copy could not be written
        return item, lambda: store.item_chunks(item)
    return item, fetched.result


class _FetchLoop:
    """An asyncio loop on a thread of its own for one export's GETs."""

    def __enter__(self) -> _FetchLoop:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="export-fetch", daemon=True)
        self._thread.start()
        return self

    def submit(self, fetch: Coroutine[Any, Any, Chunks]) -> Future[Chunks]:
        return asyncio.run_coroutine_threadsafe(fetch, self._loop)

    def __exit__(self, *exc: object) -> None:
        # An export that stops early (an error, a closed generator) drops what is in flight.
        asyncio.run_coroutine_threadsafe(_cancel_others(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


async def _cancel_others() -> None:
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
