from __future__ import annotations

from studio.emulator import Fault, ScriptedResponder, scripted_image
from studio.gallery.records import GalleryFilter
from studio.gemini.offline import offline_emulator
from tests.app.conftest import THINKING_MODEL, assert_clean

INGREDIENTS = """### Ingredients

| Ingredient | Quantity |
|---|---|
| Flour | 300 g |
| Buttermilk | 500 ml |
| Eggs | 2 |
"""
STEPS = ["Whisk the flour with a pinch of salt.", "Fold in the buttermilk and eggs.",
         "Fry ladlefuls until golden."]


def test_recipe_shows_steps_with_images_and_the_ingredients_as_a_table(
        open_page, gallery, scripted: ScriptedResponder):
    scripted.enqueue(INGREDIENTS, *[p for n, step in enumerate(STEPS)
                                    for p in (step, scripted_image((80 * n, 120, 60)))])
    at = open_page("recipe")
    at.text_input(key="recipe_dish").input("pancakes")
    at.number_input(key="recipe_servings").set_value(6)
    at.button(key="recipe_generate").click().run()
    assert_clean(at)
    asked = scripted.requests[-1].prompt
    assert "pancakes" in asked and "6" in asked
    assert len(at.dataframe) == 1, "the ingredient list is shown once, as a table"
    frame = at.dataframe[0].value
    assert list(frame["Ingredient"]) == ["Flour", "Buttermilk", "Eggs"]
    shown = " ".join(m.value for m in at.markdown)
    assert all(step in shown for step in STEPS)
    assert "| Flour |" not in shown, "the table is not shown a second time as text"
    items = sorted(gallery.query(GalleryFilter(page="recipe")), key=lambda i: i.position)
    assert [i.text.splitlines()[-1] for i in items] == STEPS


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


def test_a_recipe_cut_off_partway_is_retried_from_the_same_prompt(
        open_page, scripted: ScriptedResponder):
    scripted.enqueue(INGREDIENTS, STEPS[0], scripted_image("red"), STEPS[1],
                     scripted_image("blue"))
    offline_emulator().faults.push(Fault(kind="stream_error", after_chunks=2))
    at = open_page("recipe")
    at.text_input(key="recipe_dish").input("pancakes")
    at.button(key="recipe_generate").click().run()
    assert_clean(at)
    assert any("stopped partway" in w.value for w in at.warning)
    asked = scripted.requests[-1].prompt
    scripted.enqueue(INGREDIENTS, *[p for step in STEPS for p in (step, scripted_image("red"))])
    at.button(key="recipe_retake").click().run()
    assert_clean(at)
    assert scripted.requests[-1].prompt == asked and "pancakes" in asked
    assert not at.warning
    shown = " ".join(m.value for m in at.markdown)
    assert all(step in shown for step in STEPS)


def test_each_follow_up_is_a_version_and_the_first_stays_readable(
        open_page, scripted: ScriptedResponder):
    scripted.enqueue(INGREDIENTS, STEPS[0], scripted_image("red"))
    scripted.enqueue(INGREDIENTS, "Use oat milk instead.", scripted_image("green"))
    at = open_page("recipe")
    at.text_input(key="recipe_dish").input("pancakes")
    at.button(key="recipe_generate").click().run()
    at.chat_input(key="recipe_feedback").set_value("Make it vegan").run()
    assert_clean(at)
    shown = " ".join(m.value for m in at.markdown)
    assert "Use oat milk instead." in shown and STEPS[0] not in shown
    at.button_group(key="recipe_version").set_value(1).run()
    assert_clean(at)
    shown = " ".join(m.value for m in at.markdown)
    assert STEPS[0] in shown and "Use oat milk instead." not in shown


def test_an_edited_follow_up_is_resent_as_a_branch(open_page, gallery):
    at = open_page("recipe")
    at.text_input(key="recipe_dish").input("pancakes")
    at.button(key="recipe_generate").click().run()
    at.chat_input(key="recipe_feedback").set_value("Make it vegan").run()
    at.text_area(key="recipe_resend_text_1").input("Make it gluten-free")
    at.button(key="recipe_resend_1").click().run()
    assert_clean(at)
    assert "Adjusted: Make it gluten-free" in [i.value for i in at.info]
    assert sorted(c.turns for c in gallery.list_conversations(page="recipe")) == [2, 2]
