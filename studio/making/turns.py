"""A turn as pages show it and the conversation store keeps it: typed parts, typed facts.

A turn's parts are the answer's own `TextPart`s and `ThoughtPart`s, with each image
replaced by an `ImageRef` to the gallery item that keeps it. The JSON form is made here
and only here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from studio.gemini.results import ImagePart, Result, TextPart, ThoughtPart
from studio.gemini.settings import GenerationSettings


@dataclass(frozen=True)
class ImageRef:
    """An image of an answer, by the gallery item that keeps it."""

    item_id: str


TurnPart = TextPart | ThoughtPart | ImageRef
_KINDS: dict[str, type[TextPart] | type[ThoughtPart]] = {"text": TextPart, "thought": ThoughtPart}


@dataclass(frozen=True)
class AnswerFacts:
    """What the line under an answer says: model, engine, time, tokens, cost, ending."""

    model: str = ""
    engine: str = "offline"
    latency_ms: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cost_usd: float | None = None
    finish_reason: str | None = None
    error_kind: str | None = None

    @classmethod
    def of(cls, result: Result, settings: GenerationSettings, engine: str) -> AnswerFacts:
        return cls(
            model=result.model_version or settings.model,
            engine=engine,
            latency_ms=round(result.latency_ms),
            prompt_tokens=result.usage.prompt_tokens,
            output_tokens=result.usage.output_tokens,
            total_tokens=result.usage.total_tokens,
            cost_usd=round(result.cost_usd, 6),
            finish_reason=result.finish_reason,
            error_kind=result.error.kind if result.error else None,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> AnswerFacts | None:
        if not data:
            return None
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Turn:
    """One exchange; `history_len` is how much of the chat's history it leaves behind."""

    instruction: str
    parts: list[TurnPart] = field(default_factory=list)
    message: str | None = None
    facts: AnswerFacts | None = None
    history_len: int = 0
    attachments: list[str] = field(default_factory=list)
    note: str | None = None  # what the request left out to stay within the limits
    prompt: str | None = None  # the text sent, when the page built it from the instruction
    grounding: dict[str, Any] = field(default_factory=dict)  # Grounding.to_record(), or {}

    @property
    def image_ids(self) -> list[str]:
        return [p.item_id for p in self.parts if isinstance(p, ImageRef)]

    @property
    def texts(self) -> list[str]:
        return [p.text for p in self.parts if isinstance(p, TextPart)]

    @property
    def thoughts(self) -> list[str]:
        return [p.text for p in self.parts if isinstance(p, ThoughtPart)]

    def sections(self) -> Iterator[tuple[list[str], str | None]]:
        """(texts, image id) pairs: a scene or a step each; trailing text has no image."""
        texts: list[str] = []
        for part in self.parts:
            if isinstance(part, TextPart):
                texts.append(part.text)
            elif isinstance(part, ImageRef):
                yield texts, part.item_id
                texts = []
        if texts:
            yield texts, None

    def to_json(self) -> dict[str, Any]:
        return {
            "instruction": self.instruction,
            "parts": [_part_json(p) for p in self.parts],
            "message": self.message,
            "meta": asdict(self.facts) if self.facts else {},
            "history_len": self.history_len,
            "attachments": list(self.attachments),
            "note": self.note,
            "prompt": self.prompt,
            "grounding": dict(self.grounding),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Turn:
        return cls(
            instruction=str(data.get("instruction", "")),
            parts=[p for p in map(_part_from_json, data.get("parts") or []) if p is not None],
            message=data.get("message"),
            facts=AnswerFacts.from_json(data.get("meta")),
            history_len=int(data.get("history_len") or 0),
            attachments=[str(a) for a in data.get("attachments") or []],
            note=data.get("note"),
            prompt=data.get("prompt"),
            grounding=dict(data["grounding"]) if isinstance(data.get("grounding"), dict) else {},
        )


def turn_parts(result: Result, item_ids: Iterable[str]) -> list[TurnPart]:
    """The answer's parts in order, each image swapped for the item that keeps it."""
    ids = iter(item_ids)
    parts: list[TurnPart] = []
    for part in result.parts:
        if isinstance(part, ImagePart):
            item_id = next(ids, None)
            if item_id is not None:
                parts.append(ImageRef(item_id))
        else:
            parts.append(part)
    return parts


def _part_json(part: TurnPart) -> dict[str, str]:
    if isinstance(part, ImageRef):
        return {"kind": "image", "item_id": part.item_id}
    return {"kind": "thought" if isinstance(part, ThoughtPart) else "text", "text": part.text}


def _part_from_json(data: dict[str, Any]) -> TurnPart | None:
    kind = data.get("kind")
    if kind == "image" and data.get("item_id"):
        return ImageRef(str(data["item_id"]))
    maker = _KINDS.get(str(kind))
    return maker(str(data.get("text", ""))) if maker else None
