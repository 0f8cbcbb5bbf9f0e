"""Links and reloads that reopen what you saw: what one session writes into the URL, a new
session (a reload, or a copied link in another browser) opens again."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image
from streamlit.testing.v1 import AppTest

from studio.gallery.records import NewItem
from studio.gallery.store import GalleryStore
from studio.gemini.catalog import load_catalog
from tests.app.conftest import APP, TIMEOUT, assert_clean

CATALOG = load_catalog()
OTHER_MODEL = next(m.id for m in CATALOG.models if m.id != CATALOG.default_model)


def _reopen(at: AppTest, page: str | None) -> AppTest:
    """A new browser session on the URL `at` ended with (the page is the URL's path)."""
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)
    fresh.query_params.update(at.query_params)
    fresh.run()
    assert_clean(fresh)
    if page is not None:
        fresh.switch_page(f"pages/{page}.py").run()
        assert_clean(fresh)
    return fresh


def _png(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(buf, "PNG")
    return buf.getvalue()


def test_the_sidebar_settings_survive_a_reload(open_page):
    at = open_page("story")
    at.selectbox(key="model").set_value(OTHER_MODEL).run()
    ratio = next(r for r in CATALOG.get(OTHER_MODEL).aspect_ratios if r != "1:1")
    at.selectbox(key="aspect_ratio").set_value(ratio)
    at.number_input(key="seed").set_value(42)
    at.slider(key="temperature").set_value(0.4)
    at.toggle(key="include_thoughts").set_value(False).run()
    assert_clean(at)
    assert at.query_params["model"] == OTHER_MODEL
    assert at.query_params["ratio"] == ratio and at.query_params["seed"] == "42"

    fresh = _reopen(at, "story")
    assert fresh.selectbox(key="model").value == OTHER_MODEL, "not the default model"
    assert fresh.selectbox(key="aspect_ratio").value == ratio
    assert fresh.number_input(key="seed").value == 42
    assert fresh.slider(key="temperature").value == 0.4
    assert fresh.toggle(key="include_thoughts").value is False


def test_settings_a_link_cannot_use_are_named_and_dropped(open_page):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"seed": "-3", "temperature": "9", "model": "<script>"})
    at.run()
    assert_clean(at)
    warning = " ".join(w.value for w in at.warning)
    assert "model, temperature, seed could not be used" in warning
    assert at.selectbox(key="model").value == CATALOG.default_model
    assert "seed" not in at.query_params and "model" not in at.query_params


def test_the_open_conversation_is_in_the_url_and_reopens_in_a_new_session(open_page):
    at = open_page("story")
    at.text_area(key="story_prompt").input("a fox who keeps a lighthouse")
    at.number_input(key="story_scenes").set_value(2)
    at.button(key="story_generate").click().run()
    assert_clean(at)
    chat = at.query_params["chat"]

    fresh = _reopen(at, "story")
    assert "lighthouse" in fresh.subheader[0].value.lower()
    assert len(fresh.image) == 2, "the scenes are shown again"
    fresh.chat_input(key="story_feedback").set_value("Retell it as a watercolour").run()
    assert_clean(fresh)
    assert fresh.query_params["chat"] == chat, "the feedback continued the same conversation"
    assert fresh.button_group(key="story_version").value == 2


def test_a_link_to_a_conversation_of_another_page_or_a_gone_one_says_so(open_page):
    at = open_page("story")
    at.text_area(key="story_prompt").input("a robot gardener")
    at.number_input(key="story_scenes").set_value(1)
    at.button(key="story_generate").click().run()
    fresh = _reopen(at, "recipe")  # the story's conversation is not a recipe
    assert any("no longer exists" in e.value for e in fresh.error)
    assert "chat" not in fresh.query_params
    gone = AppTest.from_file(APP, default_timeout=TIMEOUT)
    gone.query_params["chat"] = "../../etc/passwd"
    gone.run()
    gone.switch_page("pages/story.py").run()
    assert_clean(gone)
    assert any("no longer exists" in e.value for e in gone.error)


def test_the_text_pages_latest_results_come_back_from_the_gallery(open_page, gallery):
    at = open_page("text")
    at.slider(key="variants").set_value(2).run()
    at.text_input(key="text_headline").input("GRAND OPENING")
    at.text_area(key="text_body").input("Saturday at ten")
    at.button(key="text_generate").click().run()
    assert_clean(at)
    assert at.query_params["variants"] == "2"
    batch = at.query_params["batch"]
    shown = sum("Variant" in m.value for m in at.markdown)
    assert shown == 2

    fresh = _reopen(at, "text")
    assert fresh.query_params["batch"] == batch
    assert [t.value for t in fresh.text][:2] == ["GRAND OPENING", "Saturday at ten"]
    assert sum("Variant" in m.value for m in fresh.markdown) == 2
    assert len(fresh.image) == 2, "each variant's image, read from the gallery"
    assert fresh.slider(key="variants").value == 2
    # The metric is the proofreading, kept with each image (when Tesseract is installed).
    assert len(fresh.metric) in (0, 2)


def test_gallery_filters_and_the_open_item_are_in_the_url(open_page, gallery: GalleryStore):
    items = [gallery.add_image(_png((i * 40, 90, 140)), "image/png",
                               NewItem(page="text" if i % 2 else "story", prompt=f"poster {i}",
                                       model="m"))
             for i in range(6)]
    at = open_page("gallery")
    at.text_input(key="gallery_search").input("poster")
    at.selectbox(key="gallery_page_filter").set_value("text")
    at.toggle(key="gallery_trash").set_value(False).run()
    at.button(key=f"gallery_open_{items[1].id}").click().run()
    at.run()
    assert_clean(at)
    assert at.query_params["q"] == "poster" and at.query_params["source"] == "text"
    assert at.query_params["item"] == items[1].id

    fresh = _reopen(at, "gallery")
    assert fresh.text_input(key="gallery_search").value == "poster"
    assert fresh.selectbox(key="gallery_page_filter").value == "text"
    assert any("**3** images" in m.value for m in fresh.markdown)
    assert fresh.button(key="gallery_detail_close").value is False, "the detail is open"
    assert any("poster 1" in c.value for c in [*fresh.caption, *fresh.markdown, *fresh.code])


def test_gallery_dates_and_favourites_come_from_a_link(open_page, gallery: GalleryStore):
    item = gallery.add_image(_png((1, 2, 3)), "image/png", NewItem(page="story", prompt="x"))
    gallery.set_favourite(item.id, True)
    gallery.add_image(_png((4, 5, 6)), "image/png", NewItem(page="story", prompt="y"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    today = date.today().isoformat()
    at.query_params.update({"fav": "1", "since": today, "until": today, "item": "missing1"})
    at.run()
    at.switch_page("pages/gallery.py").run()
    assert_clean(at)
    assert at.toggle(key="gallery_favourites").value is True
    assert at.date_input(key="gallery_dates").value == (date.today(), date.today())
    assert any("**1** image" in m.value for m in at.markdown)
    assert any("no longer in the gallery" in e.value for e in at.error)
    assert "item" not in at.query_params


def test_the_open_experiment_is_in_the_url(open_page, gallery,
                                           _isolated_environment) -> None:
    at = open_page("lab")
    at.text_input(key="lab_name").input("Linked run").run()
    at.button(key="lab_run").click().run()
    assert_clean(at)
    experiment = at.query_params["experiment"]
    fresh = _reopen(at, "lab")
    assert fresh.query_params["experiment"] == experiment
    assert fresh.text_input(key="lab_name").value == "Linked run"
    assert fresh.subheader[0].value == "Results: Linked run"

