"""Turn a planned answer into wire bytes: one JSON body, or a lazy SSE stream.

Signing and token accounting happen here, part by part, so a streamed answer
renders each image only when its chunk is about to be sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .bodies import dumps, error_json, image_part, response_json, sse, text_part, usage_json
from .draw import encode_png
from .faults import Fault
from .interface import ReplyPart, sniff_mime
from .signatures import Signer

JSON_TYPE = "application/json; charset=UTF-8"
SSE_TYPE = "text/event-stream"


@dataclass
class EmulatorResponse:
    status: int
    headers: dict[str, str]
    body_chunks: Iterator[bytes]
    delays: list[float] = field(default_factory=list)  # seconds to wait before chunk i
    streaming: bool = False

    def delay_before(self, i: int) -> float:
        return self.delays[i] if i < len(self.delays) else 0.0

    def read(self) -> bytes:
        """The whole body, ignoring delays (handy in tests)."""
        return b"".join(self.body_chunks)

    @classmethod
    def json(cls, status: int, obj: object, delay: float = 0.0) -> EmulatorResponse:
        return cls(status, {"content-type": JSON_TYPE}, iter([dumps(obj)]), [delay])

    @classmethod
    def error(cls, code: int, message: str | None = None, delay: float = 0.0,
              retry_after: float | None = None) -> EmulatorResponse:
        return cls.json(code, error_json(code, message, retry_after), delay)


@dataclass
class Answer:
    """What to send: the parts plus how the candidate ends."""

    model: str
    response_id: str
    parts: list[ReplyPart]
    thoughts: list[str]
    finish_reason: str | None = "STOP"
    finish_message: str | None = None
    prompt_feedback: dict | None = None
    prompt_tokens: int = 0
    prompt_image_tokens: int = 0
    image_tokens: int = 1290
    thought_tokens: int = 0
    stream_error_after: int | None = None  # chunks sent before an error event
    stream_error_status: int = 500
    grounding: dict | None = None  # groundingMetadata, sent with the finishing chunk


def tokens(text: str) -> int:
    return (len(text) + 3) // 4 if text else 0


def split_text(text: str) -> list[str]:
    """2-3 pieces on word boundaries whose concatenation is exactly `text`."""
    words = re.findall(r"\S+\s*|\s+", text)
    n = 3 if len(text) > 60 else 2 if len(text) > 12 else 1
    n = min(n, len(words)) or 1
    per = len(text) / n
    pieces, cur = [], ""
    for word in words:
        cur += word
        if len(cur) >= per and len(pieces) < n - 1:
            pieces.append(cur)
            cur = ""
    pieces.append(cur)
    return [p for p in pieces if p] or [text]


class _Builder:
    """Builds wire parts in order, signing and counting tokens as it goes."""

    def __init__(self, answer: Answer, signer: Signer) -> None:
        self.a, self.signer = answer, signer
        self.text_tokens = self.image_tokens = 0
        self.first_text_signed = False

    def thunks(self, stream: bool) -> list[Callable[[], list[dict]]]:
        out: list[Callable[[], list[dict]]] = [
            lambda t=t: [text_part(t, thought=True)] for t in self.a.thoughts
        ]
        for part in self.a.parts:
            if part.kind == "image":
                out.append(lambda part=part: [self._image(part)])
                continue
            sig = None
            if not self.first_text_signed:
                sig, self.first_text_signed = self.signer.sign_text(part.text), True
            pieces = split_text(part.text) if stream else [part.text]
            for i, piece in enumerate(pieces):
                out.append(lambda piece=piece, s=(sig if i == 0 else None): [self._text(piece, s)])
        return out

    def _text(self, text: str, sig: bytes | None) -> dict:
        self.text_tokens += tokens(text)
        return text_part(text, signature=sig)

    def _image(self, part: ReplyPart) -> dict:
        if part.data is not None:
            data, mime = part.data, sniff_mime(part.data)
        else:
            assert part.render is not None
            data, mime = encode_png(part.render()), "image/png"
        self.image_tokens += self.a.image_tokens
        return image_part(data, self.signer.sign_image(data), mime)

    def usage(self) -> dict:
        a = self.a
        return usage_json(
            a.prompt_tokens,
            self.text_tokens,
            self.image_tokens,
            a.thought_tokens,
            a.prompt_image_tokens,
        )

    def final(self, parts: list[dict] | None) -> dict:
        a = self.a
        return response_json(
            model=a.model,
            response_id=a.response_id,
            parts=parts,
            finish_reason=a.finish_reason,
            usage=self.usage(),
            prompt_feedback=a.prompt_feedback,
            finish_message=a.finish_message,
            grounding_metadata=a.grounding,
        )


def plain_response(answer: Answer, signer: Signer, delay: float) -> EmulatorResponse:
    b = _Builder(answer, signer)
    parts = [p for thunk in b.thunks(stream=False) for p in thunk()]
    if answer.prompt_feedback and not parts:
        body = response_json(
            model=answer.model,
            response_id=answer.response_id,
            parts=None,
            usage=b.usage(),
            prompt_feedback=answer.prompt_feedback,
        )
    else:
        body = b.final(parts)
    return EmulatorResponse.json(200, body, delay)


def stream_response(
    answer: Answer, signer: Signer, delay: float, chunk_delay: float, sse_mode: bool,
    *, finish_alone: bool = True,
) -> EmulatorResponse:
    b = _Builder(answer, signer)
    thunks = b.thunks(stream=True)
    # Content chunks, then one chunk with only finishReason and usage: the way the Gemini
    # API commonly ends a stream (the SDK's Chat then counts the turn invalid; the app
    # must keep it anyway).
    n = len(thunks) + 1 if finish_alone or not thunks else len(thunks)
    if answer.stream_error_after is not None:
        n = min(n, max(1, answer.stream_error_after)) + 1

    def frame(obj: object, i: int) -> bytes:
        if sse_mode:
            return sse(obj)
        return (b"[" if i == 0 else b",\r\n") + dumps(obj)

    def chunks() -> Iterator[bytes]:
        a = answer
        for i in range(n):
            if a.stream_error_after is not None and i == n - 1:
                yield frame(error_json(a.stream_error_status), i)
                break
            if i == len(thunks) - 1 and not finish_alone:
                obj = b.final(thunks[i]())
            elif i < len(thunks):
                obj = response_json(model=a.model, response_id=a.response_id, parts=thunks[i]())
            elif a.prompt_feedback and not thunks:
                obj = response_json(model=a.model, response_id=a.response_id, parts=None,
                                    usage=b.usage(), prompt_feedback=a.prompt_feedback)
            else:
                obj = b.final(None)
            yield frame(obj, i)
        if not sse_mode:
            yield b"]"

    delays = [delay] + [chunk_delay] * (n - 1)
    headers = {"content-type": SSE_TYPE if sse_mode else JSON_TYPE, "cache-control": "no-cache"}
    return EmulatorResponse(200, headers, chunks(), delays, streaming=True)


def malformed_response(stream: bool, delay: float) -> EmulatorResponse:
    """A 200 whose body is cut off mid-JSON, like a proxy dropping the connection."""
    body = b'{"candidates": [{"content": {"role": "model", "parts": [{"text": "Here is'
    if stream:
        return EmulatorResponse(
            200, {"content-type": SSE_TYPE}, iter([b"data: " + body + b"\r\n\r\n"]), [delay], True
        )
    return EmulatorResponse(200, {"content-type": JSON_TYPE}, iter([body]), [delay])


_NO_CONTENT = {
    "image_safety": (
        "IMAGE_SAFETY",
        "Unable to show the generated image: it may violate the safety policy.",
    ),
    "prohibited": (
        "IMAGE_PROHIBITED_CONTENT",
        "Unable to show the generated image: it may contain prohibited content.",
    ),
}


def apply_outcome(a: Answer, f: Fault) -> None:
    """Reshape a normal answer into what the scripted fault asks for."""
    if f.kind in _NO_CONTENT:
        a.parts, a.thoughts = [], []
        a.finish_reason, a.finish_message = _NO_CONTENT[f.kind]
    elif f.kind == "prompt_block":
        a.parts, a.thoughts, a.finish_reason = [], [], None
        a.prompt_feedback = {
            "blockReason": "SAFETY",
            "safetyRatings": [
                {
                    "category": "HARM_CATEGORY_DANGEROUS_CONTENT",
                    "probability": "HIGH",
                    "blocked": True,
                }
            ],
        }
    elif f.kind == "no_image":
        text = f.message or "I can't generate an image for that request. Try rephrasing it."
        a.parts, a.finish_reason = [ReplyPart("text", text)], "NO_IMAGE"
    elif f.kind == "max_tokens":
        first = next(
            (p.text for p in a.parts if p.kind == "text"), "Here is the beginning of an answer"
        )
        words = first.split(" ")
        a.parts, a.finish_reason = (
            [ReplyPart("text", " ".join(words[: max(1, len(words) // 2)]))],
            "MAX_TOKENS",
        )
    elif f.kind == "unknown_finish":
        a.finish_reason = "SOMETHING_NEW"
    elif f.kind == "stream_error":
        a.stream_error_after = max(1, f.after_chunks)
        a.stream_error_status = f.status or 500
