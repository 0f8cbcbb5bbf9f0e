"""Journey 7: control over a running edit: Stop keeps what arrived, Retry sends it again."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    alerts,
    chat_messages,
    click,
    keyed,
    make_png,
    upload_start_image,
)
from tests.servers import open_app, script_run

pytestmark = pytest.mark.e2e


def test_stop_keeps_what_arrived_and_retry_sends_it_again(page: Page, studio_server,
                                                          tmp_path: Path) -> None:
    open_app(page, studio_server.url, "edit")
    upload_start_image(page, make_png(tmp_path / "photo.png"))
    box = keyed(page, "edit_chat").locator("textarea")
    box.fill("Make it black and white [fault:slow=4]")
    box.press("Enter")  # not waited for: Stop is clicked while the answer is on its way
    stop = keyed(page, "edit_stop").locator("button")
    expect(stop).to_be_visible()
    with script_run(page):
        stop.click()
    expect(alerts(page).filter(has_text="Stopped at your request")).to_have_count(1)
    expect(chat_messages(page, "User")).to_have_count(1)  # the instruction is kept
    expect(keyed(page, "edit_retake").get_by_role("button", name="Retry")).to_be_visible()
    click(page, "edit_retake")  # the directive is sent again, so it is slow again: wait
    expect(alerts(page).filter(has_text="Stopped at your request")).to_have_count(0)
    expect(chat_messages(page, "User")).to_have_count(1)

