"""The Prompt Lab's batch jobs: submitted, followed on every run, collected when they end."""

from __future__ import annotations

import streamlit as st

from components import state
from studio.lab.batch import (
    STATE_WORDS,
    UNANSWERED,
    JobView,
    answers_of,
    collect,
    describe,
    follow,
    submit,
)
from studio.lab.experiment import Cell, Experiment
from studio.lab.runner import CellResult


def submit_jobs(experiment: Experiment, cells: list[Cell],
                results: dict[str, CellResult]) -> None:
    try:
        jobs = submit(state.client(), state.catalog(), experiment, cells)
    except Exception as exc:  # shown, never a traceback: quota, network, refusal
        state.notify("error", f"The batch was not submitted: {describe(exc, cells[0].model)}")
        return
    book = state.experiments()
    book.save(experiment, results)
    book.save_jobs(experiment.id, [*book.jobs(experiment.id), *jobs])
    state.notify("success", f"Submitted {len(cells)} cells as {len(jobs)} batch job"
                 f"{'s' * (len(jobs) != 1)} at half price. Results arrive here when they "
                 "end (the API aims for 24 hours; the offline emulator takes seconds).")


def follow_jobs(experiment: Experiment, results: dict[str, CellResult]) -> list[JobView]:
    """Check every job not yet collected; keep the answers of those that ended."""
    book = state.experiments()
    jobs = book.jobs(experiment.id)
    open_jobs = [j for j in jobs if not j.collected]
    if not open_jobs:
        return jobs
    cells = {c.key: c for c in experiment.cells()}
    changed = False
    for job in open_jobs:
        try:
            found = follow(state.client(), job)
        except Exception as exc:
            st.warning(f"Could not check batch {job.name}: {describe(exc, job.model)}")
            continue
        if found is not None and job.state == "JOB_STATE_SUCCEEDED":
            try:
                answers = answers_of(state.client(), found)
            except Exception as exc:  # the results file could not be read: try again later
                st.warning(f"Could not read the results of batch {job.name}: "
                           f"{describe(exc, job.model)}")
                continue
            for result in collect(state.store(), state.catalog(), experiment, job.name,
                                  answers, cells, engine=state.active_engine()):
                results[result.key] = result
            job.collected = changed = True
        elif job.ended:
            job.collected = changed = True
    if changed:
        book.save(experiment, results)
    book.save_jobs(experiment.id, jobs)
    return jobs


def job_panel(jobs: list[JobView]) -> None:
    if not jobs:
        return
    waiting = [j for j in jobs if not j.ended]
    with st.container(border=True):
        st.markdown("**Batch jobs**")
        for job in jobs:
            words = STATE_WORDS.get(job.state, job.state)
            if job.state == "gone":
                words += " (the offline emulator forgets jobs when the app restarts: run again)"
            how = "as a JSONL file" if job.source == "file" else "inline"
            count = f"{job.cells} cells " if job.cells else ""
            line = f"{job.model} · `{job.name}` · {count}{how} · {words}"
            if job.state in UNANSWERED:  # said as a warning: its cells are still to run
                st.warning(line + ". Its cells can run again with “Run the … left”.",
                           icon=":material/error:")
            elif job.state == "JOB_STATE_SUCCEEDED":
                st.success(line, icon=":material/check_circle:")
            else:
                st.info(line, icon=":material/hourglass_top:")
        if waiting:
            st.button("Check the batch now", key="lab_refresh", icon=":material/refresh:")
