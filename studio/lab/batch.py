"""Running an experiment through the Gemini Batch API: half price, answered later.

One job per model (a batch names its model). Requests go inline while they fit the
inline limit (20 MB, STUDIO_BATCH_INLINE_MB), else as a JSONL file through the Files
API, whose results come back as a file too. The jobs' names are saved with the
experiment, so the page follows them across reloads; when a job ends its answers are
kept in the gallery like any other cell, priced at the batch rate.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from typing import Any

from google import genai
from google.genai import _common, errors, types
from google.genai.batches import _InlinedRequest_to_mldev  # the SDK's own wire form

from studio.gallery.store import GalleryStore
from studio.gemini.calls import price
from studio.gemini.catalog import Catalog
from studio.gemini.errors import classify
from studio.gemini.requests import build_config
from studio.gemini.results import result_from_response
from studio.lab.experiment import Cell, Experiment, ExperimentError
from studio.lab.runner import CellResult, keep_cell

BATCH_PRICE = 0.5  # of the interactive price
INLINE_LIMIT_MB = 20.0  # inline batch requests above this go through the Files API
ENDED = {"JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"}
STATE_WORDS = {"JOB_STATE_PENDING": "waiting to start", "JOB_STATE_RUNNING": "running",
               "JOB_STATE_SUCCEEDED": "finished", "JOB_STATE_FAILED": "failed: none of its "
               "requests ran", "JOB_STATE_CANCELLED": "cancelled", "JOB_STATE_EXPIRED":
               "expired: not run within 48 hours", "gone": "gone"}
# Jobs that ended without answers: their cells are still to run.
UNANSWERED = {"JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED", "gone"}


@dataclass
class JobView:
    name: str
    model: str
    state: str  # a JOB_STATE_* name, or "gone"
    collected: bool = False
    source: str = "inline"  # "inline" requests, or "file" (JSONL through the Files API)
    cells: int = 0

    @property
    def ended(self) -> bool:
        return self.state in ENDED or self.state == "gone"


def inline_limit_bytes() -> int:
    try:
        return int(float(os.environ.get("STUDIO_BATCH_INLINE_MB", INLINE_LIMIT_MB)) * 2**20)
    except ValueError:
        return int(INLINE_LIMIT_MB * 2**20)


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
        display = f"{experiment.name} ({model})"
        src: Any = requests
        if size > inline_limit_bytes():  # too big to send inline: a JSONL file instead
            src = _upload_jsonl(client, requests, display)
        job = client.batches.create(model=model, src=src, config={"display_name": display})
        jobs.append(JobView(str(job.name), model, _state(job),
                            source="inline" if src is requests else "file", cells=len(group)))
    return jobs


def _upload_jsonl(client: genai.Client, requests: list[types.InlinedRequest],
                  display: str) -> str:
    """The requests as the Batch API's JSONL input file, uploaded; its name ("files/...")."""
    lines = []
    for request in requests:
        # the very JSON the SDK sends for an inline request (as batches.create does)
        wire = _common.encode_unserializable_types(_common.convert_to_dict(
            _InlinedRequest_to_mldev(client._api_client, request)))
        lines.append(json.dumps({"key": (request.metadata or {})["key"],
                                 "request": wire["request"]}, ensure_ascii=False))
    data = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))
    uploaded = client.files.upload(file=data, config={"mime_type": "application/jsonl",
                                                      "display_name": f"{display} input"})
    if not uploaded.name:
        raise ExperimentError("The batch input file was uploaded but has no name.")
    return uploaded.name


def answers_of(client: genai.Client, job: types.BatchJob
               ) -> list[tuple[str, types.GenerateContentResponse | None, Any]]:
    """A finished job's (cell key, response, error) triples, inline or from its file."""
    dest = job.dest
    if dest is not None and dest.file_name:
        out = []
        for line in client.files.download(file=dest.file_name).decode("utf-8").splitlines():
            if not line.strip():
                continue
            entry = json.loads(line)
            response = entry.get("response")
            out.append((str(entry.get("key", "")), None if response is None else
                        types.GenerateContentResponse._from_response(response=response,
                                                                     kwargs={}),
                        entry.get("error")))
        return out
    return [(str((a.metadata or {}).get("key")), a.response, a.error)
            for a in (dest.inlined_responses if dest else None) or []]


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


def collect(store: GalleryStore, catalog: Catalog, experiment: Experiment, job_name: str,
            answers: list[tuple[str, types.GenerateContentResponse | None, Any]],
            cells: dict[str, Cell], *, engine: str) -> list[CellResult]:
    """Keep every answer of a finished job; a failed request becomes a failed cell."""
    out: list[CellResult] = []
    for key, response, error in answers:
        cell = cells.get(key)
        if cell is None:
            continue
        if error is not None or response is None:
            code, message = (error.get("code"), error.get("message")) if isinstance(
                error, dict) else (getattr(error, "code", None), getattr(error, "message", ""))
            out.append(CellResult(cell.key, message=f"The batch request failed "
                                  f"({code or '?'}): {message or 'no reason given'}",
                                  error_kind="batch"))
            continue
        result = result_from_response(cell.model, response)
        result.cost_usd = BATCH_PRICE * price(result, catalog.get(cell.model),
                                              experiment.image_size)
        out.append(keep_cell(store, experiment, cell, result, engine=engine, batch=job_name))
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
    known = JobView.__dataclass_fields__
    return [JobView(**{k: v for k, v in j.items() if k in known}) for j in json.loads(text or "[]")]
