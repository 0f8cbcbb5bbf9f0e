"""Journey 1: every capability page generates on the offline engine and shows text and images."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    alerts,
    chat_messages,
    click,
    engine_badge,
    enter_text,
    expect_images_loaded,
    keyed,
    main,
    sidebar,
    snap,
)
from tests.servers import open_app

pytestmark = pytest.mark.e2e
J = "j1"


def test_story_tells_two_illustrated_scenes(page: Page, studio_server) -> None:
    open_app(page, studio_server.url, "story")
    expect(engine_badge(page, "Offline emulator")).to_have_count(1)
    expect(sidebar(page)).to_contain_text("Images are drawn locally, not by Gemini.")
    snap(page, J, "story-form")

    enter_text(page, "story_prompt", "a cute baby turtle finding its way to the sea")
    enter_text(page, "story_scenes", "2")
    expect(keyed(page, "story_scenes").locator("input")).to_have_value("2")
    click(page, "story_generate")

    body = main(page)
    expect(body).to_contain_text("Scene 1")
    expect(body).to_contain_text("Scene 2")
    expect(body).not_to_contain_text("Scene 3")
    expect_images_loaded(page, at_least=2)
    expect(body).to_contain_text("offline emulator")  # the meta line under the answer
    expect(alerts(page, "Error")).to_have_count(0)
    snap(page, J, "story-result")


def test_recipe_is_written_with_pictures(page: Page, studio_server) -> None:
    open_app(page, studio_server.url, "recipe")
    enter_text(page, "recipe_dish", "fluffy buttermilk pancakes")
    click(page, "recipe_generate")

    body = main(page)
    expect(body.locator("h3").filter(has_text="pancake").first).to_be_visible()
    expect(body).to_contain_text("Ingredients")
    expect(body.get_by_test_id("stDataFrame")).to_have_count(1)  # the ingredient table
    expect_images_loaded(page, at_least=1)
    expect(alerts(page, "Error")).to_have_count(0)
    snap(page, J, "recipe-result")


def test_text_rendering_draws_the_headline(page: Page, studio_server) -> None:
    open_app(page, studio_server.url, "text")
    headline = "Grand opening this Saturday"
    enter_text(page, "text_headline", headline)
    click(page, "text_generate")

    body = main(page)
    expect(body).to_contain_text("Intended text")
    expect(body.get_by_test_id("stText").filter(has_text=headline)).to_have_count(1)
    expect(body).to_contain_text("Variant 1")
    expect_images_loaded(page, at_least=1)
    expect(alerts(page, "Error")).to_have_count(0)
    snap(page, J, "text-result")


def test_edit_starts_from_a_description(page: Page, studio_server) -> None:
    open_app(page, studio_server.url, "edit")
    snap(page, J, "edit-start")
    main(page).get_by_role("tab", name="Describe").click()
    enter_text(page, "edit_start_prompt", "A red vintage bicycle leaning on a blue wall")
    click(page, "edit_start_generate")

    answers = chat_messages(page, "Assistant")
    expect(answers).to_have_count(1)
    expect(answers.first.get_by_test_id("stImage")).to_have_count(1)
    expect(answers.first.get_by_test_id("stMarkdownContainer").first).not_to_be_empty()
    expect_images_loaded(page, at_least=1)
    expect(keyed(page, "edit_chat").locator("textarea")).to_be_editable()
    expect(alerts(page, "Error")).to_have_count(0)
    snap(page, J, "edit-result")
