"""The export's ZipFile keeps its central directory on disk (studio/exchange/spilled_zip.py):
the archive it writes is byte for byte the one zipfile writes, reads with Info-ZIP and
zipfile, and imports back into the app."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import studio
import studio.exchange.export_zip as ez
import studio.exchange.spilled_zip as spilled_zip
from studio.exchange.spilled_zip import SpilledZipFile
from studio.gallery.store import GalleryStore
from tests.unit.test_export_zip import populate

FIXED = "2026-12-01T10:00:00.000000+00:00"


def _unzip_t(path: Path) -> None:
    if shutil.which("unzip") is None:
        pytest.skip("Info-ZIP unzip not installed")
    done = subprocess.run(["unzip", "-tq", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_export_spilled_every_three_entries_is_the_same_archive_and_imports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ez, "now_iso", lambda: FIXED)  # text entries' times: one archive
    with GalleryStore(tmp_path / "data") as store:
        populate(store)
        monkeypatch.setattr(spilled_zip, "SPILL_EVERY", 10**9)  # all ZipInfos to the end
        ez.export_zip(store, None, tmp_path / "kept.zip")
        monkeypatch.setattr(spilled_zip, "SPILL_EVERY", 3)
        report = ez.export_zip(store, None, tmp_path / "spilled.zip")
    assert report.images == 7
    assert (tmp_path / "spilled.zip").read_bytes() == (tmp_path / "kept.zip").read_bytes()
    _unzip_t(tmp_path / "spilled.zip")
    with zipfile.ZipFile(tmp_path / "spilled.zip") as zf:
        assert zf.testzip() is None and len(zf.infolist()) > 3 * 4
    with GalleryStore(tmp_path / "back") as back:
        result = studio.import_zip(back, tmp_path / "spilled.zip")
        assert (result.items_added, result.conversations_added, back.count()) == (7, 1, 7)


def test_more_entries_than_a_plain_zip_can_count_get_zip64_end_records(tmp_path: Path) -> None:
    count = 0xFFFF + 65  # past the 16-bit entry count of the classic end record
    with SpilledZipFile(tmp_path / "many.zip", spill_dir=tmp_path) as zf:
        for n in range(count):
            zf.writestr(f"e/{n}.txt", b"x" if n % 2 else b"")
        assert len(zf.filelist) <= spilled_zip.SPILL_EVERY, "finished entries are not kept"
    assert [p.name for p in tmp_path.iterdir()] == ["many.zip"], "the records file is gone"
    with zipfile.ZipFile(tmp_path / "many.zip") as zf:
        names = zf.namelist()
        assert zf.read(names[-1]) == b"x"
    assert len(names) == count and names[:2] == ["e/0.txt", "e/1.txt"]
    _unzip_t(tmp_path / "many.zip")
