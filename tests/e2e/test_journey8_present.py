"""Journey 8: a story goes into a new collection from its page, and the collection is
presented full screen, stepped with the arrow keys and left with Escape."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import click, enter_text, expect_images_loaded, keyed, main, sidebar, snap
from tests.servers import open_app, script_run

pytestmark = pytest.mark.e2e
J = "j8"


def _counter(page: Page):
    return keyed(page, "present_counter")


def _press(page: Page, key: str) -> None:
    with script_run(page):
        page.keyboard.press(key)


def test_a_collection_is_presented_with_arrow_keys_and_escape(page: Page, studio_server) -> None:
    open_app(page, studio_server.url, "story")
    enter_text(page, "story_prompt", "a lighthouse keeper's cat who befriends a gull")
    enter_text(page, "story_scenes", "3")
    click(page, "story_generate")
    expect_images_loaded(page, at_least=3)

    keyed(page, "story_collect_open").locator("button").first.click()
    # the popover opens a new collection's form when there is none to pick (or picks one)
    name = keyed(page, "story_collect_name").locator("input")
    if not name.count():
        options = keyed(page, "story_collect_collection")
        with script_run(page):
            options.locator("input").first.click()
            page.get_by_role("option", name="New collection…").click()
    enter_text(page, "story_collect_name", "Cat stories")
    enter_text(page, "story_collect_audience", "the kids' book team")
    click(page, "story_collect_add")
    expect(page.get_by_test_id("stToast")).to_contain_text("to “Cat stories”")

    open_app(page, studio_server.url, "present")
    picker = keyed(page, "present_pick").locator("input").first
    if "Cat stories" not in picker.input_value():  # the newest collection comes first
        with script_run(page):
            picker.click()
            page.get_by_role("option", name=re.compile("Cat stories")).click()
    expect(picker).to_have_value(re.compile("^Cat stories · for the kids' book team"))
    click(page, "present_start")

    body = main(page)
    expect(body.locator("h1")).to_have_text("Cat stories")
    expect(_counter(page)).to_have_text("1 / 3")
    expect(sidebar(page)).to_be_hidden()
    expect(page.get_by_test_id("stHeader")).to_be_hidden()
    expect_images_loaded(page, at_least=1)
    first_caption = keyed(page, "present_caption").inner_text()
    snap(page, J, "slide-1")

    _press(page, "ArrowRight")
    expect(_counter(page)).to_have_text("2 / 3")
    expect(keyed(page, "present_caption")).not_to_have_text(first_caption)
    _press(page, "ArrowRight")
    expect(_counter(page)).to_have_text("3 / 3")
    expect(keyed(page, "present_next").locator("button")).to_be_disabled()
    page.keyboard.press("ArrowRight")  # at the end: nothing to go to
    page.wait_for_timeout(500)
    expect(_counter(page)).to_have_text("3 / 3")
    _press(page, "ArrowLeft")
    expect(_counter(page)).to_have_text("2 / 3")

    _press(page, "Escape")
    expect(body.locator("h1").first).to_contain_text("Present")
    expect(sidebar(page)).to_be_visible()
    snap(page, J, "after-escape")
