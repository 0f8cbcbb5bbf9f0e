"""The gallery a user curates: groups and captions in their words, a tag filter, bulk
actions on the selection, and the detail in a dialog with only the fields that apply."""

from __future__ import annotations

import io

from PIL import Image

from studio.gallery.records import NewItem
from studio.gallery.store import GalleryStore
from studio.making.prompts import recipe_prompt, story_prompt
from studio.making.wording import record
from tests.app.conftest import assert_clean


def _png(n: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (n * 17 % 255, 90, 140)).save(buf, "PNG")
    return buf.getvalue()


def _made(gallery: GalleryStore) -> dict[str, list]:
    """A story told twice, a recipe adjusted once, an edit, a Lab experiment, a tagged pair."""
    made: dict[str, list] = {"story": [], "recipe": [], "lab": [], "edit": []}
    n = 0
    for turn, said in ((0, "a turtle finding the sea"), (1, "give it a red scarf")):
        for position in range(2):
            n += 1
            made["story"].append(gallery.add_image(_png(n), "image/png", NewItem(
                page="story", turn=turn, position=position, conversation_id="s1",
                prompt=story_prompt(said, "watercolour", 2) if turn == 0 else said,
                settings=record("a turtle finding the sea", said), cost_usd=0.039)))
    for turn, said in ((0, "fluffy pancakes"), (1, "for 8 people")):
        n += 1
        made["recipe"].append(gallery.add_image(_png(n), "image/png", NewItem(
            page="recipe", turn=turn, conversation_id="r1",
            prompt=recipe_prompt(said, 4) if turn == 0 else said,
            settings=record("fluffy pancakes", said))))
    for cell in range(2):
        n += 1
        made["lab"].append(gallery.add_image(_png(n), "image/png", NewItem(
            page="lab", prompt=f"A poster that says OPEN {cell}", conversation_id="e1",
            turn=cell, tags=["experiment:e1"],
            settings={"experiment": {"id": "e1", "name": "Poster wording"}})))
    made["edit"].append(gallery.add_image(_png(99), "image/png", NewItem(
        page="edit", prompt="Make it sepia", tags=["cats", "draft"], model="m")))
    return made


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_captions_are_the_users_words(open_page, gallery):
    _made(gallery)
    at = open_page("gallery")
    assert_clean(at)
    captions = _captions(at)
    assert any(c.startswith("**Recipe** · Fluffy pancakes") and "Version 2: for 8 people" in c
               for c in captions)
    assert any(c.startswith("**Story** · A turtle finding the sea") for c in captions)
    assert not [c for c in captions if "Generate a story" in c or "step-by-step" in c]
    assert not [c for c in captions if c.startswith("**Recipe** · for 8 people")]


def test_group_by_story_conversation_or_experiment(open_page, gallery):
    _made(gallery)
    at = open_page("gallery")
    heads = lambda: [m.value for m in at.markdown if m.value.startswith("##### ")]  # noqa: E731
    assert heads() == [], "no grouping by default"
    at.selectbox(key="gallery_group").set_value("story").run()
    assert_clean(at)
    assert "##### Story · A turtle finding the sea · version 1" in heads()
    assert "##### Story · A turtle finding the sea · version 2 — “give it a red scarf”" in heads()
    assert "##### Recipe · Fluffy pancakes · version 2 — “for 8 people”" in heads()
    assert heads()[-1] == "##### Not from a story or recipe"
    at.selectbox(key="gallery_group").set_value("conversation").run()
    assert "##### Story · A turtle finding the sea" in heads()
    assert "##### Recipe · Fluffy pancakes" in heads()
    at.selectbox(key="gallery_group").set_value("experiment").run()
    assert heads() == ["##### Experiment · Poster wording", "##### Not from the Prompt Lab"]
    assert "2 images" in _captions(at)


def test_the_tag_filter_offers_the_tags_in_use(open_page, gallery):
    _made(gallery)
    at = open_page("gallery")
    assert set(at.multiselect(key="gallery_tags").options) == {"cats", "draft", "experiment:e1"}
    at.multiselect(key="gallery_tags").set_value(["cats"]).run()
    assert_clean(at)
    assert len(at.image) == 1
    at.multiselect(key="gallery_tags").set_value(["experiment:e1"]).run()
    assert len(at.image) == 2


def test_bulk_tag_favourite_and_delete_the_selection(open_page, gallery):
    made = _made(gallery)
    pair = made["story"][:2]
    at = open_page("gallery")
    assert at.button(key="gallery_select_page")
    for item in pair:
        at.checkbox(key=f"gallery_sel_{item.id}").check().run()
    at.multiselect(key="gallery_bulk_tags").set_value(["for the board"]).run()
    at.button(key="gallery_bulk_tag").click().run()
    assert_clean(at)
    assert all("for the board" in gallery.get(i.id).tags for i in pair)
    at.button(key="gallery_bulk_favourite").click().run()
    assert all(gallery.get(i.id).favourite for i in pair)
    assert not any(gallery.get(i.id).favourite for i in made["recipe"])
    at.button(key="gallery_bulk_delete").click().run()
    assert_clean(at)
    assert all(gallery.get(i.id).deleted_at is not None for i in pair)
    assert gallery.count() == 7
    assert any("restore them" in s.value for s in at.success)
    assert not at.get("checkbox") or not any(c.value for c in at.checkbox), "selection cleared"


def _dialogs(at):
    def walk(node):
        if getattr(node, "type", None) == "dialog":
            yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)
    return list(walk(at._tree))


def test_the_detail_opens_in_a_dialog_with_only_the_fields_that_apply(open_page, gallery):
    made = _made(gallery)
    scene = made["story"][2]
    at = open_page("gallery")
    assert not _dialogs(at)
    at.button(key=f"gallery_open_{scene.id}").click().run()
    assert_clean(at)
    (dialog,) = _dialogs(at)
    assert dialog.button(key="gallery_delete") is not None
    assert not [b for b in at.main.button if b.key == "gallery_delete"], "not on the page"
    assert dialog.subheader[0].value == "A turtle finding the sea"
    assert "version 2: give it a red scarf" in " ".join(c.value for c in dialog.caption)
    facts = dialog.table[0].value
    fields, values = list(facts.index), [str(v) for v in facts.iloc[:, 0]]
    assert "None" not in values and "nan" not in values
    assert "Image size" not in fields and "Seed" not in fields and "Model" not in fields
    assert dict(zip(fields, values, strict=True))["Est. cost"] == "$0.039"
    at.button(key="gallery_detail_close").click().run()
    assert not _dialogs(at)
