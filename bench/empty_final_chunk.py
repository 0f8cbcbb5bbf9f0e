"""Does a chat turn survive a stream that ends with a finish-only chunk? A demonstration.

    python -m bench.empty_final_chunk

The Gemini API commonly ends a streamed answer with a chunk that carries only
`finishReason` and `usageMetadata`: no `content`, or `content` with a role and no
`parts`. google-genai's Chat.send_message_stream marks the whole turn invalid as soon as
one chunk fails `_validate_response` (no candidates, no content, no parts, or an empty
Part), and records an invalid turn in the comprehensive history only. The curated
history, the one the next request sends and the one the app keeps
(PageChat.history = chat.get_history(curated=True)), loses the turn: the model forgets it.

This runs the app's own send_in_chat twice over the real SDK and a replaying transport,
for each shape of final chunk, and prints what the second request sent back. Then the
same with `send_in_chat_fixed`, the fix proposed for studio/gemini/calls.py. Exit status
1 if the fixed version still loses a turn. No network, no API key; a second or two.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx2
from google.genai import chats, types

from bench.harness import small_png
from bench.replay import ReplayTransport, _image_part, _response, make_client
from studio.gemini.calls import GenerationSettings, OnUpdate, _collect, build_config, send_in_chat
from studio.gemini.catalog import load_catalog
from studio.gemini.results import Result


def _events(chunks: list[dict[str, Any]]) -> list[bytes]:
    return [b"data: " + json.dumps(c).encode() + b"\r\n\r\n" for c in chunks]


def _finish_only(model: str, candidate_extra: dict[str, Any]) -> dict[str, Any]:
    last = _response(model, None, "STOP")
    last["candidates"][0].update(candidate_extra)
    return last


def streams(model: str, png: bytes) -> dict[str, list[bytes]]:
    """The same answer (text, then the image) with the last chunk in each shape."""
    body = [_response(model, [{"text": "Here it is, in sepia."}], None),
            _response(model, [_image_part(png)], None)]
    return {
        # bench/replay.py's canned_events; reported for the real API, e.g. req_llm #638
        "finish-only chunk, no content": _events(
            [*body, _finish_only(model, {})]),
        # pydantic-ai #2631: content=Content(role='model'), finish_reason=STOP
        "finish-only chunk, content without parts": _events(
            [*body, _finish_only(model, {"content": {"role": "model"}})]),
        # go-genai #795: a single part "in which everything is empty", finish STOP
        "finish-only chunk, one empty part": _events(
            [*body, _finish_only(model, {"content": {"role": "model", "parts": [{}]}})]),
        # what the offline emulator sends: finish and usage ride on the last content chunk
        "finish on the last content chunk (emulator)": _events(
            [body[0], {**_response(model, body[1]["candidates"][0]["content"]["parts"],
                                   "STOP")}]),
    }


class Recorder(httpx2.BaseTransport):
    """Keeps the JSON body of every request, then hands it to `inner`."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.bodies: list[dict[str, Any]] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(json.loads(request.read()))
        return self.inner.handle_request(request)


# -- the fix proposed for studio/gemini/calls.py, word for word ---------------------------

def send_in_chat_fixed(
    chat: chats.Chat,
    message: Sequence[types.Part | str] | str,
    config: types.GenerateContentConfig,
    *,
    model: str,
    on_update: OnUpdate | None = None,
    timeout_s: float | None = None,
    secrets: tuple[str | None, ...] = (),
) -> Result:
    """Send one chat turn, streaming. The Chat keeps the model's parts unchanged, thought
    signatures included, and records the turn only if the answer completed."""
    sent = list(message) if not isinstance(message, str) else message
    curated_before = len(chat.get_history(curated=True))
    full_before = len(chat.get_history())
    answer: list[types.Content] = []

    def chunks() -> Iterator[types.GenerateContentResponse]:
        for chunk in chat.send_message_stream(sent, config=config):
            candidate = chunk.candidates[0] if chunk.candidates else None
            if candidate is not None and candidate.content is not None:
                answer.append(candidate.content)
            yield chunk

    result = _collect(model, chunks, on_update, timeout_s, secrets)
    if result.error is None and result.finish_reason is not None:
        _keep_finished_turn(chat, curated_before, full_before, answer)
    return result


def _keep_finished_turn(chat: chats.Chat, curated_before: int, full_before: int,
                        answer: list[types.Content]) -> None:
    """The API often ends a stream with a chunk holding only finishReason and usage (no
    content, or content without parts). The SDK then counts the whole turn invalid and
    leaves it out of the curated history, which the next request sends: the model would
    forget this turn. When the answer did finish, record it, as one model turn."""
    if len(chat.get_history(curated=True)) > curated_before:
        return  # the SDK kept it
    parts = [p for content in answer for p in content.parts or [] if p != types.Part()]
    full = chat.get_history()
    if not parts or len(full) <= full_before:
        return  # nothing to send back: the API refuses a model turn without parts
    user = full[full_before]  # the user turn exactly as the SDK built and sent it
    chat.record_history(user_input=user,
                        model_output=[types.Content(role="model", parts=parts)],
                        is_valid=True)


# -- the demonstration --------------------------------------------------------------------

def _roles(body: dict[str, Any]) -> list[str]:
    return [c.get("role", "?") for c in body.get("contents", [])]


def try_stream(events: list[bytes], send: Callable[..., Result], model: str,
               config: types.GenerateContentConfig) -> dict[str, Any]:
    recorder = Recorder(ReplayTransport(b"{}", events))
    client = make_client(recorder)
    chat = client.chats.create(model=model)
    first = send(chat, "Make it sepia", config, model=model)
    second = send(chat, "Now add a border", config, model=model)
    return {
        "first ok": first.error is None and bool(first.images),
        "turn 2 sent roles": _roles(recorder.bodies[1]),
        "curated": [c.role for c in chat.get_history(curated=True)],
        "comprehensive": [c.role for c in chat.get_history()],
        "second ok": second.error is None,
    }


def main() -> int:
    model = load_catalog().default_model
    config = build_config(GenerationSettings(model=model, seed=1))
    png = small_png(1)
    lost_with_fix = False
    for name, events in streams(model, png).items():
        print(f"\n{name}")
        for label, send in (("app's send_in_chat", send_in_chat),
                            ("send_in_chat_fixed", send_in_chat_fixed)):
            seen = try_stream(events, send, model, config)
            kept = "model" in seen["turn 2 sent roles"]  # turn 1's answer went back
            print(f"  {label:20} turn 2 sent {seen['turn 2 sent roles']}; curated history "
                  f"{seen['curated']}; comprehensive {seen['comprehensive']}"
                  f" -> turn 1 {'kept' if kept else 'LOST'}")
            if label == "send_in_chat_fixed" and not kept:
                lost_with_fix = True
    return 1 if lost_with_fix else 0


if __name__ == "__main__":
    sys.exit(main())
