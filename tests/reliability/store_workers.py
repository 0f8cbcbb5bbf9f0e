"""Worker processes for test_store_concurrency: `python -m tests.reliability.store_workers`.

    writer DATA_DIR GO_FILE INDEX COUNT   add COUNT images and save conversations; prints JSON
    reader DATA_DIR GO_FILE STOP_FILE     query/count in a loop until STOP_FILE exists

Every process waits for GO_FILE before it opens the store, so all of them open a fresh
folder (and run its migrations) and start writing at the same moment.
"""

from __future__ import annotations

import io
import json
import sys
import time
import traceback
from pathlib import Path

from google.genai import types
from PIL import Image

from studio.gallery.conversations import Conversation
from studio.gallery.records import GalleryFilter, NewItem
from studio.gallery.store import GalleryStore

SHARED_EVERY = 5  # every 5th image is byte-identical in all writers: same file, same moment


def png(color: tuple[int, int, int], size: tuple[int, int] = (48, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def _wait_for(go: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not go.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{go} never appeared")
        time.sleep(0.005)


def writer(data: Path, go: Path, index: int, count: int) -> dict[str, object]:
    _wait_for(go)
    ids: list[str] = []
    conversations: list[str] = []
    with GalleryStore(data) as store:
        conv = Conversation(page="edit", title=f"writer {index}", model="m")
        for i in range(count):
            if i % SHARED_EVERY == 0:  # identical bytes and metadata in every writer
                data_png, meta = png((9, 9, 9)), NewItem(page="story", prompt="shared")
            else:
                data_png = png((index * 50 % 256, i * 9 % 256, 100))
                meta = NewItem(page=("story", "edit", "recipe", "text")[i % 4],
                               prompt=f"writer {index} image {i}", conversation_id=conv.id,
                               turn=i, model="m")
            ids.append(store.add_image(data_png, "image/png", meta).id)
            # the conversation grows by a turn each time, with an image in its history
            conv.history.append(types.Content(role="user", parts=[
                types.Part(text=f"turn {i}"),
                types.Part(inline_data=types.Blob(mime_type="image/png",
                                                  data=png((i * 20 % 256, index, 7)))),
            ]))
            conv.transcript.append({"instruction": f"turn {i}", "parts": []})
            store.save_conversation(conv)
            if i % 10 == 9:  # and a new, short conversation now and then
                extra = Conversation(page="story", title=f"w{index}-{i}", history=[
                    types.Content(role="user", parts=[types.Part(text="hello")])])
                conversations.append(store.save_conversation(extra).id)
        conversations.append(conv.id)
    return {"ids": ids, "conversations": conversations, "turns": {conv.id: count}}


def reader(data: Path, go: Path, stop: Path) -> dict[str, object]:
    _wait_for(go)
    loops = 0
    last = 0
    with GalleryStore(data) as store:
        while not stop.exists():
            total = store.count()
            if total < last:
                raise AssertionError(f"count went backwards: {last} -> {total}")
            last = total
            items = store.query(limit=48)
            store.query(GalleryFilter(page="story"), limit=48, order="oldest")
            for item in items[:8]:  # a row is never visible before its files are in place
                if not store.image_path(item).is_file() or not store.thumb_path(item).is_file():
                    raise AssertionError(f"item {item.id} is visible before its files")
            store.count(GalleryFilter(text="writer"))
            for summary in store.list_conversations(limit=5):
                store.load_conversation(summary.id)
            store.facets()
            loops += 1
    return {"loops": loops, "last_count": last}


def main(argv: list[str]) -> int:
    try:
        if argv[0] == "writer":
            result = writer(Path(argv[1]), Path(argv[2]), int(argv[3]), int(argv[4]))
        else:
            result = reader(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    except BaseException:
        traceback.print_exc()
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
