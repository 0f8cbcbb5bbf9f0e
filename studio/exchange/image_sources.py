"""An export's images in order: streamed from a folder, fetched a few ahead from a bucket.

The window is fetch_window.FetchWindow's: from local files each image is read as it is
copied; from an object store the next AHEAD GETs are in flight while the current image
is written, at most AHEAD fetched and not yet written, never the gallery.
"""

from __future__ import annotations

from collections.abc import Iterator

from studio.exchange.fetch_window import AHEAD, WHOLE_BELOW, Chunks, Fetch, FetchWindow
from studio.gallery.records import GalleryItem
from studio.gallery.store import GalleryStore

__all__ = ["AHEAD", "WHOLE_BELOW", "Chunks", "Source", "image_sources"]

Source = Fetch  # (size, chunks); FileNotFoundError if gone


def image_sources(store: GalleryStore, items: Iterator[GalleryItem]) -> Iterator[tuple[GalleryItem, Source]]:
    with FetchWindow(store.objects, WHOLE_BELOW) as window:
        for item, fetched in window.ahead(_keys(items, once=window.remote)):
            if fetched is None:  # asked for again only if the first copy could not be written
                yield item, lambda item=item: store.item_chunks(item)  # type: ignore[misc]
            else:
                yield item, fetched


def _keys(items: Iterator[GalleryItem], once: bool) -> Iterator[tuple[GalleryItem, str | None]]:
    asked: set[str] = set()  # from a bucket only: a local file costs nothing until read
    for item in items:
        if once and item.sha256 in asked:  # the export writes one image once: no second GET
            yield item, None
        else:
            if once:
                asked.add(item.sha256)
            yield item, item.image_relpath
