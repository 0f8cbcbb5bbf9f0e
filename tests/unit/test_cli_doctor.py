"""`python -m studio doctor [--repair]` on a folder with lost files, lost rows and lost thumbnails."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from PIL import Image

from studio.gallery.records import GalleryFilter, NewItem
from studio.gallery.store import GalleryStore
from tests.folder_damage import overwrite

ROOT = Path(__file__).resolve().parents[2]


def doctor(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "studio", "doctor", "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def damaged_folder(data: Path) -> dict[str, str]:
    """Four items: one healthy, one with no files, one with no thumbnail, one with no row."""
    with GalleryStore(data) as store:
        items = []
        for i in range(4):
            buf = io.BytesIO()
            Image.new("RGB", (40, 30), (i * 60, 10, 10)).save(buf, "PNG")
            items.append(store.add_image(buf.getvalue(), "image/png",
                                         NewItem(page="recipe", prompt=f"soup {i}", model="m-2")))
        store.image_path(items[1]).unlink()
        store.thumb_path(items[1]).unlink()
        store.thumb_path(items[2]).unlink()
    with sqlite3.connect(data / "studio.db") as conn:
        conn.execute("DELETE FROM items WHERE id = ?", (items[3].id,))
    return {"ok": items[0].id, "no_file": items[1].id, "no_thumb": items[2].id,
            "no_row": items[3].id}


def test_doctor_reports_each_kind_of_damage_and_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    damaged_folder(data)
    before = sorted(p.relative_to(data) for p in data.rglob("*") if p.is_file())
    done = doctor(data)
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "integrity: ok" in out
    assert "items whose image file is missing: 1" in out
    assert "image files no item knows: 1" in out
    assert "missing thumbnails: 1" in out
    assert "--repair" in out
    after = sorted(p.relative_to(data) for p in data.rglob("*") if p.is_file())
    assert [p for p in after if not p.name.startswith("studio.db")] == \
        [p for p in before if not p.name.startswith("studio.db")]


def test_doctor_repair_remakes_thumbnails_reindexes_files_and_trashes_rows_without_files(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    ids = damaged_folder(data)
    done = doctor(data, "--repair")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 thumbnails remade, 1 files re-indexed, 1 items with no file moved to the trash" in done.stdout
    with GalleryStore(data) as store:
        live = store.query(GalleryFilter())
        assert {i.prompt for i in live} == {"soup 0", "soup 2", "soup 3"}
        assert store.thumb_path(store.get(ids["no_thumb"])).exists()
        back = next(i for i in live if i.prompt == "soup 3")
        assert (back.page, back.model) == ("recipe", "m-2")  # from the file's PNG text
        assert store.count(GalleryFilter(only_deleted=True)) == 1
    again = doctor(data)
    assert "image files no item knows: 0" in again.stdout and "missing thumbnails: 0" in again.stdout


def test_doctor_on_a_damaged_database_recovers_it_and_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    damaged_folder(data)
    overwrite(data / "studio.db", 0, 64)
    done = doctor(data)
    assert "damaged" in done.stdout and "studio-damaged-" in done.stdout
    assert "integrity: ok" in done.stdout


def test_doctor_lists_old_lab_and_prompt_files_that_could_not_be_imported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "experiments").mkdir(parents=True)
    (data / "experiments" / "broken.json").write_text("{", encoding="utf-8")
    (data / "prompts.json").write_text("[]", encoding="utf-8")  # readable: imported, set aside
    done = doctor(data)
    assert done.returncode == 0, done.stdout + done.stderr  # the gallery itself is fine
    assert "could not be imported (left in place): experiments/broken.json" in done.stdout
    assert (data / "experiments" / "broken.json").read_text(encoding="utf-8") == "{"
    assert (data / "prompts.json.imported").is_file()


def test_doctor_on_a_postgresql_gallery_says_the_server_keeps_its_pages(
    tmp_path: Path, postgres_url: str,
) -> None:
    data = tmp_path / "data"
    with GalleryStore(data, database=postgres_url) as store:
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), (90, 10, 10)).save(buf, "PNG")
        store.add_image(buf.getvalue(), "image/png", NewItem(page="story", prompt="x"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STUDIO_DATABASE_URL": postgres_url}
    done = subprocess.run([sys.executable, "-m", "studio", "doctor", "--data-dir", str(data)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert "integrity: not checked here: the rows are in postgresql" in done.stdout, done.stdout
    assert "integrity: ok" not in done.stdout and "items whose image file is missing: 0" in done.stdout
