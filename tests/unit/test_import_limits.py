"""Import within limits: bombs by ratio, by manifest size, by PNG text are refused in one line,
the gallery unchanged, memory bounded."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from studio.exchange.import_zip import ImportLimits, ZipRejected, import_zip
from studio.gallery.records import GalleryItem, NewItem
from studio.gallery.store import GalleryStore

try:
    from test_import_zip import assert_untouched, png
except ImportError:  # pragma: no cover - when tests/ is imported as a package
    from tests.unit.test_import_zip import assert_untouched, png


def chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def with_chunk(data: bytes, kind: bytes, payload: bytes) -> bytes:
    """A valid PNG with one more chunk before IEND."""
    return data[:-12] + chunk(kind, payload) + data[-12:]


def export_of(tmp_path: Path, images: list[bytes], items: int | None = None) -> Path:
    """A well-formed export (manifest rows, sha256s) of `images`; `items` rows cycling over them."""
    rows = []
    for n in range(items if items is not None else len(images)):
        data = images[n % len(images)]
        item = GalleryItem.from_new(NewItem(page="story", prompt=f"p{n}"), mime="image/png",
                                    sha256=hashlib.sha256(data).hexdigest(), width=8, height=8)
        rows.append({**item.to_dict(), "file": f"images/{n % len(images):05d}.png"})
    out = tmp_path / "hostile.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("manifest.json", json.dumps({"format": "image-studio-export", "version": 1,
                                                 "items": rows, "conversations": []}))
        for n, data in enumerate(images):
            zf.writestr(f"images/{n:05d}.png", data)
    return out


def refused(store: GalleryStore, zip_path: Path, match: str, limits: ImportLimits | None = None) -> int:
    """Refused with a one-line message naming the limit; returns the peak bytes traced."""
    tracemalloc.start()
    try:
        with pytest.raises(ZipRejected, match=match) as caught:
            import_zip(store, zip_path, limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "\n" not in str(caught.value) and str(caught.value).startswith("refused: ")
    assert_untouched(store)
    return peak


@pytest.fixture
def target(tmp_path: Path) -> GalleryStore:
    with GalleryStore(tmp_path / "dst") as s:
        yield s


def test_a_valid_export_still_imports(tmp_path: Path, target: GalleryStore) -> None:
    report = import_zip(target, export_of(tmp_path, [png(i) for i in range(3)]))
    assert report.items_added == 3


def test_padded_pngs_that_unpack_a_thousand_fold_are_refused(tmp_path: Path, target: GalleryStore) -> None:
    padded = [with_chunk(png(i), b"paDd", b"\0" * (1 << 20)) for i in range(8)]  # 8 MB
    bomb = export_of(tmp_path, padded)
    assert bomb.stat().st_size < 100_000
    peak = refused(target, bomb, r"compressed [\d,]+:1, over the limit of 100:1 per entry")
    assert peak < 16 << 20, peak


def test_the_ratio_over_the_whole_zip_is_limited_too(tmp_path: Path, target: GalleryStore) -> None:
    padded = [with_chunk(png(i), b"paDd", b"\0" * (1 << 20)) for i in range(4)]
    refused(target, export_of(tmp_path, padded), "times its size, over the limit of 50:1",
            ImportLimits(max_ratio=1e9))


def test_a_manifest_of_100000_items_from_a_small_zip_is_refused(tmp_path: Path, target: GalleryStore) -> None:
    bomb = export_of(tmp_path, [png(1)], items=100_000)
    assert bomb.stat().st_size < 4 << 20
    # Full rows make this manifest 67 MB, so the per-file limit refuses it before it is read;
    # with that limit raised, the item count does.
    peak = refused(target, bomb, "over the 67,108,864-byte limit per file")
    refused(target, bomb, "lists 100,000 items, over the limit of 20,000",
            ImportLimits(max_file_bytes=256 << 20, max_manifest_bytes=256 << 20))
    print(f"peak memory refusing a 100,000-item manifest: {peak / 1e6:.1f} MB")


def test_a_manifest_one_over_the_item_limit_is_refused(tmp_path: Path, target: GalleryStore,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    images = [png(i) for i in range(3)]
    refused(target, export_of(tmp_path, images, items=20_001), "20,001 items, over the limit of 20,000")
    monkeypatch.setenv("STUDIO_IMPORT_MAX_ITEMS", "2")
    refused(target, export_of(tmp_path, images), "3 items, over the limit of 2 .STUDIO_IMPORT_MAX_ITEMS")


def test_more_items_than_images_is_refused(tmp_path: Path, target: GalleryStore) -> None:
    refused(target, export_of(tmp_path, [png(1), png(2)], items=5), "5 items but the ZIP holds only 2 images")


def test_a_63_mb_text_chunk_from_a_tiny_zip_is_refused(tmp_path: Path, target: GalleryStore) -> None:
    huge = with_chunk(png(3), b"iTXt", b"comment\0\0\0\0\0" + b"a" * (63 << 20))
    bomb = export_of(tmp_path, [huge])
    assert bomb.stat().st_size < 200_000
    peak = refused(target, bomb, "over the limit of 100:1 per entry")
    assert peak < 16 << 20, peak


def test_png_text_over_64_kb_is_refused_even_when_it_does_not_compress(
    tmp_path: Path, target: GalleryStore,
) -> None:
    text = os.urandom(100_000).hex().encode()[:100_000]  # hex: ~2:1, no ratio limit
    noisy = with_chunk(png(4), b"tEXt", b"comment\0" + text)
    peak = refused(target, export_of(tmp_path, [noisy]), "more than 65,536 bytes of PNG text")
    assert peak < 16 << 20, peak


def test_a_header_that_lies_about_the_size_is_held_to_the_ratio_when_read(
    tmp_path: Path, target: GalleryStore,
) -> None:
    padded = with_chunk(png(5), b"paDd", b"\0" * (4 << 20))
    bomb = export_of(tmp_path, [padded])
    data = bytearray(bomb.read_bytes())
    cd = data.index(b"PK\x01\x02", data.index(b"images/00000.png") + 1)  # its central entry
    while data[cd + 46: cd + 46 + 16] != b"images/00000.png":
        cd = data.index(b"PK\x01\x02", cd + 4)
    struct.pack_into("<I", data, cd + 24, 100)  # uncompressed size: 100 bytes, it says
    bomb.write_bytes(bytes(data))
    refused(target, bomb, "refused: ", ImportLimits(max_overall_ratio=1e9))
