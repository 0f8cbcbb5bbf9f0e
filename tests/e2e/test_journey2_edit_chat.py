"""Journey 2: an edit conversation from an uploaded photo, with an undo in the middle."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    alerts,
    chat_messages,
    click,
    expect_images_loaded,
    images,
    keyed,
    make_png,
    send_chat,
    snap,
    upload_start_image,
)
from tests.servers import open_app

pytestmark = pytest.mark.e2e
J = "j2"


def expect_turns(page: Page, answers: int) -> None:
    """`answers` assistant messages, each with its image, below the uploaded start image."""
    assistant = chat_messages(page, "Assistant")
    expect(assistant).to_have_count(answers)
    expect(chat_messages(page, "User")).to_have_count(answers)
    expect(images(page)).to_have_count(1 + answers)
    for index in range(answers):
        expect(assistant.nth(index).get_by_test_id("stImage")).to_have_count(1)
    expect_images_loaded(page, at_least=1 + answers)
    expect(alerts(page, "Error")).to_have_count(0)


def test_three_edits_an_undo_and_one_more(page: Page, studio_server, tmp_path: Path) -> None:
    open_app(page, studio_server.url, "edit")
    upload_start_image(page, make_png(tmp_path / "holiday-photo.png"))
    expect_turns(page, 0)
    expect(keyed(page, "edit_undo").locator("button")).to_be_disabled()
    snap(page, J, "uploaded")

    instructions = ["Make it black and white", "Add a gold border", "Rotate it 90 degrees"]
    for count, instruction in enumerate(instructions, start=1):
        send_chat(page, "edit_chat", instruction)
        expect_turns(page, count)
        expect(chat_messages(page, "User").nth(count - 1)).to_contain_text(instruction)
    snap(page, J, "three-edits")

    click(page, "edit_undo")
    expect_turns(page, 2)
    expect(chat_messages(page, "User").last).to_contain_text("Add a gold border")
    snap(page, J, "after-undo")

    send_chat(page, "edit_chat", "Invert the colours")
    expect_turns(page, 3)
    expect(chat_messages(page, "User").last).to_contain_text("Invert the colours")
    expect(chat_messages(page, "User").filter(has_text="Rotate it 90 degrees")).to_have_count(0)
    snap(page, J, "after-undo-and-edit")
