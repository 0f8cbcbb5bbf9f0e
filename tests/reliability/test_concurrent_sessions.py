"""Two people on one server and one gallery folder, at the same time.

Session A tells a story while session B renders two variants of an invitation at 16:9.
Both must finish cleanly, the gallery must hold exactly what both made, and neither may
see the other's results, settings or engine: A typing an API key switches A alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from studio.emulator.testing import free_port
from studio.gallery.records import GalleryFilter, GalleryItem
from studio.gallery.store import GalleryStore
from tests.reliability.checks import check_store
from tests.servers import (
    IDLE,
    SIDEBAR,
    StreamlitServer,
    open_app,
    script_run,
    start_streamlit,
    studio_env,
)

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1400, "height": 1400}  # the whole sidebar, its selects open in view
MAIN = '[data-testid="stMainBlockContainer"]'  # stMain is another id on chat pages
IMAGE = '[data-testid="stImage"]'
PREMISE = "a brave hedgehog who learns to sail"
SCENES = 3
HEADLINE = "Garden party at Maya's"
CANARY = "e2e-canary-key-A"


# --- page helpers -------------------------------------------------------------------------

def problems_on(page: Page) -> list[str]:
    """Exception boxes, error alerts and lock errors anywhere on the page."""
    found = [f"exception: {t[:500]}"
             for t in page.locator('[data-testid="stException"]').all_inner_texts()]
    found += [f"error: {t[:500]}"
              for t in page.locator('[data-testid="stAlertContentError"]').all_inner_texts()]
    if "database is locked" in page.locator("body").inner_text().lower():
        found.append("'database is locked' is on the page")
    return found


def engine_badge(page: Page) -> str:
    """The sidebar badge that says which engine is live (its icon name stripped)."""
    badge = page.locator(f'{SIDEBAR} [data-testid="stMarkdownContainer"]').filter(
        has_text=re.compile(r"cloud_off|cloud_done|key_off"))
    expect(badge).to_have_count(1)
    return re.sub(r"cloud_off|cloud_done|key_off", "", badge.inner_text()).strip()


def aspect_ratio(page: Page) -> str:
    return page.locator('.st-key-aspect_ratio [role="combobox"]').input_value()


def go_to(page: Page, link: str, heading: str | None = None) -> None:
    """Navigate with the sidebar: a rerun in the same session (a reload would be a new one)."""
    with script_run(page):
        page.locator('[data-testid="stSidebarNav"] a', has_text=link).click()
    page.get_by_role("heading", name=heading or link).first.wait_for()
    page.wait_for_selector(IDLE)


def expect_main_images(page: Page, count: int) -> None:
    """Images render a moment after the run ends (their component loads lazily): wait."""
    expect(page.locator(f"{MAIN} {IMAGE}")).to_have_count(count)


def _call_interval(items: list[GalleryItem]) -> tuple[datetime, datetime]:
    """When the model calls behind these images ran: saved at the end, lasting latency_ms."""
    ends = [datetime.fromisoformat(i.created_at) for i in items]
    starts = [end - timedelta(milliseconds=i.latency_ms or 0) for end, i in zip(ends, items,
                                                                                 strict=True)]
    return min(starts), max(ends)


# --- the scenario -------------------------------------------------------------------------

@dataclass
class TwoSessions:
    server: StreamlitServer
    a: Page
    b: Page


@pytest.fixture(scope="module")
def two_sessions(tmp_path_factory: pytest.TempPathFactory,
                 browser: Browser) -> Iterator[TwoSessions]:
    work = tmp_path_factory.mktemp("two-sessions")
    data = work / "data"
    # A key typed in the sidebar must never reach the internet: the SDK's base URL points
    # at a closed loopback port, so the Gemini client fails fast, locally.
    env = studio_env(data, STUDIO_EMULATOR_CHUNK_DELAY="0.2",  # A's story streams >= 2.4 s
                     GOOGLE_GEMINI_BASE_URL=f"http://127.0.0.1:{free_port()}",
                     STUDIO_TIMEOUT_S="20")
    server = start_streamlit(data, work, name="two-sessions", env=env, show_error_details="full")
    contexts: list[BrowserContext] = []
    try:
        a_ctx, b_ctx = (browser.new_context(viewport=VIEWPORT) for _ in range(2))
        contexts += [a_ctx, b_ctx]
        a, b = a_ctx.new_page(), b_ctx.new_page()
        open_app(a, server.url, "story")
        open_app(b, server.url, "text")

        # B's own settings: 16:9 in B's sidebar, two variants on B's text page.
        with script_run(b):
            b.locator('.st-key-aspect_ratio [role="combobox"]').click()
            b.get_by_role("option", name="16:9", exact=True).click()
        with script_run(b):
            b.locator('.st-key-variants input[type="range"]').press("ArrowRight")
        expect(b.get_by_text("Aspect ratio 16:9 — change it in the sidebar.")).to_be_visible()
        expect(b.locator('.st-key-variants input[type="range"]')).to_have_value("2")

        # Fill both forms, then press both buttons back to back.
        a.locator(".st-key-story_prompt textarea").fill(PREMISE)
        a.locator(".st-key-story_scenes input").fill(str(SCENES))
        b.locator(".st-key-text_headline input").fill(HEADLINE)
        a.locator(".st-key-story_generate button").click()
        b.locator(".st-key-text_generate button").click()

        a.get_by_role("heading", name=PREMISE).wait_for(timeout=60_000)
        b.get_by_role("heading", name="Your invitation").wait_for(timeout=60_000)
        for page in (a, b):
            page.wait_for_selector(IDLE)
        expect_main_images(a, SCENES)  # one picture per scene
        expect_main_images(b, 2)  # one per variant
        yield TwoSessions(server, a, b)
    finally:
        for context in contexts:
            context.close()
        server.stop()


def test_both_sessions_finish_cleanly_and_the_gallery_holds_both(two_sessions: TwoSessions):
    s = two_sessions
    assert problems_on(s.a) == [], "session A"
    assert problems_on(s.b) == [], "session B"
    assert "database is locked" not in s.server.log_tail(100_000).lower()
    with GalleryStore(s.server.data_dir) as store:
        assert store.count() == SCENES + 2  # what A's page shows + what B's page shows
        story = store.query(GalleryFilter(page="story"), limit=100)
        text = store.query(GalleryFilter(page="text"), limit=100)
        assert len(story) == SCENES and len(text) == 2
        # each session's settings went into its own images
        assert {i.aspect_ratio for i in story} == {"1:1"}
        assert {i.aspect_ratio for i in text} == {"16:9"}
        assert len({i.seed for i in text}) == 2  # two variants, two seeds
        # and the two generations really ran at the same time, neither waiting for the other
        a_start, a_end = _call_interval(story)
        b_start, b_end = _call_interval(text)
        assert a_start < b_end and b_start < a_end, (
            f"A called the model {a_start:%T.%f}-{a_end:%T.%f}, "
            f"B {b_start:%T.%f}-{b_end:%T.%f}: one session waited for the other")
        assert not check_store(store).problems


def test_each_session_keeps_its_own_results_and_settings(two_sessions: TwoSessions):
    a, b = two_sessions.a, two_sessions.b
    # A reruns (leaves the page and comes back): still A's story, A's sidebar untouched
    go_to(a, "Gallery")
    go_to(a, "Story")
    expect(a.get_by_role("heading", name=PREMISE)).to_be_visible()
    expect_main_images(a, SCENES)
    assert aspect_ratio(a) == "1:1"
    # B's story page is B's: nothing of A's story is on it
    go_to(b, "Story")
    expect(b.get_by_role("heading", name=PREMISE)).to_have_count(0)
    expect_main_images(b, 0)
    assert PREMISE not in b.locator(MAIN).inner_text()
    assert aspect_ratio(b) == "16:9"
    # and B's text page still shows B's batch
    go_to(b, "Text rendering")
    expect(b.get_by_role("heading", name="Your invitation")).to_be_visible()
    expect_main_images(b, 2)
    go_to(a, "Text rendering")
    expect(a.get_by_role("heading", name="Your invitation")).to_have_count(0)
    expect(a.get_by_text("Aspect ratio 1:1 — change it in the sidebar.")).to_be_visible()
    expect(a.locator('.st-key-variants input[type="range"]')).to_have_value("1")
    assert problems_on(a) == [] and problems_on(b) == []


def test_a_key_typed_in_one_session_switches_that_session_only(two_sessions: TwoSessions):
    s = two_sessions
    a, b = s.a, s.b
    assert engine_badge(a) == engine_badge(b) == "Offline emulator"
    with script_run(a):
        a.locator(".st-key-engine button", has_text="Gemini API").click()
    a.locator(".st-key-api_key input").fill(CANARY)
    with script_run(a):
        a.locator(".st-key-api_key input").press("Enter")
    # the key is checked at once; here the API cannot be reached, and the badge says so
    assert engine_badge(a).startswith("Gemini API")
    expect(a.locator(SIDEBAR).get_by_text("using the key typed here")).to_be_visible()

    go_to(b, "Home", "Image Studio")  # a rerun of B's own session
    assert engine_badge(b) == "Offline emulator"
    open_app(b, s.server.url)  # a reload: a new session for B
    assert engine_badge(b) == "Offline emulator"
    assert CANARY not in b.content()

    # B still makes images offline, with A on the Gemini engine at the same time
    with GalleryStore(s.server.data_dir) as store:
        before = store.count()
    go_to(b, "Text rendering")
    b.locator(".st-key-text_headline input").fill("Still offline")
    with script_run(b):
        b.locator(".st-key-text_generate button").click()
    expect(b.get_by_text("1 of 1 variant(s) rendered")).to_have_count(1)
    assert problems_on(b) == []
    expect(b.locator(MAIN).get_by_text("(offline emulator)")).to_have_count(1)
    with GalleryStore(s.server.data_dir) as store:
        assert store.count() == before + 1
        newest = store.query(limit=1)[0]
        assert newest.engine == "offline" and newest.prompt.count("Still offline") >= 1
    assert engine_badge(a).startswith("Gemini API")  # A was not switched back either

    # the key lives in A's session only: never in the log or anything on disk
    assert CANARY not in s.server.log_tail(1_000_000)
    for path in Path(s.server.data_dir).rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), f"the key is in {path}"
