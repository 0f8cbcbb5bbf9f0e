from __future__ import annotations

from studio.making.prompts import TextBrief, recipe_prompt, story_prompt, text_prompt


def test_story_prompt_asks_for_scenes_images_and_consistency() -> None:
    prompt = story_prompt("a cute baby turtle", "3D digital art", 5)
    assert "5 scenes" in prompt and "generate an image" in prompt and "consistent" in prompt
    assert "3D digital art" in prompt


def test_recipe_prompt_asks_for_a_table_and_illustrated_steps() -> None:
    prompt = recipe_prompt("ramen", 2, ["vegan"])
    assert "2 servings" in prompt and "vegan" in prompt and "Markdown table" in prompt


def test_text_prompt_quotes_every_field_verbatim() -> None:
    brief = TextBrief("invitation", "Maya's 30th!", "Dinner & cake", "Sat 7 pm")
    prompt = text_prompt(brief)
    for line in ('Headline: "Maya\'s 30th!"', 'Body: "Dinner & cake"', 'Details: "Sat 7 pm"'):
        assert line in prompt
    assert "verbatim" in prompt


def test_empty_fields_are_left_out() -> None:
    assert "Body" not in text_prompt(TextBrief("slide", "Only a headline"))
