"""The Batch API: jobs of inline requests or of a JSONL file, answered by the same
generate pipeline.

A job is pending, then running, then succeeded, on a clock a test can shorten
(`Emulator(batch_seconds=(0, 0))`); it can be cancelled or deleted meanwhile. Results
are made once, when the job is first seen finished; a request that fails carries its
error in place of a response, as the API reports per-request failures. A job read from
a file answers in a file (`output.responsesFile`, one JSON line per request).
A display name holding `[batch:failed]` or `[batch:expired]` ends the job that way
instead, so a test (or a browser journey, through the experiment's name) can see both.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .files import FileStore
from .wire import WireError

# (model id, one inline request as JSON) -> (HTTP status, response or error JSON)
RunOne = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]
_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch"
_FATE = re.compile(r"\[batch:(failed|expired)\]")


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class _Job:
    name: str
    model: str
    display_name: str
    requests: list[dict[str, Any]]
    created: float
    cancelled: float | None = None
    results: list[dict[str, Any]] | None = None
    finished: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    fate: str = "SUCCEEDED"  # how the job ends: SUCCEEDED, FAILED or EXPIRED
    from_file: bool = False  # read from an uploaded JSONL file: answered in a file
    results_file: str | None = None


class BatchQueue:
    """The emulator's batch jobs, by name ("batches/<id>")."""

    def __init__(self, run_one: RunOne, seconds: tuple[float, float] = (2.0, 6.0),
                 files: FileStore | None = None) -> None:
        self.run_one = run_one
        self.files = files or FileStore()
        self.seconds = seconds  # (pending, running), from creation
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()

    def create(self, model: str, body: dict[str, Any]) -> dict[str, Any]:
        batch = body.get("batch") or {}
        source = batch.get("inputConfig") or {}
        from_file = "fileName" in source
        if from_file:
            requests = _jsonl_requests(self.files.content(str(source["fileName"])))
        else:
            requests = (source.get("requests") or {}).get("requests")
        if not isinstance(requests, list) or not requests:
            raise WireError(400, "A batch needs at least one request in inputConfig.requests "
                                 "or in the file inputConfig.fileName.")
        display = str(batch.get("displayName") or "")
        fate = _FATE.search(display)
        job = _Job(f"batches/{uuid.uuid4().hex[:16]}", model, display, requests, time.time(),
                   fate=fate.group(1).upper() if fate else "SUCCEEDED", from_file=from_file)
        with self._lock:
            self._jobs[job.name] = job
        return self._view(job)

    def get(self, name: str) -> dict[str, Any]:
        return self._view(self._job(name))

    def list(self) -> dict[str, Any]:
        with self._lock:
            jobs = list(self._jobs.values())
        return {"operations": [self._view(j) for j in jobs]}

    def cancel(self, name: str) -> dict[str, Any]:
        job = self._job(name)
        if self._state(job) in ("BATCH_STATE_PENDING", "BATCH_STATE_RUNNING"):
            job.cancelled = time.time()
        return {}

    def delete(self, name: str) -> dict[str, Any]:
        with self._lock:
            if self._jobs.pop(name, None) is None:
                raise WireError(404, f"Batch {name} was not found.")
        return {}

    def _job(self, name: str) -> _Job:
        with self._lock:
            job = self._jobs.get(name)
        if job is None:
            raise WireError(404, f"Batch {name} was not found.")
        return job

    def _state(self, job: _Job) -> str:
        if job.cancelled is not None:
            return "BATCH_STATE_CANCELLED"
        age = time.time() - job.created
        pending, running = self.seconds
        if age < pending:
            return "BATCH_STATE_PENDING"
        if job.fate == "EXPIRED":  # never started: the API gives up after 48 hours
            return "BATCH_STATE_PENDING" if age < pending + running else "BATCH_STATE_EXPIRED"
        if age < pending + running:
            return "BATCH_STATE_RUNNING"
        return f"BATCH_STATE_{job.fate}"

    def _results(self, job: _Job) -> list[dict[str, Any]]:
        with job.lock:  # made once, however many readers ask at the same moment
            if job.results is None:
                out = []
                for entry in job.requests:
                    status, answer = self.run_one(job.model, entry.get("request") or {})
                    item: dict[str, Any] = {"metadata": entry.get("metadata") or {}}
                    item["response" if status == 200 else "error"] = \
                        answer if status == 200 else answer.get("error", answer)
                    out.append(item)
                job.results, job.finished = out, time.time()
                if job.from_file:  # one line per request, keyed as the input was
                    lines = [{"key": (r.pop("metadata") or {}).get("key", ""), **r} for r in
                             [dict(r) for r in out]]
                    job.results_file = self.files.add(
                        b"\n".join(json.dumps(line).encode() for line in lines) + b"\n",
                        display_name=f"{job.name} results", prefix="batch-").name
            return job.results

    def _view(self, job: _Job) -> dict[str, Any]:
        state = self._state(job)
        meta: dict[str, Any] = {"@type": _TYPE, "model": f"models/{job.model}",
                                "displayName": job.display_name, "state": state,
                                "createTime": _iso(job.created), "updateTime": _iso(time.time())}
        if state == "BATCH_STATE_SUCCEEDED":
            results = self._results(job)
            meta["output"] = {"responsesFile": job.results_file} if job.from_file else \
                {"inlinedResponses": {"inlinedResponses": results}}
            meta["endTime"] = _iso(job.finished or time.time())
            failed = sum(1 for r in results if "error" in r)
            meta["batchStats"] = {"requestCount": str(len(results)),
                                  "successfulRequestCount": str(len(results) - failed),
                                  "failedRequestCount": str(failed)}
        done = state not in ("BATCH_STATE_PENDING", "BATCH_STATE_RUNNING")
        view: dict[str, Any] = {"name": job.name, "metadata": meta, "done": done}
        if state in ("BATCH_STATE_FAILED", "BATCH_STATE_EXPIRED"):
            view["error"] = {"code": 13 if state.endswith("FAILED") else 4,
                             "message": "The batch failed." if state.endswith("FAILED") else
                             "The batch expired before it could run (48 hours)."}
        return view


def _jsonl_requests(data: bytes) -> list[dict[str, Any]]:
    """An input file's lines ({"key": ..., "request": {...}}) as inline entries."""
    out: list[dict[str, Any]] = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise WireError(400, f"Line {number} of the batch file is not JSON.") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
            raise WireError(400, f"Line {number} of the batch file has no request.")
        out.append({"request": entry["request"], "metadata": {"key": str(entry.get("key", ""))}})
    return out


def run_one_with(generate: Callable[[str, bytes], Any]) -> RunOne:
    """A RunOne over the emulator's generate pipeline (one non-streamed call)."""
    def run(model: str, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = generate(model, json.dumps(request).encode())
        return response.status, json.loads(response.read() or b"{}")
    return run
