"""Figure 7: start-up. `streamlit run app.py` to the Home page rendered in a browser, and
the Home page's script run time under AppTest. Figures only: no targets.

The browser (headless Chromium through Playwright, else `chromium --dump-dom`) is
started before the server, so its own launch is not counted.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.apptest import ROOT, PageError, app_env, open_page, rerun
from bench.harness import OFFLINE_ENV, Config, Row, free_port, repeat, workdir

FIGURE = "startup"
TITLE = "Image Studio"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"]
DEADLINE_S = 90.0

Render = Callable[[str], None]  # load the URL and return once the Home title is on screen


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode(errors="replace")
    except OSError:
        return None


def _wait_health(port: int, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        if _get(f"http://127.0.0.1:{port}/_stcore/health") == "ok":
            return
        time.sleep(0.02)
    raise TimeoutError("streamlit did not become healthy")


@contextlib.contextmanager
def _playwright_render() -> Iterator[Render]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS[1:])
        try:
            def render(url: str) -> None:
                page = browser.new_page()
                try:
                    page.goto(url, wait_until="commit")
                    page.get_by_role("heading", name=TITLE).first.wait_for(
                        state="visible", timeout=DEADLINE_S * 1000)
                finally:
                    page.close()

            yield render
        finally:
            browser.close()


@contextlib.contextmanager
def _dump_dom_render() -> Iterator[Render]:
    def render(url: str) -> None:
        deadline = time.perf_counter() + DEADLINE_S
        while time.perf_counter() < deadline:
            done = subprocess.run(
                [CHROMIUM, *CHROMIUM_FLAGS, "--virtual-time-budget=5000", "--dump-dom", url],
                capture_output=True, text=True, timeout=DEADLINE_S, check=False)
            if TITLE in done.stdout and "<h1" in done.stdout:
                return
        raise TimeoutError("the Home title never appeared in Chromium's DOM")

    yield render


def _browser() -> tuple[contextlib.AbstractContextManager[Render] | None, str]:
    if shutil.which(CHROMIUM) is None:
        return None, "no chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return _dump_dom_render(), "chromium --dump-dom"
    return _playwright_render(), "playwright + chromium"


def _start_once(data: Path, render: Render | None) -> dict[str, Any]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false"]
    child_env = {**os.environ, "STUDIO_DATA_DIR": str(data)}
    for name in OFFLINE_ENV:
        child_env.pop(name, None)
    log = data.parent / f"streamlit-{port}.log"
    started = time.perf_counter()
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env, stdout=sink,
                                stderr=subprocess.STDOUT)
    try:
        try:
            _wait_health(port, proc, started + DEADLINE_S)
        except (RuntimeError, TimeoutError) as exc:
            tail = log.read_text(errors="replace").strip().splitlines()[-5:]
            raise RuntimeError(f"{exc}: {' / '.join(tail)}") from exc
        healthy = time.perf_counter()
        out = {"health_s": healthy - started}
        if render is not None:
            try:
                render(f"http://127.0.0.1:{port}/")
                out["rendered_s"] = time.perf_counter() - started
                out["first_load_s"] = time.perf_counter() - healthy
                again = time.perf_counter()
                render(f"http://127.0.0.1:{port}/")  # warm server: the browser's share alone
                out["second_load_s"] = time.perf_counter() - again
            except Exception as exc:  # the browser side is best effort: keep the health figure
                out["render_error"] = f"{type(exc).__name__}: {exc}"[:200]
        return out
    finally:
        proc.send_signal(signal.SIGTERM)  # this server only, by its pid
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def run(cfg: Config) -> list[Row]:
    runs = cfg.pick(3, 1)
    browser, how = _browser()
    rows: list[Row] = []
    with workdir(FIGURE) as root, app_env():
        data = root / "data"
        try:
            with browser or contextlib.nullcontext() as render:
                results = [_start_once(data, render) for _ in range(runs)]
        except (RuntimeError, TimeoutError, OSError) as exc:  # the app did not come up
            return [Row(FIGURE, "streamlit run -> /_stcore/health ok", None, "ms",
                        note=f"server did not start: {exc}"[:300])]
        health = statistics.median(r["health_s"] for r in results) * 1000
        rows.append(Row(FIGURE, "streamlit run -> /_stcore/health ok", health, "ms",
                        note=f"median of {runs}", extra={"runs": results}))
        rendered = [r["rendered_s"] * 1000 for r in results if "rendered_s" in r]
        warm = [r["second_load_s"] * 1000 for r in results if "second_load_s" in r]
        errors = [r["render_error"] for r in results if "render_error" in r]
        if rendered:
            first = statistics.median(r["first_load_s"] for r in results if "first_load_s" in r)
            note = (f"{how}, {len(rendered)} of {runs} runs; page load {first * 1000:,.0f} ms "
                    f"cold" + (f", {statistics.median(warm):,.0f} ms warm" if warm else ""))
            if errors:
                note += f"; browser error: {errors[0]}"
            rows.append(Row(FIGURE, "streamlit run -> Home rendered", statistics.median(rendered),
                            "ms", note=note))
        else:
            why = errors[0] if errors else how
            rows.append(Row(FIGURE, "streamlit run -> Home rendered", None, "ms",
                            note=f"not measured: {why}"))
        try:
            at = open_page("home", data)
            timing = repeat(lambda: rerun(at, data, "home"), repeats=cfg.pick(9, 2))
            rows.append(Row(FIGURE, "Home script run (AppTest)", timing.median_ms, "ms",
                            extra=timing.summary()))
        except PageError as exc:
            rows.append(Row(FIGURE, "Home script run (AppTest)", None, "ms", note=str(exc)[:300]))
    return rows
