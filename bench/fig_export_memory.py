"""Figure: export memory does not grow with the gallery (100,000 vs 10,000 items).

Each gallery is many item rows sharing one small image (the bytes are content-addressed,
so one file; rows through import_records, as an import would put them), a tenth of them
story turns so story pages are part of the export. Both exports run in this process under
tracemalloc; the figure is peak(100,000) / peak(10,000). Before the export was streamed it
held ~3.3 KB an item (manifest rows, HTML, every ZipInfo): ~10x.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from bench.fill import shared_image_rows as fill
from bench.harness import Config, Row, no_fsync, workdir
from studio.exchange.export_zip import export_zip
from studio.gallery.store import GalleryStore

FIGURE = "export_memory"
MAX_RATIO = 1.5


def _peak(store: GalleryStore, out: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        report = export_zip(store, None, out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    out.unlink(missing_ok=True)
    return peak, report.images


def run(cfg: Config) -> list[Row]:
    small_n, large_n = cfg.pick((10_000, 100_000), (600, 3_000))  # both past one query page (500)
    with workdir(FIGURE) as root, GalleryStore(root / "data") as store:
        with no_fsync():
            fill(store, small_n)
        small, small_images = _peak(store, root / "out.zip")
        with no_fsync():
            for start in range(small_n, large_n, 10_000):
                fill(store, min(10_000, large_n - start), start=start)
        large, large_images = _peak(store, root / "out.zip")
    assert (small_images, large_images) == (small_n, large_n)
    ratio = large / small
    return [
        Row(FIGURE, f"export peak memory {large_n:,} / {small_n:,} items", ratio, "x",
            f"<= {MAX_RATIO}", ratio <= MAX_RATIO,
            f"tracemalloc peak {small / 1e6:.2f} MB -> {large / 1e6:.2f} MB"),
    ]
