"""The emulator's Batch API through the real SDK: states on a short clock, per-request errors."""

from __future__ import annotations

import time

import pytest
from google.genai import errors, types

from studio.emulator import Emulator
from studio.emulator.testing import offline_client
from studio.gemini.catalog import load_catalog

MODEL = load_catalog().default_model
CONFIG = {"response_modalities": ["TEXT", "IMAGE"], "seed": 3}


def _request(text: str, key: str) -> dict:
    return {"contents": [{"role": "user", "parts": [{"text": text}]}], "config": CONFIG,
            "metadata": {"key": key}}


def _wait(client, name: str, state: types.JobState, limit: float = 5.0) -> types.BatchJob:
    deadline = time.monotonic() + limit
    while True:
        job = client.batches.get(name=name)
        if job.state == state or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_a_job_runs_pending_then_running_then_succeeds_with_each_answer() -> None:
    client, _ = offline_client(Emulator(batch_seconds=(0.3, 0.3)))
    job = client.batches.create(model=MODEL, src=[_request("A poster that says OPEN", "a"),
                                                  _request("A sign [fault:500]", "b")],
                                config={"display_name": "lab run"})
    assert job.state == types.JobState.JOB_STATE_PENDING and job.display_name == "lab run"
    assert _wait(client, job.name, types.JobState.JOB_STATE_RUNNING).state == \
        types.JobState.JOB_STATE_RUNNING
    done = _wait(client, job.name, types.JobState.JOB_STATE_SUCCEEDED)
    assert done.state == types.JobState.JOB_STATE_SUCCEEDED
    answers = {r.metadata["key"]: r for r in done.dest.inlined_responses}
    parts = answers["a"].response.candidates[0].content.parts
    assert any(p.inline_data for p in parts), "the image came back inline"
    assert answers["b"].response is None and answers["b"].error.code == 500


def test_a_cancelled_job_stays_cancelled_and_a_deleted_one_is_gone() -> None:
    client, _ = offline_client(Emulator(batch_seconds=(5, 5)))
    job = client.batches.create(model=MODEL, src=[_request("A fox", "a")])
    client.batches.cancel(name=job.name)
    assert client.batches.get(name=job.name).state == types.JobState.JOB_STATE_CANCELLED
    assert [j.name for j in client.batches.list()] == [job.name]
    client.batches.delete(name=job.name)
    with pytest.raises(errors.ClientError) as caught:
        client.batches.get(name=job.name)
    assert caught.value.code == 404
