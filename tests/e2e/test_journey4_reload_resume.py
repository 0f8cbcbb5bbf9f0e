"""Journey 4: a browser reload loses the session, not the work: the gallery keeps the images and
the edit conversation can be resumed and continued."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    alerts,
    chat_messages,
    enter_text,
    expect_gallery_total,
    expect_images_loaded,
    gallery_total,
    images,
    keyed,
    main,
    make_png,
    navigate,
    send_chat,
    snap,
    upload_start_image,
)
from tests.servers import open_app, script_run, wait_for_loaded

pytestmark = pytest.mark.e2e
J = "j4"


def test_reload_keeps_gallery_and_conversation(page: Page, studio_server, tmp_path: Path) -> None:
    token = f"resume{uuid.uuid4().hex[:6]}"
    name = f"{token}.png"
    open_app(page, studio_server.url, "edit")
    upload_start_image(page, make_png(tmp_path / name, color=(30, 90, 200)))
    send_chat(page, "edit_chat", "Make it black and white")
    expect(chat_messages(page, "Assistant")).to_have_count(1)
    expect(alerts(page, "Error")).to_have_count(0)
    snap(page, J, "before-reload")

    navigate(page, "Gallery")
    total = gallery_total(page)
    assert total >= 2  # at least the upload and the edit
    enter_text(page, "gallery_search", token)
    expect_gallery_total(page, 1)  # the upload, listed under its file name

    page.reload()
    wait_for_loaded(page)
    expect(main(page).locator("h1")).to_contain_text("Gallery")
    # A new session, but the URL kept the filter: a reload shows what was on screen.
    expect(keyed(page, "gallery_search").locator("input")).to_have_value(token)
    expect_gallery_total(page, 1)
    enter_text(page, "gallery_search", "")
    expect_gallery_total(page, total)
    expect_images_loaded(page, at_least=2)
    snap(page, J, "gallery-after-reload")

    navigate(page, "Conversational editing")
    # A new session has no live conversation: the page offers to start one, or resume.
    expect(keyed(page, "edit_upload")).to_be_attached()
    recent = main(page).get_by_test_id("stExpander").filter(has_text="Recent conversations")
    expect(recent).to_have_count(1)
    recent.locator("summary").click()
    row = recent.get_by_test_id("stHorizontalBlock").filter(has_text=f"Edit of {name}")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("1 turn")
    snap(page, J, "recent-conversations")

    with script_run(page):
        row.get_by_role("button", name="Resume").click()
    expect(chat_messages(page, "Custom")).to_contain_text(f"Edit of {name}")
    expect(chat_messages(page, "Assistant")).to_have_count(1)
    expect(images(page)).to_have_count(2)

    send_chat(page, "edit_chat", "Add a gold border")
    answers = chat_messages(page, "Assistant")
    expect(answers).to_have_count(2)
    expect(answers.last.get_by_test_id("stImage")).to_have_count(1)
    expect(chat_messages(page, "User").last).to_contain_text("Add a gold border")
    expect_images_loaded(page, at_least=3)
    expect(alerts(page, "Error")).to_have_count(0)
    snap(page, J, "resumed-and-continued")
