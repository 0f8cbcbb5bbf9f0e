"""Runs in progress, one per experiment, in a thread of their own.

A run outlives the script run that started it: the page can be reloaded, left and
reopened (in any session) while it goes on, and Stop is an ordinary click that sets
`cancel`. Each finished cell is saved by the run itself, so nothing made is lost
whatever the page does meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from studio.gemini.errors import classify
from studio.lab.backoff import SharedBackoff
from studio.lab.runner import CellResult, RunReport


@dataclass
class LiveRun:
    experiment_id: str
    total: int
    results: dict[str, CellResult]  # the experiment's results, filled in as cells finish
    backoff: SharedBackoff
    cancel: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: int = 0
    report: RunReport | None = None  # set when the run has ended
    error: str | None = None  # the run itself broke (not one cell): what to say
    reported: bool = False

    @property
    def finished(self) -> bool:
        return self.report is not None or self.error is not None

    def line(self) -> str:
        """The progress line: the shared wait while rate limited, else the count."""
        if self.cancel.is_set() and not self.finished:
            return f"Stopping: {self.done} of {self.total} done, waiting for the cells in flight"
        waiting = self.backoff.status()
        done = f"{self.done} of {self.total} cells done"
        return f"{waiting} · {done}" if waiting else done

    def snapshot(self) -> dict[str, CellResult]:
        """The results so far, copied: the page iterates them while the run adds more."""
        with self.lock:
            return dict(self.results)

    def take_report(self) -> bool:
        """True once, for the first page run that sees the run ended (it says how it went)."""
        with self.lock:
            if not self.finished or self.reported:
                return False
            self.reported = True
            return True


_runs: dict[str, LiveRun] = {}
_lock = threading.Lock()


def current(experiment_id: str) -> LiveRun | None:
    with _lock:
        return _runs.get(experiment_id)


def start(run: LiveRun, work: Callable[[LiveRun], RunReport]) -> LiveRun:
    """Start `work(run)` in a thread; refused (the running one returned) while one runs."""
    with _lock:
        running = _runs.get(run.experiment_id)
        if running is not None and not running.finished:
            return running
        _runs[run.experiment_id] = run

    def body() -> None:
        try:
            run.report = work(run)
        except Exception as exc:  # a broken run says so on the page, not in a log only
            run.error = f"The run stopped: {classify(exc, model='the model').message}"

    threading.Thread(target=body, name=f"lab-run-{run.experiment_id}", daemon=True).start()
    return run


def forget(experiment_id: str) -> None:
    with _lock:
        run = _runs.get(experiment_id)
        if run is not None and run.finished:
            del _runs[experiment_id]
