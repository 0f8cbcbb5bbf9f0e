"""Small helpers for the reliability tests: Streamlit servers, Chromium, waiting for runs.

Servers run `streamlit run app.py` on a free loopback port with an environment of our
choosing (never a developer's API key), log to a file, and are stopped by their pid.
The browser is Debian's Chromium (`playwright install` is never used).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from studio.emulator.testing import free_port

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_LAUNCH: dict[str, Any] = {
    "executable_path": CHROMIUM,
    "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"],
}

# A developer's key (or Vertex settings) must never turn a test server into a paid one.
KEY_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL",
            "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION",
            "GOOGLE_APPLICATION_CREDENTIALS")

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
SIDEBAR = '[data-testid="stSidebar"]'


def studio_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The app's environment: offline, this gallery folder, fast retries."""
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS}
    env.update({
        "STUDIO_DATA_DIR": str(data_dir),
        "STUDIO_EMULATOR_CHUNK_DELAY": "0.02",
        "STUDIO_RETRY_INITIAL_DELAY_S": "0.01",
        "STUDIO_RETRY_MAX_DELAY_S": "0.05",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    })
    env.update(overrides)
    return env


@dataclass
class StreamlitServer:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def kill(self) -> None:
        """SIGKILL by pid: no atexit, no finally blocks, no flush. Then reap it."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_S)

    def stop(self) -> None:
        """SIGTERM by pid, SIGKILL if it does not go within STOP_TIMEOUT_S."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.kill()


class ServerDidNotStart(RuntimeError):
    pass


def wait_healthy(server: StreamlitServer, timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Poll /_stcore/health until it says ok; on failure stop the server and raise with
    the log tail, so the reason is in the test report."""
    url = f"{server.url}/_stcore/health"
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerDidNotStart(
                f"streamlit exited with code {server.process.returncode} before it was "
                f"healthy. Log tail ({server.log_path}):\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body = response.read().decode(errors="replace")
                if response.status == 200 and "ok" in body:
                    return
                last = f"HTTP {response.status}: {body[:200]}"
        except (urllib.error.URLError, OSError) as exc:
            last = repr(exc)
        time.sleep(0.2)  # polling interval, not a synchronisation
    server.stop()
    raise ServerDidNotStart(
        f"streamlit was not healthy at {url} after {timeout:.0f} s ({last}). "
        f"Log tail ({server.log_path}):\n{server.log_tail()}")


def start_streamlit(data_dir: Path, work_dir: Path, *, name: str = "streamlit",
                    env: dict[str, str] | None = None,
                    timeout: float = STARTUP_TIMEOUT_S) -> StreamlitServer:
    """`streamlit run app.py` on a free loopback port; returns once it is healthy."""
    work_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    args = [
        str(VENV_BIN / "streamlit"), "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # other engineers edit the app while tests run: no hot reloads mid-test
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        # tracebacks in the page make a failure readable in the test report
        "--client.showErrorDetails", "full",
        # a developer's .streamlit/secrets.toml must not switch the app to the real API
        "--secrets.files", str(work_dir / "no-secrets.toml"),
    ]
    log_path = work_dir / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, cwd=ROOT, env=env or studio_env(data_dir),
                                   stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    server = StreamlitServer(f"http://127.0.0.1:{port}", data_dir, process, log_path)
    wait_healthy(server, timeout)
    return server


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless."""
    return playwright.chromium.launch(**CHROMIUM_LAUNCH)


# Counts changes of the app's script state from now on: any change means a run started.
_WATCH_RUNS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__studioRuns = 0;
  if (window.__studioRunObserver) window.__studioRunObserver.disconnect();
  window.__studioRunObserver = new MutationObserver(() => { window.__studioRuns += 1; });
  window.__studioRunObserver.observe(app, {attributes: true,
                                           attributeFilter: ['data-test-script-state']});
}"""


@contextmanager
def script_run(page: Any, *, start_timeout_ms: float = 3000,
               timeout_ms: float = 60_000) -> Iterator[None]:
    """Wrap an action that makes the app rerun: afterwards wait (bounded) until a run has
    started, then until the app is idle again.

        with script_run(page):
            page.locator(".st-key-story_generate button").click()
    """
    page.evaluate(_WATCH_RUNS)
    yield
    with suppress(PlaywrightTimeoutError):  # the action caused no run: nothing to wait for
        page.wait_for_function("window.__studioRuns > 0", timeout=start_timeout_ms)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def open_app(page: Any, url: str, *, timeout_ms: float = 60_000) -> None:
    """Load a URL of the app and wait for its first run to finish. A new session reports
    "notRunning" before its first run starts, so wait for what that run draws first: the
    sidebar's engine control and the page title."""
    page.goto(url)
    page.wait_for_selector(f"{SIDEBAR} .st-key-engine", timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=timeout_ms)
    page.wait_for_selector(IDLE, timeout=timeout_ms)
