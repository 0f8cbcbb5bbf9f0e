"""Export memory does not grow with the gallery, and the ZIP it streams is whole.

The galleries are made cheaply: many item rows sharing one small image (content-addressed,
so one file), put in with import_records as an import would. Peak memory is measured with
tracemalloc around export_zip alone.
"""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from pathlib import Path

from bench.fill import shared_image_rows as fill
from studio.exchange.export_zip import export_zip
from studio.exchange.zip_spool import SpooledZip
from studio.gallery.store import GalleryStore


def export_peak(store: GalleryStore, out: Path) -> int:
    tracemalloc.start()
    try:
        export_zip(store, None, out)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_peak_memory_is_flat_in_the_gallery_size(tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "data") as store:
        fill(store, 500)
        small = export_peak(store, tmp_path / "small.zip")
        fill(store, 4_500, start=500)
        large = export_peak(store, tmp_path / "large.zip")
    # before the spools, 10x the items took ~10x the memory (~3.3 KB an item)
    assert large <= 1.5 * small, (small, large)
    with zipfile.ZipFile(tmp_path / "large.zip") as zf:
        names = zf.namelist()
        assert sum(n.startswith("images/") for n in names) == 5_000
        assert sum(n.startswith("stories/") for n in names) == 100  # 500 story items, 5 a story
        manifest = json.loads(zf.read("manifest.json"))
        assert len(manifest["items"]) == 5_000 and manifest["format"] == "image-studio-export"
        assert [r["file"] for r in manifest["items"]] == [n for n in names if n.startswith("images/")]
        assert zf.read("manifest.csv").decode("utf-8-sig").count("\n") == 5_001
        assert zf.testzip() is None


def test_spooled_central_directory_reads_back_past_the_zip64_entry_count(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with SpooledZip(path, "w", allowZip64=True) as zf:
        for k in range(70_000):  # more than 65,535 entries: the end record needs zip64
            zf.writestr(f"e/{k}.txt", str(k))
            zf.spill()
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        assert len(infos) == 70_000
        assert zf.read("e/0.txt") == b"0" and zf.read("e/69999.txt") == b"69999"
        assert [i.filename for i in infos[:3]] == ["e/0.txt", "e/1.txt", "e/2.txt"]
