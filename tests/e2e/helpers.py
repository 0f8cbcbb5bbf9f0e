"""Driving Image Studio in a real browser: use widgets by key, take screenshots.

Waiting for script runs (`script_run`, `open_app`, `wait_for_loaded`) is in tests/servers.py,
shared with tests/reliability. Assertions after a run use Playwright's web-first `expect`,
which retries.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.servers import RENDER_TIMEOUT_MS, script_run

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

MAX_SCREENSHOT_HEIGHT = 8_000


# --- navigating -----------------------------------------------------------------------

def navigate(page: Page, title: str) -> None:
    """Go to another page through the sidebar navigation (same browser session)."""
    with script_run(page):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    expect(main(page).locator("h1").first).to_contain_text(title, timeout=RENDER_TIMEOUT_MS)


# --- locating -------------------------------------------------------------------------

def main(page: Page) -> Locator:
    """The page body (not the sidebar, not the bottom chat input bar)."""
    return page.get_by_test_id("stMainBlockContainer")


def keyed(page: Page, key: str) -> Locator:
    """A keyed widget's container: Streamlit gives it the class st-key-<key>."""
    return page.locator(f".st-key-{key}")


def images(page: Page) -> Locator:
    return main(page).locator('[data-testid="stImage"] img')


def chat_messages(page: Page, role: str) -> Locator:
    """Chat messages by avatar: "Assistant", "User" or "Custom" (an icon avatar)."""
    return main(page).get_by_test_id("stChatMessage").filter(
        has=page.get_by_test_id(f"stChatMessageAvatar{role}"))


def alerts(page: Page, kind: str | None = None) -> Locator:
    """st.error/warning/info boxes in the page; kind "Error", "Warning", "Info", "Success"."""
    if kind is None:
        return main(page).get_by_test_id("stAlert")
    return main(page).get_by_test_id(f"stAlertContent{kind}")


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def engine_badge(page: Page, label: str) -> Locator:
    """The sidebar's engine badge (st.badge is markdown; the engine switch's buttons are not)."""
    return sidebar(page).get_by_test_id("stMarkdown").filter(has_text=label)


# --- acting ---------------------------------------------------------------------------

def enter_text(page: Page, key: str, value: str) -> None:
    """Type into a text input, text area or number input, and apply it (Enter/Ctrl+Enter)."""
    field = keyed(page, key).locator("textarea, input").first
    if field.input_value() == value:
        return  # applying an unchanged value starts no run
    is_area = field.evaluate("e => e.tagName") == "TEXTAREA"
    with script_run(page):
        field.fill(value)
        field.press("Control+Enter" if is_area else "Enter")


def click(page: Page, key: str) -> None:
    """Click a keyed button and wait for the run it starts."""
    with script_run(page):
        keyed(page, key).locator("button").first.click()


def send_chat(page: Page, key: str, text: str) -> None:
    box = keyed(page, key).locator("textarea")
    with script_run(page):
        box.fill(text)
        box.press("Enter")


def expect_images_loaded(page: Page, at_least: int) -> None:
    """At least `at_least` images in the page, every one decoded (not a broken media URL)."""
    expect(images(page).nth(at_least - 1)).to_be_visible()
    page.wait_for_function(
        """() => [...document.querySelectorAll(
                '[data-testid="stMainBlockContainer"] [data-testid="stImage"] img')]
              .every(i => i.complete && i.naturalWidth > 0)""",
        timeout=RENDER_TIMEOUT_MS,
    )


def make_png(path: Path, color: tuple[int, int, int] = (200, 40, 40),
             size: tuple[int, int] = (320, 240)) -> Path:
    """A small photo to upload: a coloured field with a white square, so edits show."""
    image = Image.new("RGB", size, color)
    image.paste((250, 250, 250), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    image.save(path, "PNG")
    return path


def upload_start_image(page: Page, path: Path) -> None:
    """Upload a photo on the edit page; it becomes the start of a new conversation."""
    with script_run(page):
        keyed(page, "edit_upload").locator('input[type="file"]').set_input_files(path)
    expect(keyed(page, "edit_undo").locator("button")).to_be_visible()
    expect(chat_messages(page, "Custom")).to_have_count(1)  # the start image, icon avatar
    expect(images(page)).to_have_count(1)


_GALLERY_COUNT = re.compile(r"([\d,]+)\s+images?\s+·\s+\d+\s+selected")


def _gallery_count_label(page: Page) -> Locator:
    return main(page).get_by_test_id("stMarkdownContainer").filter(has_text=_GALLERY_COUNT)


def gallery_total(page: Page) -> int:
    """The "N images · k selected" count the gallery page shows."""
    label = _gallery_count_label(page)
    expect(label).to_have_count(1)
    match = _GALLERY_COUNT.search(label.inner_text())
    assert match, label.inner_text()
    return int(match.group(1).replace(",", ""))


def expect_gallery_total(page: Page, total: int) -> None:
    """Wait (retrying) until the gallery shows exactly `total` images."""
    expect(_gallery_count_label(page)).to_contain_text(
        re.compile(rf"^{total:,} images?\s+·"))


# --- screenshots ----------------------------------------------------------------------

def check_page(page: Page, where: str) -> None:
    """Fail if the page is blank (no title) or shows Streamlit's exception box."""
    exceptions = page.get_by_test_id("stException")
    if exceptions.count():
        raise AssertionError(f"{where}: the app shows an exception: "
                             f"{exceptions.first.inner_text()[:500]!r}")
    titles = main(page).locator("h1")
    if titles.count() == 0 or not titles.first.inner_text().strip():
        raise AssertionError(f"{where}: the page is blank (no h1 title in the main area)")


def _scroll_height(page: Page) -> int:
    """Height of the main scroll container's content (Streamlit scrolls inside the app; with
    a chat input its padding already makes room for the bar at the bottom)."""
    return int(page.evaluate(
        """() => {
            const block = document.querySelector('[data-testid="stMainBlockContainer"]');
            return (block ? block.parentElement : document.scrollingElement).scrollHeight;
        }"""))


def snap(page: Page, journey: str, step: str) -> Path:
    """Check the page is healthy and save a screenshot of all of its content."""
    where = f"{journey}-{step}"
    check_page(page, where)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{where}.png"
    viewport = page.viewport_size
    assert viewport is not None
    height = min(max(_scroll_height(page), viewport["height"]), MAX_SCREENSHOT_HEIGHT)
    if height > viewport["height"]:
        # The app scrolls inside its own container, so a "full page" screenshot would only show
        # the viewport: make the viewport as tall as the content for the shot instead.
        page.set_viewport_size({"width": viewport["width"], "height": height})
        try:
            page.wait_for_function(f"() => window.innerHeight === {height}")
            page.screenshot(path=str(path), animations="disabled")
        finally:
            page.set_viewport_size(viewport)
    else:
        page.screenshot(path=str(path), animations="disabled")
    return path


def save_failure_screenshot(page: Page, name: str) -> Path | None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"FAILED-{name}.png"
    try:
        page.screenshot(path=str(path), timeout=10_000)
    except Exception:  # the page may be gone; the failure itself matters more
        return None
    return path
