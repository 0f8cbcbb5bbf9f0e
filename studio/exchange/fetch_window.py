"""GETs from a bucket in a bounded window, on an event loop of their own.

From an object store every object is one GET whose round trip would otherwise be waited
for one after another, so the next AHEAD GETs are in flight on a loop of their own (their
waiting is in Rust, without the GIL) while the caller's thread writes the current one.
Memory stays bounded by the window: at most AHEAD objects are fetched and not yet used,
each read ahead whole only below WHOLE_BELOW bytes (a bigger one streams as it is read).
From a local folder nothing is fetched ahead: a file is read when it is used.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

from studio.gallery.objects import ObjectFolder

AHEAD = 8
WHOLE_BELOW = 8 << 20
Chunks = tuple[int, Iterator[bytes]]
Fetch = Callable[[], Chunks]  # (size, chunks); FileNotFoundError if gone
T = TypeVar("T")


class FetchWindow:
    """One export's GETs from `objects`: `fetch(key)` starts one, `ahead()` keeps a window."""

    def __init__(self, objects: ObjectFolder, whole_below: int = WHOLE_BELOW) -> None:
        self.objects, self.whole_below = objects, whole_below
        self.remote = objects.local_path("images") is None
        self._loop: _FetchLoop | None = None

    def __enter__(self) -> FetchWindow:
        if self.remote:
            self._loop = _FetchLoop().__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None:
            self._loop.__exit__(*exc)
            self._loop = None

    def fetch(self, key: str) -> Fetch:
        """Start fetching `key` now (a bucket) or when it is used (a folder)."""
        if self._loop is None:
            return lambda: self.objects.open(key)
        return self._loop.submit(self.objects.open_async(key, self.whole_below)).result

    def ahead(self, wanted: Iterator[tuple[T, str | None]], ahead: int = AHEAD
              ) -> Iterator[tuple[T, Fetch | None]]:
        """Each (thing, key) with its fetch, started up to `ahead` things before it is
        yielded; a None key fetches nothing (the thing passes through the window)."""
        window: deque[tuple[T, Fetch | None]] = deque()
        for thing, key in wanted:
            window.append((thing, None if key is None else self.fetch(key)))
            if len(window) >= ahead:
                yield window.popleft()
        while window:
            yield window.popleft()


def whole(fetch: Fetch) -> bytes:
    _, chunks = fetch()
    return b"".join(chunks)


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
