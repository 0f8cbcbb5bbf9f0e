"""One long offline edit conversation in a fresh process; prints what it cost, as JSON.

    python -m bench.edit_session_child DATA_DIR TURNS CHECKPOINT [CHECKPOINT ...]

The app (app.py under AppTest, every run through app.py) is switched to the edit page, an
image is uploaded to start a conversation, as tests/app/test_edit_page.py does, then TURNS
instructions go through the chat input (a page error or an error box stops the run). The resident size (VmRSS) is read once the
conversation has started and after each CHECKPOINT turn, after a garbage collection, so a
reading is what the session holds rather than garbage not yet freed.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench.apptest import app_env, check, open_page
from bench.harness import noise_png, rss_kb
from studio.gallery.store import GalleryStore

# Each one an edit the emulator recognises, so every answer is the photo edited, at its
# size (an instruction it does not read as an edit draws a new 1024x1024 picture instead).
INSTRUCTIONS = (
    "Make it black and white", "Add a gold border", "Rotate it 90 degrees",
    "Invert the colours", "Make it brighter", "Add the caption 'Hello'", "Make it sepia",
    "Mirror it", "Add a soft blur", "Give it a blue tint",
)


def settled_rss_kb() -> int:
    gc.collect()
    return rss_kb()


def emulator_log() -> dict[str, Any]:
    """What the app's emulator keeps of the requests it answered (read after the last
    reading: serialising the bodies to size them costs memory of its own)."""
    try:
        from studio import offline_emulator

        kept = offline_emulator().requests
    except Exception as exc:  # the figure does not depend on it
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}
    body = sum(len(json.dumps(r.get("json"))) for r in kept if r.get("json") is not None)
    return {"requests_kept": len(kept), "bodies_mb": round(body / 1_048_576, 1)}


def main(argv: list[str]) -> int:
    from streamlit import logger

    logger.set_log_level("error")
    data_dir, turns = Path(argv[0]), int(argv[1])
    checkpoints = sorted({int(a) for a in argv[2:] if 0 < int(a) <= turns} | {turns})
    readings: dict[str, int] = {}
    seconds: dict[str, float] = {}
    with app_env():
        at = open_page("edit", data_dir)
        photo = noise_png(512, 384, seed=7)
        at.file_uploader(key="edit_upload").set_value(("photo.png", photo, "image/png")).run()
        check(at, "edit upload")
        readings["0"] = settled_rss_kb()
        started = time.perf_counter()
        took: list[float] = []
        for turn in range(1, turns + 1):
            text = f"{INSTRUCTIONS[(turn - 1) % len(INSTRUCTIONS)]} (#{turn})"
            turn_started = time.perf_counter()
            at.chat_input(key="edit_chat").set_value(text).run()
            took.append(round(time.perf_counter() - turn_started, 3))
            check(at, f"edit turn {turn}")
            if at.error:
                raise RuntimeError(f"turn {turn}: " + " | ".join(e.value for e in at.error))
            if turn in checkpoints:
                seconds[str(turn)] = round(time.perf_counter() - started, 2)
                readings[str(turn)] = settled_rss_kb()
        users = sum(1 for m in at.chat_message if m.name == "user")
    with GalleryStore(data_dir) as store:  # every answer an edit of the photo, not a new image
        sizes = sorted({(i.width, i.height) for i in store.query(limit=turns + 10)})
    print(json.dumps({"rss_kb": readings, "seconds": seconds, "turn_seconds": took,
                      "turns": turns,
                      "user_messages_shown": users, "image_sizes": sizes,
                      "pid": os.getpid(),
                      "emulator": emulator_log()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
