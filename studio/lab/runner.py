"""Running an experiment's cells now: in parallel under a limit, with progress and cancel.

Every cell is its own call (image models refuse candidateCount > 1). Rate limits and
server faults are retried by the run, not the SDK: a 429 on one cell pauses every worker
for the API's hinted time (studio.lab.backoff), and a cell that still fails is reported
as such and can be run again on its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from google import genai

from studio.gallery.store import GalleryStore
from studio.gemini.calls import generate
from studio.gemini.catalog import Catalog
from studio.gemini.clients import NetworkSettings
from studio.gemini.requests import build_config
from studio.gemini.results import Result
from studio.lab.backoff import NO_SDK_RETRY, SharedBackoff, worth_retrying
from studio.lab.experiment import Cell, Experiment
from studio.making.keeping import Origin, keep_answer
from studio.making.turns import AnswerFacts
from studio.making.wording import record

PAGE = "lab"
DEFAULT_CONCURRENCY = 4


@dataclass
class CellResult:
    """What one cell made: its gallery item (if any), facts, and how it ended."""

    key: str
    item_id: str | None = None
    message: str | None = None  # a refusal or failure, in the user's words
    error_kind: str | None = None
    facts: AnswerFacts | None = None
    rating: int | None = None
    note: str = ""
    winner: bool = False

    @property
    def ok(self) -> bool:
        return self.item_id is not None and self.error_kind is None


@dataclass
class RunReport:
    done: list[CellResult] = field(default_factory=list)
    cancelled: int = 0  # cells never started because the run was cancelled
    seconds: float = 0.0


def experiment_tag(experiment: Experiment) -> str:
    return f"experiment:{experiment.id}"


def keep_cell(store: GalleryStore, experiment: Experiment, cell: Cell, result: Result, *,
              engine: str, **context: Any) -> CellResult:
    """Keep a cell's answer in the gallery, tagged with its experiment, and say how it went."""
    settings = experiment.settings_for(cell)
    origin = Origin(page=PAGE, prompt=cell.prompt, engine=engine,
                    conversation_id=experiment.id, turn=cell.row,
                    extra={"experiment": {"id": experiment.id, "name": experiment.name,
                                          "cell": cell.key, "values": dict(cell.values),
                                          **context},
                           **record(experiment.name or cell.prompt, cell.prompt)},
                    tags=(experiment_tag(experiment),))
    items = keep_answer(store, result, settings, origin)
    return CellResult(cell.key, items[0].id if items else None, result.message,
                      result.error.kind if result.error else None,
                      AnswerFacts.of(result, settings, engine))


def run_cells(
    client: genai.Client,
    store: GalleryStore,
    catalog: Catalog,
    experiment: Experiment,
    cells: Iterable[Cell],
    *,
    engine: str,
    concurrency: int = DEFAULT_CONCURRENCY,
    cancel: threading.Event | None = None,
    on_result: Callable[[CellResult, int, int], None] | None = None,
    secrets: tuple[str | None, ...] = (),
    timeout_s: float = 120.0,
    backoff: SharedBackoff | None = None,
) -> RunReport:
    """Run `cells`, at most `concurrency` at once; `on_result(result, done, total)` is
    called in the caller's thread as each finishes. A set `cancel` starts no new cell (nor
    a new attempt). `backoff` is shared by the run's workers (default: STUDIO_RETRY_*)."""
    todo = list(cells)
    cancel = cancel or threading.Event()
    if backoff is None:
        net = NetworkSettings.from_env()
        backoff = SharedBackoff(net.retry_attempts - 1, net.retry_initial_delay_s,
                                net.retry_max_delay_s)
    report = RunReport()
    started = time.perf_counter()

    def one(cell: Cell) -> CellResult | None:
        settings = experiment.settings_for(cell, timeout_s=timeout_s)
        info = catalog.get(cell.model)
        config = build_config(settings, info)
        config.http_options = NO_SDK_RETRY  # the run retries; the SDK's retry would multiply
        result: Result | None = None
        for retry in range(backoff.retries + 1):
            if not backoff.wait(cancel):  # stopped while the run was paused
                break
            result = generate(client, settings, info, [cell.prompt], config, secrets=secrets)
            if not worth_retrying(result.error) or retry == backoff.retries or cancel.is_set():
                break
            assert result.error is not None
            pause = backoff.delay(result.error, retry + 1)
            if result.error.kind == "quota":  # the quota is shared: every worker waits
                backoff.hold(pause, retry + 1)
            elif cancel.wait(pause):  # a server fault: only this cell waits
                break
        return None if result is None else keep_cell(store, experiment, cell, result,
                                                     engine=engine)

    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="lab") as pool:
        pending: set[Future[CellResult]] = set()
        queue = iter(todo)
        while True:
            while len(pending) < max(1, concurrency) and not cancel.is_set():
                cell = next(queue, None)
                if cell is None:
                    break
                pending.add(pool.submit(one, cell))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                if (done := future.result()) is None:
                    continue  # cancelled before its first attempt
                report.done.append(done)
                if on_result is not None:
                    on_result(report.done[-1], len(report.done), len(todo))
    report.cancelled = len(todo) - len(report.done)
    report.seconds = time.perf_counter() - started
    return report
