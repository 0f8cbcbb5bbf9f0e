"""A replaying transport: the google-genai SDK over httpx2, answered with canned bytes.

It stands where the emulator's transport stands (make_offline_client), but spends no time
drawing, so what a benchmark measures is the app's path around the SDK call. `ChunkClock`
wraps any transport and notes when each response chunk leaves it.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx2
from google import genai

from studio.gemini.clients import NetworkSettings

USAGE = {"promptTokenCount": 12, "candidatesTokenCount": 1300, "totalTokenCount": 1312}


def _response(model: str, parts: list[dict[str, Any]] | None, finish: str | None) -> dict:
    candidate: dict[str, Any] = {"index": 0}
    if parts:
        candidate["content"] = {"role": "model", "parts": parts}
    if finish:
        candidate["finishReason"] = finish
    out: dict[str, Any] = {"candidates": [candidate], "modelVersion": model,
                           "responseId": "bench"}
    if finish:
        out["usageMetadata"] = USAGE
    return out


def _image_part(png: bytes) -> dict[str, Any]:
    return {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(png).decode()}}


def canned_body(model: str, png: bytes, text: str) -> bytes:
    """A whole generateContent answer: a line of text and the image."""
    return json.dumps(_response(model, [{"text": text}, _image_part(png)], "STOP")).encode()


def canned_events(model: str, png: bytes, texts: list[str]) -> list[bytes]:
    """A streamGenerateContent answer as SSE events: text pieces, the image, the finish.

    The last event carries only finishReason and usage, no content, as the Gemini API's
    streams commonly end. The SDK's Chat counts such a turn invalid and leaves it out of
    the curated history; the app keeps it (studio/gemini/calls.py, tests/unit/test_calls.py)."""
    chunks = [_response(model, [{"text": t}], None) for t in texts]
    chunks.append(_response(model, [_image_part(png)], None))
    chunks.append(_response(model, None, "STOP"))
    return [b"data: " + json.dumps(c).encode() + b"\r\n\r\n" for c in chunks]


class _Events(httpx2.SyncByteStream):
    def __init__(self, events: list[bytes], delay: float) -> None:
        self.events = events
        self.delay = delay

    def __iter__(self) -> Iterator[bytes]:
        for i, event in enumerate(self.events):
            if i and self.delay:
                time.sleep(self.delay)
            yield event


class ReplayTransport(httpx2.BaseTransport):
    """Answers every generateContent with `body`, every stream with `events`."""

    def __init__(self, body: bytes, events: list[bytes] | None = None, *,
                 latency: float = 0.0, chunk_delay: float = 0.0) -> None:
        self.body = body
        self.events = events or []
        self.latency = latency
        self.chunk_delay = chunk_delay
        self.requests = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        with self._lock:
            self.requests += 1
        if self.latency:
            time.sleep(self.latency)
        if ":streamGenerateContent" in request.url.path:
            return httpx2.Response(200, headers={"content-type": "text/event-stream"},
                                   stream=_Events(self.events, self.chunk_delay))
        return httpx2.Response(200, headers={"content-type": "application/json"},
                               content=self.body)


class _TimedStream(httpx2.SyncByteStream):
    def __init__(self, inner: Any, clock: ChunkClock) -> None:
        self.inner = inner
        self.clock = clock

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            self.clock.chunks.append((time.perf_counter(), bytes(chunk)))
            yield chunk

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()


class ChunkClock(httpx2.BaseTransport):
    """Wraps a transport and records (time, bytes) for every response chunk it hands out."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.chunks: list[tuple[float, bytes]] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        response.stream = _TimedStream(response.stream, self)
        return response

    def close(self) -> None:
        self.inner.close()


def first_text_time(chunks: list[tuple[float, bytes]]) -> float | None:
    """When the first SSE event carrying a (non-thought) text part left the transport."""
    buffer = b""
    for at, data in chunks:
        buffer += data.replace(b"\r", b"")
        *events, buffer = buffer.split(b"\n\n")
        for event in events:
            for line in event.split(b"\n"):
                if line.startswith(b"data: ") and _has_text(line[6:]):
                    return at
    return None


def _has_text(payload: bytes) -> bool:
    try:
        data = json.loads(payload)
    except ValueError:
        return False
    for candidate in data.get("candidates") or []:
        for part in (candidate.get("content") or {}).get("parts") or []:
            if part.get("text") and not part.get("thought"):
                return True
    return False


def make_client(transport: httpx2.BaseTransport,
                network: NetworkSettings | None = None) -> genai.Client:
    """A client over `transport`, configured exactly as make_offline_client does."""
    network = network or NetworkSettings(retry_attempts=1)
    timeout = httpx2.Timeout(network.timeout_s)
    options = network.http_options(
        base_url="http://emulator.invalid",
        httpx_client=httpx2.Client(transport=transport, timeout=timeout),
    )
    return genai.Client(api_key="offline-emulator", http_options=options)


def emulator_api() -> tuple[Any, Any] | None:
    """(Emulator, EmulatorTransport) when the emulator package is importable, else None."""
    try:
        from studio.emulator import Emulator, EmulatorTransport
    except ImportError:
        return None
    return Emulator, EmulatorTransport


def offline_transport(*, latency: float, chunk_delay: float, png: bytes, model: str,
                      texts: list[str]) -> tuple[httpx2.BaseTransport, str]:
    """The emulator's transport (with this latency and chunk delay) when the emulator is
    importable, else a ReplayTransport with the same timings. Returns (transport, which)."""
    api = emulator_api()
    if api is not None:
        emulator_cls, transport_cls = api
        return transport_cls(emulator_cls(chunk_delay=chunk_delay, latency=latency)), "emulator"
    transport = ReplayTransport(canned_body(model, png, " ".join(texts)),
                                canned_events(model, png, texts),
                                latency=latency, chunk_delay=chunk_delay)
    return transport, "replay"
