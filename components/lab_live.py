"""The Prompt Lab's "Now" run on the page: started in its own thread, followed while it goes."""

from __future__ import annotations

import streamlit as st

from components import state
from studio.gemini.clients import NetworkSettings
from studio.lab import live
from studio.lab.backoff import SharedBackoff
from studio.lab.experiment import Cell, Experiment
from studio.lab.runner import CellResult, RunReport, run_cells

POLL_S = 0.5


def start_run(experiment: Experiment, cells: list[Cell], results: dict[str, CellResult],
              concurrency: int) -> None:
    """Run `cells` in the background; every finished cell is saved at once."""
    net = NetworkSettings.from_env()
    run = live.LiveRun(experiment.id, len(cells), results,
                       SharedBackoff(net.retry_attempts - 1, net.retry_initial_delay_s,
                                     net.retry_max_delay_s))
    book, client, store, catalog = (state.experiments(), state.client(), state.store(),
                                    state.catalog())
    engine, secrets, timeout = (state.active_engine(), state.secrets_in_use(),
                                state.settings().timeout_s)
    book.save(experiment, results)

    def arrived(result: CellResult, done: int, total: int) -> None:
        with run.lock:
            run.results[result.key] = result
            run.done = done
            book.save(experiment, run.results)  # kept at once: Stop loses nothing made

    def work(run: live.LiveRun) -> RunReport:
        return run_cells(client, store, catalog, experiment, cells, engine=engine,
                         concurrency=concurrency, cancel=run.cancel, on_result=arrived,
                         secrets=secrets, timeout_s=timeout, backoff=run.backoff)

    live.start(run, work)


def _progress(run: live.LiveRun, seen: int) -> None:
    st.progress(run.done / max(1, run.total), text=run.line())
    if run.finished or run.done != seen:
        st.rerun(scope="app")  # a cell arrived (or the run ended): the grid shows it


def save_judgement(experiment: Experiment, results: dict[str, CellResult]) -> None:
    """Save a rating or a note; while a run goes on, with every cell it has made so far
    (the page holds a copy, which may lack the cells that arrived since)."""
    run = live.current(experiment.id)
    if run is None or run.finished:
        state.experiments().save(experiment, results)
        return
    with run.lock:
        state.experiments().save(experiment, run.results)


def running(experiment_id: str) -> live.LiveRun | None:
    """The experiment's run in progress; one that ended is reported (once) and forgotten."""
    run = live.current(experiment_id)
    if run is not None and run.take_report():
        _report(run)
        live.forget(experiment_id)
        st.rerun()  # the notice is shown at the top of the page, on the next run
    return None if run is None or run.finished else run


def follow_run(run: live.LiveRun) -> None:
    """While a run goes on: its progress line (the shared wait included) and Stop."""
    with st.container(border=True):
        st.fragment(run_every=POLL_S)(_progress)(run, run.done)
        st.button("Stop", key="lab_cancel", icon=":material/stop:", on_click=run.cancel.set,
                  disabled=run.cancel.is_set(),
                  help="Cells on their way finish and are kept; no new cell starts. "
                       "Run the rest later with “Run the … left”.")


def _report(run: live.LiveRun) -> None:
    if run.error:
        state.notify("error", run.error)
        return
    report = run.report
    assert report is not None
    failed = sum(not r.ok for r in report.done)
    made = len(report.done) - failed
    if report.cancelled:
        state.notify("warning", f"Stopped: {made} of {run.total} cells made an image and are "
                     f"kept; {report.cancelled} never started. Run them with “Run the … left”.")
        return
    waits = (f" The rate limit paused the run {run.backoff.pauses} time"
             f"{'s' * (run.backoff.pauses != 1)}." if run.backoff.pauses else "")
    state.notify("error" if failed else "success",
                 f"{made} of {run.total} cells made an image"
                 + (f"; {failed} failed: run them again with “Run the … left”." if failed
                    else ".") + waits)
