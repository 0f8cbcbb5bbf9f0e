"""Shared by the browser suites (tests/e2e, tests/reliability): real servers, Debian's
Chromium, and waiting for Streamlit script runs.

Servers run on a free loopback port with an environment of our choosing (never a developer's
API key), log to a file, and are stopped by their pid; a server that does not come up fails
with the tail of its log. The browser is Debian's Chromium (`playwright install` is never used).

Synchronisation waits on the app, never on a guessed sleep. Streamlit publishes its state on
the app root (`data-test-script-state`: "notRunning" once a run has finished). Two ways:

* `wait_for_app(page)`: as Streamlit's own e2e suite does (e2e_playwright `wait_for_app_run`):
  a short initial wait so the state can flip to running, then `notRunning`, then no element
  skeletons left. `open_app`/`wait_for_loaded` use it after loading or reloading a page.
* `script_run(page)`: around an interaction. A MutationObserver armed before the action sees
  the state change however short the run is, then the same idle wait follows. That closes
  the gap where a check could pass against the page as it was before the run. (Rarely, under
  load, a short run never shows in the attribute at all; after 5 s the wait falls back to the
  state itself.)
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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from studio.emulator.testing import free_port

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync")

# A developer's key (or Vertex settings) must never turn a test server into a paid one.
KEY_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL",
            "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION",
            "GOOGLE_APPLICATION_CREDENTIALS")

APP = '[data-testid="stApp"]'
IDLE = f'{APP}[data-test-script-state="notRunning"]'
RUNNING = f'{APP}[data-test-script-state="running"]'
SIDEBAR = '[data-testid="stSidebar"]'
MAIN = '[data-testid="stMainBlockContainer"]'

# Streamlit debounces some widget updates (~200 ms) before it asks for a rerun; its own e2e
# helpers wait this long before checking the script state for the same reason.
INITIAL_WAIT_MS = 210
RUN_START_TIMEOUT_MS = 5_000
RUN_TIMEOUT_MS = 90_000
RENDER_TIMEOUT_MS = 15_000


# --- environment ------------------------------------------------------------------------

def pythonpath() -> str:
    """PYTHONPATH for a child process: the repository first, then whatever was set."""
    return os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))


def studio_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The app's environment: offline (no key variables), this gallery folder, fast retries."""
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS}
    env.update({
        "STUDIO_DATA_DIR": str(data_dir),
        "STUDIO_EMULATOR_CHUNK_DELAY": "0.02",
        "STUDIO_RETRY_INITIAL_DELAY_S": "0.01",
        "STUDIO_RETRY_MAX_DELAY_S": "0.05",
        "PYTHONPATH": pythonpath(),
        "PYTHONUNBUFFERED": "1",
    })
    env.update(overrides)
    return env


# --- server processes -------------------------------------------------------------------

@dataclass
class ServerProcess:
    """A server subprocess with its output in a log file; stopped by its pid."""

    name: str
    url: str
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


@dataclass
class StreamlitServer(ServerProcess):
    data_dir: Path


class ServerDidNotStart(RuntimeError):
    pass


def _spawn(name: str, args: list[str], env: dict[str, str], work_dir: Path,
           port: int) -> tuple[subprocess.Popen[bytes], Path]:
    work_dir.mkdir(parents=True, exist_ok=True)
    log_path = work_dir / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    return process, log_path


