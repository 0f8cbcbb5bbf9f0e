"""Run one export_zip in a fresh process and print what it cost, as JSON.

    python -m bench.export_child DATA_DIR OUT_ZIP [SINCE]

Peak memory is VmHWM after the export minus the resident size once imports are done and
the store is open (the peak is reset there when the kernel allows it), so the figure is
what the export itself needed.
"""

from __future__ import annotations

import json
import sys
import time

from bench.harness import reset_peak_rss, rss_kb, vm_hwm_kb
from studio.exchange.export_zip import export_zip
from studio.gallery.records import GalleryFilter
from studio.gallery.store import GalleryStore


def main(argv: list[str]) -> int:
    data_dir, out = argv[0], argv[1]
    since = argv[2] if len(argv) > 2 else None
    with GalleryStore(data_dir) as store:
        store.count()  # first query: connection and schema pages are loaded before the baseline
        reset = reset_peak_rss()
        base_kb = rss_kb() if reset else vm_hwm_kb()
        started = time.perf_counter()
        report = export_zip(store, GalleryFilter(since=since) if since else None, out)
        seconds = time.perf_counter() - started
    peak_kb = vm_hwm_kb()
    print(json.dumps({"seconds": seconds, "base_kb": base_kb, "peak_kb": peak_kb,
                      "added_kb": peak_kb - base_kb, "images": report.images,
                      "bytes": report.bytes, "peak_reset": reset}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
