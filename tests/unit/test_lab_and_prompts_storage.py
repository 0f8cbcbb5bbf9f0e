"""The Prompt Lab's experiments and the saved prompts live in the gallery's database
(SQLite or PostgreSQL): several app servers on one database share them, concurrent saves
never tear a record or lose a prompt, and the JSON files of older versions come in once."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict
from pathlib import Path

import pytest

from studio import load_catalog
from studio.gallery.store import GalleryStore
from studio.lab.batch import JobView
from studio.lab.experiment import Experiment
from studio.lab.runner import CellResult
from studio.lab.saved import ExperimentBook
from studio.making.prompt_library import PromptLibrary

pytestmark = pytest.mark.usefixtures("database")
MODEL = load_catalog().models[0].id


def experiment(name: str = "Posters") -> Experiment:
    return Experiment(name=name, prompts=["A poster that says {word}"],
                      variables={"word": ["OPEN", "SALE"]}, models=[MODEL])


def results(exp: Experiment, note: str) -> dict[str, CellResult]:
    return {c.key: CellResult(key=c.key, item_id=f"item-{n}", rating=n + 1, note=note)
            for n, c in enumerate(exp.cells())}


def test_an_experiment_saved_reopens_with_its_results_and_jobs_after_a_restart(tmp_path: Path):
    exp = experiment()
    with GalleryStore(tmp_path) as store:
        book = ExperimentBook(store)
        book.save(exp, results(exp, "first"))
        book.save_jobs(exp.id, [JobView(name="batches/1", model=MODEL, state="JOB_STATE_PENDING")])
        book.save(exp, results(exp, "second"))  # saving the record leaves the jobs alone
    with GalleryStore(tmp_path) as store:
        book = ExperimentBook(store)
        loaded = book.load(exp.id)
        assert loaded is not None and loaded[0] == exp
        assert {r.note for r in loaded[1].values()} == {"second"}
        assert [j.name for j in book.jobs(exp.id)] == ["batches/1"]
        [summary] = book.list()
        assert (summary.id, summary.cells, summary.made) == (exp.id, 2, 2)
        assert book.load("0" * 32) is None
        with pytest.raises(KeyError):
            book.save_jobs("0" * 32, [])
        with pytest.raises(ValueError):
            book.load("../prompts")
    assert not (tmp_path / "experiments").exists(), "no file is written any more"


def test_the_newest_experiment_is_listed_first(tmp_path: Path):
    with GalleryStore(tmp_path) as store:
        book = ExperimentBook(store)
        older, newer = experiment("Older"), experiment("Newer")
        book.save(older, {})
        book.save(newer, {})
        assert [s.name for s in book.list()] == ["Newer", "Older"]
        book.save(older, {})
        assert [s.name for s in book.list()] == ["Older", "Newer"]


def test_two_servers_saving_one_experiment_leave_the_last_save_whole(tmp_path: Path):
    exp = Experiment(name="Wide", prompts=["A poster that says {word}"],
                     variables={"word": [f"W{n}" for n in range(8)]}, models=[MODEL])
    with GalleryStore(tmp_path / "a") as a, \
            GalleryStore(tmp_path / ("b" if a.database_url else "a")) as b:  # SQLite: one file
        books = [ExperimentBook(a), ExperimentBook(b)]

        books[0].save(exp, results(exp, "first"))
        start, writing, seen = threading.Barrier(5), threading.Event(), []

        def save(n: int) -> None:
            start.wait()
            for k in range(15):
                books[n % 2].save(exp, results(exp, f"writer {n} save {k}"))

        def read() -> None:  # what a session on either server opens meanwhile
            start.wait()
            while not writing.is_set():
                loaded = books[1].load(exp.id)
                seen.append({r.note for r in loaded[1].values()} if loaded else set())

        threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
        reader = threading.Thread(target=read)
        for t in [*threads, reader]:
            t.start()
        for t in threads:
            t.join()
        writing.set()
        reader.join()
        assert seen and all(len(notes) == 1 for notes in seen), "a record read mid-save is whole"
        for book in books:
            loaded = book.load(exp.id)
            assert loaded is not None
            notes = {r.note for r in loaded[1].values()}
            assert len(notes) == 1 and notes <= {f"writer {n} save 14" for n in range(4)}, \
                "one writer's whole record, never cells from two saves"


def test_prompts_saved_from_many_sessions_at_once_all_land(tmp_path: Path):
    with GalleryStore(tmp_path) as store:
        threads = [threading.Thread(target=lambda i=i: PromptLibrary(store).save(
            f"Prompt {i}", f"text {i}", page="story")) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(p.name for p in PromptLibrary(store).mine()) == sorted(
            f"Prompt {i}" for i in range(12))


def test_one_postgresql_database_serves_two_app_servers(tmp_path: Path, database: str):
    if database != "postgres":
        pytest.skip("two app servers share a database server, not a SQLite file")
    # each server has its own (ephemeral) data folder: nothing is shared through files
    with GalleryStore(tmp_path / "server-a") as a, GalleryStore(tmp_path / "server-b") as b:
        assert a.database_url == b.database_url
        exp = experiment("Shared")
        ExperimentBook(a).save(exp, results(exp, "from a"))
        seen = ExperimentBook(b).load(exp.id)
        assert seen is not None and {r.note for r in seen[1].values()} == {"from a"}
        assert [s.name for s in ExperimentBook(b).list()] == ["Shared"]
        saved = PromptLibrary(a).save("Poster", "A poster that says {word}", page="lab")
        assert PromptLibrary(b).get(saved.id) == saved

        def save(library: PromptLibrary, who: str) -> None:
            for k in range(10):
                library.save(f"{who} {k}", f"text {k}", page="story")

        threads = [threading.Thread(target=save, args=(PromptLibrary(s), w))
                   for s, w in ((a, "a"), (b, "b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        names = {p.name for p in PromptLibrary(a).mine()}
        assert names == {"Poster", *(f"{w} {k}" for w in "ab" for k in range(10))}, \
            "neither server's saves overwrote the other's"
    assert not list(tmp_path.rglob("*.json"))


def _old_folder(data: Path) -> tuple[Experiment, Experiment]:
    """A data folder as a version before schema v4 left it."""
    kept, second = experiment("Kept"), experiment("Second")
    folder = data / "experiments"
    folder.mkdir(parents=True)
    for exp, note in ((kept, "old"), (second, "also old")):
        record = {"experiment": asdict(exp), "results": [asdict(r) for r in results(exp, note).values()],
                  "updated_at": "2026-11-01T10:00:00+00:00"}
        (folder / f"{exp.id}.json").write_text(json.dumps(record), encoding="utf-8")
    (folder / f"{kept.id}.batch").write_text(json.dumps([asdict(JobView(
        name="batches/7", model=MODEL, state="JOB_STATE_SUCCEEDED", collected=True))]))
    (folder / "damaged.json").write_text('{"experiment": {"id": "abc', encoding="utf-8")
    (folder / ".tmp-x1y2.json").write_text('{"exper', encoding="utf-8")  # a save cut short
    (data / "prompts.json").write_text(json.dumps([
        {"id": "p1", "name": "Sea journey", "text": "a baby {animal}", "page": "story",
         "fields": {"story_scenes": 5}, "values": {"animal": ["turtle"]},
         "saved_at": "2026-11-01T10:00:00+00:00"},
        {"name": 3}]), encoding="utf-8")
    return kept, second


def test_old_experiment_and_prompt_files_are_imported_once_and_kept(tmp_path: Path):
    data = tmp_path / "data"
    kept, _ = _old_folder(data)
    damaged = (data / "experiments" / "damaged.json").read_bytes()
    with GalleryStore(data) as store:
        assert (store.local_import.experiments, store.local_import.prompts) == (2, 1)
        assert store.local_import.damaged == [data / "experiments" / "damaged.json"]
        book = ExperimentBook(store)
        assert {s.name for s in book.list()} == {"Kept", "Second"}
        loaded = book.load(kept.id)
        assert loaded is not None and {r.note for r in loaded[1].values()} == {"old"}
        assert [j.name for j in book.jobs(kept.id)] == ["batches/7"]
        [prompt] = PromptLibrary(store).mine()
        assert (prompt.id, prompt.name, prompt.fields, prompt.values) == (
            "p1", "Sea journey", {"story_scenes": 5}, {"animal": ["turtle"]})
        book.save(kept, results(kept, "changed after the import"))
    assert (data / "experiments" / "damaged.json").read_bytes() == damaged, "left as it was"
    assert (data / "experiments" / f"{kept.id}.json.imported").is_file()
    assert (data / "experiments" / f"{kept.id}.batch.imported").is_file()
    assert (data / "prompts.json.imported").is_file()
    assert sorted(p.name for p in (data / "experiments").glob("*.json")) == [
        ".tmp-x1y2.json", "damaged.json"], "a save cut short is no experiment: left alone"

    # a second opening imports nothing, and an old file put back does not undo a newer save
    (data / "experiments" / f"{kept.id}.json.imported").rename(data / "experiments" / f"{kept.id}.json")
    (data / "prompts.json.imported").rename(data / "prompts.json")
    with GalleryStore(data) as store:
        assert (store.local_import.experiments, store.local_import.prompts) == (0, 0)
        loaded = ExperimentBook(store).load(kept.id)
        assert loaded is not None
        assert {r.note for r in loaded[1].values()} == {"changed after the import"}
        assert len(PromptLibrary(store).mine()) == 1


def test_an_imported_prompt_whose_name_is_taken_keeps_both(tmp_path: Path):
    data = tmp_path / "data"
    with GalleryStore(data) as store:
        PromptLibrary(store).save("sea journey", "a whale", page="lab")
    _old_folder(data)
    with GalleryStore(data) as store:
        assert sorted(p.name for p in PromptLibrary(store).mine()) == [
            "Sea journey (2)", "sea journey"]


def test_a_damaged_prompts_file_is_reported_and_left_in_place(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "prompts.json").write_text("{not json", encoding="utf-8")
    with GalleryStore(data) as store:
        library = PromptLibrary(store)
        assert library.problem and "could not be read" in library.problem
        library.save("Tart", "a lemon tart", page="recipe")
        assert [p.name for p in library.mine()] == ["Tart"]
    assert (data / "prompts.json").read_text(encoding="utf-8") == "{not json"
