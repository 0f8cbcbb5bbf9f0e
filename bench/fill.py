"""Filling gallery stores for the benchmarks, quickly.

`add_images` goes through the store's own add_image (real files, thumbnails, PNG
metadata), with fsync switched off for the setup only. `import_rows` inserts rows through
the store's bulk import path (import_records) for query benchmarks that never open files.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench.harness import no_fsync, small_png
from studio.gallery.records import GalleryItem, NewItem
from studio.gallery.store import GalleryStore

PAGES = ("story", "edit", "recipe", "text")
PROMPTS = (
    "A lighthouse on a cliff at dawn, watercolour",
    "A red vintage bicycle leaning on a blue wall",
    "Invitation card for a garden party, elegant serif text",
    "Step-by-step pancakes with blueberries",
    "A fox in a snowy forest, children's book style",
    "Neon sign reading OPEN ALL NIGHT",
    "A cosy reading nook with a cat",
    "Tomato soup, four steps, flat illustration",
)


def add_images(store: GalleryStore, count: int, *,
               image: Callable[[int], bytes] | None = None) -> list[str]:
    """`count` images through store.add_image; returns their ids (oldest first)."""
    make = image or small_png
    ids = []
    with no_fsync():
        for i in range(count):
            meta = NewItem(page=PAGES[i % len(PAGES)],
                           prompt=f"{PROMPTS[i % len(PROMPTS)]} #{i}",
                           text=f"Scene {i}.", model="gemini-2.5-flash-image", seed=i)
            ids.append(store.add_image(make(i), "image/png", meta).id)
    return ids


def import_rows(store: GalleryStore, count: int, *, matches: int,
                match: dict[str, str], other_model: str) -> None:
    """`count` rows, `matches` of them (spread evenly over time) carrying the `match`
    fields (page, prompt, model); the rest cycle through pages and prompts without them."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    every = max(1, count // matches)
    items = []
    blobs = []
    for i in range(count):
        is_match = i % every == 0 and i // every < matches
        sha = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
        fields = dict(match) if is_match else {
            "page": PAGES[i % len(PAGES)], "prompt": f"{PROMPTS[i % len(PROMPTS)]} #{i}",
            "model": other_model,
        }
        items.append(GalleryItem(
            id=uuid.uuid4().hex,
            created_at=(start + timedelta(seconds=i)).isoformat(timespec="microseconds"),
            text=f"Scene {i}: the story goes on.", engine="offline", aspect_ratio="1:1",
            width=1024, height=1024, mime="image/png", sha256=sha, total_tokens=1300,
            settings={"seed": i}, **fields,
        ))
        blobs.append((sha, "image/png", 1_500_000))
    added, _ = store.import_records(items, [], blobs)
    assert len(added) == count, (len(added), count)


def tiny_png() -> bytes:
    return small_png(0, size=4)


def shared_image_rows(store: GalleryStore, n: int, start: int = 0) -> None:
    """n items on one image; every tenth a story turn (so story pages are part of it)."""
    data = tiny_png()
    sha = store.put_blob(data, "image/png")
    items = []
    for k in range(start, start + n):
        story = k % 10 == 0
        items.append(GalleryItem(
            id=uuid.uuid4().hex, created_at=datetime.now(UTC).isoformat(timespec="microseconds"), page="story" if story else "text",
            prompt=f"a small prompt number {k} with some words in it", text="an answer",
            model="gemini-x", sha256=sha, mime="image/png", width=4, height=4,
            conversation_id=f"conv-{k // 50}" if story else None, turn=k % 7, tags=["bench"]))
    store.import_records(items, [], [(sha, "image/png", len(data))])
