"""The two places a gallery's bytes can live: the data folder, and S3 (moto's server).

Every test here runs on both (the `blob_url` fixture); the S3 ones also look at the bucket
behind the store's back with boto3, so "it is in S3" is checked, not assumed.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from studio.gallery.objects import LocalFolder, RemoteObjects, open_objects
from studio.gallery.records import NewItem, thumb_relpath
from studio.gallery.store import GalleryStore
from tests.s3_server import S3Server
from tests.unit.test_gallery_store import make_png


def objects_for(blob_url: str | None, tmp_path: Path):
    return open_objects(blob_url, tmp_path / "data")


def test_objects_put_get_open_list_delete(blob_url: str | None, tmp_path: Path) -> None:
    objects = objects_for(blob_url, tmp_path)
    assert objects.put("images/ab/one.png", b"first") is True
    assert objects.put("images/ab/one.png", b"other") is False  # content-addressed: kept
    assert objects.get("images/ab/one.png") == b"first"
    size, chunks = objects.open("images/ab/one.png")
    assert size == 5 and b"".join(chunks) == b"first"
    for whole_below in (1 << 20, 2):  # read ahead whole, or streamed as consumed
        size, chunks = asyncio.run(objects.open_async("images/ab/one.png", whole_below))
        assert size == 5 and b"".join(chunks) == b"first"
    objects.put("thumbs/ab/one.jpg", b"t")
    assert [o.key for o in objects.list("images")] == ["images/ab/one.png"]
    assert [o.size for o in objects.list("thumbs")] == [1]
    assert objects.exists("images/ab/one.png") and not objects.exists("images/ab/two.png")
    objects.delete("images/ab/one.png")
    objects.delete("images/ab/one.png")  # a missing key is no error
    assert not objects.exists("images/ab/one.png")
    with pytest.raises(FileNotFoundError):
        objects.get("images/ab/one.png")
    with pytest.raises(FileNotFoundError):
        objects.open("images/ab/one.png")
    with pytest.raises(FileNotFoundError):
        asyncio.run(objects.open_async("images/ab/one.png", 1 << 20))


def test_unset_url_is_the_data_folder_and_a_url_is_remote(tmp_path: Path, s3_server: S3Server) -> None:
    assert isinstance(open_objects(None, tmp_path), LocalFolder)
    assert open_objects(f"file://{tmp_path}/x", tmp_path).root == tmp_path / "x"
    assert isinstance(open_objects(s3_server.url("p"), tmp_path), RemoteObjects)
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        open_objects("my-bucket", tmp_path)


def test_a_store_on_s3_keeps_images_and_thumbnails_in_the_bucket(
    tmp_path: Path, s3_server: S3Server
) -> None:
    url = s3_server.url("gallery-a")
    with GalleryStore(tmp_path / "data", blob_url=url) as store:
        item = store.add_image(make_png(1), "image/png", NewItem(page="text", prompt="fox"))
        conv_sha = store.put_blob(make_png(2), "image/png")
        assert store.image_location(item).startswith("s3://studio-tests/gallery-a/images/")
        with pytest.raises(ValueError, match="not in a local folder"):
            store.image_path(item)
    assert s3_server.keys("gallery-a/") == sorted([
        f"gallery-a/images/{item.sha256[:2]}/{item.sha256}.png",
        f"gallery-a/images/{conv_sha[:2]}/{conv_sha}.png",
        f"gallery-a/thumbs/{item.sha256[:2]}/{item.sha256}.jpg",
    ])
    assert not (tmp_path / "data" / "images").exists()
    with GalleryStore(tmp_path / "data", blob_url=url) as again:  # another app server, later
        assert again.image_bytes(item.id) == store.image_bytes(item.id)
        assert again.thumbnail_bytes(item.id)[:2] == b"\xff\xd8"


def test_a_lost_thumbnail_is_remade_and_kept(blob_url: str | None, tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "data", blob_url=blob_url) as store:
        item = store.add_image(make_png(3), "image/png", NewItem(page="text"))
        first = store.thumbnail_bytes(item.id)
        store.objects.delete(thumb_relpath(item.sha256))
        assert not store.has_thumbnail(item)
        assert store.thumbnail_bytes(item.id) == first
        assert store.has_thumbnail(item)


def test_writers_racing_on_one_key_publish_it_once(blob_url: str | None, tmp_path: Path) -> None:
    objects = objects_for(blob_url, tmp_path)
    data = make_png(4, (256, 256))
    created: list[bool] = []
    threads = [threading.Thread(target=lambda: created.append(objects.put("images/cd/x.png", data)))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert created.count(True) >= 1 and len(created) == 6
    assert objects.get("images/cd/x.png") == data


def test_purge_deletes_objects_nothing_points_at(blob_url: str | None, tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "data", blob_url=blob_url) as store:
        kept = store.add_image(make_png(5), "image/png", NewItem(page="text"))
        gone = store.add_image(make_png(6), "image/png", NewItem(page="text"))
        store.delete(gone.id)
        assert store.purge_deleted(older_than_days=0) == 1
        keys = [o.key for o in store.objects.list("images")] + [o.key for o in store.objects.list("thumbs")]
        assert all(kept.sha256 in k for k in keys) and len(keys) == 2


def test_export_streams_from_the_store_and_import_fills_another(
    blob_url: str | None, tmp_path: Path, s3_server: S3Server
) -> None:
    from studio.exchange.export_zip import export_zip
    from studio.exchange.import_zip import import_zip

    with GalleryStore(tmp_path / "a", blob_url=blob_url) as src:
        items = [src.add_image(make_png(k), "image/png", NewItem(page="text", prompt=f"p{k}"))
                 for k in range(3)]
        report = export_zip(src, None, tmp_path / "out.zip")
        assert report.images == 3 and not report.warnings
        originals = {i.id: src.image_bytes(i.id) for i in items}
    target = s3_server.url(f"import-{tmp_path.name}") if blob_url is None else None
    with GalleryStore(tmp_path / "b", blob_url=target) as dst:  # local -> S3, S3 -> local
        got = import_zip(dst, tmp_path / "out.zip")
        assert got.items_added == 3
        assert {i: dst.image_bytes(i) for i in originals} == originals
        assert all(dst.has_thumbnail(dst.get(i)) for i in originals)


def test_doctor_finds_and_reindexes_an_object_no_row_knows(
    blob_url: str | None, tmp_path: Path
) -> None:
    from studio.gallery import doctor

    with GalleryStore(tmp_path / "data", blob_url=blob_url) as store:
        item = store.add_image(make_png(7), "image/png", NewItem(page="story", prompt="lost row"))
        store.objects.delete(thumb_relpath(item.sha256))
        stray = make_png(8)
        from studio.gallery.files import sha256_hex
        store.objects.put(f"images/{sha256_hex(stray)[:2]}/{sha256_hex(stray)}.png", stray)
        found = doctor.check(store)
        assert found.missing_thumbnails == [item.id]
        assert [o.key.rsplit("/", 1)[-1] for o in found.orphan_files] == [f"{sha256_hex(stray)}.png"]
        doctor.repair(store)
        assert doctor.check(store).healthy and store.count() == 2
