"""The request log: off by default, bounded when on, never holding image bytes."""

from __future__ import annotations

import hashlib
import json
import os

from google.genai import types

from studio.emulator import EchoResponder, Emulator
from studio.emulator.testing import offline_client

MODEL = "gemini-2.5-flash-image"


def test_log_is_off_by_default_and_says_so():
    client, emu = offline_client()
    client.models.generate_content(model=MODEL, contents="a cat")
    assert emu.requests == []
    body = json.loads(emu.handle("GET", "/_emulator/requests").read())
    assert body["requests"] == [] and body["logging"] is False and "--log-requests" in body["hint"]


def test_log_is_bounded_and_numbered():
    client, emu = offline_client(Emulator(log_requests=True, max_logged=4, responder=EchoResponder()))
    for i in range(7):
        client.models.generate_content(model=MODEL, contents=f"request {i}")
    log = emu.requests
    assert len(log) == 4
    assert [e["seq"] for e in log] == [4, 5, 6, 7]
    assert log[-1]["json"]["contents"][0]["parts"][0]["text"] == "request 6"
    assert json.loads(emu.handle("GET", "/_emulator/requests").read())["logging"] is True


def test_log_keeps_image_sizes_not_bytes():
    client, emu = offline_client(Emulator(log_requests=True, responder=EchoResponder()))
    payloads = [os.urandom(1_000_000) for _ in range(20)]
    for data in payloads:
        client.models.generate_content(
            model=MODEL,
            contents=[types.Part.from_bytes(data=data, mime_type="image/png"), "look"],
        )
    log = emu.requests
    assert len(log) == 20
    blobs = [e["json"]["contents"][0]["parts"][0]["inlineData"] for e in log]
    assert all(set(b) == {"mimeType", "bytes", "sha256"} for b in blobs)
    assert [b["bytes"] for b in blobs] == [1_000_000] * 20
    assert blobs[3]["sha256"] == hashlib.sha256(payloads[3]).hexdigest()
    size = len(json.dumps(log))
    assert size < 200_000, size
    assert all(e["headers"]["x-goog-api-key"] == "REDACTED" for e in log)
