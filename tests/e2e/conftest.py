"""Browser end-to-end fixtures: real Streamlit servers, Debian's Chromium, one page per test.

Servers are started once per session and shared by every journey:

* `studio_server`: the app on the offline emulator (no API key anywhere in its environment),
  with a fresh temporary gallery folder.
* `gemini_stack`: `python -m studio.emulator` over HTTP, and a second app server whose SDK
  talks to it with `GEMINI_API_KEY` + `GOOGLE_GEMINI_BASE_URL` (the "real" Gemini path).

Each test gets pytest-playwright's fresh browser context, so a fresh Streamlit session.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.helpers import SCREENSHOTS, save_failure_screenshot
from tests.servers import (
    ServerProcess,
    StreamlitServer,
    chromium_launch_args,
    start_emulator,
    start_streamlit,
    studio_env,
)

VIEWPORT = {"width": 1440, "height": 1000}

# Web-first assertions wait for the app; a generation on a busy 2-core box can take seconds.
expect.set_options(timeout=30_000)


# --- server processes -------------------------------------------------------------------

@pytest.fixture(scope="session")
def studio_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app on the offline emulator, with an empty gallery folder of its own."""
    work = tmp_path_factory.mktemp("studio-offline")
    server = start_streamlit(work / "data", work, name="streamlit-offline")
    yield server
    server.stop()


@dataclass
class GeminiStack:
    app: StreamlitServer
    emulator_url: str
    emulator: ServerProcess
    api_key: str


@pytest.fixture(scope="session")
def gemini_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeminiStack]:
    """The HTTP emulator, and a second app server that reaches it through the real SDK."""
    work = tmp_path_factory.mktemp("studio-gemini")
    emulator = start_emulator(work)
    app: StreamlitServer | None = None
    try:
        key = "e2e-test-key"
        env = studio_env(work / "data", GEMINI_API_KEY=key, GOOGLE_GEMINI_BASE_URL=emulator.url)
        app = start_streamlit(work / "data", work, name="streamlit-gemini", env=env)
        yield GeminiStack(app, emulator.url, emulator, key)
    finally:
        if app is not None:
            app.stop()
        emulator.stop()


# --- browser ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's Chromium, never a downloaded one (`playwright install` is not used)."""
    return chromium_launch_args()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": VIEWPORT, "accept_downloads": True}


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots() -> None:
    """Screenshots of this run only (the folder is git-ignored). Under pytest-xdist the
    workers share the folder, so none of them clears it."""
    if SCREENSHOTS.exists() and not os.environ.get("PYTEST_XDIST_WORKER"):
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"_e2e_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser_context(browser: Browser, browser_context_args: dict[str, Any]
                    ) -> Iterator[BrowserContext]:
    """One context for the session, so the app's scripts and styles are fetched and compiled
    once, not once per test. Each test still gets a new tab, and so a new Streamlit session
    (session state lives with the websocket, not with the browser's cookies or cache)."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh tab; on failure, a screenshot of where the journey stopped and the tails of
    the server logs are printed."""
    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    yield page
    report = getattr(request.node, "_e2e_report_call", None)
    if report is not None and report.failed:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        path = save_failure_screenshot(page, name)
        print(f"\nFailure screenshot: {path}")
        for fixture in ("studio_server", "gemini_stack"):
            if fixture in request.fixturenames:
                server = request.getfixturevalue(fixture)
                process = server.app if isinstance(server, GeminiStack) else server
                print(f"\n--- {process.name} log tail ---\n{process.log_tail()}")
    page.close()
