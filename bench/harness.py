"""Timing helpers and the figure record every benchmark module returns.

The machine is small and noisy, so a figure that matters is a ratio against a baseline
measured in the same process, with the two interleaved (A B A B ...) so drift in the
machine's load hits both sides alike, and the median of several repeats reported.
"""

from __future__ import annotations

import gc
import io
import os
import random
import shutil
import socket
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image


@dataclass(frozen=True)
class Config:
    quick: bool = False

    def pick(self, full: Any, quick: Any) -> Any:
        return quick if self.quick else full


@dataclass
class Row:
    """One line of the table. `ok` is None for figures shown without a target."""

    figure: str  # the benchmark (one of bench.FIGURES)
    metric: str
    value: float | None
    unit: str
    target: str = ""
    ok: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def shown_value(self) -> str:
        if self.value is None:
            return "n/a"
        if self.unit == "x":
            return f"{self.value:.2f}x"
        if abs(self.value) >= 100:
            return f"{self.value:,.0f} {self.unit}".strip()
        return f"{self.value:.1f} {self.unit}".strip()

    def verdict(self) -> str:
        return "-" if self.ok is None else "pass" if self.ok else "FAIL"


@dataclass
class Timing:
    samples: list[float]  # seconds

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def median_ms(self) -> float:
        return self.median * 1000

    def summary(self) -> dict[str, Any]:
        ms = [s * 1000 for s in self.samples]
        return {"median_ms": round(statistics.median(ms), 3), "min_ms": round(min(ms), 3),
                "max_ms": round(max(ms), 3), "n": len(ms)}


def time_once(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def interleaved(
    fns: dict[str, Callable[[], Any]], *, repeats: int, warmup: int = 1
) -> dict[str, Timing]:
    """Time each function `repeats` times, alternating between them; median per name."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    gc.collect()  # once: a full collection costs tens of ms here, more than many samples
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for i in range(repeats):
        order = list(fns.items())
        if i % 2:  # alternate who goes first: neither always runs on a warm cache
            order.reverse()
        for name, fn in order:
            samples[name].append(time_once(fn))
    return {name: Timing(s) for name, s in samples.items()}


def repeat(fn: Callable[[], Any], *, repeats: int, warmup: int = 1) -> Timing:
    return interleaved({"fn": fn}, repeats=repeats, warmup=warmup)["fn"]


@contextmanager
def workdir(name: str) -> Iterator[Path]:
    """A scratch folder for one benchmark, removed afterwards whatever happens."""
    path = Path(tempfile.mkdtemp(prefix=f"image-studio-bench-{name}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def no_fsync() -> Iterator[None]:
    """Setup only: fill a store without waiting for the disk on every file. Never used
    around anything that is timed."""
    real = os.fsync
    os.fsync = lambda fd: None
    try:
        yield
    finally:
        os.fsync = real


@contextmanager
def env(**values: str | None) -> Iterator[None]:
    """Set (or, with None, unset) environment variables for the duration."""
    old = {k: os.environ.get(k) for k in values}
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


OFFLINE_ENV: dict[str, str | None] = {
    # the app answers from the offline emulator, never the real API, during benchmarks
    "GEMINI_API_KEY": None, "GOOGLE_API_KEY": None, "GOOGLE_GEMINI_BASE_URL": None,
    "GOOGLE_GENAI_USE_VERTEXAI": None,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def noise_png(width: int, height: int, *, levels: int = 6, seed: int = 0) -> bytes:
    """A PNG of random pixels. Random noise does not compress, so the size is set by
    `levels` per channel: 1024x1024 at 6 levels is about 1.5 MB, like a real 1K answer."""
    step = 256 // levels
    table = bytes((b % levels) * step for b in range(256))
    pixels = random.Random(seed).randbytes(width * height * 3).translate(table)
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(out, "PNG", compress_level=3)
    return out.getvalue()


def small_png(seed: int, size: int = 64) -> bytes:
    """A small distinct PNG for filling a gallery."""
    return noise_png(size, size, levels=16, seed=seed)


def _status_kb(field: str) -> int:
    """One KiB figure of this process from /proc/self/status (Linux); 0 elsewhere."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


def vm_hwm_kb() -> int:
    """Peak resident memory of this process so far (Linux), in KiB."""
    return _status_kb("VmHWM")


def rss_kb() -> int:
    """Resident memory of this process now (Linux), in KiB."""
    return _status_kb("VmRSS")


def reset_peak_rss() -> bool:
    """Start a fresh peak (Linux >= 4.0: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False
