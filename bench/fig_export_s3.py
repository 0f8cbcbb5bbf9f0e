"""Figure: exporting 1,000 images from an S3 server vs from local files (at most 2x).

The same 1,000 photographic-size PNGs (592x592 noise, about 500 KB, as in the export_zip
figure) go through add_image into a store on local files and into one on moto's standalone
S3 server (the test suite's, on a loopback port). Exports alternate between the two (the
median of the runs); the figure is S3 time / local time.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from bench.fill import add_images
from bench.harness import Config, Row, env, noise_png, time_once, workdir
from studio.exchange.export_zip import export_zip
from studio.gallery.store import GalleryStore
from tests.s3_server import start_s3_server, stop_s3_server

FIGURE = "export_s3"
MAX_RATIO = 2.0


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
                with local, remote:
                    for store in (local, remote):
                        add_images(store, count, image=lambda i: bases[i % len(bases)])
                    out = root / "out.zip"
                    times: dict[str, list[float]] = {"local": [], "s3": []}
                    for i in range(cfg.pick(5, 1) * 2):
                        name, store = ("s3", remote) if i % 2 else ("local", local)
                        times[name].append(time_once(lambda s=store: export_zip(s, None, out)))
                        out.unlink()
                    size = sum(os.path.getsize(p) for p in (root / "local" / "images").rglob("*.png"))
        finally:
            stop_s3_server(proc)
    t_local, t_s3 = statistics.median(times["local"]), statistics.median(times["s3"])
    ratio = t_s3 / t_local
    return [Row(FIGURE, f"export from S3 / from local files ({count:,} images)", ratio, "x",
                f"<= {MAX_RATIO}", ratio <= MAX_RATIO,
                f"{size / 1e6:,.0f} MB: S3 {t_s3:.2f} s, local {t_local:.2f} s (moto server)",
                {"times": times})]
