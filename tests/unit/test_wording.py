"""Items named in the user's words: recorded for new images, worked out for older ones."""

from __future__ import annotations

from studio.gallery.money import format_usd
from studio.gallery.records import GalleryItem
from studio.making.prompts import TextBrief, recipe_prompt, story_prompt, text_prompt
from studio.making.wording import follow_up, headline, words_of


def item(page: str, prompt: str, turn: int = 0, **settings: object) -> GalleryItem:
    return GalleryItem(id="x", created_at="2026-12-01T10:00:00+00:00", page=page,
                       prompt=prompt, turn=turn, settings=dict(settings))


def test_recorded_words_win() -> None:
    made = item("recipe", "for 8 people", turn=1,
                words={"subject": "fluffy pancakes", "said": "for 8 people"})
    assert headline(made) == "Fluffy pancakes"
    assert follow_up(made) == "for 8 people"
    assert words_of(made).engineered is None


def test_older_items_fall_back_to_inputs_titles_and_the_templates() -> None:
    first = item("story", story_prompt("a fox", "watercolour", 3),
                 inputs={"story_prompt": "a fox", "story_style": "watercolour"})
    assert headline(first) == "A fox" and follow_up(first) is None
    assert words_of(first).engineered.startswith("Generate a story about a fox")
    later = item("story", "give it a scarf", turn=1)
    assert headline(later, title="a fox") == "A fox" and follow_up(later, "a fox") == "give it a scarf"
    bare = item("recipe", recipe_prompt("miso ramen", 2))  # no inputs, no title
    assert headline(bare) == "Miso ramen"
    poster = item("text", text_prompt(TextBrief(format="menu", headline="Soup of the day")))
    assert headline(poster) == "Soup of the day"
    edit = item("edit", "Make it sepia", turn=2)
    assert headline(edit, title="a bicycle") == "Make it sepia"
    lab = item("lab", "A poster that says OPEN", experiment={"name": "Posters"})
    assert headline(lab) == "Posters" and words_of(lab).said == "A poster that says OPEN"


def test_costs_read_like_money() -> None:
    assert [format_usd(v) for v in (0.039, 0.97, 12.4, 0.0004, 0, None)] == [
        "$0.039", "$0.97", "$12.40", "$0.0004", "$0", ""]


def test_a_chat_records_the_words_with_every_image(tmp_path) -> None:
    import studio

    catalog = studio.load_catalog()
    settings = studio.GenerationSettings(model=catalog.default_model, seed=1)
    with studio.GalleryStore(tmp_path / "data") as store:
        chat = studio.PageChat(page="recipe", client=studio.offline_client(), store=store,
                               catalog=catalog, model=settings.model, engine=studio.OFFLINE)
        chat.send("miso ramen", settings, prompt=recipe_prompt("miso ramen", 2))
        chat.send("for 8 people", settings)
        items = store.query(limit=50, order="oldest")
    first = [i for i in items if i.turn == 0]
    later = [i for i in items if i.turn == 1]
    assert first and later
    assert all(i.settings["words"] == {"subject": "miso ramen", "said": "miso ramen"} for i in first)
    assert all(i.settings["words"] == {"subject": "miso ramen", "said": "for 8 people"}
               for i in later)
