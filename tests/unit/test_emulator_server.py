"""`python -m studio.emulator` as a real loopback server, reached by the real SDK."""

from __future__ import annotations

import signal
import time

import httpx2
import pytest
from google import genai
from google.genai import errors, types

from studio.emulator.testing import (
    chunk_parts,
    free_port,
    part_kinds,
    response_images,
    running_server,
)
from studio.gemini.catalog import load_catalog

CATALOG = load_catalog()
MODEL = next(m.id for m in CATALOG.models if m.thinking and "512" in m.image_sizes)
SMALL = types.GenerateContentConfig(image_config=types.ImageConfig(image_size="512"))


@pytest.fixture(scope="module")
def server():
    with running_server("--chunk-delay", "0.05", "--log-requests", port=free_port()) as srv:
        yield srv


def sdk(url: str, **options) -> genai.Client:
    # Keep the returned client referenced while using it: when a genai.Client is
    # garbage-collected it closes its HTTP client, even under a live `.models`.
    return genai.Client(api_key="any-key", http_options=types.HttpOptions(base_url=url, **options))


def test_generate_over_http(server):
    client = sdk(server.url)
    r = client.models.generate_content(model=MODEL, contents="a red kite over hills", config=SMALL)
    assert part_kinds(r.candidates[0].content.parts) == "TI"
    assert response_images(r)[0].size == (512, 512)


def test_stream_over_http_arrives_chunk_by_chunk(server):
    start = time.monotonic()
    stamps, kinds = [], ""
    client = sdk(server.url)
    for chunk in client.models.generate_content_stream(
        model=MODEL, contents="a story about a whale in 2 scenes", config=SMALL
    ):
        stamps.append(time.monotonic() - start)
        kinds += part_kinds(chunk_parts(chunk))
    assert kinds.count("I") == 2 and len(kinds) > 4
    assert stamps[-1] - stamps[0] >= 0.04 * (len(stamps) - 1), (
        "the server paces chunks (--chunk-delay)"
    )


def test_chat_with_signatures_over_http(server):
    client = sdk(server.url)
    chat = client.chats.create(model=MODEL, config=SMALL)
    chat.send_message("a story about a penguin in 1 scene")
    chat.send_message("give the penguin a yellow hat")
    r = chat.send_message("retell it as a comic")
    assert "yellow hat" in r.text


def test_env_var_base_url(server, monkeypatch):
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", server.url)
    client = genai.Client(api_key="whatever")
    r = client.models.generate_content(model=MODEL, contents="a small boat", config=SMALL)
    assert len(response_images(r)) == 1
    assert f"models/{MODEL}" in [m.name for m in client.models.list()]


def test_fault_endpoints_over_http(server):
    with httpx2.Client(base_url=server.url) as http:
        assert (
            http.post("/_emulator/faults", json={"kind": "http", "status": 503}).status_code == 200
        )
        client = sdk(server.url)
        with pytest.raises(errors.ServerError) as e:
            client.models.generate_content(model=MODEL, contents="a cat", config=SMALL)
        assert e.value.code == 503 and e.value.status == "UNAVAILABLE"
        http.post("/_emulator/faults", json={"kind": "http", "status": 429, "times": None})
        assert http.delete("/_emulator/faults").status_code == 200
        assert client.models.generate_content(
            model=MODEL, contents="a cat", config=SMALL
        ).candidates
        log = http.get("/_emulator/requests").json()["requests"]
        assert log[-1]["headers"]["x-goog-api-key"] == "REDACTED"
        assert "any-key" not in http.get("/_emulator/requests").text


def test_directive_retry_over_http(server):
    retry = types.HttpRetryOptions(attempts=3, initial_delay=0.01, max_delay=0.05)
    client = sdk(server.url, retry_options=retry)
    r = client.models.generate_content(model=MODEL, contents="a lamp [fault:503x2]", config=SMALL)
    assert r.candidates[0].finish_reason == types.FinishReason.STOP


def test_sigterm_stops_the_server_cleanly():
    with running_server() as srv:
        client = sdk(srv.url)
        assert client.models.generate_content(
            model=MODEL, contents="a star", config=SMALL
        ).candidates
        srv.process.send_signal(signal.SIGTERM)
        assert srv.process.wait(timeout=10) == 0
