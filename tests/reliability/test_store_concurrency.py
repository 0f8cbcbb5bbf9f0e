"""Four writer processes and a reader on one fresh gallery folder, all at once.

Each writer adds 25 images (every 5th byte-identical across writers, so four processes
publish the same file at the same moment) and saves a growing conversation after each
one; the reader queries and counts in a loop the whole time. Nothing may fail, nothing
may be lost, and the database must pass its integrity check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio.gallery.store import GalleryStore
from tests.reliability.checks import check_store
from tests.servers import ROOT, pythonpath

WRITERS = 4
PER_WRITER = 25
TIMEOUT_S = 120

pytestmark = pytest.mark.slow


def _spawn(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": pythonpath()}
    return subprocess.Popen([sys.executable, "-m", "tests.reliability.store_workers", *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _finish(proc: subprocess.Popen[str], name: str, timeout: float) -> dict:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(
            f"{name} did not finish in {timeout:.0f} s; stderr:\n{err[-3000:]}") from exc
    assert proc.returncode == 0, f"{name} failed (code {proc.returncode}):\n{err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1])


def test_four_writers_and_a_reader_lose_nothing(tmp_path: Path):
    data = tmp_path / "data"  # fresh: the processes also race to create and migrate it
    go, stop = tmp_path / "go", tmp_path / "stop"
    writers = [_spawn("writer", str(data), str(go), str(n), str(PER_WRITER))
               for n in range(WRITERS)]
    reader = _spawn("reader", str(data), str(go), str(stop))
    procs = [*writers, reader]
    try:
        go.touch()  # everyone opens the store and starts writing now
        deadline = time.monotonic() + TIMEOUT_S
        results = [_finish(w, f"writer {n}", max(1.0, deadline - time.monotonic()))
                   for n, w in enumerate(writers)]
        stop.touch()
        seen = _finish(reader, "reader", max(1.0, deadline - time.monotonic()))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    assert seen["loops"] > 0, "the reader never got a query in while the writers ran"
    ids = [i for r in results for i in r["ids"]]
    conversations = [c for r in results for c in r["conversations"]]
    assert len(ids) == len(set(ids)) == WRITERS * PER_WRITER
    with GalleryStore(data) as store:
        assert store.count() == WRITERS * PER_WRITER
        missing = [i for i in ids if store.get(i) is None]
        assert not missing, f"{len(missing)} saved images are not in the gallery"
        report = check_store(store)
        assert not report.problems, report.problems
        # four writers published the same bytes at the same moment: one file, many rows
        shared = {i.sha256 for i in report.items if i.prompt == "shared"}
        assert len(shared) == 1
        assert sum(1 for i in report.items if i.prompt == "shared") == WRITERS * 5
        stored = {c.id: c for c in store.list_conversations(limit=1000)}
        assert set(conversations) <= set(stored), "a saved conversation is missing"
        for result in results:
            for conv_id, turns in result["turns"].items():
                assert stored[conv_id].turns == turns
                conv = store.load_conversation(conv_id)
                assert conv is not None and len(conv.history) == turns
                assert all(p.inline_data.data for c in conv.history for p in c.parts
                           if p.inline_data is not None)
