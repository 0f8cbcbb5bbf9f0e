"""Running an experiment through the Gemini Batch API: half price, answered later.

One job per model (a batch names its model). The jobs' names are saved with the
experiment, so the page follows them across reloads; when a job ends its answers are
kept in the gallery like any other cell, priced at the batch rate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from google import genai
from google.genai import errors, types

from studio.gallery.store import GalleryStore
from studio.gemini.calls import price
from studio.gemini.catalog import Catalog
from studio.gemini.errors import classify
from studio.gemini.requests import build_config
from studio.gemini.results import result_from_response
from studio.lab.experiment import Cell, Experiment, ExperimentError
from studio.lab.runner import CellResult, keep_cell

BATCH_PRICE = 0.5  # of the interactive price
INLINE_LIMIT = 20 * 1024 * 1024  # inline batch requests above this go through the Files API
ENDED = {"JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"}
STATE_WORDS = {"JOB_STATE_PENDING": "waiting to start", "JOB_STATE_RUNNING": "running",
               "JOB_STATE_SUCCEEDED": "finished", "JOB_STATE_FAILED": "failed",
               "JOB_STATE_CANCELLED": "cancelled", "JOB_STATE_EXPIRED": "expired (not run "
               "within 48 hours)", "gone": "gone"}


@dataclass
class JobView:
    name: str
    model: str
    state: str  # a JOB_STATE_* name, or "gone"
    collected: bool = False

    @property
    def ended(self) -> bool:
        return self.state in ENDED or self.state == "gone"


def submit(client: genai.Client, catalog: Catalog, experiment: Experiment,
           cells: list[Cell]) -> list[JobView]:
    """Submit `cells` as one batch job per model; returns the jobs, pending."""
    by_model: dict[str, list[Cell]] = {}
    for cell in cells:
        by_model.setdefault(cell.model, []).append(cell)
    jobs: list[JobView] = []
    for model, group in by_model.items():
        info = catalog.get(model)
        requests = [types.InlinedRequest(
            contents=[types.Content(role="user", parts=[types.Part(text=c.prompt)])],
            config=build_config(experiment.settings_for(c), info),
            metadata={"key": c.key}) for c in group]
        size = sum(len(r.model_dump_json(exclude_none=True)) for r in requests)
        if size > INLINE_LIMIT:
            raise ExperimentError(f"These {len(group)} requests are {size / 1e6:.1f} MB, over the "
                                  "20 MB inline batch limit; split the experiment.")
        job = client.batches.create(model=model, src=requests,
                                    config={"display_name": f"{experiment.name} ({model})"})
        jobs.append(JobView(str(job.name), model, _state(job)))
    return jobs


def follow(client: genai.Client, job: JobView) -> types.BatchJob | None:
    """The job as the API has it now; None (state "gone") when it no longer exists."""
    try:
        found = client.batches.get(name=job.name)
    except errors.ClientError as exc:
        if exc.code == 404:
            job.state = "gone"
            return None
        raise
    job.state = _state(found)
    return found


def collect(store: GalleryStore, catalog: Catalog, experiment: Experiment,
            job: types.BatchJob, cells: dict[str, Cell], *, engine: str) -> list[CellResult]:
    """Keep every answer of a finished job; a failed request becomes a failed cell."""
    out: list[CellResult] = []
    for answer in (job.dest.inlined_responses if job.dest else None) or []:
        cell = cells.get(str((answer.metadata or {}).get("key")))
        if cell is None:
            continue
        if answer.error is not None or answer.response is None:
            error = answer.error
            out.append(CellResult(cell.key, message=f"The batch request failed "
                                  f"({getattr(error, 'code', '?')}): "
                                  f"{getattr(error, 'message', '') or 'no reason given'}",
                                  error_kind="batch"))
            continue
        result = result_from_response(cell.model, answer.response)
        result.cost_usd = BATCH_PRICE * price(result, catalog.get(cell.model),
                                              experiment.image_size)
        out.append(keep_cell(store, experiment, cell, result, engine=engine, batch=job.name))
    return out


def describe(exc: Exception, model: str) -> str:
    """A failed submit or check, in the user's words."""
    return classify(exc, model=model).message


def _state(job: types.BatchJob) -> str:
    state = job.state
    return str(getattr(state, "value", state) or "JOB_STATE_PENDING")


def jobs_to_json(jobs: list[JobView]) -> str:
    return json.dumps([vars(j) for j in jobs])


def jobs_from_json(text: str) -> list[JobView]:
    return [JobView(**j) for j in json.loads(text or "[]")]
