"""GalleryStore: items, filters, soft delete, lineage, files on disk, concurrency."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest
from PIL import Image, UnidentifiedImageError

from studio.gallery.png_meta import add_text_chunks
from studio.gallery.records import GalleryFilter, GalleryItem, NewItem, sanitize_settings
from studio.gallery.store import GalleryStore, default_data_dir

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL (conftest.py)


def make_png(seed: int = 0, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    im = Image.new(mode, size, (seed * 37 % 256, seed * 91 % 256, seed * 13 % 256))
    im.putpixel((seed % size[0], 0), (255, 255, 255))  # distinct bytes per seed
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def make_jpeg(seed: int = 0, size: tuple[int, int] = (600, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (seed % 256, 100, 200)).save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def store(tmp_path: Path, blob_url: str | None) -> GalleryStore:
    """Each test that takes it runs twice: images in the data folder, and in S3 (moto)."""
    with GalleryStore(tmp_path / "data", blob_url=blob_url) as s:
        yield s


def add(store: GalleryStore, seed: int = 0, **kw) -> GalleryItem:
    meta = NewItem(page=kw.pop("page", "text"), prompt=kw.pop("prompt", f"prompt {seed}"), **kw)
    return store.add_image(make_png(seed), "image/png", meta)


def test_default_data_dir_follows_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_DATA_DIR", "/tmp/somewhere")
    assert default_data_dir() == Path("/tmp/somewhere")
    monkeypatch.delenv("STUDIO_DATA_DIR")
    assert default_data_dir() == Path("data")


def test_the_store_uses_the_backend_asked_for(tmp_path: Path, database: str) -> None:
    with GalleryStore(tmp_path) as store:
        add(store, 1)
        assert store.sql.dialect == {"sqlite": "sqlite", "postgres": "postgresql"}[database]
    # the rows live in studio.db only without STUDIO_DATABASE_URL
    assert (tmp_path / "studio.db").exists() == (database == "sqlite")


def test_add_and_get_roundtrip(store: GalleryStore) -> None:
    meta = NewItem(
        page="edit", prompt="a red fox", text="Here it is", model="gemini-x", engine="gemini",
        aspect_ratio="16:9", image_size="1K", seed=7, temperature=0.5, finish_reason="STOP",
        prompt_tokens=10, output_tokens=1290, total_tokens=1300, latency_ms=812, cost_usd=0.039,
        conversation_id="c1", turn=2, position=1, tags=["fox", " fox", "red"],
    )
    item = store.add_image(make_png(1), "image/png", meta)
    got = store.get(item.id)
    assert got == item
    assert (got.width, got.height, got.mime) == (64, 48, "image/png")
    assert got.tags == ["fox", "red"]
    assert len(got.id) == 32 and got.created_at.endswith("+00:00")
    assert store.has_image(got) and store.has_thumbnail(got)
    assert store.blobs.key(got.sha256).split("/")[:2] == ["images", got.sha256[:2]]
    assert store.image_location(got).endswith(f"/images/{got.sha256[:2]}/{got.sha256}.png")
    assert store.get("nope") is None


def test_png_text_chunks_and_pixels_unchanged(store: GalleryStore) -> None:
    original = make_png(3)
    meta = NewItem(page="story", prompt="Ünïcødé prompt ☃", model="m1", seed=5,
                   settings={"api_key": "SECRET", "style": "ink", "nested": {"auth_token": "x"}})
    item = store.add_image(original, "image/png", meta)
    stored = store.image_bytes(item.id)
    with Image.open(io.BytesIO(stored)) as im:
        text = im.text
        pixels = im.tobytes()
    assert text["prompt"] == "Ünïcødé prompt ☃"
    assert text["model"] == "m1" and text["page"] == "story" and text["Software"]
    settings = json.loads(text["settings"])
    assert settings["style"] == "ink" and settings["seed"] == 5
    assert "SECRET" not in stored.decode("latin-1") and "auth_token" not in text["settings"]
    with Image.open(io.BytesIO(original)) as im:
        assert im.tobytes() == pixels
    # the original IDAT stream is copied verbatim, not re-encoded
    idat_start = original.index(b"IDAT")
    assert original[idat_start - 4 : -12] in stored
    assert item.settings == {"style": "ink", "nested": {}}


def test_text_chunks_replace_old_ones() -> None:
    once = add_text_chunks(make_png(1), {"prompt": "first"})
    twice = add_text_chunks(once, {"prompt": "second"})
    with Image.open(io.BytesIO(twice)) as im:
        assert im.text["prompt"] == "second"
    assert twice.count(b"tEXtprompt") == 1
    assert add_text_chunks(b"not a png", {"a": "b"}) == b"not a png"


def test_sanitize_settings_drops_credentials_keeps_counts() -> None:
    clean = sanitize_settings({"API_KEY": 1, "access_token": 2, "client_secret": 3,
                               "max_output_tokens": 4, "keys": 5, "style": 6})
    assert clean == {"max_output_tokens": 4, "style": 6}


def test_thumbnails_small_jpeg(store: GalleryStore) -> None:
    png = store.add_image(make_png(2, (1024, 768)), "image/png", NewItem(page="text"))
    jpg = store.add_image(make_jpeg(1, (900, 300)), "image/jpeg", NewItem(page="edit"))
    rgba = store.add_image(make_png(4, (300, 600), "RGBA"), "image/png", NewItem(page="text"))
    for item in (png, jpg, rgba):
        data = store.thumbnail_bytes(item.id)
        with Image.open(io.BytesIO(data)) as im:
            assert im.format == "JPEG"
            assert max(im.size) <= 256 and max(im.size) >= 128
    assert jpg.mime == "image/jpeg" and store.blobs.key(jpg.sha256).endswith(".jpg")
    assert store.image_bytes(jpg.id) == make_jpeg(1, (900, 300))  # non-PNG kept verbatim


def test_bytes_decide_the_type(store: GalleryStore) -> None:
    with pytest.raises(UnidentifiedImageError):
        store.add_image(b"hello", "image/gif", NewItem(page="text"))
    ico = io.BytesIO()
    Image.new("RGB", (16, 16)).save(ico, "ICO")
    with pytest.raises(ValueError, match="unsupported image type"):
        store.add_image(ico.getvalue(), "image/png", NewItem(page="text"))
    assert store.count() == 0
    item = store.add_image(make_jpeg(3), "image/png", NewItem(page="edit"))
    assert item.mime == "image/jpeg" and store.blobs.key(item.sha256).endswith(".jpg")


def test_thumbnail_speed_1024_png(store: GalleryStore) -> None:
    """The save path runs after every generation: keep it cheap (generous bound for CI)."""
    data = make_png(5, (1024, 1024))
    start = time.perf_counter()
    store.add_image(data, "image/png", NewItem(page="text", prompt="speed"))
    assert time.perf_counter() - start < 0.5


def test_query_filters_pagination_count(store: GalleryStore) -> None:
    items = []
    for i in range(12):
        items.append(add(store, i, page="story" if i % 3 == 0 else "edit",
                         model="m-a" if i % 2 else "m-b", prompt=f"cat {i}" if i < 4 else f"dog {i}"))
    newest = store.query(limit=5)
    assert [i.id for i in newest] == [i.id for i in reversed(items)][:5]
    page2 = store.query(offset=5, limit=5)
    assert [i.id for i in page2] == [i.id for i in reversed(items)][5:10]
    assert [i.id for i in store.query(order="oldest", limit=3)] == [i.id for i in items[:3]]
    assert store.count() == 12
    assert store.count(GalleryFilter(page="story")) == 4
    assert store.count(GalleryFilter(model="m-a")) == 6
    assert store.count(GalleryFilter(page="story", model="m-b")) == 2
    assert store.count(GalleryFilter(text="CAT")) == 4
    assert store.count(GalleryFilter(ids=[items[0].id, items[5].id])) == 2
    assert store.count(GalleryFilter(ids=[])) == 0
    assert store.facets()["pages"] == ["edit", "story"]
    assert store.facets()["models"] == ["m-a", "m-b"]


def test_like_wildcards_are_literal(store: GalleryStore) -> None:
    add(store, 1, prompt="100% natural")
    add(store, 2, prompt="snake_case")
    add(store, 3, prompt="plain words")
    assert store.count(GalleryFilter(text="%")) == 1
    assert store.count(GalleryFilter(text="_")) == 1
    assert store.count(GalleryFilter(text="e_c")) == 1


def test_date_filters(store: GalleryStore) -> None:
    item = add(store, 1)
    day = item.created_at[:10]
    assert store.count(GalleryFilter(since=day)) == 1
    assert store.count(GalleryFilter(until=day)) == 1  # a bare date covers the whole day
    assert store.count(GalleryFilter(since="2999-01-01")) == 0
    assert store.count(GalleryFilter(until="2000-01-01")) == 0


def test_favourite_tags_delete_restore(store: GalleryStore) -> None:
    a, b = add(store, 1), add(store, 2)
    assert store.set_favourite(a.id, True)
    assert store.set_tags(b.id, ["client", "v2", "client"])
    assert [i.id for i in store.query(GalleryFilter(favourite=True))] == [a.id]
    assert store.count(GalleryFilter(favourite=False)) == 1
    assert [i.id for i in store.query(GalleryFilter(tags=["v2"]))] == [b.id]
    assert store.count(GalleryFilter(tags=["v2", "nope"])) == 0
    assert store.facets()["tags"] == ["client", "v2"]
    assert store.delete(a.id)
    assert store.count() == 1 and store.get(a.id).deleted_at is not None
    assert store.count(GalleryFilter(only_deleted=True)) == 1
    assert store.count(GalleryFilter(include_deleted=True)) == 2
    assert store.restore(a.id)
    assert store.count() == 2 and store.get(a.id).deleted_at is None
    assert not store.set_favourite("missing", True)


def test_purge_removes_old_deleted_and_unreferenced_files(store: GalleryStore) -> None:
    a = add(store, 1)
    twin = store.add_image(make_png(1), "image/png", NewItem(page="text", prompt="prompt 1"))
    assert twin.sha256 == a.sha256  # same bytes, one file
    b = add(store, 2)
    store.delete(a.id)
    store.delete(b.id)
    assert store.purge_deleted(older_than_days=7) == 0  # too recent
    assert store.purge_deleted(older_than_days=0) == 2
    assert store.get(a.id) is None and store.get(b.id) is None
    assert store.has_image(twin) and store.has_thumbnail(twin)  # still used by the twin
    assert not store.has_image(b) and not store.has_thumbnail(b)
    with pytest.raises(KeyError):
        store.blobs.get(b.sha256)


def test_lineage(store: GalleryStore) -> None:
    root = add(store, 1, page="edit")
    child = add(store, 2, page="edit", parent_id=root.id)
    grandchild = add(store, 3, page="edit", parent_id=child.id)
    sibling = add(store, 4, page="edit", parent_id=child.id)
    ancestors, children = store.lineage(grandchild.id)
    assert [i.id for i in ancestors] == [root.id, child.id]
    assert children == []
    ancestors, children = store.lineage(child.id)
    assert [i.id for i in ancestors] == [root.id]
    assert [i.id for i in children] == [grandchild.id, sibling.id]


def test_atomic_writes_and_tmp_cleanup(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with GalleryStore(data_dir) as store:
        add(store, 1)
        add(store, 2)
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.startswith(".tmp-")]
    leftover = data_dir / "images" / "ab" / ".tmp-999999999-dead"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"half a png")
    garbage = data_dir / "thumbs" / ".tmp-garbage"
    garbage.write_bytes(b"x")
    mine = data_dir / "images" / "ab" / f".tmp-{os.getpid()}-inflight"
    mine.write_bytes(b"a live writer's file")
    with GalleryStore(data_dir) as store:
        assert store.count() == 2
    assert not leftover.exists() and not garbage.exists()
    assert mine.exists()  # its writer (this process) is alive: not ours to remove


def test_survives_reopen(tmp_path: Path) -> None:
    with GalleryStore(tmp_path) as store:
        item = add(store, 1, page="recipe", tags=["x"])
        store.set_favourite(item.id, True)
    with GalleryStore(tmp_path) as again:
        got = again.get(item.id)
        assert got is not None and got.favourite and got.tags == ["x"]
        assert again.image_bytes(item.id) == store.image_path(item).read_bytes()


def test_two_threads_write_50_each(store: GalleryStore) -> None:
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for i in range(50):
                add(store, offset + i, page=f"t{offset}")
                store.query(GalleryFilter(page=f"t{offset}"), limit=5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k * 1000,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.count() == 100
    assert store.count(GalleryFilter(page="t1000")) == 50


def _process_writer(data_dir: str, offset: int) -> None:
    with GalleryStore(data_dir) as store:
        for i in range(50):
            add(store, offset + i, page=f"p{offset}")


def test_two_processes_write_50_each(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_writer, args=(str(tmp_path), k * 1000)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    with GalleryStore(tmp_path) as store:
        assert store.count() == 100
        for item in store.query(limit=100):
            assert store.image_path(item).is_file() and store.thumb_path(item).is_file()
        # both writers' rows reached the text index (its triggers ran in each process)
        assert store.count(GalleryFilter(text="prompt 104")) == 10  # 1040..1049
        assert store.count(GalleryFilter(text="prompt 4")) == 11  # 4, 40..49
        if store.sql.is_sqlite:  # FTS5's own check (PostgreSQL keeps its indexes itself)
            with store._db() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")


def test_query_page_fast_at_10k(store: GalleryStore) -> None:
    template = add(store, 1)
    fake = []
    for n in range(10_000):
        row = template.to_dict()
        row.update(id=f"{n:032x}", created_at=f"2025-01-01T00:00:{n % 60:02d}.{n:06d}+00:00",
                   page=("story", "edit", "text", "recipe")[n % 4], model=f"m{n % 3}",
                   favourite=n % 7 == 0, prompt=f"prompt number {n}")
        fake.append(GalleryItem(**row))
    store.import_records(fake, [], [])
    flt = GalleryFilter(page="edit", model="m1")
    store.query(flt)  # warm the page cache
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        rows = store.query(flt, offset=48, limit=48)
        timings.append(time.perf_counter() - start)
    assert len(rows) == 48
    assert min(timings) < 0.02
    assert store.count(GalleryFilter(favourite=True, text="number 7")) > 0


_KILL_WRITER = """
import io, sys
from PIL import Image
from studio.gallery.records import NewItem
from studio.gallery.store import GalleryStore
store = GalleryStore(sys.argv[1])
for i in range(100000):
    im = Image.new("RGB", (400, 300), (i % 256, (i // 256) % 256, 7))
    out = io.BytesIO(); im.save(out, "PNG")
    store.add_image(out.getvalue(), "image/png", NewItem(page="text", prompt=f"p{i}"))
    if i == 5:
        print("ready", flush=True)
"""


def test_reopen_after_sigkill(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", _KILL_WRITER, str(tmp_path)],
                            stdout=subprocess.PIPE, text=True, cwd=root,
                            env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with GalleryStore(tmp_path) as store:
        items = store.query(limit=100_000)
        assert len(items) >= 6
        for item in items:  # every row points at a complete, decodable image
            with Image.open(store.image_path(item)) as im:
                im.load()
        add(store, 424242)
    assert not [p for p in tmp_path.rglob(".tmp-*")]
