"""Collections, presenter mode and compare, through the pages' widgets."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

from studio.emulator import ScriptedResponder, scripted_image
from studio.gallery.records import GalleryFilter
from studio.gallery.store import GalleryStore
from tests.app.conftest import assert_clean
from tests.app.test_gallery_page import _fill

SCENES = ["The egg cracks on a moonlit beach.", "Gulls circle; the hatchling hurries.",
          "A wave carries it home."]


def _tell(at: AppTest, scripted: ScriptedResponder, scenes: list[str]) -> AppTest:
    colours = ["red", "green", "blue", "yellow"]
    scripted.enqueue(*[p for text, colour in zip(scenes, colours, strict=False)
                       for p in (text, scripted_image(colour))])
    at.text_area(key="story_prompt").input("a cute baby turtle finding the sea")
    at.number_input(key="story_scenes").set_value(len(scenes))
    return at.button(key="story_generate").click().run()


def _story_ids(gallery: GalleryStore) -> list[str]:
    items = sorted(gallery.query(GalleryFilter(page="story")), key=lambda i: i.position)
    return [i.id for i in items]


def _counter(at: AppTest) -> str:
    return next(m.value for m in at.markdown if " / " in m.value and m.value[0].isdigit())


def test_a_collection_is_made_filled_from_pages_exported_and_presented(
        open_page, gallery: GalleryStore, scripted: ScriptedResponder):
    loose = _fill(gallery, 3, page="text", prompt="poster")
    at = open_page("gallery")
    at.text_input(key="collection_name").input("Kickoff")
    at.text_input(key="collection_audience").input("the design team")
    at.button(key="collection_create").click().run()
    assert_clean(at)
    [made] = gallery.collections.list()
    assert (made.name, made.audience) == ("Kickoff", "the design team")

    at.switch_page("pages/story.py").run()
    at = _tell(at, scripted, SCENES[:2])
    assert_clean(at)
    assert at.selectbox(key="story_collect_collection").value == made.id
    at.button(key="story_collect_add").click().run()
    assert_clean(at)
    story = _story_ids(gallery)
    assert gallery.collections.get(made.id).item_ids == tuple(story)
    assert any("Added 2 images to “Kickoff”" in t.value for t in at.toast)

    at.switch_page("pages/gallery.py").run()
    for item in loose[:2]:
        at.checkbox(key=f"gallery_sel_{item.id}").check().run()
    at.button(key="gallery_collect_add").click().run()
    assert_clean(at)
    members = gallery.collections.get(made.id).item_ids
    assert members == (*story, *sorted(i.id for i in loose[:2])), "appended in order"
    at.selectbox(key="gallery_collection").set_value(made.id).run()
    assert any(m.value.startswith("**4** images") for m in at.markdown), "the collection filter"

    at.button(key="collection_export_prepare").click().run()
    assert_clean(at)
    path = Path(at.session_state["studio"].export_path)
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        images = [n for n in zf.namelist() if n.startswith("images/")]
    assert {i["id"] for i in manifest["items"]} == set(members), "exactly its items"
    assert len(images) == 4 and loose[2].id not in {i["id"] for i in manifest["items"]}
    assert manifest["collections"][0]["items"] == list(members)

    at.button(key="collection_present").click().run()
    assert_clean(at)
    assert at.title[0].value == "Kickoff"
    assert _counter(at) == "1 / 4" and len(at.image) == 1
    assert any(SCENES[0] in m.value for m in at.markdown), "captioned by its scene"


def test_presenter_walks_a_story_in_order_and_stops_at_the_ends(
        open_page, gallery: GalleryStore, scripted: ScriptedResponder):
    at = _tell(open_page("story"), scripted, SCENES)
    at.button(key="story_present").click().run()
    assert_clean(at)
    assert _counter(at) == "1 / 3"
    at.switch_page("pages/present.py")  # AppTest would otherwise rerun the page it last switched to
    seen = []
    for step in range(3):
        seen.append(next(m.value for m in at.markdown if m.value in SCENES))
        assert _counter(at) == f"{step + 1} / 3"
        assert at.button(key="present_prev").disabled == (step == 0)
        if step < 2:
            at.button(key="present_next").click().run()
            assert_clean(at)
    assert seen == SCENES, "the scenes in the order they were told"
    assert _counter(at) == "3 / 3" and at.button(key="present_next").disabled, "stops at the end"
    for _ in range(2):
        at.button(key="present_prev").click().run()
    assert _counter(at) == "1 / 3" and at.button(key="present_prev").disabled, "and at the start"
    assert at.button(key="present_next").proto.shortcut, "arrow keys are bound"
    at.button(key="present_exit").click().run()
    assert_clean(at)
    assert "Present" in at.title[0].value, "Esc ends the show"


def test_presenter_chooses_a_story_version(open_page, gallery: GalleryStore,
                                           scripted: ScriptedResponder):
    at = _tell(open_page("story"), scripted, SCENES[:2])
    scripted.enqueue("Now in watercolour.", scripted_image("blue"))
    at.chat_input(key="story_feedback").set_value("Retell it as a watercolour").run()
    at.switch_page("pages/present.py").run()
    at.button_group(key="present_kind").set_value("story").run()
    assert at.button_group(key="present_version").value == 2
    at.button_group(key="present_version").set_value(1).run()
    at.button(key="present_start").click().run()
    assert_clean(at)
    assert _counter(at) == "1 / 2" and any(SCENES[0] == m.value for m in at.markdown)


def test_compare_three_items_shows_them_all_and_the_prompt_diff(open_page, gallery):
    items = _fill(gallery, 3, page="text", prompt="a red fox at dusk")
    at = open_page("gallery")
    assert at.button(key="gallery_compare").disabled
    for item in items:
        at.checkbox(key=f"gallery_sel_{item.id}").check().run()
    at.button(key="gallery_compare").click().run()
    assert_clean(at)
    labels = [c.value for c in at.caption if c.value[:3] in ("1. ", "2. ", "3. ")]
    assert len(labels) == 3 and all("a red fox at dusk" in label for label in labels)
    diffs = [h.proto.body for h in at.get("html")][1:]
    assert len(diffs) == 2, "images 2 and 3 diffed against image 1 (shown first, as it is)"
    assert 'diff-removed' in diffs[0] and '>0</span>' in diffs[0] and '>1</span>' in diffs[0]
    table = at.dataframe[0].value
    assert list(table.columns) == ["Field", "Image 1", "Image 2", "Image 3"]
    assert not [s for s in at.slider if s.key == "compare_split"], "the overlay is for two"
    at.button(key="compare_close").click().run()
    assert not at.dataframe


def test_compare_ids_set_elsewhere_open_in_the_gallery_with_a_split_overlay(open_page, gallery):
    items = _fill(gallery, 3, page="lab", prompt="cell")
    at = open_page("lab")
    at.session_state["studio"].compare = [items[2].id, items[0].id]  # what set_compare_ids keeps
    at.switch_page("pages/gallery.py").run()
    assert_clean(at)
    labels = [c.value for c in at.caption if c.value[:3] in ("1. ", "2. ")]
    assert ["cell 2" in labels[0], "cell 0" in labels[1]] == [True, True], "in the order chosen"
    def overlay() -> str:  # the composed image: the third in the panel, after the two
        return at.image[2].proto.imgs[0].url

    before = overlay()
    at.slider(key="compare_split").set_value(20).run()
    assert_clean(at)
    assert overlay() != before, "the split moved: a new image"


def test_the_collections_panel_renames_orders_removes_and_deletes(open_page, gallery):
    a, b, c = _fill(gallery, 3, page="text", prompt="poster")
    first = gallery.collections.create("First")
    second = gallery.collections.create("Second", "sales")
    gallery.collections.add(second.id, [a.id, b.id, c.id])
    at = open_page("gallery")
    at.selectbox(key="collection_open").set_value(second.id).run()
    assert at.text_input(key=f"collection_rename_{second.id}").value == "Second"
    at.text_input(key=f"collection_rename_{second.id}").input("Q3 review")
    at.text_input(key=f"collection_reaudience_{second.id}").input("the board")
    at.button(key="collection_rename_save").click().run()
    assert_clean(at)
    assert (gallery.collections.get(second.id).name,
            gallery.collections.get(second.id).audience) == ("Q3 review", "the board")
    assert not [b for b in at.button if b.key == f"collection_later_{a.id}"], "folded at first"
    at.toggle(key="collection_arrange").set_value(True).run()
    assert at.button(key=f"collection_earlier_{a.id}").disabled, "the first cannot go earlier"
    at.button(key=f"collection_later_{a.id}").click().run()
    assert gallery.collections.get(second.id).item_ids == (b.id, a.id, c.id)
    at.button(key=f"collection_remove_{c.id}").click().run()
    assert gallery.collections.get(second.id).item_ids == (b.id, a.id)
    at.button(key="collection_delete").click().run()
    assert_clean(at)
    assert [x.id for x in gallery.collections.list()] == [first.id]
    assert gallery.count() == 3, "its images stay in the gallery"
