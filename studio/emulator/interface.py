"""The seam between the wire layer and whatever decides the model's answer.

The emulator parses, validates, signs, streams and bills; a `Responder` only
says what the model answers to one request. Swap it to script answers in a
test, the way httpx takes a transport.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from PIL import Image

from .wire import WireContent

ImageSource = Image.Image | bytes | Callable[[], Image.Image]

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"RIFF", "image/webp"),
)


def sniff_mime(data: bytes) -> str:
    """The image type of encoded bytes (PNG when unsure, as the API answers)."""
    return next((mime for magic, mime in _MAGIC if data.startswith(magic)), "image/png")


@dataclass(frozen=True)
class ReplyPart:
    """One part of an answer: text, or an image drawn lazily or given encoded."""

    kind: Literal["text", "image"]
    text: str = ""
    render: Callable[[], Image.Image] | None = None  # drawn only when its chunk is due
    data: bytes | None = None  # an image already encoded

    @classmethod
    def of(cls, item: str | ImageSource | ReplyPart) -> ReplyPart:
        """A part from text, a PIL image, encoded image bytes or a render callable."""
        if isinstance(item, ReplyPart):
            return item
        if isinstance(item, str):
            return cls("text", item)
        if isinstance(item, bytes | bytearray):
            return cls("image", data=bytes(item))
        if isinstance(item, Image.Image):
            return cls("image", render=lambda: item)
        if callable(item):
            return cls("image", render=item)
        raise TypeError(f"a reply part is text, an image or image bytes, not {type(item).__name__}")


@dataclass(frozen=True)
class Reply:
    """What the model answers: parts in order, its thoughts and how it finished."""

    parts: tuple[ReplyPart, ...] = ()
    thoughts: tuple[str, ...] = ()
    finish_reason: str = "STOP"


@dataclass(frozen=True)
class ModelRequest:
    """The read-only view of one generate request that a responder needs."""

    model: str
    contents: tuple[WireContent, ...]  # the whole conversation, as wire.py parsed it
    prompt: str  # the latest user turn's text, fault directives stripped
    images: tuple[bytes, ...]  # images attached to the latest user turn
    size: tuple[int, int]  # pixels the model draws at for this request
    seed: int | None  # the request's seed (or the emulator's default); None = pick one
    temperature: float | None
    system_instruction: str | None
    aspect_ratio: str | None
    image_size: str | None
    search: str | None = None  # the Google Search grounding asked for: "web", "web+image"


@runtime_checkable
class Responder(Protocol):
    """Decides the answer to one request; raise `WireError` to refuse it."""

    def respond(self, request: ModelRequest) -> Reply: ...
