"""Collections in the core: made, renamed, ordered, deleted; through export and import;
the decks presenter mode shows; compare's diffs and split view."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text

import studio
from studio.gallery.conversations import Conversation
from studio.gallery.records import NewItem
from studio.gallery.store import GalleryStore

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL (conftest.py)


def png(color: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> GalleryStore:
    with GalleryStore(tmp_path / "g") as s:
        yield s


def _items(store: GalleryStore, n: int) -> list[str]:
    return [store.add_image(png((i * 40, 90, 20)), "image/png",
                            NewItem(page="text", prompt=f"poster {i}")).id for i in range(n)]


def test_a_collection_is_made_filled_ordered_and_deleted(store: GalleryStore) -> None:
    a, b, c, d = _items(store, 4)
    made = store.collections.create("  Kickoff  deck ", "design team")
    assert made.name == "Kickoff deck" and made.label == "Kickoff deck · for design team"
    assert store.collections.add(made.id, [b, a, b, "no-such-id"]) == 2
    assert store.collections.add(made.id, [a, c]) == 1, "a member is not added twice"
    assert store.collections.get(made.id).item_ids == (b, a, c)
    store.collections.move(made.id, c, -5)
    assert store.collections.get(made.id).item_ids == (c, b, a), "clamped at the start"
    store.collections.reorder(made.id, [a])
    assert store.collections.get(made.id).item_ids == (a, c, b)
    store.collections.remove(made.id, [c])
    assert store.collections.get(made.id).item_ids == (a, b)
    store.delete(b)
    assert store.collections.get(made.id).item_ids == (a,), "a deleted item is not listed"
    store.restore(b)
    assert store.collections.get(made.id).item_ids == (a, b), "restored in its place"
    renamed = store.collections.rename(made.id, "Board review", "the board")
    assert (renamed.name, renamed.audience) == ("Board review", "the board")
    assert store.collections.of_item(a) == [made.id]
    assert store.collections.delete(made.id)
    assert store.collections.list() == [] and store.get(a) is not None and d


def test_bad_names_and_gone_collections_say_what_to_do(store: GalleryStore) -> None:
    with pytest.raises(studio.CollectionError, match="name"):
        store.collections.create("   ")
    with pytest.raises(studio.CollectionError, match="under 120"):
        store.collections.create("x" * 121)
    with pytest.raises(studio.CollectionError, match="no longer exists"):
        store.collections.add("gone", _items(store, 1))


def test_purged_items_leave_their_collections(store: GalleryStore) -> None:
    a, b = _items(store, 2)
    made = store.collections.create("Deck")
    store.collections.add(made.id, [a, b])
    store.delete(a)
    store.purge_deleted(older_than_days=0)
    with store.sql.db() as conn:
        rows = conn.execute(text("SELECT item_id FROM collection_items")).scalars().all()
    assert rows == [b]


@pytest.mark.sqlite_only  # a second, empty gallery beside the first: one database each
def test_an_export_carries_its_collections_and_an_import_rebuilds_them(
        store: GalleryStore, tmp_path: Path) -> None:
    a, b, c = _items(store, 3)
    made = store.collections.create("Launch", "marketing")
    store.collections.add(made.id, [c, a])
    other = store.collections.create("Other")
    store.collections.add(other.id, [b])
    out = studio.export_zip(store, list(store.collections.get(made.id).item_ids), tmp_path / "x.zip")
    assert out.images == 2
    with zipfile.ZipFile(out.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert {i["id"] for i in manifest["items"]} == {a, c}
    assert [(x["name"], x["audience"], x["items"]) for x in manifest["collections"]] == [
        ("Launch", "marketing", [c, a])], "only collections holding exported items, in order"
    with GalleryStore(tmp_path / "other") as fresh:
        report = studio.import_zip(fresh, out.path)
        assert report.items_added == 2 and report.collections_added == 1
        back = fresh.collections.get(made.id)
        assert (back.name, back.audience, back.item_ids) == ("Launch", "marketing", (c, a))
        again = studio.import_zip(fresh, out.path)
        assert again.collections_added == 0 and len(fresh.collections.list()) == 1


@pytest.mark.sqlite_only  # imports into a second, empty gallery
def test_a_manifest_collection_of_the_wrong_shape_is_refused(store: GalleryStore, tmp_path: Path) -> None:
    _items(store, 1)
    out = studio.export_zip(store, None, tmp_path / "x.zip")
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(out.path) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["collections"] = [{"id": "../x", "name": "n", "audience": "",
                                            "created_at": "2026-01-01", "updated_at": "2026-01-01",
                                            "items": []}]
                data = json.dumps(manifest).encode()
            dst.writestr(info, data)
    with GalleryStore(tmp_path / "other") as fresh:
        with pytest.raises(studio.ZipRejected, match="collection #1"):
            studio.import_zip(fresh, bad)
        assert fresh.count() == 0, "nothing imported"


def test_a_story_deck_is_one_slide_per_scene_of_the_chosen_version(store: GalleryStore) -> None:
    ids = [store.add_image(png((i * 30, 10, 10)), "image/png",
                           NewItem(page="story", prompt="engineered", text=f"scene {i}")).id
           for i in range(5)]
    first = {"instruction": "a turtle", "parts": [
        {"kind": "text", "text": "Once, a turtle."}, {"kind": "image", "item_id": ids[0]},
        {"kind": "text", "text": "It swam."}, {"kind": "image", "item_id": ids[1]}]}
    second = {"instruction": "as a watercolour", "parts": [
        {"kind": "text", "text": "A wet turtle."}, {"kind": "image", "item_id": ids[2]},
        {"kind": "text", "text": "Blue sea."}, {"kind": "image", "item_id": ids[3]},
        {"kind": "text", "text": "The end."}, {"kind": "image", "item_id": ids[4]}]}
    conv = store.save_conversation(Conversation(id="s1", page="story", title="Turtle",
                                                transcript=[first, second]))
    deck = studio.story_deck(store, conv.id, 1)
    assert [s.item_id for s in deck.slides] == ids[:2]
    assert [s.caption for s in deck.slides] == ["Once, a turtle.", "It swam."]
    latest = studio.story_deck(store, conv.id)
    assert [s.heading for s in latest.slides] == ["Scene 1", "Scene 2", "Scene 3"]
    assert "watercolour" in latest.subtitle and latest.title == "Turtle"


def test_compare_diffs_words_and_marks_the_settings_that_differ(store: GalleryStore) -> None:
    diff = studio.word_diff("a red fox at dusk", "a blue fox at dawn")
    assert ("removed", "red") in diff and ("added", "blue") in diff
    assert "".join(t for k, t in diff if k != "removed") == "a blue fox at dawn"
    one = store.add_image(png((1, 2, 3)), "image/png", NewItem(page="text", prompt="p", seed=1,
                                                               model="m"))
    two = store.add_image(png((1, 2, 3)), "image/png", NewItem(page="text", prompt="p", seed=2,
                                                               model="m"))
    rows = {r.field: r for r in studio.settings_table([one, two])}
    assert rows["Seed"].differs and rows["Seed"].values == ("1", "2")
    assert not rows["Model"].differs and "Temperature" not in rows, "no field reads as None"


def test_the_split_view_shows_the_left_image_then_the_right() -> None:
    red, blue = png((250, 0, 0), (100, 50)), png((0, 0, 250), (60, 60))
    out = Image.open(io.BytesIO(studio.split_view(red, blue, 0.3)))
    assert out.size == (100, 50)
    assert out.getpixel((10, 25))[0] > 200, "left of the split: the first image"
    assert out.getpixel((70, 25))[2] > 200, "right of the split: the second"


def test_an_experiment_deck_is_its_winners_in_the_users_words(store: GalleryStore) -> None:
    def cell(n: int, winner: bool, tag: str = "experiment:e1") -> str:
        item = store.add_image(png((n * 50, 0, 0)), "image/png", NewItem(
            page="lab", prompt=f"A poster that says OPEN {n}", model="m", aspect_ratio="4:5",
            tags=[tag]))
        store.set_favourite(item.id, winner)
        return item.id

    first, _, third = cell(1, True), cell(2, False), cell(3, True)
    cell(4, True, tag="experiment:other")
    deck = studio.experiment_deck(store, "e1", "Poster wording")
    assert [s.item_id for s in deck.slides] == [first, third], "winners only, of this experiment"
    assert deck.slides[1].caption == "A poster that says OPEN 3" and deck.title == "Poster wording"
    assert deck.slides[0].heading == "m · 4:5"
