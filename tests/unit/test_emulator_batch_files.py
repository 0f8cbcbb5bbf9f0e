"""The emulator's Files API and batch fates, through the google-genai SDK as the app uses it."""

from __future__ import annotations

import io
import json

import pytest
from google.genai import errors

from studio.emulator import Emulator
from studio.gemini.clients import NetworkSettings
from studio.gemini.offline import make_offline_client

MODEL = "gemini-2.5-flash-image"
LINE = {"key": "a", "request": {"contents": [{"role": "user", "parts": [{"text": "A sign"}]}]}}


def _client(emulator: Emulator):
    return make_offline_client(NetworkSettings(retry_attempts=1), emulator)


def test_an_uploaded_jsonl_batch_answers_in_a_result_file_keyed_as_the_input() -> None:
    emulator = Emulator(batch_seconds=(0, 0))
    client = _client(emulator)
    body = (json.dumps(LINE) + "\n" + json.dumps({**LINE, "key": "b"}) + "\n").encode()
    uploaded = client.files.upload(file=io.BytesIO(body), config={"mime_type": "application/jsonl"})
    assert uploaded.name and client.files.get(name=uploaded.name).size_bytes == len(body)
    job = client.batches.get(name=client.batches.create(model=MODEL, src=uploaded.name).name)
    assert job.state.value == "JOB_STATE_SUCCEEDED" and job.dest.inlined_responses is None
    lines = [json.loads(x) for x in client.files.download(file=job.dest.file_name).splitlines()]
    assert [x["key"] for x in lines] == ["a", "b"]
    assert all(x["response"]["candidates"] for x in lines)


def test_a_file_that_was_never_uploaded_is_refused() -> None:
    with pytest.raises(errors.ClientError) as refused:
        _client(Emulator()).batches.create(model=MODEL, src="files/missing")
    assert refused.value.code == 404


@pytest.mark.parametrize("fate", ["failed", "expired"])
def test_a_job_named_for_a_fate_ends_that_way(fate: str) -> None:
    client = _client(Emulator(batch_seconds=(0, 0)))
    job = client.batches.create(model=MODEL, src=[{"contents": [{"parts": [{"text": "x"}]}]}],
                                config={"display_name": f"Test [batch:{fate}]"})
    assert client.batches.get(name=job.name).state.value == f"JOB_STATE_{fate.upper()}"


def test_an_expiring_job_waits_first() -> None:
    client = _client(Emulator(batch_seconds=(30, 0)))
    job = client.batches.create(model=MODEL, src=[{"contents": [{"parts": [{"text": "x"}]}]}],
                                config={"display_name": "Test [batch:expired]"})
    assert client.batches.get(name=job.name).state.value == "JOB_STATE_PENDING"
