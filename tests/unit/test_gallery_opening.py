"""Opening a data folder that is read-only, damaged or on a full disk: a health record, no traceback."""

from __future__ import annotations

import io
import os
import secrets
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from studio.exchange.export_zip import export_zip
from studio.gallery.errors import StorageError, StorageFull, StorageReadOnly
from studio.gallery.files import TMP_PREFIX
from studio.gallery.opening import OK, READ_ONLY, RECOVERED, UNUSABLE, open_store
from studio.gallery.records import GalleryFilter, NewItem
from studio.gallery.store import GalleryStore
from studio.lab.experiment import Experiment
from studio.lab.saved import ExperimentBook
from studio.making.prompt_library import PromptLibrary
from tests.folder_damage import fill_disk, overwrite, read_only_folder, small_disk
from tests.s3_server import S3Server


def png(seed: int) -> bytes:
    im = Image.new("RGB", (32, 32), (seed % 256, seed // 256 % 256, 90))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def fill(folder: Path, n: int) -> None:
    with GalleryStore(folder) as store:
        for i in range(n):
            store.add_image(png(i), "image/png", NewItem(page="story", prompt=f"turtle {i} " + "x" * 200,
                                                         model="m-1", tags=["kept"]))


def test_a_healthy_folder_opens_ok(tmp_path: Path) -> None:
    store, health = open_store(tmp_path / "data")
    assert store is not None and health.status == OK and health.message == ""


def test_a_read_only_folder_opens_for_browsing_and_export_and_refuses_writes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill(data, 5)
    with read_only_folder(data):
        store, health = open_store(data)
        assert store is not None and health.status == READ_ONLY
        assert "read-only" in health.message
        assert store.count() == 5
        assert store.count(GalleryFilter(text="turtle 3")) == 1
        assert store.item_thumbnail(store.query(limit=1)[0])  # made in memory if it must be
        report = export_zip(store, GalleryFilter(), tmp_path / "out.zip")
        assert report.images == 5
        with pytest.raises(StorageReadOnly, match="read-only"):
            store.add_image(png(99), "image/png", NewItem(page="story"))
        with pytest.raises(StorageReadOnly):
            store.set_favourite(store.query(limit=1)[0].id, True)
        store.close()
    with GalleryStore(data) as again:
        assert again.count() == 5


def test_a_read_only_gallery_from_before_postgresql_only_revisions_still_opens(
    tmp_path: Path,
) -> None:
    """v5 adds PostgreSQL indexes and nothing on SQLite: a read-only v4 file cannot be
    upgraded, and needs not be."""
    data = tmp_path / "data"
    fill(data, 2)
    with sqlite3.connect(data / "studio.db") as conn:  # as the previous Image Studio left it
        conn.execute("UPDATE alembic_version SET version_num = 'v4'")
        conn.execute("PRAGMA user_version = 4")
    conn.close()
    with read_only_folder(data):
        store, health = open_store(data)
        assert store is not None and health.status == READ_ONLY, health.message
        assert store.count() == 2
        store.close()


def test_a_read_only_folder_without_a_gallery_is_unusable_with_a_reason(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with read_only_folder(data):
        store, health = open_store(data)
    assert store is None and health.status == UNUSABLE
    assert "read-only" in health.message and "STUDIO_DATA_DIR" in health.message


def test_an_overwritten_header_is_kept_aside_and_every_image_comes_back_from_its_png_text(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    fill(data, 20)
    overwrite(data / "studio.db", 0, 100)
    damaged = (data / "studio.db").read_bytes()
    store, health = open_store(data)
    assert store is not None and health.status == RECOVERED
    assert health.kept_aside is not None and health.kept_aside.read_bytes() == damaged
    assert health.reindexed_files == 20 and "20" in health.message
    assert store.count() == 20
    item = store.query(GalleryFilter(text="turtle 7 "))[0]
    assert (item.page, item.model) == ("story", "m-1")
    store.add_image(png(500), "image/png", NewItem(page="edit"))  # and it works again
    assert store.count() == 21


def test_overwritten_pages_are_kept_aside_and_the_readable_rows_recovered(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill(data, 300)
    size = (data / "studio.db").stat().st_size
    overwrite(data / "studio.db", size // 2, 8192)  # two pages in the middle
    assert not _passes_quick_check(data / "studio.db")  # SQLite says so, or fails to read
    store, health = open_store(data)
    assert store is not None and health.status == RECOVERED, health
    assert health.recovered_items > 0
    assert store.count() == 300  # rows that were lost came back from their files
    assert store.count(GalleryFilter(text="turtle 150 ")) == 1  # the text index was rebuilt
    with sqlite3.connect(data / "studio.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_recovery_without_the_sqlite3_program_reads_table_by_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    fill(data, 40)
    overwrite(data / "studio.db", 4096 * 3, 4096)
    monkeypatch.setenv("PATH", "")
    store, health = open_store(data)
    assert store is not None and health.status == RECOVERED
    assert store.count() == 40
    assert all(i.tags == ["kept"] for i in store.query(limit=40)[: health.recovered_items])


def test_a_full_disk_at_start_is_unusable_with_a_message_naming_it(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        fill_disk(disk)
        store, health = open_store(disk / "data")
    assert store is None and health.status == UNUSABLE
    assert "full" in health.message


def test_a_full_disk_while_saving_raises_storage_full_and_keeps_nothing_partial(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", size_kb=4096) as disk:
        store, _ = open_store(disk / "data")
        assert store is not None
        store.add_image(png(1), "image/png", NewItem(page="story"))
        fill_disk(disk)
        big = Image.frombytes("RGB", (512, 512), os.urandom(512 * 512 * 3))
        out = io.BytesIO()
        big.save(out, "PNG")
        with pytest.raises(StorageFull, match="full") as caught:
            store.add_image(out.getvalue(), "image/png", NewItem(page="story"))
        assert isinstance(caught.value, OSError) and isinstance(caught.value, StorageError)
        assert store.count() == 1
        assert not [p for p in (disk / "data").rglob("*") if p.name.startswith(TMP_PREFIX)]
        (disk / "filler.bin").unlink()
        store.add_image(out.getvalue(), "image/png", NewItem(page="story"))  # room again: works
        assert store.count() == 2
        store.close()


def _passes_quick_check(db: Path) -> bool:
    try:
        with sqlite3.connect(db) as conn:
            return bool(conn.execute("PRAGMA quick_check").fetchone()[0] == "ok")
    except sqlite3.DatabaseError:
        return False


def test_an_unreachable_database_server_is_a_sentence_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("STUDIO_DATABASE_URL", f"postgresql://studio:s3cret-pw@127.0.0.1:{port}/g")
    store, health = open_store(tmp_path / "data")
    assert store is None and health.status == UNUSABLE
    assert "cannot be reached" in health.message and "STUDIO_DATABASE_URL" in health.message
    assert f"127.0.0.1:{port}/g" in health.message and "s3cret-pw" not in health.message
    monkeypatch.setenv("STUDIO_DATABASE_URL", "mysql://x@localhost/g")
    store, health = open_store(tmp_path / "data")
    assert store is None and "must be a postgresql:// URL" in health.message
    monkeypatch.setenv("STUDIO_DATABASE_URL", "postgresql//studio:s3cret-pw@nowhere")  # no ':'
    store, health = open_store(tmp_path / "data")
    assert store is None and health.status == UNUSABLE and "s3cret-pw" not in health.message
    assert "unreadable URL" in health.message and "STUDIO_DATABASE_URL" in health.message


def test_a_postgresql_gallery_opens_ok_and_keeps_files_in_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str,
) -> None:
    monkeypatch.setenv("STUDIO_DATABASE_URL", postgres_url.replace("postgresql://", "postgres://"))
    store, health = open_store(tmp_path / "data")
    assert store is not None and health.status == OK
    with store:
        item = store.add_image(png(1), "image/png", NewItem(page="story", prompt="a turtle"))
        assert store.sql.dialect == "postgresql" and store.image_path(item).is_file()
    assert not (tmp_path / "data" / "studio.db").exists()
    again, _ = open_store(tmp_path / "data")  # a second app server on the same database
    assert again is not None and [i.id for i in again.query(GalleryFilter(text="turtle"))] == [item.id]
    again.close()


def test_recovery_brings_back_experiments_and_saved_prompts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    experiment = Experiment(name="Kept through damage", prompts=["p"], models=["m"])
    with GalleryStore(data) as store:
        ExperimentBook(store).save(experiment, {})
        PromptLibrary(store).save("Poster", "A poster that says {word}", page="lab")
    fill(data, 300)
    overwrite(data / "studio.db", (data / "studio.db").stat().st_size // 2, 8192)
    store, health = open_store(data)
    assert store is not None and health.status == RECOVERED, health
    assert [s.name for s in ExperimentBook(store).list()] == ["Kept through damage"]
    assert [p.name for p in PromptLibrary(store).mine()] == ["Poster"]
    store.close()


def test_postgresql_sessions_run_without_jit_unless_the_url_sets_options(
    tmp_path: Path, postgres_url: str,
) -> None:
    def jit(url: str) -> str:
        with GalleryStore(tmp_path / "data", database=url) as store, store.sql.db() as conn:
            return str(conn.exec_driver_sql("SHOW jit").scalar_one())

    assert jit(postgres_url) == "off"  # compiling costs more than these short queries take
    assert jit(f"{postgres_url}?options=-c%20jit%3Don") == "on"  # the URL's own options win


def test_a_team_store_opens_writable_on_a_read_only_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str, s3_server: S3Server,
) -> None:
    """Rows in PostgreSQL and bytes in a bucket: the folder is never written, so a container
    with a read-only file system still makes images."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("STUDIO_DATABASE_URL", postgres_url)
    monkeypatch.setenv("STUDIO_BLOB_URL", s3_server.url(f"ro-{secrets.token_hex(4)}"))
    with read_only_folder(data):
        store, health = open_store(data)
        assert store is not None and health.status == OK, health.message
        with store:
            item = store.add_image(png(2), "image/png", NewItem(page="story", prompt="a heron"))
            assert [i.id for i in store.query(GalleryFilter(text="heron"))] == [item.id]
    assert list(data.iterdir()) == []
