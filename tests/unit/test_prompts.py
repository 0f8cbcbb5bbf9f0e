from __future__ import annotations

from studio.making.prompts import TextBrief, article, recipe_prompt, story_prompt, text_prompt


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


def test_built_prompts_use_an_before_a_vowel_sound() -> None:
    prompt = text_prompt(TextBrief("invitation", "Hi", style="elegant and minimal"))
    assert prompt.startswith("Design an invitation in an elegant and minimal style.")
    assert text_prompt(TextBrief("menu", "Hi", style="bold and modern")).startswith(
        "Design a menu in a bold and modern style.")
    assert "in an oil painting style" in story_prompt("a fox", "oil painting", 3)
    assert "in a watercolour style" in story_prompt("a fox", "watercolour", 3)


def test_the_article_follows_the_sound_not_the_letter() -> None:
    assert [article(w) for w in ("unique poster", "hour-long show", "ad", "8-bit card",
                                 "one-page flyer", "umbrella", "slide")] == \
        ["a", "an", "an", "an", "a", "an", "a"]
