"""Scripted faults, from the queue and from `[fault:...]` prompt directives,
on both the plain and the streaming path."""

from __future__ import annotations

import json
import time

import httpx2
import pytest
from google.genai import errors, types

from studio.emulator import FAULT_KINDS, Emulator, Fault
from studio.emulator.testing import offline_client, part_kinds, response_images
from studio.gemini.catalog import load_catalog

CATALOG = load_catalog()
MODEL = next(m.id for m in CATALOG.models if "512" in m.image_sizes)
SMALL = types.GenerateContentConfig(image_config=types.ImageConfig(image_size="512"))
PROMPT = "a story about a snail in 2 scenes"
FAST_RETRY = types.HttpRetryOptions(attempts=3, initial_delay=0.01, max_delay=0.05)


def run(client, prompt: str, stream: bool) -> list[types.GenerateContentResponse]:
    """The responses of one call: one for plain, all chunks for streaming."""
    if stream:
        return list(
            client.models.generate_content_stream(model=MODEL, contents=prompt, config=SMALL)
        )
    return [client.models.generate_content(model=MODEL, contents=prompt, config=SMALL)]


def via(mode: str, kind: str, directive: str, **fault_args):
    """(client, emulator, prompt) set up to trigger the fault by queue or by directive."""
    client, emu = offline_client()
    if mode == "queue":
        emu.faults.push(Fault(kind=kind, **fault_args))
        return client, emu, PROMPT
    return client, emu, f"{PROMPT} {directive}"


MODES = ["queue", "directive"]
PATHS = [False, True]  # stream?


@pytest.mark.parametrize("stream", PATHS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("status", "error", "name"),
    [
        (429, errors.ClientError, "RESOURCE_EXHAUSTED"),
        (500, errors.ServerError, "INTERNAL"),
        (503, errors.ServerError, "UNAVAILABLE"),
        (400, errors.ClientError, "INVALID_ARGUMENT"),
    ],
)
def test_http_errors(mode, stream, status, error, name):
    client, _, prompt = via(mode, "http", f"[fault:{status}]", status=status)
    with pytest.raises(error) as e:
        run(client, prompt, stream)
    assert e.value.code == status and e.value.status == name


@pytest.mark.parametrize("stream", PATHS)
@pytest.mark.parametrize("mode", MODES)
def test_slow(mode, stream):
    client, _, prompt = via(mode, "slow", "[fault:slow=0.4]", seconds=0.4)
    start = time.monotonic()
    out = run(client, prompt, stream)
    assert time.monotonic() - start >= 0.4
    assert out[-1].candidates[0].finish_reason == types.FinishReason.STOP


@pytest.mark.parametrize("stream", PATHS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("kind", "directive", "reason"),
    [
        ("image_safety", "[fault:image_safety]", types.FinishReason.IMAGE_SAFETY),
        ("prohibited", "[fault:prohibited]", types.FinishReason.IMAGE_PROHIBITED_CONTENT),
    ],
)
def test_blocked_images(mode, stream, kind, directive, reason):
    client, _, prompt = via(mode, kind, directive)
    out = run(client, prompt, stream)
    assert len(out) == 1
    cand = out[0].candidates[0]
    assert cand.finish_reason == reason and cand.content is None


@pytest.mark.parametrize("stream", PATHS)
@pytest.mark.parametrize("mode", MODES)
def test_prompt_block(mode, stream):
    client, _, prompt = via(mode, "prompt_block", "[fault:block]")
    out = run(client, prompt, stream)
    assert out[-1].candidates is None
    assert out[-1].prompt_feedback.block_reason == types.BlockedReason.SAFETY


@pytest.mark.parametrize("stream", PATHS)
@pytest.mark.parametrize("mode", MODES)
def test_no_image(mode, stream):
    client, _, prompt = via(mode, "no_image", "[fault:no_image]")
    out = run(client, prompt, stream)
    assert out[-1].candidates[0].finish_reason == types.FinishReason.NO_IMAGE
    assert not any(response_images(r) for r in out)
    assert "".join(r.text or "" for r in out)


