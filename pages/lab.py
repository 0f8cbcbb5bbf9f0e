"""Prompt Lab: one idea in several wordings, on several models and settings, side by side."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from components import links, state
from components.conversations import show_notices
from components.lab_batch import follow_jobs, job_panel, submit_jobs
from components.lab_grid import compare_bar, results_grid
from components.lab_live import follow_run, running, start_run
from components.prompt_library import lab_prompt_tools
from studio.lab.experiment import Experiment, ExperimentError, variables_in
from studio.lab.runner import CellResult
from studio.lab.sheet import contact_sheet_png, ratings_csv

PAGE = "lab"
st.title(":material/science: Prompt Lab")
st.caption("Write a prompt with {variables}, give each variable its values, cross them with "
           "models, aspect ratios and seeds, and judge the grid. Every image lands in the "
           "gallery, tagged with its experiment.")
links.follow_experiment()  # a link or a reload names the open experiment
show_notices()


def _budget() -> float | None:
    try:
        return float(os.environ["STUDIO_BUDGET_USD"])
    except (KeyError, ValueError):
        return None


def _values(text: str) -> list[str]:
    return [v.strip() for v in (text or "").split(",") if v.strip()]


def _seeds(text: str) -> list[int | None]:
    seeds: list[int | None] = []
    for piece in _values(text):
        if piece.lower() == "random":
            seeds.append(None)
            continue
        if not piece.isdigit():
            raise ExperimentError(f"Seeds are whole numbers (or “random”) separated by commas, "
                                  f"not {piece!r}.")
        seeds.append(int(piece))
    return seeds or [None]


def _seeds_text(seeds: list[int | None]) -> str:
    return "" if seeds == [None] else ", ".join("random" if s is None else str(s) for s in seeds)


def _reopen() -> None:
    """Open the chosen experiment (or a new one) and let the form refill from it."""
    chosen = state.widget_value("lab_open")
    state.open_experiment(None if chosen in (None, "new") else chosen)
    _forget_form()


def _duplicate(experiment_id: str) -> None:
    """Open a copy of the experiment: same matrix and settings, a new id, no results."""
    found = state.experiments().load(experiment_id)
    if found is None:
        state.notify("error", "That experiment is no longer there.")
        return
    copy = found[0].duplicate()
    state.experiments().save(copy, {})
    _forget_form()
    state.open_experiment(copy.id)
    state.notify("success", f"Duplicated as “{copy.name}”: the same matrix, no results yet.")


def _forget_form() -> None:
    state.set_lab_rows(None)
    for prefix in ("lab_name", "lab_table", "lab_var_", "lab_models", "lab_ratios", "lab_seeds",
                   "lab_rate_", "lab_win_", "lab_note_", "lab_cmp_"):
        state.clear_widgets(prefix)


saved = state.experiments().list()
if saved:
    # labels that do not change while a run saves cells: a changed option list would make
    # the browser drop the choice (and with it the open experiment)
    labels = {s.id: f"{s.name} · {s.cells} cells · {s.id[:6]}" for s in saved}
    options = ["new", *labels]
    current = state.open_experiment_id()
    if current in labels and state.widget_value("lab_open") != current:
        # opened by a run or a duplicate: the selector says so (set before it is drawn, so
        # the browser is told; dropping its state instead would let the browser's stale
        # choice come back as a change)
        state.set_widgets({"lab_open": current})
    pick, copy = st.columns([5, 1], vertical_alignment="bottom")
    pick.selectbox("Saved experiments", options, key="lab_open", on_change=_reopen,
                   index=options.index(current) if current in options else 0,
                   format_func=lambda i: "New experiment" if i == "new" else labels[i])
    if current in labels:
        copy.button("Duplicate", key="lab_duplicate", icon=":material/content_copy:",
                    on_click=_duplicate, args=(current,), width="stretch",
                    help="A new experiment with the same matrix and settings, no results.")

opened = state.experiments().load(state.open_experiment_id()) if state.open_experiment_id() \
    else None
catalog = state.catalog()
state.init_widgets({"lab_name": opened[0].name if opened else "Coffee shop poster",
                    "lab_models": opened[0].models if opened else [catalog.default_model],
                    "lab_ratios": opened[0].aspect_ratios if opened else ["1:1"],
                    "lab_seeds": _seeds_text(opened[0].seeds) if opened else "",
                    "lab_concurrency": 4})
with st.container(border=True):
    name = st.text_input("Experiment name", key="lab_name")
    rows = state.lab_rows()  # set when a saved prompt was added as a row
    table = st.data_editor(
        pd.DataFrame({"prompt": rows if rows is not None else opened[0].prompts if opened else
                      ["A poster for a coffee shop that says {headline}"]}),
        key="lab_table", num_rows="dynamic", width="stretch",
        column_config={"prompt": st.column_config.TextColumn("Prompt", width="large")})
    prompts = [str(p) for p in table["prompt"].tolist() if isinstance(p, str) and p.strip()]
    variables: dict[str, list[str]] = {}
    for var in variables_in(prompts):
        state.init_widgets({f"lab_var_{var}": ", ".join(opened[0].variables.get(var, []))
                            if opened else "OPEN LATE, FRESH BEANS"})
        variables[var] = _values(st.text_input(f"Values of {{{var}}} (comma-separated)",
                                               key=f"lab_var_{var}"))
    models = st.multiselect("Models", catalog.ids(), key="lab_models",
                            format_func=lambda i: catalog.get(i).label)
    mid, right, far = st.columns([2, 2, 1])
    ratios = mid.multiselect("Aspect ratios", list(catalog.aspect_ratio_pixels),
                             key="lab_ratios")
    seeds_text = right.text_input("Seeds (blank = random)", key="lab_seeds",
                                  help="A fixed seed across a row changes only the wording; "
                                       "“random” adds a column with a random seed.")
    concurrency = far.number_input("At once", 1, 8, key="lab_concurrency")
    mode = st.segmented_control(
        "Run", ["Now", "Batch"], default="Now", key="lab_mode",
        help="Now: parallel calls, results in seconds. Batch: the Gemini Batch API at half "
             "price, results within 24 hours (seconds offline).") or "Now"
lab_prompt_tools(prompts, variables)

try:
    experiment = Experiment(name=name or "Untitled experiment", prompts=prompts,
                            variables=variables, models=models, aspect_ratios=ratios or ["1:1"],
                            seeds=_seeds(seeds_text), image_size=state.settings().image_size)
    if opened:  # the same experiment, edited: its id (and so its saved results) stay
        experiment.id = opened[0].id
    calls, cost, seconds = experiment.estimate(catalog, concurrency=int(concurrency),
                                               batch=mode == "Batch")
    problem = None
except ExperimentError as exc:
    problem, calls, cost, seconds = str(exc), 0, 0.0, 0.0

results: dict[str, CellResult] = opened[1] if opened else {}
run = None if problem else running(experiment.id)
if run is not None:
    results = run.snapshot()  # a copy: the run adds cells while the page draws
if problem:
    st.warning(problem, icon=":material/edit_note:")
else:
    when = ("within 24 hours, at batch price" if mode == "Batch"
            else f"about {seconds:.0f} s at {int(concurrency)} at once")
    st.caption(f"{calls} call{'s' * (calls != 1)} · ≈ ${cost:.2f} · {when}")
budget = _budget()
over = budget is not None and cost > budget
if over:
    st.warning(f"This run (≈ ${cost:.2f}) is over the budget of ${budget:.2f} "
               "(STUDIO_BUDGET_USD).", icon=":material/savings:")
    over = not st.checkbox("Run it anyway", key="lab_over_budget")
missing = [] if problem else [c for c in experiment.cells()
                              if c.key not in results or not results[c.key].ok]
buttons = st.columns([1, 1, 4])
read_only = state.read_only_reason()
run_all = buttons[0].button("Run", key="lab_run", type="primary", icon=":material/play_arrow:",
                            disabled=bool(problem) or over or bool(read_only) or bool(run),
                            help=read_only)
# after some results, or a batch that ended without answers (failed, expired, cancelled)
started = bool(results) or bool(opened and state.experiments().jobs(experiment.id))
rerun = bool(started and missing and run is None) and buttons[1].button(
    f"Run the {len(missing)} left", key="lab_run_missing",
    disabled=over or bool(read_only) or bool(run),
    help="The cells that failed or were never run, as they are now.")
if (run_all or rerun) and mode == "Batch":
    state.open_experiment(experiment.id)
    submit_jobs(experiment, experiment.cells() if run_all else missing,
                {} if run_all else results)
    st.rerun()
if run_all or rerun:
    cells = experiment.cells() if run_all else missing
    state.open_experiment(experiment.id)
    start_run(experiment, cells, {} if run_all else results, int(concurrency))
    st.rerun()

if run is not None:
    follow_run(run)
if opened and not problem:
    job_panel(follow_jobs(experiment, results))
if results and not problem:
    st.subheader(f"Results: {experiment.name}", anchor=False)
    compare_bar(results)
    results_grid(experiment, results)
    stem = experiment.name.lower().replace(" ", "-")[:40] or "experiment"
    files = st.columns(3)
    # made only when clicked (data is a callable), without rerunning the page
    files[0].download_button(
        "Contact sheet (PNG)", key="lab_sheet", icon=":material/grid_view:",
        data=lambda: contact_sheet_png(experiment, results, state.store(), catalog),
        file_name=f"{stem}-grid.png", mime="image/png", on_click="ignore", width="stretch",
        help="The whole grid as one labelled image: axes, every cell, stars, winners, cost.")
    files[1].download_button(
        "Ratings (CSV)", key="lab_csv", icon=":material/table:",
        data=lambda: ratings_csv(experiment, results), file_name=f"{stem}-ratings.csv",
        mime="text/csv", on_click="ignore", width="stretch")
    files[2].download_button("Experiment file (TOML)", data=experiment.to_toml(),
                             file_name=f"{stem}.toml", mime="application/toml",
                             key="lab_download", icon=":material/download:", width="stretch",
                             on_click="ignore",
                             help="Run it headless: python -m studio lab run FILE")
