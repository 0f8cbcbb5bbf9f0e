"""The model catalog: which image models exist and what each one supports.

Model ids live only in `models.json`; everything else asks this module.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

CATALOG_PATH = Path(__file__).with_name("models.json")
SHUTDOWN_WARNING_DAYS = 30  # a model this close to its shutdown date is flagged
GROUNDING = {"none": "no grounding", "web": "Google Search grounding",
             "web+image": "Google Search and image-search grounding"}
# What a request may ask for: no search, web search, or web and image search.
GROUNDING_OFF, GROUNDING_WEB, GROUNDING_WEB_IMAGE = "off", "web", "web+image"


@dataclass(frozen=True)
class Price:
    input_per_mtok: float = 0.0
    output_text_per_mtok: float = 0.0
    output_image_per_mtok: float = 0.0
    image_tokens: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelInfo:
    id: str
    label: str
    aspect_ratios: tuple[str, ...]
    image_sizes: tuple[str, ...]
    max_reference_images: int
    thinking: bool
    price: Price
    known: bool = True  # False for ids the catalog has never seen (live list or typed in)
    input_token_limit: int = 32_768  # the most a request may carry, images included
    input_image_tokens: int = 258  # billed per image sent in a request
    description: str = ""
    grounding: str = "none"  # "none", "web" or "web+image"
    thinking_levels: tuple[str, ...] = ()  # the SDK's ThinkingLevel names, lower case
    shutdown: date | None = None
    price_note: str = ""  # says when a price is an estimate

    @property
    def supports_image_size(self) -> bool:
        return bool(self.image_sizes)

    @property
    def grounding_modes(self) -> tuple[str, ...]:
        """The grounding a request to this model may ask for, "off" first; () when none."""
        if self.grounding == "web":
            return (GROUNDING_OFF, GROUNDING_WEB)
        if self.grounding == "web+image":
            return (GROUNDING_OFF, GROUNDING_WEB, GROUNDING_WEB_IMAGE)
        return ()

    def grounding_for(self, wanted: str | None) -> str:
        """The grounding a request asks for: `wanted` where this model has it, the web alone
        when it lacks image search, else off."""
        modes = self.grounding_modes
        if wanted in modes:
            return str(wanted)
        if wanted == GROUNDING_WEB_IMAGE and GROUNDING_WEB in modes:
            return GROUNDING_WEB
        return GROUNDING_OFF

    def price_per_image(self, image_size: str | None = None) -> float:
        """USD for one output image at `image_size` (its native size when it has none)."""
        per_image = self.price.image_tokens.get(image_size or "1K", 0)
        return self.estimate_cost(0, per_image, 1, image_size)

    def price_line(self) -> str:
        """"$0.039/image", or one price per size: "$0.045–0.151/image (512–4K)"."""
        sizes = list(self.image_sizes) or [None]
        prices = [self.price_per_image(s) for s in sizes]
        estimate = " (estimate)" if self.price_note else ""
        if len(set(prices)) == 1:
            return f"${prices[0]:.3f}/image{estimate}"
        return (f"${min(prices):.3f}–{max(prices):.3f}/image ({sizes[0]}–{sizes[-1]})"
                f"{estimate}")

    def shutdown_notice(self, today: date) -> str | None:
        """Past or within SHUTDOWN_WARNING_DAYS of its shutdown: say so; otherwise None."""
        if self.shutdown is None:
            return None
        days = (self.shutdown - today).days
        if days < 0:
            return f"Shut down on {self.shutdown:%d %B %Y}: requests to it fail."
        if days <= SHUTDOWN_WARNING_DAYS:
            return (f"Shuts down on {self.shutdown:%d %B %Y}, in {days} day(s): "
                    "move to another model.")
        return None

    def estimate_cost(
        self, prompt_tokens: int, output_tokens: int, images: int, image_size: str | None
    ) -> float:
        """USD estimate: images at their per-size token count, the rest as text."""
        size = image_size if image_size in self.price.image_tokens else "1K"
        per_image = self.price.image_tokens.get(size, 0)
        image_tokens = min(output_tokens, per_image * images)
        text_tokens = max(0, output_tokens - image_tokens)
        return (
            prompt_tokens * self.price.input_per_mtok
            + text_tokens * self.price.output_text_per_mtok
            + image_tokens * self.price.output_image_per_mtok
        ) / 1_000_000


@dataclass(frozen=True)
class Catalog:
    models: tuple[ModelInfo, ...]
    default_model: str
    aspect_ratio_pixels: dict[str, tuple[int, int]]
    image_size_scale: dict[str, float]

    def ids(self) -> list[str]:
        return [m.id for m in self.models]

    def get(self, model_id: str) -> ModelInfo:
        """The entry for `model_id`; unknown ids get a permissive generic entry."""
        for m in self.models:
            if m.id == model_id or model_id.startswith(m.id + "-"):
                return m if m.id == model_id else _renamed(m, model_id)
        return self._generic(model_id)

    def _generic(self, model_id: str) -> ModelInfo:
        base = self.get(self.default_model) if model_id != self.default_model else self.models[0]
        return ModelInfo(
            id=model_id,
            label=f"{model_id} (not in catalog)",
            aspect_ratios=base.aspect_ratios,
            image_sizes=(),
            max_reference_images=base.max_reference_images,
            thinking=False,
            price=base.price,
            known=False,
            input_token_limit=base.input_token_limit,
            input_image_tokens=base.input_image_tokens,
            description="Not in the catalog: its abilities are unknown, so only the common "
                        "settings are sent, and its price is a guess.",
            price_note="guess: priced as the default model",
        )

    def pixels(self, aspect_ratio: str | None, image_size: str | None) -> tuple[int, int]:
        """Output pixel size for an aspect ratio and image size, as the API documents."""
        w, h = self.aspect_ratio_pixels.get(aspect_ratio or "1:1", (1024, 1024))
        scale = self.image_size_scale.get(image_size or "1K", 1.0)
        return int(w * scale), int(h * scale)

    def merged_with(self, live_ids: Iterable[str]) -> Catalog:
        """Add ids from the live model list that look like image models and are not listed."""
        known = set(self.ids())
        extra = [
            self.get(i)
            for i in sorted(set(live_ids))
            if "image" in i and i not in known
        ]
        return Catalog(
            models=self.models + tuple(extra),
            default_model=self.default_model,
            aspect_ratio_pixels=self.aspect_ratio_pixels,
            image_size_scale=self.image_size_scale,
        )


def _renamed(m: ModelInfo, model_id: str) -> ModelInfo:
    """A dated or preview variant (`<id>-preview-06-05`) inherits its family's abilities."""
    return replace(m, id=model_id, label=f"{m.label} ({model_id.removeprefix(m.id + '-')})")


