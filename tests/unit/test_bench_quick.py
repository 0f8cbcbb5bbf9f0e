"""The benchmark suite runs end to end on tiny sizes. Timings are printed, never asserted:
this machine is too noisy for a timed test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import FIGURES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_bench_runs_every_figure() -> None:
    env = {**os.environ, "STREAMLIT_LOGGER_LEVEL": "error"}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--no-write"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = done.stdout
    assert "figure" in table and "target" in table, table
    for name in FIGURES:
        assert f"\n{name} " in table, f"{name} missing from:\n{table}"
    assert "(crashed)" not in table, table


def test_app_env_sends_every_run_through_app_py_and_puts_streamlit_back() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    from bench.apptest import navigation_not_pages_directory

    original, flag = PagesManager.__init__, PagesManager.uses_pages_directory
    with navigation_not_pages_directory():
        PagesManager.uses_pages_directory = None  # as AppTest does before every run
        PagesManager(str(ROOT / "app.py"))  # pages/ is beside app.py
        assert PagesManager.uses_pages_directory is False
    assert PagesManager.__init__ is original
    assert PagesManager.uses_pages_directory is flag
