"""The result model: what one model answer is, independent of the SDK's types.

A response, or a stream of chunks, becomes an ordered list of typed parts plus
finish reason, block reason, usage, latency and model version.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PIL import Image

from studio.gemini.grounding import Grounding
from studio.gemini.reasons import finish_message

if TYPE_CHECKING:
    from google.genai import types

    from studio.gemini.errors import StudioError


@dataclass(frozen=True)
class TextPart:
    text: str


@dataclass(frozen=True)
class ThoughtPart:
    text: str


@dataclass(frozen=True)
class ImagePart:
    data: bytes = field(repr=False)
    mime: str
    width: int
    height: int

    @classmethod
    def from_bytes(cls, data: bytes, mime: str | None) -> ImagePart:
        with Image.open(io.BytesIO(data)) as img:  # reads the header only
            width, height = img.size
        return cls(data=data, mime=mime or "image/png", width=width, height=height)


Part = TextPart | ThoughtPart | ImagePart


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    output_tokens: int = 0
    thoughts_tokens: int = 0
    total_tokens: int = 0


@dataclass
class Result:
    """One answer. `error` is set when the call failed, possibly after some parts arrived."""

    model: str
    parts: list[Part] = field(default_factory=list)
    finish_reason: str | None = None
    block_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    latency_ms: float = 0.0
    model_version: str | None = None
    error: StudioError | None = None
    cost_usd: float = 0.0  # estimated, priced once when the call ends (gemini/calls.py)
    grounding: Grounding | None = None  # what Google Search grounding returned, if it ran

    @property
    def images(self) -> list[ImagePart]:
        return [p for p in self.parts if isinstance(p, ImagePart)]

    @property
    def texts(self) -> list[TextPart]:
        return [p for p in self.parts if isinstance(p, TextPart)]

    @property
    def thoughts(self) -> list[ThoughtPart]:
        return [p for p in self.parts if isinstance(p, ThoughtPart)]

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.texts)

    @property
    def message(self) -> str | None:
        """What to tell the user about how this answer ended; None when all is well."""
        if self.error is not None:
            return self.error.message
        return finish_message(self.finish_reason, self.block_reason)

    @property
    def ok(self) -> bool:
        return self.error is None and self.message is None


class ResultBuilder:
    """Folds a response or a stream of chunks into a Result, merging text pieces in order."""

    def __init__(self, model: str) -> None:
        self.result = Result(model=model)

    def add(self, response: types.GenerateContentResponse) -> bool:
        """Add one response or chunk; returns True when the visible parts changed."""
        r = self.result
        changed = False
        feedback = response.prompt_feedback
        if feedback is not None and feedback.block_reason is not None:
            r.block_reason = _enum_name(feedback.block_reason)
            changed = True
        if response.model_version:
            r.model_version = response.model_version
        if response.usage_metadata is not None:
            r.usage = _usage(response.usage_metadata)
        for candidate in (response.candidates or [])[:1]:
            if candidate.finish_reason is not None:
                r.finish_reason = _enum_name(candidate.finish_reason)
                changed = True
            if candidate.grounding_metadata is not None:
                found = Grounding.from_metadata(candidate.grounding_metadata)
                r.grounding = found if r.grounding is None else r.grounding.merged(found)
                changed = True
            for part in (candidate.content.parts or []) if candidate.content else []:
                changed = self._add_part(part) or changed
        return changed

    def _add_part(self, part: types.Part) -> bool:
        parts = self.result.parts
        if part.inline_data is not None and part.inline_data.data:
            if part.thought:  # interim drafts some models think with; not the answer
                return False
            parts.append(ImagePart.from_bytes(part.inline_data.data, part.inline_data.mime_type))
            return True
        if not part.text:
            return False
        kind = ThoughtPart if part.thought else TextPart
        if parts and type(parts[-1]) is kind:
            parts[-1] = kind(parts[-1].text + part.text)
        else:
            parts.append(kind(part.text))
        return True


def _usage(meta: types.GenerateContentResponseUsageMetadata) -> Usage:
    return Usage(
        prompt_tokens=meta.prompt_token_count or 0,
        output_tokens=meta.candidates_token_count or 0,
        thoughts_tokens=meta.thoughts_token_count or 0,
        total_tokens=meta.total_token_count or 0,
    )


def _enum_name(value: object) -> str:
    return str(getattr(value, "value", value))


def result_from_response(model: str, response: types.GenerateContentResponse) -> Result:
    builder = ResultBuilder(model)
    builder.add(response)
    return builder.result