def parse_catalog(data: dict) -> Catalog:
    models = tuple(
        ModelInfo(
            id=m["id"],
            label=m.get("label", m["id"]),
            aspect_ratios=tuple(m.get("aspect_ratios", ["1:1"])),
            image_sizes=tuple(m.get("image_sizes", [])),
            max_reference_images=int(m.get("max_reference_images", 3)),
            thinking=bool(m.get("thinking", False)),
            price=Price(**m.get("price", {})),
            input_token_limit=int(m.get("input_token_limit", 32_768)),
            input_image_tokens=int(m.get("input_image_tokens", 258)),
            description=m.get("description", ""),
            grounding=_grounding(m.get("grounding", "none"), m["id"]),
            thinking_levels=tuple(m.get("thinking_levels", [])),
            shutdown=date.fromisoformat(m["shutdown"]) if m.get("shutdown") else None,
            price_note=m.get("price_note", ""),
        )
        for m in data["models"]
    )
    return Catalog(
        models=models,
        default_model=data.get("default_model", models[0].id),
        aspect_ratio_pixels={k: (v[0], v[1]) for k, v in data["aspect_ratio_pixels"].items()},
        image_size_scale=dict(data["image_size_scale"]),
    )


def closest_ratio(wanted: str | None, offered: Iterable[str]) -> str:
    """The offered aspect ratio nearest in shape to `wanted` (on a log scale: 8:1 is as far
    from 1:1 as 1:8 is)."""
    options = list(offered)
    if wanted in options or not options:
        return wanted or "1:1"

    def shape(ratio: str) -> float:
        w, _, h = ratio.partition(":")
        try:
            return math.log(float(w) / float(h))
        except (ValueError, ZeroDivisionError):
            return 0.0

    target = shape(wanted or "1:1")
    return min(options, key=lambda r: abs(shape(r) - target))


def _grounding(value: str, model_id: str) -> str:
    if value not in GROUNDING:
        raise ValueError(f"{model_id}: grounding must be one of {sorted(GROUNDING)}, not {value!r}")
    return value


@lru_cache(maxsize=1)
def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    return parse_catalog(json.loads(path.read_text()))
