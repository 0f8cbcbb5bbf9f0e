"""The streamed export (studio/exchange/export_spool.py and the writers that read it back)
writes what the in-memory one did: manifest.json as json.dump would, entries numbered
oldest first, one file per image, pages in order with unique titles, and on any failure
neither a partial ZIP nor its scratch spool is left behind."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import studio.exchange.export_zip as ez
from studio.exchange.export_manifest import manifest_json
from studio.exchange.export_zip import export_zip
from studio.gallery.records import GalleryItem
from studio.gallery.store import GalleryStore
from tests.unit.test_export_zip import png, populate

DAY = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


def _item(n: int, sha: str, at: datetime, **fields: object) -> GalleryItem:
    base: dict[str, object] = {"page": "text", "prompt": f"poster {n}", "model": "m-a"}
    return GalleryItem(id=f"item{n:04d}", created_at=at.isoformat(timespec="microseconds"),
                       sha256=sha, mime="image/png", width=4, height=4, **{**base, **fields})


def _store_with(store: GalleryStore, items: list[GalleryItem], images: list[bytes]) -> None:
    shas = [store.put_blob(data, "image/png") for data in images]
    rows = [GalleryItem(**{**i.to_dict(), "sha256": shas[int(i.sha256)]}) for i in items]
    store.import_records(rows, [], [(s, "image/png", len(d)) for s, d in zip(shas, images, strict=True)])


def _names(zf: zipfile.ZipFile, folder: str) -> list[str]:
    return [n for n in zf.namelist() if n.startswith(folder)]


def test_manifest_json_reads_exactly_as_one_json_dump_of_the_whole(tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "data") as store:
        populate(store)
        export_zip(store, None, tmp_path / "x.zip")
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        text = zf.read("manifest.json").decode("utf-8")
    manifest = json.loads(text)
    assert manifest["items"] and manifest["conversations"]
    assert text == json.dumps(manifest, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("value", [
    {}, [], {"a": [], "b": {}}, [1, 2.5, None, True, False, "x\n\"y", "é ☃", "\u2028"],
    {1: "a", 2.5: "b", False: 1, None: 2}, (1, (2, 3)), {"n": float("nan"), "i": float("-inf")},
    {"deep": [[[{"x": [{}], "y": 1e-7}]]]}, 10**30, "plain", [-0.0, 1e16, 2**64, "\x00\x1f\x7f"],
])
def test_each_element_is_encoded_as_json_dumps_with_indent_would(value: object) -> None:
    assert manifest_json(value) == json.dumps(value, ensure_ascii=False, indent=1)


def test_entries_are_numbered_oldest_first_and_an_image_shared_is_stored_once(tmp_path: Path) -> None:
    # made newest first, selected by ids in no order: the export still reads oldest first
    items = [_item(n, str(n % 3), DAY - timedelta(minutes=n), cost_usd=0.25 if n % 2 else None,
                   model="m-a" if n < 4 else "m-b", page="text" if n % 4 else "edit")
             for n in range(7)]
    with GalleryStore(tmp_path / "data") as store:
        _store_with(store, items, [png(1), png(2), png(3)])
        ids = [items[i].id for i in (3, 0, 6, 2, 5, 1, 4)]
        calls: list[tuple[int, int]] = []
        report = export_zip(store, ids, tmp_path / "x.zip", progress=lambda d, t: calls.append((d, t)))
    assert report.images == 7 and calls == [(n, 7) for n in range(8)]
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
        images = _names(zf, "images/")
        index = zf.read("index.html").decode("utf-8")
    oldest_first = [f"item{n:04d}" for n in range(6, -1, -1)]
    assert [r["id"] for r in manifest["items"]] == oldest_first
    # item6, 5, 4 are the first of their images (numbers 1-3); the rest share those files
    assert images == ["images/0001-text-poster-6-item0006.png", "images/0002-text-poster-5-item0005.png",
                      "images/0003-edit-poster-4-item0004.png"]
    by_sha = {r["sha256"]: r["file"] for r in manifest["items"][:3]}
    assert all(r["file"] == by_sha[r["sha256"]] for r in manifest["items"])
    # index: the app's page order (edit before text), each page's cards oldest first
    cards = re.findall(r'<h2 class="section">(\w+)|<h3>Poster (\d)</h3>', index)
    assert cards == [("Edits", ""), ("", "4"), ("", "0"), ("Text", ""), ("", "6"), ("", "5"),
                     ("", "3"), ("", "2"), ("", "1")]
    # the cover's facts: counts, models by use, the cost of the three items that have one
    assert "<b>7</b><span>images</span>" in index and "<b>$0.75</b>" in index
    assert index.index("<td>m-a</td><td>4 images</td>") < index.index("<td>m-b</td><td>3 images</td>")


def test_story_titles_say_the_day_then_the_time_then_a_number(tmp_path: Path) -> None:
    later = DAY + timedelta(hours=2)
    starts = [DAY, DAY, later, DAY + timedelta(days=1)]  # two at the same minute
    items = []
    for s, at in enumerate(starts):
        for scene in (1, 0):  # saved out of order: the page sorts them back
            items.append(_item(10 * s + scene, "0", at + timedelta(seconds=scene), page="story",
                               prompt="a fox", conversation_id=f"conv-{s}", position=scene,
                               text=f"Part {scene} of {s}."))
    with GalleryStore(tmp_path / "data") as store:
        _store_with(store, items, [png(1)])
        report = export_zip(store, None, tmp_path / "x.zip")
    assert report.pages == 4
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        pages = _names(zf, "stories/")
        titles = [re.search(r"<title>(.*?)</title>", zf.read(p).decode()).group(1) for p in pages]
        index = zf.read("index.html").decode("utf-8")
        first = zf.read(pages[0]).decode("utf-8")
    assert pages == [f"stories/a-fox-conv-{s}.html" for s in range(4)]
    assert titles == ["A fox · 4 Mar 2026, 09:30 UTC", "A fox · 4 Mar 2026, 09:30 UTC (2)",
                      "A fox · 4 Mar 2026, 11:30 UTC", "A fox · 5 Mar 2026"]
    listed = re.findall(r'<li><a href="(stories/[^"]+)">([^<]+)</a>', index)
    assert listed == list(zip(pages, titles, strict=True))
    assert "1 version · 2 pictures" in index
    assert first.index("Part 0 of 0.") < first.index("Part 1 of 0."), "scenes in their order"


def test_a_failure_midway_leaves_neither_a_partial_zip_nor_the_spool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    seen: list[str] = []
    real = ez.write_conversations

    def interrupted(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # the images are in the ZIP and the spool by now
        seen.extend(sorted(p.suffix for p in out.iterdir()))
        raise KeyboardInterrupt

    with GalleryStore(tmp_path / "data") as store:
        populate(store)
        monkeypatch.setattr(ez, "write_conversations", interrupted)
        with pytest.raises(KeyboardInterrupt):
            export_zip(store, None, out / "x.zip")
    assert seen == [".spool", ".zip"], "both scratch files sit beside the output while it runs"
    assert list(out.iterdir()) == []


def test_a_finished_export_leaves_only_the_zip(tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "data") as store:
        populate(store)
        export_zip(store, None, tmp_path / "out" / "x.zip")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["x.zip"]


def test_a_dead_exports_spool_is_cleaned_up_by_the_next_export(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / f".tmp-export-{dead}-abcd1234.spool"
    leftover.write_bytes(b"SQLite format 3\0")
    live = out / f".tmp-export-{os.getpid()}-beef0000.spool"
    live.write_bytes(b"SQLite format 3\0")
    with GalleryStore(tmp_path / "data") as store:
        export_zip(store, None, out / "gallery.zip")
    assert not leftover.exists()
    assert live.exists(), "an export still running elsewhere is left alone"