def wait_healthy(server: ServerProcess, path: str = "/_stcore/health", ready: str = "ok",
                 timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Poll `server.url + path` until it answers 200 containing `ready`; on failure stop the
    server and raise with the log tail, so the reason is in the test report."""
    url = f"{server.url}{path}"
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerDidNotStart(
                f"{server.name} exited with code {server.process.returncode} before it was "
                f"healthy. Log tail ({server.log_path}):\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body = response.read().decode(errors="replace")
                if response.status == 200 and ready in body:
                    return
                last = f"HTTP {response.status}: {body[:200]}"
        except (urllib.error.URLError, OSError) as exc:
            last = repr(exc)
        time.sleep(0.2)  # polling interval, not a synchronisation
    server.stop()
    raise ServerDidNotStart(
        f"{server.name} was not healthy at {url} after {timeout:.0f} s ({last}). "
        f"Log tail ({server.log_path}):\n{server.log_tail()}")


def start_streamlit(data_dir: Path, work_dir: Path, *, name: str = "streamlit",
                    env: dict[str, str] | None = None, show_error_details: str | None = None,
                    timeout: float = STARTUP_TIMEOUT_S, port: int | None = None,
                    secrets_file: Path | None = None) -> StreamlitServer:
    """`streamlit run app.py` on a free loopback port (environment: `studio_env(data_dir)`
    unless given); returns once it is healthy. `show_error_details` overrides the app's
    `client.showErrorDetails` ("full": tracebacks in the page, readable in a test report).
    `port` when the caller must know it first (an OIDC redirect URI); `secrets_file` for a
    test's own secrets.toml (by default none: a developer's must not leak in)."""
    port = port or free_port()
    args = [
        str(VENV_BIN / "streamlit"), "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # other engineers edit the app while tests run: no hot reloads mid-test
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        # a developer's .streamlit/secrets.toml must not switch the app to the real API
        "--secrets.files", str(secrets_file or work_dir / "no-secrets.toml"),
    ]
    if show_error_details is not None:
        args += ["--client.showErrorDetails", show_error_details]
    process, log_path = _spawn(name, args, studio_env(data_dir) if env is None else env,
                               work_dir, port)
    server = StreamlitServer(name, f"http://127.0.0.1:{port}", process, log_path, data_dir)
    wait_healthy(server, "/_stcore/health", timeout=timeout)
    return server


def start_emulator(work_dir: Path, *, name: str = "emulator", env: dict[str, str] | None = None,
                   timeout: float = STARTUP_TIMEOUT_S) -> ServerProcess:
    """`python -m studio.emulator` (the Gemini HTTP emulator) on a free loopback port;
    returns once it is healthy."""
    port = free_port()
    args = [sys.executable, "-m", "studio.emulator", "--port", str(port), "--log-requests"]
    process, log_path = _spawn(name, args, studio_env(work_dir / "unused") if env is None else env,
                               work_dir, port)
    server = ServerProcess(name, f"http://127.0.0.1:{port}", process, log_path)
    wait_healthy(server, "/_emulator/health", timeout=timeout)
    return server


# --- browser ----------------------------------------------------------------------------

def chromium_launch_args() -> dict[str, Any]:
    """pytest-playwright's `browser_type_launch_args`: Debian's Chromium, headless."""
    return {"executable_path": CHROMIUM, "args": list(CHROMIUM_ARGS)}


# --- waiting for script runs ------------------------------------------------------------

_ARM_RUN_OBSERVER = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (window.__e2eObserver) window.__e2eObserver.disconnect();
    const start = performance.now();
    window.__e2eRun = {app, seen: false, log: []};
    window.__e2eObserver = new MutationObserver(records => {
        // Any change of the attribute means a run started (the state left where it was
        // armed), even if it is back by the time this callback runs.
        window.__e2eRun.seen = true;
        for (const r of records) window.__e2eRun.log.push(
            `${Math.round(performance.now() - start)}ms ${r.oldValue}->` +
            app.getAttribute(r.attributeName));
    });
    window.__e2eObserver.observe(app, {attributes: true, attributeOldValue: true,
                                       attributeFilter: ['data-test-script-state']});
}"""
_RUN_SEEN = """() => !window.__e2eRun || window.__e2eRun.seen
                 || !document.contains(window.__e2eRun.app)"""
_RUN_DIAGNOSTICS = """() => ({
    state: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
    connection: document.querySelector('[data-testid="stApp"]')
        ?.getAttribute('data-test-connection-state'),
    log: window.__e2eRun ? window.__e2eRun.log : null,
    focused: document.activeElement?.outerHTML.slice(0, 200),
    instructions: [...document.querySelectorAll('[data-testid="InputInstructions"]')]
        .map(e => e.innerText),
})"""


def _wait_idle(page: Page, timeout: float) -> None:
    page.locator(f'{APP}[data-test-connection-state="CONNECTED"]').wait_for(
        state="attached", timeout=timeout)
    page.locator(IDLE).wait_for(state="attached", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=RENDER_TIMEOUT_MS)


def wait_for_app(page: Page, *, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Block until the current script run has finished (after a load or reload)."""
    page.wait_for_timeout(INITIAL_WAIT_MS)
    _wait_idle(page, timeout)


@contextmanager
def script_run(page: Page, *, timeout: float = RUN_TIMEOUT_MS) -> Iterator[None]:
    """Wrap an interaction that makes Streamlit rerun; return once that run has finished.

        with script_run(page):
            page.locator(".st-key-story_generate button").click()
    """
    page.evaluate(_ARM_RUN_OBSERVER)
    yield
    try:
        page.wait_for_function(_RUN_SEEN, timeout=RUN_START_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        # Seen under heavy load: a short run's "running" and "notRunning" reach React in one
        # render, so the attribute never changes although the run happened. Fall back to the
        # state itself; the web-first assertions that follow retry in any case. (Printed, so
        # a failing test's output tells whether this happened.)
        print(f"script_run: no script-state change seen within {RUN_START_TIMEOUT_MS} ms: "
              f"{page.evaluate(_RUN_DIAGNOSTICS)}")
    _wait_idle(page, timeout)


def open_app(page: Page, base_url: str, path: str = "", *,
             timeout: float = RUN_TIMEOUT_MS) -> Page:
    """Load a page of the app in a new Streamlit session and wait for its first run."""
    page.goto(f"{base_url}/{path}")
    return wait_for_loaded(page, timeout=timeout)


def wait_for_loaded(page: Page, *, timeout: float = RUN_TIMEOUT_MS) -> Page:
    """After a load or reload: wait for the new session's first run to finish. A new session
    reports "notRunning" before that run starts, so first wait for what the run draws: the
    sidebar's engine control and the page's title (every page starts with an st.title)."""
    page.get_by_test_id("stAppViewContainer").wait_for(state="attached", timeout=timeout)
    page.locator(f"{SIDEBAR} .st-key-engine").wait_for(timeout=timeout)
    page.locator(f"{MAIN} h1").first.wait_for(timeout=timeout)
    wait_for_app(page, timeout=timeout)
    expect(page.locator(f"{MAIN} h1").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    return page
