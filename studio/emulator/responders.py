"""The responders that ship with the emulator: the drawing demo, echo and scripted answers."""

from __future__ import annotations

import io
import random
import threading
from collections import deque
from collections.abc import Iterable, Sequence

from PIL import Image, ImageDraw

from .intents import Settings, plan_answer, read_conversation
from .interface import ModelRequest, Reply, ReplyPart, Responder
from .palette import RGB, contrast_ink, hsv, stable_hash
from .textlayout import Block, draw_blocks
from .wire import WireError


class DrawingResponder:
    """The offline demo: reads the intent (story, recipe, edit, text, picture) and draws it."""

    def respond(self, request: ModelRequest) -> Reply:
        # No seed means a fresh one per request, so repeated asks give new pictures.
        seed = request.seed if request.seed is not None else random.SystemRandom().getrandbits(31)
        temperature = request.temperature if request.temperature is not None else 1.0
        settings = Settings(size=request.size, seed=seed, temperature=temperature)
        plan = plan_answer(read_conversation(request.contents), settings)
        return Reply(tuple(plan.parts), tuple(plan.thoughts), plan.finish_reason)


class EchoResponder:
    """Answers the latest prompt verbatim plus one image with that text drawn on it.

    Deterministic: the picture depends only on the text, the size and the seed
    (no seed counts as seed 0), so a test can predict it exactly.
    """

    def respond(self, request: ModelRequest) -> Reply:
        text = request.prompt or "(no text)"
        return Reply(
            (ReplyPart("text", text), ReplyPart("image", render=lambda: echo_image(request))),
            (f"Echoing: {text}",),
        )


def echo_image(request: ModelRequest) -> Image.Image:
    """The echo picture: the prompt in large type on a background picked from the text and seed."""
    text = request.prompt or "(no text)"
    w, h = request.size
    bg = hsv((stable_hash("echo", text, request.seed or 0) % 360) / 360, 0.45, 0.9)
    img = Image.new("RGB", request.size, bg)
    pad = min(w, h) * 0.08
    draw_blocks(ImageDraw.Draw(img), [Block(text, 0.12, True, contrast_ink(bg))], (pad, pad, w - pad, h - pad))
    return img


class NoScriptedAnswer(WireError):
    """A scripted test asked the model more often than it queued answers."""

    def __init__(self) -> None:
        super().__init__(
            500,
            "No scripted answer is queued: call ScriptedResponder.enqueue(...) "
            "once for every request the test makes.",
        )


class ScriptedResponder:
    """Answers exactly what a test queued, first in first out, and records what it was asked."""

    def __init__(self, fallback: Responder | None = None) -> None:
        self.fallback = fallback
        self.requests: list[ModelRequest] = []  # every request received, oldest first
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()

    def enqueue(
        self,
        *parts: str | Image.Image | bytes | ReplyPart,
        thoughts: Iterable[str] = (),
        finish_reason: str = "STOP",
    ) -> None:
        """Queue one answer: `str` parts are text, PIL images or encoded bytes are images."""
        reply = Reply(tuple(ReplyPart.of(p) for p in parts), tuple(thoughts), finish_reason)
        with self._lock:
            self._queue.append(reply)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def respond(self, request: ModelRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            reply = self._queue.popleft() if self._queue else None
        if reply is not None:
            return reply
        if self.fallback is not None:
            return self.fallback.respond(request)
        raise NoScriptedAnswer()


def scripted_image(colour: str | RGB = "red", size: Sequence[int] = (64, 64)) -> bytes:
    """PNG bytes of a plain `colour` picture, for queueing as a scripted answer."""
    buf = io.BytesIO()
    Image.new("RGB", (int(size[0]), int(size[1])), colour).save(buf, "PNG")
    return buf.getvalue()
