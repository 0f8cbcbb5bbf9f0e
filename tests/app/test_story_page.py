from __future__ import annotations

from streamlit.testing.v1 import AppTest

from studio.emulator import ScriptedResponder, scripted_image
from studio.gallery.records import GalleryFilter
from studio.gallery.store import GalleryStore
from tests.app.conftest import THINKING_MODEL, assert_clean


def _tell(at: AppTest, premise: str, scenes: int = 3, style: str = "3D digital art") -> AppTest:
    at.text_area(key="story_prompt").input(premise)
    at.selectbox(key="story_style").set_value(style)
    at.number_input(key="story_scenes").set_value(scenes)
    return at.button(key="story_generate").click().run()


SCENES = ["The egg cracks on a moonlit beach.", "Gulls circle; the hatchling hurries.",
          "A wave carries it home."]


def test_a_story_is_told_in_illustrated_scenes_and_kept(open_page, gallery: GalleryStore,
                                                        scripted: ScriptedResponder):
    colours = ["red", "green", "blue"]
    scripted.enqueue(*[p for text, colour in zip(SCENES, colours, strict=True)
                       for p in (text, scripted_image(colour))])
    at = _tell(open_page("story"), "a cute baby turtle finding the sea", scenes=3)
    assert_clean(at)
    asked = scripted.requests[-1].prompt
    assert "a cute baby turtle finding the sea" in asked and "3" in asked
    shown = [m.value for m in at.markdown]
    assert all(scene in shown for scene in SCENES), "each scene's text, as the model wrote it"
    assert len(at.image) == 3
    items = sorted(gallery.query(GalleryFilter(page="story")), key=lambda i: i.position)
    assert [i.text for i in items] == SCENES, "each image is kept with its own scene"
    assert all(i.conversation_id == items[0].conversation_id for i in items)
    assert any("offline emulator" in c.value for c in at.caption)


def test_feedback_retells_the_story_as_a_new_version(open_page, gallery: GalleryStore):
    at = _tell(open_page("story"), "a fox who keeps a lighthouse", scenes=2)
    at.chat_input(key="story_feedback").set_value("Retell it as a watercolour").run()
    assert_clean(at)
    versions = at.button_group(key="story_version")
    assert versions.value == 2
    assert len(gallery.query(GalleryFilter(page="story"))) == 4
    versions.set_value(1).run()
    assert_clean(at)
    assert "Feedback" not in " ".join(i.value for i in at.info)


def test_the_baby_turtle_example_fills_the_form(open_page):
    at = open_page("story")
    at.button(key="story_example_0").click().run()
    assert "turtle" in at.text_area(key="story_prompt").value
    assert at.selectbox(key="story_style").value == "3D digital art"


def test_a_refused_prompt_shows_the_reason_and_the_page_still_works(open_page, gallery):
    at = _tell(open_page("story"), "a dragon [fault:block]", scenes=2)
    assert_clean(at)
    assert any("refused" in e.value for e in at.error)
    at = _tell(at, "a kind dragon", scenes=2)
    assert_clean(at)
    assert len(gallery.query(GalleryFilter(page="story"))) == 2


def test_thoughts_are_shown_collapsed_when_the_model_sends_them(open_page):
    from studio.gemini.catalog import load_catalog

    thinking = next(m.id for m in load_catalog().models if m.thinking)
    at = open_page("story")
    at.selectbox(key="model").set_value(thinking).run()
    at = _tell(at, "a snail racing a tortoise", scenes=1)
    assert_clean(at)
    thoughts = [e for e in at.expander if "thoughts" in e.label]
    assert thoughts and not thoughts[0].proto.expanded
    assert thoughts[0].markdown, "the thought text is inside"


def test_feedback_on_a_thinking_model_sends_the_signatures_back(open_page, gallery):
    # the emulator answers 400 to a history whose thought signatures were dropped
    at = open_page("story")
    at.selectbox(key="model").set_value(THINKING_MODEL).run()
    at = _tell(at, "a heron who collects buttons", scenes=2)
    at.chat_input(key="story_feedback").set_value("Retell it at night").run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert at.button_group(key="story_version").value == 2
    assert len(gallery.query(GalleryFilter(page="story"))) == 4


def test_more_references_than_the_model_takes_are_refused_naming_the_limit(
        open_page, gallery, scripted: ScriptedResponder):
    from studio.gemini.catalog import load_catalog

    info = load_catalog().get(load_catalog().default_model)
    at = open_page("story")
    refs = [(f"ref{n}.png", scripted_image((40 * n, 80, 120), (48, 48)), "image/png")
            for n in range(info.max_reference_images + 1)]
    at.file_uploader(key="story_refs").set_value(refs).run()
    at = _tell(at, "a turtle and its friends", scenes=2)
    assert_clean(at)
    errors = " ".join(e.value for e in at.error)
    assert f"at most {info.max_reference_images} reference images" in errors
    assert info.label in errors
    assert scripted.requests == [], "nothing was sent"


def test_regenerate_tells_the_same_story_again_from_the_same_prompt(
        open_page, gallery: GalleryStore, scripted: ScriptedResponder):
    scripted.enqueue(SCENES[0], scripted_image("red"))
    at = _tell(open_page("story"), "a turtle finding the sea", scenes=1)
    assert_clean(at)
    asked = scripted.requests[-1]
    scripted.enqueue("A second telling.", scripted_image("blue"))
    at.button(key="story_retake").click().run()
    assert_clean(at)
    again = scripted.requests[-1]
    assert again.prompt == asked.prompt and len(again.contents) == len(asked.contents)
    shown = [m.value for m in at.markdown]
    assert "A second telling." in shown and SCENES[0] not in shown
    saved = gallery.list_conversations(page="story")
    assert [c.turns for c in saved] == [1], "the new telling replaced the old, not added to it"


def test_edited_feedback_is_resent_as_a_branch_and_the_first_telling_stays(
        open_page, gallery: GalleryStore):
    at = _tell(open_page("story"), "a fox who keeps a lighthouse", scenes=2)
    at.chat_input(key="story_feedback").set_value("Retell it as a watercolour").run()
    at.text_area(key="story_resend_text_1").input("Retell it as a pencil sketch")
    at.button(key="story_resend_1").click().run()
    assert_clean(at)
    assert "Feedback: Retell it as a pencil sketch" in [i.value for i in at.info]
    saved = gallery.list_conversations(page="story")
    assert sorted(c.turns for c in saved) == [2, 2]
    picker = next(s for s in at.button_group if s.label == "Branch")
    original = next(c for c in saved if "(branch at turn" not in c.title)
    picker.set_value(original.id).run()
    assert_clean(at)
    assert "Feedback: Retell it as a watercolour" in [i.value for i in at.info]
