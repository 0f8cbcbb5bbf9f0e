"""Calls through the real SDK: a finished chat turn is kept however the stream ends."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import httpx2
import pytest
from google import genai
from google.genai import types
from PIL import Image

from studio import GenerationSettings, build_config, load_catalog, send_in_chat

MODEL = load_catalog().default_model


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 0)).save(out, "PNG")
    return out.getvalue()


def _chunk(parts: list[dict[str, Any]] | None, finish: str | None,
           content: dict[str, Any] | None = None) -> dict[str, Any]:
    candidate: dict[str, Any] = {"index": 0}
    if parts is not None:
        candidate["content"] = {"role": "model", "parts": parts}
    elif content is not None:
        candidate["content"] = content
    if finish:
        candidate["finishReason"] = finish
    chunk: dict[str, Any] = {"candidates": [candidate], "modelVersion": MODEL}
    if finish:
        chunk["usageMetadata"] = {"promptTokenCount": 5, "candidatesTokenCount": 1290,
                                  "totalTokenCount": 1295}
    return chunk


IMAGE = {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(_png()).decode()},
         "thoughtSignature": base64.b64encode(b"sig-1").decode()}
# Shapes of a last chunk reported for the real API: finish and usage, and no parts.
LAST_CHUNKS = {
    "no content": _chunk(None, "STOP"),
    "content without parts": _chunk(None, "STOP", {"role": "model"}),
    "one empty part": _chunk([{}], "STOP"),
    "finish on the last content chunk": None,
}


def _client(last: dict[str, Any] | None, sent: list[dict[str, Any]]) -> genai.Client:
    body = [_chunk([{"text": "Here it is, in sepia."}], None),
            _chunk([IMAGE], "STOP" if last is None else None)]
    if last is not None:
        body.append(last)
    stream = b"".join(b"data: " + json.dumps(c).encode() + b"\r\n\r\n" for c in body)

    def handle(request: httpx2.Request) -> httpx2.Response:
        sent.append(json.loads(request.read()))
        return httpx2.Response(200, content=stream,
                               headers={"content-type": "text/event-stream"})

    transport = httpx2.MockTransport(handle)
    return genai.Client(api_key="test", http_options=types.HttpOptions(
        base_url="http://replay.invalid", httpx_client=httpx2.Client(transport=transport)))


@pytest.mark.parametrize("shape", list(LAST_CHUNKS))
def test_a_finished_turn_is_sent_back_however_the_stream_ends(shape: str) -> None:
    sent: list[dict[str, Any]] = []
    chat = _client(LAST_CHUNKS[shape], sent).chats.create(model=MODEL)
    settings = GenerationSettings(model=MODEL)
    info = load_catalog().get(MODEL)
    config = build_config(settings, info)
    first = send_in_chat(chat, "Make it sepia", settings, info, config)
    assert first.ok and first.images
    second = send_in_chat(chat, "Add a border", settings, info, config)
    assert second.ok
    contents = sent[1]["contents"]
    assert [c["role"] for c in contents][:1] == ["user"] and contents[-1]["role"] == "user"
    model_parts = [p for c in contents if c["role"] == "model" for p in c["parts"]]
    assert any(p.get("text") == "Here it is, in sepia." for p in model_parts)
    image = next(p for p in model_parts if "inlineData" in p)
    assert image["thoughtSignature"] == IMAGE["thoughtSignature"], "sent back unchanged"
    assert {} not in model_parts, "no empty part goes back"
