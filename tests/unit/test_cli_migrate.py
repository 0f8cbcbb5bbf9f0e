"""`python -m studio migrate`: a local gallery copied to S3 (moto) or another folder,
interrupted and resumed, and verified by hashing what the target holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from studio.exchange.migrate import migrate
from studio.exchange.migrate_cli import open_target
from studio.gallery.conversations import Conversation
from studio.gallery.records import NewItem
from studio.gallery.store import GalleryStore
from studio.lab.experiment import Experiment
from studio.lab.saved import ExperimentBook
from studio.making.prompt_library import PromptLibrary
from tests.s3_server import S3Server
from tests.unit.test_gallery_conversations import history
from tests.unit.test_gallery_store import make_png

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STUDIO_BLOB_URL", None)
    return subprocess.run([sys.executable, "-m", "studio", "migrate", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)


def make_gallery(data: Path) -> dict[str, bytes]:
    """Five images (one trashed, one favourite), a conversation, a collection, two experiments
    (one saved, one an old JSON file the next opening imports) and a saved prompt."""
    with GalleryStore(data, blob_url="") as store:
        items = [store.add_image(make_png(k), "image/png", NewItem(page="edit", prompt=f"p{k}"))
                 for k in range(5)]
        store.delete(items[0].id)
        store.set_favourite(items[1].id, True)
        store.save_conversation(Conversation(page="edit", title="Red fox", history=history()))
        review = store.collections.create("Review", "design")
        store.collections.add(review.id, [items[2].id])
        ExperimentBook(store).save(Experiment(name="Saved", prompts=["a {w}"],
                                              variables={"w": ["x"]}, models=["m"]), {})
        PromptLibrary(store).save("Poster", "A poster that says {word}", page="lab")
        images = {i.id: store.image_bytes(i.id) for i in items}
    old = Experiment(name="Old file", prompts=["p"], models=["m"])
    (data / "experiments").mkdir()
    (data / "experiments" / f"{old.id}.json").write_text(json.dumps(
        {"experiment": asdict(old), "results": [], "updated_at": "2026-11-01T10:00:00+00:00"}))
    return images


def test_to_blobs_moves_the_files_to_s3_and_keeps_the_database(
    tmp_path: Path, s3_server: S3Server
) -> None:
    data = tmp_path / "data"
    images = make_gallery(data)
    url = s3_server.url("team-gallery")
    done = run_cli("--data-dir", str(data), "--to-blobs", url)
    assert done.returncode == 0, done.stderr
    assert "verified: counts match and 12 objects hash" in done.stdout  # 7 images, 5 thumbs
    assert f"STUDIO_BLOB_URL={url}" in done.stdout
    assert "copying images" in done.stderr and "100%" in done.stderr  # the progress bar
    assert len(s3_server.keys("team-gallery/images/")) == 7
    with GalleryStore(data, blob_url=url) as store:  # the app, pointed at the bucket
        assert {i: store.image_bytes(i) for i in images} == images
        conv = store.list_conversations()[0]
        assert store.load_conversation(conv.id).history == history()
    again = run_cli("--data-dir", str(data), "--to-blobs", url)
    assert again.returncode == 0 and "objects: 0 copied, 12 already there" in again.stdout


def test_to_another_folder_copies_rows_collections_and_experiments(tmp_path: Path) -> None:
    data, team = tmp_path / "data", tmp_path / "team"
    images = make_gallery(data)
    done = run_cli("--data-dir", str(data), "--to-database", f"sqlite:///{team}/studio.db")
    assert done.returncode == 0, done.stderr
    assert "items: 5 copied" in done.stdout and "conversations: 1 copied" in done.stdout
    assert "collections: 1 copied" in done.stdout
    assert "experiments: 2 copied, 0 already there; saved prompts: 1 copied" in done.stdout
    with GalleryStore(team) as copy, GalleryStore(data) as original:
        assert {i: copy.image_bytes(i) for i in images} == images
        assert copy.get(next(iter(images))).deleted_at is not None  # the trash came along
        assert [i.id for i in copy.query()] == [i.id for i in original.query()]
        assert [c.item_ids for c in copy.collections.list()] == [
            (original.query(order="oldest")[1].id,)]
    with GalleryStore(team) as copy:
        assert sorted(s.name for s in ExperimentBook(copy).list()) == ["Old file", "Saved"]
        assert [p.name for p in PromptLibrary(copy).mine()] == ["Poster"]
    assert not (team / "experiments").exists(), "rows are copied, not files"
    again = run_cli("--data-dir", str(data), "--to-database", str(team))
    assert again.returncode == 0 and "items: 0 copied, 5 already there" in again.stdout
    assert "experiments: 0 copied, 2 already there; saved prompts: 0 copied, 1" in again.stdout


def test_an_interrupted_migration_resumes_where_it_stopped(tmp_path: Path, s3_server: S3Server) -> None:
    data = tmp_path / "data"
    make_gallery(data)
    url = s3_server.url("resumed")
    done: list[int] = []

    def stop_after_four(what: str, n: int) -> None:
        done.append(n)
        if len(done) == 4:
            raise KeyboardInterrupt

    with GalleryStore(data) as source, open_target(data, None, url) as target:
        with pytest.raises(KeyboardInterrupt):
            migrate(source, target, stop_after_four)
        assert len(s3_server.keys("resumed/")) == 4
        report = migrate(source, target)
    assert report.ok and report.objects_present == 4 and report.objects_copied == 8


def test_verification_catches_an_object_that_differs_in_the_target(
    tmp_path: Path, s3_server: S3Server
) -> None:
    data = tmp_path / "data"
    images = make_gallery(data)
    url = s3_server.url("tampered")
    with GalleryStore(data) as source, open_target(data, None, url) as target:
        item = source.get(next(iter(images)))
        target.objects.put(source.blobs.key(item.sha256, item.mime), b"not the image")
    done = run_cli("--data-dir", str(data), "--to-blobs", url)
    assert done.returncode == 1
    assert f"problem: images/{item.sha256[:2]}/{item.sha256}.png:" in done.stdout
    assert "verified" not in done.stdout


def test_to_postgresql_and_s3_copies_everything_and_verifies(
    tmp_path: Path, s3_server: S3Server, postgres_url: str,
) -> None:
    data = tmp_path / "data"
    images = make_gallery(data)
    url = s3_server.url("pg-gallery")
    done = run_cli("--data-dir", str(data), "--to-database", postgres_url, "--to-blobs", url)
    assert done.returncode == 0, done.stdout + done.stderr[-1500:]
    assert "items: 5 copied" in done.stdout and "conversations: 1 copied" in done.stdout
    assert "collections: 1 copied" in done.stdout and "verified" in done.stdout
    with GalleryStore(tmp_path / "app", database=postgres_url, blob_url=url) as team:
        assert {i: team.image_bytes(i) for i in images} == images  # rows in PG, bytes in S3
        assert team.count() == 4 and len(team.collections.list()) == 1
        assert team.load_conversation(team.list_conversations()[0].id).history == history()
        assert sorted(s.name for s in ExperimentBook(team).list()) == ["Old file", "Saved"]
        assert [p.name for p in PromptLibrary(team).mine()] == ["Poster"]
    again = run_cli("--data-dir", str(data), "--to-database", postgres_url, "--to-blobs", url)
    assert again.returncode == 0 and "items: 0 copied, 5 already there" in again.stdout


def test_verification_catches_an_experiment_or_prompt_missing_in_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    make_gallery(data)
    with GalleryStore(data) as source, GalleryStore(tmp_path / "team") as target:
        monkeypatch.setattr(target.prompts, "add_existing", lambda records: [])
        monkeypatch.setattr(target.experiments, "add_existing", lambda rows: [])
        report = migrate(source, target)
    assert not report.ok
    assert "experiments: 2 of 2 are not in the target" in report.problems
    assert "saved prompts: 1 of 1 are not in the target" in report.problems
