"""Figure: exporting 1,000 images from an S3 server vs from local files (at most 2x).

The same 1,000 photographic-size PNGs (592x592 noise, about 500 KB, as in the export_zip
figure) go through add_image into a store on local files and into one on moto's standalone
S3 server (the test suite's, on a loopback port). Exports alternate between the two (the
median of the runs); the figure is S3 time / local time.

Beside them, and alternating with them, the S3 side's GETs alone: the export's own fetching
(image_sources) with the bytes dropped, nothing written. That is the floor the server sets:
moto answers every GET in Python (one process, one GIL, a new connection per request), so
no export from it can be faster than that, whatever the client does. The note gives it as
a ratio to the local export too, with moto's CPU per GET, so a miss says whose time it is.

A second row, shown without a target: edit conversations with an upload per turn
(bench/fill_history.py, 20 conversations of 5 turns: 10 history images each), exporting
the answers only, so every upload goes under blobs/ and every answer is matched to its
gallery file: S3 time / local time, the history's GETs going through the fetch window.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.fill import add_images
from bench.fill_history import add_conversations
from bench.harness import Config, Row, env, noise_png, time_once, workdir
from studio.exchange.export_zip import export_zip
from studio.exchange.image_sources import image_sources
from studio.gallery.store import GalleryStore
from tests.s3_server import start_s3_server, stop_s3_server

FIGURE = "export_s3"
MAX_RATIO = 2.0


def _fetch_only(store: GalleryStore, count: int) -> None:
    """Every GET the export makes, through the export's own fetching; the bytes dropped."""
    items = store.query(None, limit=count, order="oldest")
    for _, source in image_sources(store, iter(items)):
        for _ in source()[1]:
            pass


def _cpu_s(proc: subprocess.Popen[bytes]) -> float:
    """User + system CPU seconds the server process has used so far (Linux)."""
    with open(f"/proc/{proc.pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    with open("/proc/loadavg") as fh:
        return fh.read().split()[0]


def run(cfg: Config) -> list[Row]:
    count = cfg.pick(1000, 20)
    side = cfg.pick(592, 96)
    with workdir(FIGURE) as root:
        server, proc = start_s3_server(Path(tempfile.mkdtemp(dir=root)))
        try:
            with env(**server.env):
                bases = [noise_png(side, side, seed=s) for s in range(16)]
                local = GalleryStore(root / "local")
                remote = GalleryStore(root / "remote", blob_url=server.url("bench"))
                chats = cfg.pick(20, 2)
                uploads = [noise_png(256, 256, seed=100 + s) for s in range(chats * 5)]
                chat_local = GalleryStore(root / "chat-local")
                chat_remote = GalleryStore(root / "chat-remote", blob_url=server.url("bench-chat"))
                with local, remote, chat_local, chat_remote:
                    for store in (local, remote):
                        add_images(store, count, image=lambda i: bases[i % len(bases)])
                    answers = {id(s): add_conversations(s, chats, 5, uploads.__getitem__)
                               for s in (chat_local, chat_remote)}
                    out = root / "out.zip"
                    times: dict[str, list[float]] = {"local": [], "s3": [], "fetch_only": [],
                                                     "chat_local": [], "chat_s3": []}
                    server_cpu: list[float] = []
                    loads = [_load()]
                    for _ in range(cfg.pick(5, 1)):
                        times["local"].append(time_once(lambda: export_zip(local, None, out)))
                        out.unlink()
                        before = _cpu_s(proc)
                        times["s3"].append(time_once(lambda: export_zip(remote, None, out)))
                        server_cpu.append(_cpu_s(proc) - before)
                        out.unlink()
                        times["fetch_only"].append(time_once(lambda: _fetch_only(remote, count)))
                        for key, store in (("chat_local", chat_local), ("chat_s3", chat_remote)):
                            times[key].append(time_once(
                                lambda s=store: export_zip(s, answers[id(s)], out)))
                            out.unlink()
                    loads.append(_load())
                    size = sum(os.path.getsize(p) for p in (root / "local" / "images").rglob("*.png"))
        finally:
            stop_s3_server(proc)
    t_local, t_s3, t_fetch = (statistics.median(times[k]) for k in ("local", "s3", "fetch_only"))
    ratio = t_s3 / t_local
    cpu_ms = statistics.median(server_cpu) / count * 1000
    t_chat_local, t_chat_s3 = (statistics.median(times[k]) for k in ("chat_local", "chat_s3"))
    chat = Row(FIGURE, f"history images: export from S3 / from local files ({chats} chats x 10)",
               t_chat_s3 / t_chat_local, "x", "", None,
               f"answers only, every upload under blobs/: S3 {t_chat_s3:.2f} s, local "
               f"{t_chat_local:.2f} s (moto server); load {' -> '.join(loads)}")
    return [Row(FIGURE, f"export from S3 / from local files ({count:,} images)", ratio, "x",
                f"<= {MAX_RATIO}", ratio <= MAX_RATIO,
                f"{size / 1e6:,.0f} MB: S3 {t_s3:.2f} s, local {t_local:.2f} s (moto server). "
                f"Floor set by moto: the {count:,} GETs alone, nothing written, take "
                f"{t_fetch:.2f} s = {t_fetch / t_local:.2f}x the local export (moto spends "
                f"{cpu_ms:.1f} ms of its CPU on each); load {' -> '.join(loads)}",
                {"times": times, "server_cpu_s": server_cpu, "loadavg": loads}), chat]
