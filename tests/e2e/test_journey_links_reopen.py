"""Journey: links and reloads reopen what you saw. A copied URL opened in a new browser
context (a new Streamlit session, no shared storage) shows the same page, conversation and
gallery filters; the sidebar settings survive a reload; the text page's results come back."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import (
    alerts,
    click,
    enter_text,
    expect_gallery_total,
    expect_images_loaded,
    images,
    keyed,
    main,
    navigate,
    sidebar,
    snap,
)
from tests.servers import open_app, script_run, wait_for_loaded

pytestmark = pytest.mark.e2e
J = "links"


def _query(page: Page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def _choose(page: Page, key: str, option: str) -> None:
    """Pick a selectbox option by typing it (the list may open below the fold)."""
    box = page.locator(f'.st-key-{key} [role="combobox"]')
    box.scroll_into_view_if_needed()
    with script_run(page):
        box.click()
        page.keyboard.type(option)
        page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def _expect_query(page: Page, key: str, value: str | None = None) -> None:
    pattern = rf"[?&]{key}=" + (re.escape(value).replace(":", "(:|%3A)") if value else "")
    expect(page).to_have_url(re.compile(pattern))


def test_a_copied_link_reopens_the_page_conversation_settings_and_filters(
        page: Page, studio_server, browser: Browser, browser_context_args: dict[str, Any]):
    token = f"lighthouse{uuid.uuid4().hex[:6]}"
    open_app(page, studio_server.url, "story")
    _choose(page, "aspect_ratio", "16:9")
    _expect_query(page, "ratio", "16:9")
    enter_text(page, "story_prompt", f"a fox who keeps the {token}")
    enter_text(page, "story_scenes", "2")
    click(page, "story_generate")
    expect_images_loaded(page, at_least=2)
    _expect_query(page, "chat")
    story_url = page.url
    chat = _query(page)["chat"]
    snap(page, J, "story-linked")

    # A reload is a new session: the same story, the same settings.
    page.reload()
    wait_for_loaded(page)
    expect(main(page).locator("h2, h3").filter(has_text=token)).to_have_count(1)
    expect(images(page)).to_have_count(2)
    expect(sidebar(page).locator('.st-key-aspect_ratio [role="combobox"]')).to_have_value("16:9")
    assert _query(page)["chat"] == chat

    # The gallery, filtered and with an item open.
    navigate(page, "Gallery")
    enter_text(page, "gallery_search", token)
    expect_gallery_total(page, 2)
    with script_run(page):
        main(page).locator('[class*="st-key-gallery_open_"] button').first.click()
    expect(keyed(page, "gallery_detail_close")).to_be_visible()
    _expect_query(page, "q", token)
    _expect_query(page, "item")
    _expect_query(page, "ratio", "16:9")  # the settings travel with every page
    gallery_url = page.url
    item = _query(page)["item"]

    # Someone else opens the copied links in their own browser.
    other = browser.new_context(**browser_context_args)
    try:
        theirs = other.new_page()
        theirs.set_default_timeout(30_000)
        theirs.goto(story_url)
        wait_for_loaded(theirs)
        expect(main(theirs).locator("h1").first).to_contain_text("Story")
        expect(main(theirs).locator("h2, h3").filter(has_text=token)).to_have_count(1)
        expect_images_loaded(theirs, at_least=2)
        expect(sidebar(theirs).locator('.st-key-aspect_ratio [role="combobox"]')).to_have_value("16:9")
        snap(theirs, J, "story-in-a-new-browser")

        theirs.goto(gallery_url)
        wait_for_loaded(theirs)
        expect(main(theirs).locator("h1").first).to_contain_text("Gallery")
        expect(keyed(theirs, "gallery_search").locator("input")).to_have_value(token)
        expect_gallery_total(theirs, 2)
        expect(keyed(theirs, "gallery_detail_close")).to_be_visible()
        assert _query(theirs)["item"] == item
        expect(alerts(theirs, "Error")).to_have_count(0)
        snap(theirs, J, "gallery-in-a-new-browser")
    finally:
        other.close()


def test_the_text_pages_results_come_back_after_a_reload(page: Page, studio_server):
    headline = f"OPEN LATE {uuid.uuid4().hex[:4].upper()}"
    open_app(page, studio_server.url, "text")
    with script_run(page):
        keyed(page, "variants").locator('input[type="range"]').press("ArrowRight")
    _expect_query(page, "variants", "2")
    enter_text(page, "text_headline", headline)
    click(page, "text_generate")
    variants = main(page).get_by_test_id("stMarkdownContainer").filter(
        has_text=re.compile(r"^Variant \d"))
    expect(variants).to_have_count(2)
    _expect_query(page, "batch")

    page.reload()
    wait_for_loaded(page)
    expect(variants).to_have_count(2)
    expect(main(page).get_by_text(headline, exact=True).first).to_be_visible()
    expect_images_loaded(page, at_least=2)
    expect(keyed(page, "variants").locator('input[type="range"]')).to_have_value("2")
    snap(page, J, "text-after-reload")
