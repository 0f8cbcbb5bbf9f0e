"""Figure: server memory over one long offline edit conversation.

A child process (bench.edit_session_child, so nothing of the other figures is counted)
runs app.py under AppTest on a fresh data folder, switches to the edit page, uploads a
512x384 photo-like PNG and sends 100 edit instructions through the chat input, with
STUDIO_EMULATOR_CHUNK_DELAY=0. Its resident size (VmRSS, after a garbage collection) is
read once the conversation has started, after turn 10 and after the last turn.

What the process holds grows with the conversation (the Chat's history keeps every image,
and so does anything that logs requests); the target is on the first 10 turns. The
512x384 photo stays under the transcript's 560 px, so Streamlit shows the stored bytes as
they are: a wider one is resized and re-encoded for every transcript image on every
rerun, and 100 turns would take far longer without changing what is kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.harness import OFFLINE_ENV, Config, Row, workdir

FIGURE = "edit_session"
MAX_EARLY_MB = 40.0
ROOT = Path(__file__).resolve().parents[1]


def _child(data: Path, turns: int, early: int) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_ENV}
    env.update(STUDIO_EMULATOR_CHUNK_DELAY="0", STUDIO_DATA_DIR=str(data),
               STREAMLIT_LOGGER_LEVEL="error")
    done = subprocess.run(
        [sys.executable, "-m", "bench.edit_session_child", str(data), str(turns), str(early)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"edit session child failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(cfg: Config) -> list[Row]:
    turns, early = cfg.pick((100, 10), (12, 10))
    with workdir(FIGURE) as root:
        seen = _child(root / "data", turns, early)
    rss = {int(k): v / 1024 for k, v in seen["rss_kb"].items()}
    grown_early = rss[early] - rss[0]
    log = seen.get("emulator", {})
    kept = (f"the emulator keeps {log['requests_kept']} request bodies, "
            f"{log['bodies_mb']:,.0f} MB of JSON" if "requests_kept" in log
            else f"emulator log not read: {log.get('error', '?')}")
    note = (f"started at {rss[0]:.0f} MB (app, SDK, emulator imported, photo uploaded); "
            f"+{rss[turns] - rss[0]:,.0f} MB over {turns} turns in "
            f"{seen['seconds'][str(turns)]:.0f} s; {kept}")
    extra = {k: seen[k] for k in ("rss_kb", "seconds", "turn_seconds", "emulator",
                                  "image_sizes", "user_messages_shown")}
    return [
        Row(FIGURE, f"server RSS grown over the first {early} edit turns", grown_early, "MB",
            f"<= {MAX_EARLY_MB:.0f} MB", grown_early <= MAX_EARLY_MB, extra=extra),
        Row(FIGURE, f"server RSS after {turns} edit turns", rss[turns], "MB", "", None, note),
    ]