@pytest.mark.parametrize("stream", PATHS)
@pytest.mark.parametrize("mode", MODES)
def test_max_tokens(mode, stream):
    client, _, prompt = via(mode, "max_tokens", "[fault:max_tokens]")
    out = run(client, prompt, stream)
    assert out[-1].candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    text = "".join(r.text or "" for r in out)
    assert text.startswith("**Scene 1.**") and not text.endswith(".")
    assert not any(response_images(r) for r in out)


@pytest.mark.parametrize("stream", PATHS)
@pytest.mark.parametrize("mode", MODES)
def test_unknown_finish_reason(mode, stream):
    client, _, prompt = via(mode, "unknown_finish", "[fault:unknown_finish]")
    with pytest.warns(UserWarning, match="SOMETHING_NEW"):
        out = run(client, prompt, stream)
    assert out[-1].candidates[0].finish_reason == "SOMETHING_NEW"
    assert sum(len(response_images(r)) for r in out) == 2


@pytest.mark.parametrize("stream", PATHS)
@pytest.mark.parametrize("mode", MODES)
def test_malformed_body(mode, stream):
    client, _, prompt = via(mode, "malformed", "[fault:malformed]")
    # The SDK surfaces these differently: a bare JSONDecodeError on the plain path,
    # its own UnknownApiResponseError on the streaming one.
    with pytest.raises(errors.UnknownApiResponseError if stream else json.JSONDecodeError):
        run(client, prompt, stream)


@pytest.mark.parametrize("mode", MODES)
def test_stream_error_mid_stream(mode):
    client, _, prompt = via(mode, "stream_error", "[fault:stream_error]")
    got = []
    with pytest.raises(errors.ServerError) as e:
        for chunk in client.models.generate_content_stream(
            model=MODEL, contents=prompt, config=SMALL
        ):
            got.append(chunk)
    assert len(got) == 1 and part_kinds(got[0].candidates[0].content.parts) == "T"
    assert e.value.code == 500


@pytest.mark.parametrize("mode", MODES)
def test_stream_error_on_plain_path_is_500(mode):
    client, _, prompt = via(mode, "stream_error", "[fault:stream_error]")
    with pytest.raises(errors.ServerError):
        run(client, prompt, stream=False)


def test_stream_error_after_several_chunks():
    client, emu = offline_client()
    emu.faults.push(Fault(kind="stream_error", after_chunks=4, status=503))
    got = []
    with pytest.raises(errors.ServerError) as e:
        for chunk in client.models.generate_content_stream(
            model=MODEL, contents=PROMPT, config=SMALL
        ):
            got.append(chunk)
    assert len(got) == 4 and e.value.code == 503


