"""What was made survives a new browser session on the same data folder, and a resumed
conversation continues with its thought signatures intact."""

from __future__ import annotations

import io

import streamlit as st
from PIL import Image

from studio.gallery.records import GalleryFilter
from studio.gemini.catalog import load_catalog
from tests.app.conftest import assert_clean

THINKING_MODEL = next(m.id for m in load_catalog().models if m.thinking)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (90, 60), (200, 90, 20)).save(out, "PNG")
    return out.getvalue()


def test_a_resumed_edit_chat_continues_in_a_new_session_after_a_restart(open_page, gallery):
    first = open_page("edit")
    first.selectbox(key="model").set_value(THINKING_MODEL).run()
    first.file_uploader(key="edit_upload").set_value(("cat.png", _png(), "image/png")).run()
    for text in ("Make it black and white", "Add a border"):
        first.chat_input(key="edit_chat").set_value(text).run()
        assert_clean(first)
    made = gallery.count()

    st.cache_resource.clear()  # a restarted server: new emulator, store and clients
    second = open_page("edit")
    second.selectbox(key="model").set_value(THINKING_MODEL).run()
    resume = [b for b in second.button if (b.key or "").startswith("resume_edit_")]
    assert len(resume) == 1
    resume[0].click().run()
    assert_clean(second)
    assert len([m for m in second.chat_message if m.name == "assistant"]) == 2
    second.chat_input(key="edit_chat").set_value("Rotate it 90 degrees").run()
    assert_clean(second)
    assert not second.error, [e.value for e in second.error]  # no 400 for a signature
    assert gallery.count() == made + 1
    last = gallery.query(GalleryFilter(page="edit"))[0]
    assert gallery.get(last.parent_id).prompt == "Add a border"


def test_a_story_and_its_versions_come_back_in_a_new_session(open_page, gallery):
    first = open_page("story")
    first.text_area(key="story_prompt").input("a lighthouse fox")
    first.number_input(key="story_scenes").set_value(2)
    first.button(key="story_generate").click().run()
    first.chat_input(key="story_feedback").set_value("Retell it as a watercolour").run()
    assert_clean(first)

    st.cache_resource.clear()
    second = open_page("story")
    [resume] = [b for b in second.button if (b.key or "").startswith("resume_story_")]
    resume.click().run()
    assert_clean(second)
    assert second.button_group(key="story_version").value == 2
    assert len(second.image) == 2
    second.chat_input(key="story_feedback").set_value("Give the fox a red scarf").run()
    assert_clean(second)
    assert gallery.count(GalleryFilter(page="story")) == 6


def test_reuse_prompt_refills_the_form_a_story_was_made_from(open_page, gallery):
    at = open_page("story")
    at.text_area(key="story_prompt").input("a robot gardener on the moon")
    at.selectbox(key="story_style").set_value("comic book")
    at.number_input(key="story_scenes").set_value(1)
    at.button(key="story_generate").click().run()
    item = gallery.query()[0]
    at.switch_page("pages/gallery.py").run()
    at.button(key=f"gallery_open_{item.id}").click().run()
    at.button(key="gallery_reuse").click().run()
    assert_clean(at)
    assert at.text_area(key="story_prompt").value == "a robot gardener on the moon"
    assert at.selectbox(key="story_style").value == "comic book"
    assert at.number_input(key="story_scenes").value == 1
