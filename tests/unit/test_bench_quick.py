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