@pytest.mark.parametrize("stream", PATHS)
@pytest.mark.parametrize(
    ("directive", "failures"), [("[fault:429x1]", 1), ("[fault:500x1]", 1), ("[fault:503x2]", 2)]
)
def test_transient_directive_succeeds_after_sdk_retries(stream, directive, failures):
    client, emu = offline_client(Emulator(log_requests=True), retry_options=FAST_RETRY)
    out = run(client, f"{PROMPT} {directive}", stream)
    assert out[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert len(emu.requests) == failures + 1


def test_transient_directive_counts_per_request_body():
    client, _ = offline_client()
    with pytest.raises(errors.ClientError):
        run(client, f"{PROMPT} [fault:429x1]", False)
    assert (
        run(client, f"{PROMPT} [fault:429x1]", False)[0].candidates[0].finish_reason
        == types.FinishReason.STOP
    )
    with pytest.raises(errors.ClientError):  # a different request has its own count
        run(client, f"another {PROMPT} [fault:429x1]", False)


def test_permanent_directive_outlasts_retries():
    client, emu = offline_client(Emulator(log_requests=True), retry_options=FAST_RETRY)
    with pytest.raises(errors.ClientError):
        run(client, "a cat [fault:429]", False)
    assert len(emu.requests) == 3


def test_directives_are_stripped_before_drawing():
    client, _ = offline_client(Emulator(default_seed=1))
    with_directive = run(client, "a story about a snail in 2 scenes [fault:slow=0.01]", False)[0]
    without = run(client, "a story about a snail in 2 scenes", False)[0]
    assert "fault" not in with_directive.text
    assert [i.tobytes() for i in response_images(with_directive)] == [
        i.tobytes() for i in response_images(without)
    ]


def test_queue_is_fifo_counts_times_and_clears():
    client, emu = offline_client()
    emu.faults.push(Fault(kind="http", status=503, times=2))
    emu.faults.push(Fault(kind="no_image"))
    for _ in range(2):
        with pytest.raises(errors.ServerError):
            run(client, "a cat", False)
    assert run(client, "a cat", False)[0].candidates[0].finish_reason == types.FinishReason.NO_IMAGE
    assert run(client, "a cat", False)[0].candidates[0].finish_reason == types.FinishReason.STOP
    emu.faults.push(Fault(kind="http", times=None))
    emu.faults.clear()
    assert len(emu.faults) == 0
    assert run(client, "a cat", False)[0].candidates[0].finish_reason == types.FinishReason.STOP


def test_queue_faults_skip_model_listing_unless_targeted():
    client, emu = offline_client()
    emu.faults.push(Fault(kind="http", status=500))
    assert list(client.models.list())
    with pytest.raises(errors.ServerError):
        run(client, "a cat", False)
    emu.faults.push(Fault(kind="http", status=500, target="any"))
    with pytest.raises(errors.ServerError):
        list(client.models.list())


def test_fault_validation():
    assert {"http", "slow", "stream_error", "malformed"} <= FAULT_KINDS
    with pytest.raises(ValueError):
        Fault(kind="explode")
    assert Fault(kind="http").status == 429


def test_control_routes_push_and_clear_faults():
    client, emu = offline_client()
    resp = emu.handle(
        "POST", "/_emulator/faults", {}, {}, json.dumps({"kind": "http", "status": 503}).encode()
    )
    assert resp.status == 200 and json.loads(resp.read()) == {"queued": 1}
    assert (
        json.loads(emu.handle("GET", "/_emulator/faults", {}, {}, b"").read())["faults"][0][
            "status"
        ]
        == 503
    )
    with pytest.raises(errors.ServerError):
        run(client, "a cat", False)
    emu.handle(
        "POST", "/_emulator/faults", {}, {}, json.dumps({"kind": "http", "status": 429}).encode()
    )
    assert emu.handle("DELETE", "/_emulator/faults", {}, {}, b"").status == 200
    assert run(client, "a cat", False)[0].candidates[0].finish_reason == types.FinishReason.STOP
    bad = emu.handle("POST", "/_emulator/faults", {}, {}, b'{"kind": "nope"}')
    assert bad.status == 400


def test_slow_fault_trips_the_client_read_timeout():
    client, emu = offline_client(timeout_ms=200)
    emu.faults.push(Fault(kind="slow", seconds=5))
    start = time.monotonic()
    with pytest.raises(httpx2.ReadTimeout):
        run(client, "a cat", False)
    assert time.monotonic() - start < 2


def test_latency_and_chunk_delay_pace_the_stream():
    client, _ = offline_client(Emulator(latency=0.2, chunk_delay=0.05))
    start = time.monotonic()
    stamps = []
    for _ in client.models.generate_content_stream(
        model=MODEL, contents="a story about a bee in 2 scenes", config=SMALL
    ):
        stamps.append(time.monotonic() - start)
    assert stamps[0] >= 0.2
    assert stamps[-1] - stamps[0] >= 0.05 * (len(stamps) - 1) * 0.9, (
        "chunks arrive spaced out, not all at once"
    )
