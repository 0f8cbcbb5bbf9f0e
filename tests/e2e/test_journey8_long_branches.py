"""Journey 8: a long edit session in a browser: twelve turns, one answer stopped midway, a
branch at turn 4, back to the original, and after a reload both branches are still there."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    alerts,
    chat_messages,
    expect_images_loaded,
    keyed,
    main,
    make_png,
    send_chat,
    snap,
    upload_start_image,
)
from tests.servers import StreamlitServer, open_app, script_run, start_streamlit, studio_env

pytestmark = pytest.mark.e2e

J = "j8"
TURNS = 12
STOPPED_TURN = 7
CHANGES = ("make it black and white", "rotate it 90 degrees", "add a gold border", "flip it",
           "crop it", "mirror it", "add a frame", "rotate it", "add the caption 'Summer'",
           "flip it", "crop it", "add a border")  # edits the offline emulator knows


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app on an emulator that streams slowly enough to stop an answer midway."""
    work = tmp_path_factory.mktemp("studio-slow")
    server = start_streamlit(work / "data", work, name="streamlit-slow",
                             env=studio_env(work / "data", STUDIO_EMULATOR_CHUNK_DELAY="0.3"))
    yield server
    server.stop()


def _branches(page: Page) -> Locator:
    """The branch strip: one button per saved branch of this conversation."""
    return main(page).get_by_test_id("stButtonGroup").filter(has_text="Original")


def _expect_strip(page: Page, text: str) -> None:
    """A branch strip showing `text` (counted, not strict: while a run that follows another
    replaces the strip, the old one is still on the page for a moment)."""
    expect(_branches(page).filter(has_text=text)).to_have_count(1)


def _pick(page: Page, name: str) -> None:
    with script_run(page):
        _branches(page).last.locator("button").filter(
            has_text=re.compile(f"^{re.escape(name)}")).click()


def test_twelve_turns_a_stop_a_branch_and_both_branches_after_a_reload(
        page: Page, slow_server: StreamlitServer, tmp_path: Path) -> None:
    name = f"long{uuid.uuid4().hex[:6]}.png"
    open_app(page, slow_server.url, "edit")
    upload_start_image(page, make_png(tmp_path / name))
    for turn in range(1, TURNS + 1):
        if turn != STOPPED_TURN:
            send_chat(page, "edit_chat", f"Now {CHANGES[turn - 1]} (edit {turn})")
            expect(chat_messages(page, "User").last).to_contain_text(f"(edit {turn})")
            continue
        box = keyed(page, "edit_chat").locator("textarea")
        box.fill(f"Now {CHANGES[turn - 1]} (edit {turn})")
        box.press("Enter")  # not waited for: Stop is clicked while the answer streams
        stop = keyed(page, "edit_stop").locator("button")
        expect(stop).to_be_visible()
        with script_run(page):
            stop.click()
        expect(alerts(page).filter(has_text="Stopped at your request")).to_have_count(1)
    expect(alerts(page, "Error")).to_have_count(0)
    # The latest four turns are drawn; the rest fold behind a toggle.
    expect(chat_messages(page, "User")).to_have_count(4)
    expect(chat_messages(page, "User").last).to_contain_text(f"(edit {TURNS})")
    snap(page, J, "twelve-turns")

    with script_run(page):
        keyed(page, "edit_show_earlier").get_by_text(re.compile("Show 8 earlier turns")).click()
    expect(chat_messages(page, "User")).to_have_count(TURNS)
    expect(alerts(page).filter(has_text="Stopped at your request")).to_have_count(1)
    with script_run(page):  # .first: a button with help text is drawn twice (its tooltip)
        keyed(page, "edit_branch_3").locator("button").first.click()
    expect(_branches(page).last.locator("button").filter(has_text=" · ")).to_have_count(2)
    _expect_strip(page, "Branch at turn 4 · 4 turns")
    send_chat(page, "edit_chat", "On the branch: make it cooler")
    expect(chat_messages(page, "User").last).to_contain_text("On the branch")
    _expect_strip(page, "Branch at turn 4 · 5 turns")

    _pick(page, "Original")
    expect(chat_messages(page, "User").last).to_contain_text(f"(edit {TURNS})")
    _expect_strip(page, f"Original · {TURNS} turns")

    page.reload()
    open_app(page, slow_server.url, "edit")  # a new session: nothing open
    recent = main(page).get_by_test_id("stExpander").filter(has_text="Recent conversations")
    recent.locator("summary").click()
    rows = recent.get_by_test_id("stHorizontalBlock").filter(has_text=f"Edit of {name}")
    expect(rows).to_have_count(2)  # the original and its branch, both saved
    with script_run(page):
        rows.filter(has_not_text="branch at turn").get_by_role("button", name="Resume").click()
    expect(chat_messages(page, "User").last).to_contain_text(f"(edit {TURNS})")
    _expect_strip(page, "Branch at turn 4 · 5 turns")
    with script_run(page):  # the stopped answer was saved as stopped
        keyed(page, "edit_show_earlier").get_by_text(re.compile("Show 8 earlier turns")).click()
    expect(alerts(page).filter(has_text="Stopped at your request")).to_have_count(1)
    _pick(page, "Branch at turn 4")
    expect(chat_messages(page, "User").last).to_contain_text("On the branch")
    expect_images_loaded(page, at_least=4)
    expect(alerts(page, "Error")).to_have_count(0)
    snap(page, J, "branch-after-reload")
