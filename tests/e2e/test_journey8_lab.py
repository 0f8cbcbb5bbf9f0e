"""Journey 8: a Prompt Lab run in the browser: a rate limit all cells wait out, then Stop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from studio.gemini.catalog import load_catalog
from tests.e2e.helpers import alerts, images, keyed
from tests.servers import open_app, script_run

pytestmark = pytest.mark.e2e
SECOND_MODEL = load_catalog().models[1].label


def _matrix(page: Page, values: str) -> None:
    box = keyed(page, "lab_var_headline").locator("input")
    with script_run(page):
        box.fill(values)
        box.press("Enter")
    with script_run(page):
        page.locator('.st-key-lab_models [role="combobox"]').click()
        page.get_by_role("option", name=SECOND_MODEL, exact=True).click()
    page.keyboard.press("Escape")
    expect(page.get_by_text("6 calls", exact=False)).to_be_visible()


def test_a_rate_limited_matrix_waits_as_one_and_finishes(page: Page, studio_server) -> None:
    open_app(page, studio_server.url, "lab")
    _matrix(page, "OPEN LATE, FRESH BEANS, TRY US [fault:429x1=3]")
    keyed(page, "lab_run").locator("button").click()
    expect(page.get_by_text("Rate limited — waiting")).to_be_visible(timeout=30_000)
    expect(keyed(page, "lab_cancel")).to_have_count(0, timeout=60_000)
    expect(alerts(page, "Success").filter(has_text="6 of 6 cells made an image")) \
        .to_be_visible(timeout=30_000)
    expect(images(page)).to_have_count(6)
    expect(keyed(page, "lab_open").locator("input")).to_have_value(
        re.compile(r"^Coffee shop poster · 6 cells"))


def test_stop_keeps_the_cells_on_their_way(page: Page, studio_server) -> None:
    open_app(page, studio_server.url, "lab")
    _matrix(page, ", ".join(f"{w} [fault:slow=8]" for w in ("OPEN LATE", "FRESH BEANS", "TRY US")))
    keyed(page, "lab_run").locator("button").click()
    stop = keyed(page, "lab_cancel").locator("button").first
    expect(stop).to_be_visible(timeout=30_000)
    stop.click()  # while the first four cells (8 s each) are on their way
    expect(page.get_by_text("Stopping:")).to_be_visible(timeout=30_000)
    notice = alerts(page, "Info").filter(has_text="Stopped:")
    expect(notice).to_be_visible(timeout=60_000)
    said = re.search(r"Stopped: (\d) of 6 cells", notice.inner_text())
    assert said, notice.inner_text()
    kept = int(said.group(1))
    assert 0 < kept < 6, "the cells on their way finished, the others never started"
    expect(images(page)).to_have_count(kept)
    expect(keyed(page, "lab_run_missing").locator("button").first) \
        .to_have_text(f"Run the {6 - kept} left")
