from __future__ import annotations

from studio.gallery.records import GalleryFilter
from tests.app.conftest import THINKING_MODEL, assert_clean


def test_recipe_streams_steps_with_images_and_an_ingredient_table(open_page, gallery):
    at = open_page("recipe")
    at.text_input(key="recipe_dish").input("pancakes")
    at.number_input(key="recipe_servings").set_value(6)
    at.button(key="recipe_generate").click().run()
    assert_clean(at)
    assert at.dataframe, "the ingredient list is shown as a table"
    frame = at.dataframe[0].value
    assert "Ingredient" in frame.columns and len(frame) >= 3
    texts = " ".join(m.value for m in at.markdown)
    assert "Step 1" in texts
    items = gallery.query(GalleryFilter(page="recipe"))
    assert len(items) >= 4 and all(i.text for i in items)


def test_recipe_example_and_follow_up(open_page, gallery):
    at = open_page("recipe")
    at.button(key="recipe_example_1").click().run()
    assert at.text_input(key="recipe_dish").value == "miso ramen"
    at.button(key="recipe_generate").click().run()
    before = gallery.count()
    at.chat_input(key="recipe_feedback").set_value("Make it for 8 people").run()
    assert_clean(at)
    assert gallery.count() > before


def test_a_follow_up_on_a_thinking_model_sends_the_signatures_back(open_page, gallery):
    # the emulator answers 400 to a history whose thought signatures were dropped
    at = open_page("recipe")
    at.selectbox(key="model").set_value(THINKING_MODEL).run()
    at.text_input(key="recipe_dish").input("lemon tart")
    at.button(key="recipe_generate").click().run()
    before = gallery.count()
    at.chat_input(key="recipe_feedback").set_value("Make it for 8 people").run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert gallery.count() > before
