"""Generation settings: one frozen record, one serializer, used from request to export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

MAX_VARIANTS = 4

# What a record carries: everything that shaped the image. The timeout is how long the app
# waited, not how the image was made, and the variant count belongs to the batch.
_RECORDED = ("model", "aspect_ratio", "image_size", "temperature", "seed", "include_thoughts",
             "thinking_level", "grounding")


@dataclass(frozen=True)
class GenerationSettings:
    """What the sidebar sets for every page."""

    model: str
    aspect_ratio: str | None = "1:1"
    image_size: str | None = None
    variants: int = 1
    temperature: float | None = None
    seed: int | None = None
    include_thoughts: bool = True
    timeout_s: float = 120.0
    thinking_level: str | None = None  # a ThinkingLevel name the model takes; None = its default
    grounding: str = "off"  # Google Search grounding: "off", "web" or "web+image"

    def for_variant(self, index: int) -> GenerationSettings:
        """Variant i differs by seed, so parallel calls do not return the same image."""
        if index == 0:
            return self
        seed = (self.seed if self.seed is not None else 0) + 1000 * index
        return replace(self, seed=seed)

    def to_record(self) -> dict[str, Any]:
        """The JSON form kept with every image and conversation (never holds a secret)."""
        return {name: getattr(self, name) for name in _RECORDED}

    @classmethod
    def from_record(cls, record: Mapping[str, Any], **overrides: Any) -> GenerationSettings:
        """Read a record back; unknown keys (page inputs kept beside it) are ignored."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in record.items() if k in names}
        values.update(overrides)
        return cls(**values)
