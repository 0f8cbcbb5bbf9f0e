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
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from studio.emulator.testing import free_port
from tests.e2e.helpers import SCREENSHOTS, save_failure_screenshot

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1440, "height": 1000}
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0

# Never let a developer's key (or Vertex settings) turn the offline server into a paid one.
_KEY_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL",
             "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION",
             "GOOGLE_APPLICATION_CREDENTIALS")

# Web-first assertions wait for the app; a generation on a busy 2-core box can take seconds.
expect.set_options(timeout=30_000)


# --- server processes -------------------------------------------------------------------

@dataclass
class ServerProcess:
    """A subprocess with its output in a log file; stopped by its pid."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)


def _start(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> ServerProcess:
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    return ServerProcess(name, process, log_path)


def _wait_healthy(server: ServerProcess, url: str, ready: str | None = None,
                  timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Poll `url` until it answers 200 (and contains `ready`); fail with the log tail."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server.name} exited with code {server.process.returncode} before "
                        f"it was healthy. Log tail:\n{server.log_tail()}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body = response.read().decode(errors="replace")
                if response.status == 200 and (ready is None or ready in body):
                    return
                last = f"HTTP {response.status}: {body[:200]}"
        except (urllib.error.URLError, OSError) as exc:
            last = repr(exc)
        time.sleep(0.25)
    server.stop()
    pytest.fail(f"{server.name} was not healthy at {url} after {timeout:.0f} s ({last}). "
                f"Log tail:\n{server.log_tail()}", pytrace=False)


def _base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _KEY_VARS}
    env.update({
        "STUDIO_DATA_DIR": str(data_dir),
        "STUDIO_EMULATOR_CHUNK_DELAY": "0.02",
        "STUDIO_RETRY_INITIAL_DELAY_S": "0.01",
        "STUDIO_RETRY_MAX_DELAY_S": "0.05",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    })
    return env


@dataclass
class StudioServer:
    url: str
    data_dir: Path
    process: ServerProcess


def _start_streamlit(name: str, env: dict[str, str], work: Path) -> StudioServer:
    port = free_port()
    args = [
        str(VENV_BIN / "streamlit"), "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # Other engineers edit the app while tests run: no hot reloads mid-journey.
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        # A developer's .streamlit/secrets.toml must not switch the app to the real API.
        "--secrets.files", str(work / "no-secrets.toml"),
    ]
    server = _start(name, args, env, work)
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(server, f"{url}/_stcore/health", ready="ok")
    return StudioServer(url, Path(env["STUDIO_DATA_DIR"]), server)


@pytest.fixture(scope="session")
def studio_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioServer]:
    """The app on the offline emulator, with an empty gallery folder of its own."""
    work = tmp_path_factory.mktemp("studio-offline")
    server = _start_streamlit("streamlit-offline", _base_env(work / "data"), work)
    yield server
    server.process.stop()


@dataclass
class GeminiStack:
    app: StudioServer
    emulator_url: str
    emulator: ServerProcess
    api_key: str


@pytest.fixture(scope="session")
def gemini_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeminiStack]:
    """The HTTP emulator, and a second app server that reaches it through the real SDK."""
    work = tmp_path_factory.mktemp("studio-gemini")
    port = free_port()
    emulator = _start("emulator", [sys.executable, "-m", "studio.emulator", "--port", str(port)],
                      _base_env(work / "unused"), work)
    emulator_url = f"http://127.0.0.1:{port}"
    app: StudioServer | None = None
    try:
        _wait_healthy(emulator, f"{emulator_url}/_emulator/health", ready="ok")
        key = "e2e-test-key"
        env = _base_env(work / "data")
        env.update({"GEMINI_API_KEY": key, "GOOGLE_GEMINI_BASE_URL": emulator_url})
        app = _start_streamlit("streamlit-gemini", env, work)
        yield GeminiStack(app, emulator_url, emulator, key)
    finally:
        if app is not None:
            app.process.stop()
        emulator.stop()


# --- browser ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's Chromium, never a downloaded one (`playwright install` is not used)."""
    return {
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"],
    }


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
                process = server.app.process if isinstance(server, GeminiStack) else server.process
                print(f"\n--- {process.name} log tail ---\n{process.log_tail()}")
    page.close()
