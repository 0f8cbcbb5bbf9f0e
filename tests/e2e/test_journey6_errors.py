"""Journey 6: a refused prompt and an exhausted quota each get a clear message, never a
traceback, and the page keeps working for the next generation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    alerts,
    click,
    enter_text,
    expect_images_loaded,
    images,
    main,
    snap,
)
from tests.servers import open_app

pytestmark = pytest.mark.e2e
J = "j6"


def test_a_refused_story_prompt_is_explained(page: Page, studio_server) -> None:
    open_app(page, studio_server.url, "story")
    enter_text(page, "story_scenes", "2")
    enter_text(page, "story_prompt", "a dragon [fault:block]")
    click(page, "story_generate")

    error = alerts(page, "Error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("refused")
    expect(images(page)).to_have_count(0)
    snap(page, J, "story-refused")

    enter_text(page, "story_prompt", "a kind dragon who bakes bread")
    click(page, "story_generate")
    expect(main(page)).to_contain_text("Scene 2")
    expect_images_loaded(page, at_least=2)
    expect(alerts(page, "Error")).to_have_count(0)
    snap(page, J, "story-after-refusal")


def test_a_quota_error_on_text_rendering_is_explained(page: Page, studio_server) -> None:
    open_app(page, studio_server.url, "text")
    enter_text(page, "text_headline", "Summer sale [fault:429]")
    click(page, "text_generate")

    quota = alerts(page).filter(has_text="Quota")
    expect(quota).to_have_count(1)
    expect(quota).to_contain_text("429")
    expect(images(page)).to_have_count(0)
    snap(page, J, "text-quota")

    enter_text(page, "text_headline", "Summer sale today")
    click(page, "text_generate")
    expect(main(page)).to_contain_text("Variant 1")
    expect_images_loaded(page, at_least=1)
    expect(alerts(page).filter(has_text="Quota")).to_have_count(0)
    expect(alerts(page, "Error")).to_have_count(0)
    snap(page, J, "text-after-quota")
