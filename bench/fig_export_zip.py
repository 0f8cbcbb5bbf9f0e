"""Figure 6: ZIP export of a large gallery against Info-ZIP on the same files.

1,000 real images of about 500 KB go into a store through add_image. Each export runs
in a child process (bench.export_child) that reports its own wall time and peak memory;
`zip -0 -q -r` over the store's image folder is the baseline, runs interleaved. Memory
is compared between exporting the newest 250 and all 1,000: it should not grow with the
count, since images are streamed file to entry.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.fill import add_images
from bench.harness import Config, Row, noise_png, workdir
from studio.gallery.store import GalleryStore

FIGURE = "export_zip"
MAX_RATIO = 1.3
MAX_PEAK_MB = 200.0
MAX_GROWTH_MB = 16.0
ROOT = Path(__file__).resolve().parents[1]


def _child(data: Path, out: Path, since: str | None = None) -> dict[str, Any]:
    args = [sys.executable, "-m", "bench.export_child", str(data), str(out)]
    done = subprocess.run([*args, *([since] if since else [])], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"export child failed: {done.stderr.strip()[-2000:]}")
    out.unlink(missing_ok=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _zip(data: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["zip", "-0", "-q", "-r", str(out), "images"], cwd=data, check=True,
                   timeout=900)
    seconds = time.perf_counter() - started
    out.unlink(missing_ok=True)
    return seconds


def run(cfg: Config) -> list[Row]:
    if shutil.which("zip") is None:
        return [Row(FIGURE, "export / zip -0", None, "x", f"<= {MAX_RATIO}", None,
                    "Info-ZIP not installed: run `make system-deps`")]
    count, small_count = cfg.pick((1000, 250), (20, 5))
    side = cfg.pick(592, 96)  # 592x592 noise at 6 levels: about 500 KB per PNG
    with workdir(FIGURE) as root:
        data = root / "data"
        with GalleryStore(data) as store:
            bases = [noise_png(side, side, seed=s) for s in range(16)]
            ids = add_images(store, count, image=lambda i: bases[i % len(bases)])
            since_item = store.get(ids[count - small_count])
            assert since_item is not None
            since = since_item.created_at
        image_bytes = sum(p.stat().st_size for p in (data / "images").rglob("*.png"))
        out = root / "out.zip"
        zips: list[float] = []
        exports: list[dict[str, Any]] = []
        _zip(data, out)  # warm-up: both sides then read from the page cache
        for i in range(cfg.pick(5, 1)):
            if i % 2:
                exports.append(_child(data, out))
                zips.append(_zip(data, out))
            else:
                zips.append(_zip(data, out))
                exports.append(_child(data, out))
        small = _child(data, out, since)
    assert all(e["images"] == count for e in exports), exports
    assert small["images"] == small_count, small
    t_zip = statistics.median(zips)
    t_export = statistics.median(e["seconds"] for e in exports)
    ratio = t_export / t_zip
    peak = max(e["added_kb"] for e in exports) / 1024
    peak_small = small["added_kb"] / 1024
    growth = peak - peak_small
    base_mb = statistics.median(e["base_kb"] for e in exports) / 1024
    note = (f"{count:,} images, {image_bytes / 1e6:,.0f} MB: export {t_export:.2f} s, "
            f"zip {t_zip:.2f} s")
    extra = {"count": count, "image_bytes": image_bytes, "zip_s": zips,
             "export": exports, "small_export": small}
    return [
        Row(FIGURE, f"export / zip -0 ({count:,} images)", ratio, "x", f"<= {MAX_RATIO}",
            ratio <= MAX_RATIO, note, extra),
        Row(FIGURE, f"export peak memory, {count:,} images", peak, "MB",
            f"<= {MAX_PEAK_MB:.0f} MB", peak <= MAX_PEAK_MB,
            f"peak RSS over the child's {base_mb:.0f} MB after imports; "
            f"{small_count:,} images: {peak_small:.1f} MB"),
        Row(FIGURE, f"memory growth {small_count:,} -> {count:,}", growth, "MB",
            f"<= {MAX_GROWTH_MB:.0f} MB", growth <= MAX_GROWTH_MB),
    ]
