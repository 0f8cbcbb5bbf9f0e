"""The emulator's own table of what the (fake) API accepts per model.

Kept apart from the app's catalog on purpose: the app builds requests from its
catalog and the emulator validates them against this table, so a mistake in
either one shows up as a rejected request instead of two copies agreeing.
Token figures follow the public docs where known; the rest are stated guesses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

# Output pixels at 1K per aspect ratio, and the scale of each image size.
ASPECT_RATIO_PIXELS: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "1:1": (1024, 1024),
        "2:3": (832, 1248),
        "3:2": (1248, 832),
        "3:4": (864, 1184),
        "4:3": (1184, 864),
        "4:5": (896, 1152),
        "5:4": (1152, 896),
        "9:16": (768, 1344),
        "16:9": (1344, 768),
        "21:9": (1536, 672),
        "1:4": (512, 2048),
        "4:1": (2048, 512),
        "1:8": (384, 3072),
        "8:1": (3072, 384),
    }
)
IMAGE_SIZE_SCALE: Mapping[str, float] = MappingProxyType({"512": 0.5, "1K": 1, "2K": 2, "4K": 4})

_STANDARD_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
_EXTREME_RATIOS = ("1:4", "4:1", "1:8", "8:1")


@dataclass(frozen=True)
class ModelSpec:
    """What one model accepts and how it bills."""

    id: str
    display_name: str
    thinking: bool
    aspect_ratios: tuple[str, ...]
    image_sizes: tuple[str, ...] | None  # None: the model draws at its native size only
    output_image_tokens: Mapping[str, int] = field(hash=False)  # per image, by size ("1K" native)
    input_image_tokens: int  # billed per image sent in the request
    input_token_limit: int
    output_token_limit: int
    grounding: str = "none"  # Google Search grounding it takes: "none", "web" or "web+image"

    def __post_init__(self) -> None:
        # A read-only copy, so a table shared between emulators cannot be changed through one.
        object.__setattr__(self, "output_image_tokens", MappingProxyType(dict(self.output_image_tokens)))

    @property
    def verifies_signatures(self) -> bool:
        """Thinking models reject history whose thought signatures were dropped."""
        return self.thinking

    def image_tokens(self, size: str | None) -> int:
        return self.output_image_tokens.get(size or "1K") or next(
            iter(self.output_image_tokens.values()), 1290
        )


_DEFAULT_SPECS = (
    ModelSpec(
        id="gemini-2.5-flash-image",
        display_name="Gemini 2.5 Flash Image",
        thinking=False,
        aspect_ratios=_STANDARD_RATIOS,
        image_sizes=None,
        output_image_tokens={"1K": 1290},
        input_image_tokens=258,
        input_token_limit=32_768,
        output_token_limit=32_768,
    ),
    ModelSpec(
        id="gemini-3-pro-image",
        display_name="Gemini 3 Pro Image",
        thinking=True,
        aspect_ratios=_STANDARD_RATIOS,
        image_sizes=("1K", "2K", "4K"),
        output_image_tokens={"1K": 1120, "2K": 1120, "4K": 2000},
        input_image_tokens=560,
        input_token_limit=65_536,
        output_token_limit=32_768,
        grounding="web",
    ),
    ModelSpec(
        id="gemini-3.1-flash-image",
        display_name="Gemini 3.1 Flash Image",
        thinking=True,
        aspect_ratios=_STANDARD_RATIOS + _EXTREME_RATIOS,
        image_sizes=("512", "1K", "2K", "4K"),
        output_image_tokens={"512": 747, "1K": 1120, "2K": 1680, "4K": 2520},
        input_image_tokens=560,  # assumed: the same media resolution as 3 Pro Image
        input_token_limit=65_536,
        output_token_limit=32_768,
        grounding="web+image",
    ),
    ModelSpec(
        id="gemini-3.1-flash-lite-image",
        display_name="Gemini 3.1 Flash Lite Image",
        thinking=False,
        aspect_ratios=_STANDARD_RATIOS,
        image_sizes=("1K",),
        output_image_tokens={"1K": 1290},  # assumed, like 2.5 Flash Image
        input_image_tokens=258,
        input_token_limit=32_768,
        output_token_limit=32_768,
    ),
)

DEFAULT_MODELS: Mapping[str, ModelSpec] = MappingProxyType({s.id: s for s in _DEFAULT_SPECS})


def permissive_spec(model_id: str) -> ModelSpec:
    """Ids the table has never seen still work: any ratio, native size, no signatures, any
    search."""
    return ModelSpec(
        id=model_id,
        display_name=model_id,
        thinking=False,
        aspect_ratios=tuple(ASPECT_RATIO_PIXELS),
        image_sizes=None,
        output_image_tokens={"1K": 1290},
        input_image_tokens=258,
        input_token_limit=1_048_576,
        output_token_limit=65_536,
        grounding="web+image",
    )


def spec_for(models: Mapping[str, ModelSpec], model_id: str) -> ModelSpec:
    """The spec for `model_id`; a dated or preview variant inherits its family's."""
    if model_id in models:
        return models[model_id]
    for family_id, spec in models.items():
        if model_id.startswith(family_id + "-"):
            suffix = model_id.removeprefix(family_id + "-")
            return replace(spec, id=model_id, display_name=f"{spec.display_name} ({suffix})")
    return permissive_spec(model_id)


def pixels(aspect_ratio: str | None, image_size: str | None) -> tuple[int, int]:
    """Output pixel size for an aspect ratio and image size, as the API documents."""
    w, h = ASPECT_RATIO_PIXELS.get(aspect_ratio or "1:1", (1024, 1024))
    scale = IMAGE_SIZE_SCALE.get(image_size or "1K", 1.0)
    return int(w * scale), int(h * scale)
