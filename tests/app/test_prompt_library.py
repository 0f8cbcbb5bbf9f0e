"""The prompt library through the pages: save a prompt by name on one page, use it on
another and in the Lab; the curated examples are there for the four capabilities."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from studio.gallery.store import GalleryStore
from studio.making.prompt_library import PromptLibrary, curated_prompts
from tests.app.conftest import assert_clean


def _save(at: AppTest, page: str, name: str, text: str | None = None,
          values: dict[str, str] | None = None) -> AppTest:
    at.button(key=f"pl_save_open_{page}").click().run()
    at.text_input(key=f"pl_save_name_{page}").input(name)
    if text is not None:
        at.text_area(key=f"pl_save_text_{page}").input(text)
        at.run()
    for variable, given in (values or {}).items():
        at.text_input(key=f"pl_save_vals_{page}_{variable}").input(given)
    return at.button(key=f"pl_save_{page}").click().run()


def _pick(at: AppTest, page: str, name: str) -> AppTest:
    at.button(key=f"pl_use_open_{page}").click().run()
    picker = at.selectbox(key=f"pl_pick_{page}")
    index = next(i for i, label in enumerate(picker.options) if label.startswith(f"{name} ·"))
    return picker.select_index(index).run()


def _var(at: AppTest, page: str, name: str):
    """The field of a variable in the "Use a saved prompt" dialog."""
    [field] = [t for t in at.text_input
               if (t.key or "").startswith(f"pl_var_{page}_") and t.key.endswith(f"_{name}")]
    return field


def _saved(data: Path) -> list[dict]:
    """The saved prompts as the gallery's database holds them (read as another process would)."""
    with GalleryStore(data) as store:
        return [p.to_json() for p in PromptLibrary(store).mine()]


def test_a_story_prompt_saved_with_a_variable_is_used_on_the_recipe_page_and_in_the_lab(
        open_page, _isolated_environment: Path):
    at = open_page("story")
    at.text_area(key="story_prompt").input("a baby turtle finding its way to the sea").run()
    at.button(key="pl_save_open_story").click().run()
    assert at.text_area(key="pl_save_text_story").value == \
        "a baby turtle finding its way to the sea", "the save box offers the page's prompt"
    _save(at, "story", "Sea journey", text="a baby {animal} finding its way to the sea",
          values={"animal": "turtle, seal"})
    assert_clean(at)
    assert any("Saved “Sea journey”" in s.value for s in at.success)
    [record] = _saved(_isolated_environment)
    assert record["text"] == "a baby {animal} finding its way to the sea"
    assert record["values"] == {"animal": ["turtle", "seal"]}
    assert record["fields"] == {"story_style": "3D digital art", "story_scenes": 4}

    # The same session, another page: the prompt fills the dish, its variable asked for.
    at.switch_page("pages/recipe.py").run()
    _pick(at, "recipe", "Sea journey")
    assert _var(at, "recipe", "animal").value == "turtle", "its first example value"
    _var(at, "recipe", "animal").input("otter")
    at.button(key="pl_use_recipe").click().run()
    assert_clean(at)
    assert at.text_input(key="recipe_dish").value == "a baby otter finding its way to the sea"
    assert at.number_input(key="recipe_servings").value == 4, "a story's fields stay on its page"

    # The Lab: a new row, the page's full prompt with {animal} kept and its values given.
    at.switch_page("pages/lab.py").run()
    _pick(at, "lab", "Sea journey")
    at.button(key="pl_use_lab").click().run()
    assert_clean(at)
    assert at.text_input(key="lab_var_animal").value == "turtle, seal"
    assert any(c.value.startswith("4 calls") for c in at.caption), \
        "2 rows: 2 headlines + 2 animals = 4 calls"


def test_a_text_prompt_is_reused_on_the_text_page_with_its_fields(open_page,
                                                                   _isolated_environment):
    at = open_page("text")
    at.selectbox(key="text_format").set_value("menu")
    at.text_input(key="text_headline").input("{cafe} specials")
    at.text_area(key="text_body").input("Soup of the day {price}")
    at.run()
    _save(at, "text", "Specials board", values={"cafe": "Bean & Gone", "price": "4.50"})
    assert_clean(at)
    [record] = _saved(_isolated_environment)
    assert record["values"] == {"cafe": ["Bean & Gone"], "price": ["4.50"]}

    fresh = open_page("text")  # a new session: the library is beside the gallery, not in it
    _pick(fresh, "text", "Specials board")
    _var(fresh, "text", "price").input("5.00")
    fresh.button(key="pl_use_text").click().run()
    assert_clean(fresh)
    assert fresh.text_input(key="text_headline").value == "Bean & Gone specials"
    assert fresh.text_area(key="text_body").value == "Soup of the day 5.00"
    assert fresh.selectbox(key="text_format").value == "menu"


def test_a_lab_row_is_saved_and_used_on_the_edit_page(open_page, _isolated_environment):
    at = open_page("lab")
    _save(at, "lab", "Coffee poster")
    assert_clean(at)
    [record] = _saved(_isolated_environment)
    assert record["text"] == "A poster for a coffee shop that says {headline}"
    assert record["values"] == {"headline": ["OPEN LATE", "FRESH BEANS"]}
    at.switch_page("pages/edit.py").run()
    _pick(at, "edit", "Coffee poster")
    at.button(key="pl_use_edit").click().run()
    assert_clean(at)
    assert at.text_input(key="edit_start_prompt").value == \
        "A poster for a coffee shop that says OPEN LATE"


def test_the_curated_examples_cover_the_four_capabilities_and_fill_a_page(open_page):
    examples = curated_prompts()
    assert {p.page for p in examples} >= {"story", "edit", "recipe", "text"}
    assert all(p.variables and all(p.values.get(v) for v in p.variables) for p in examples), \
        "every example shows off a variable, with example values"
    at = open_page("story")
    at.button(key="pl_use_open_story").click().run()
    picker = at.selectbox(key="pl_pick_story")
    assert len(picker.options) == len(examples)
    assert picker.value == "curated-story-bedtime", "this page's examples come first"
    at.button(key="pl_use_story").click().run()
    assert_clean(at)
    assert at.text_area(key="story_prompt").value.startswith("a baby owl who is afraid")
    assert at.selectbox(key="story_style").value == "children's picture book"
    assert at.number_input(key="story_scenes").value == 5


def test_saving_without_a_name_or_prompt_says_what_is_missing(open_page, _isolated_environment):
    at = open_page("recipe")
    at.text_input(key="recipe_dish").input("lemon tart").run()
    _save(at, "recipe", "")
    assert any("Give the prompt a name" in e.value for e in at.error)
    _save(at, "recipe", "Tart", text="")
    assert any("no prompt to save" in e.value for e in at.error)
    assert _saved(_isolated_environment) == []


def test_a_damaged_library_file_is_reported_and_left_as_it_was(open_page, _isolated_environment):
    _isolated_environment.mkdir(parents=True, exist_ok=True)
    (_isolated_environment / "prompts.json").write_text("{not json", encoding="utf-8")
    at = open_page("recipe")
    at.button(key="pl_use_open_recipe").click().run()
    assert any("could not be read" in w.value for w in at.warning)
    assert len(at.selectbox(key="pl_pick_recipe").options) == len(curated_prompts())
    at.text_input(key="recipe_dish").input("lemon tart").run()
    _save(at, "recipe", "Tart")
    assert_clean(at)
    assert [r["name"] for r in _saved(_isolated_environment)] == ["Tart"]
    assert (_isolated_environment / "prompts.json").read_text(encoding="utf-8") == "{not json"
